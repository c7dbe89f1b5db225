#pragma once

#include "core/Result.h"
#include "redis/RedisScript.h"

#include <QByteArray>
#include <QList>

#include <functional>
#include <optional>

namespace mmf {

class Clock;
class RedisClient;

// Users, projects and memberships in Redis (global keys, written by servers only):
//   mmf:login:<lower-case login> → user id        mmf:account:<user id> hash: login, password, created_at
//   mmf:members:<project> hash: user id → "m1,m2" mmf:userprojects:<user id> zset: project by join time
//   mmf:projects set of project names             mmf:superusers set of user ids (server-wide admins)
// Every call is asynchronous; Redis failures come back as unavailable.
class AccountStore
{
public:
    struct Account
    {
        QByteArray userId;
        QByteArray login;
        QByteArray passwordHash;
    };
    struct Member
    {
        QByteArray userId;
        QByteArray login;
        QByteArray project;
        QList<QByteArray> methods;
        bool superuser = false; // admin in every project (mmf-server admin create)
    };

    AccountStore(RedisClient& redis, const Clock& clock);

    // A new user, member of `project` with `methods`. conflict when the login is taken (in any case).
    void create(const QByteArray& login, const QByteArray& passwordHash, const QByteArray& project,
                const QList<QByteArray>& methods, std::function<void(Result<QByteArray>)> done);
    // std::nullopt for an unknown login.
    void findByLogin(const QByteArray& login, std::function<void(Result<std::optional<Account>>)> done);
    // Makes an existing user a superuser.
    void makeSuperuser(const QByteArray& userId, std::function<void(Result<void>)> done);
    // The user's membership of `project` (empty: the first project they joined), with whether the user is a
    // superuser; nullopt when none.
    void membership(const QByteArray& userId, const QByteArray& project,
                    std::function<void(Result<std::optional<Member>>)> done);
    // Every project the user belongs to, in joining order, with their methods.
    void membershipsOf(const QByteArray& userId, std::function<void(Result<QList<Member>>)> done);
    void projects(std::function<void(Result<QList<QByteArray>>)> done);
    // The members of a project with their logins.
    void members(const QByteArray& project, std::function<void(Result<QList<Member>>)> done);
    // Adds or changes a membership (creating the project); not_found for an unknown login.
    void setMembership(const QByteArray& login, const QByteArray& project, const QList<QByteArray>& methods,
                       std::function<void(Result<Member>)> done);
    // not_found when the login is unknown or not a member.
    void removeMembership(const QByteArray& login, const QByteArray& project,
                          std::function<void(Result<void>)> done);
    // Makes sure a project exists (the default one at start).
    void ensureProject(const QByteArray& project);

    static QByteArray loginKey(QByteArrayView login);
    static QByteArray accountKey(QByteArrayView userId);
    static QByteArray membersKey(QByteArrayView project);
    static QByteArray userProjectsKey(QByteArrayView userId);
    static QByteArray projectsKey();
    static QByteArray superusersKey();
    static QList<QByteArray> splitMethods(QByteArrayView csv);

private:
    RedisClient& m_redis;
    const Clock& m_clock;
    RedisScript m_createScript;
    RedisScript m_joinScript;
};

} // namespace mmf
