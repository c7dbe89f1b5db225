#include "accounts/AccountStore.h"

#include "core/Clock.h"
#include "redis/RedisClient.h"

#include <QRandomGenerator>

#include <memory>

namespace mmf {

namespace {

const char kCreateScript[] = R"lua(
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
redis.call('HSET', KEYS[2], 'login', ARGV[2], 'password', ARGV[3], 'created_at', ARGV[4])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[6])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[5])
redis.call('SADD', KEYS[5], ARGV[5])
return 1
)lua";

// KEYS: members, userprojects, projects; ARGV: user id, methods, now, project
const char kJoinScript[] = R"lua(
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[4])
redis.call('SADD', KEYS[3], ARGV[4])
return 1
)lua";

Error redisError(const RedisReply& reply)
{
    return Error::unavailable(QStringLiteral("accounts: Redis: %1").arg(reply.toString()));
}

QByteArray newUserId()
{
    quint32 words[3];
    QRandomGenerator::system()->fillRange(words);
    return "u" + QByteArray(reinterpret_cast<const char*>(words), sizeof words).toHex();
}

QByteArray joinMethods(const QList<QByteArray>& methods)
{
    QByteArray out;
    for (const QByteArray& method : methods) {
        if (!out.isEmpty())
            out += ',';
        out += method;
    }
    return out;
}

} // namespace

AccountStore::AccountStore(RedisClient& redis, const Clock& clock)
    : m_redis(redis)
    , m_clock(clock)
    , m_createScript(kCreateScript)
    , m_joinScript(kJoinScript)
{}

QByteArray AccountStore::loginKey(QByteArrayView login)
{
    return "mmf:login:" + login.toByteArray().toLower();
}

QByteArray AccountStore::accountKey(QByteArrayView userId)
{
    return "mmf:account:" + userId.toByteArray();
}

QByteArray AccountStore::membersKey(QByteArrayView project)
{
    return "mmf:members:" + project.toByteArray();
}

QByteArray AccountStore::userProjectsKey(QByteArrayView userId)
{
    return "mmf:userprojects:" + userId.toByteArray();
}

QByteArray AccountStore::projectsKey()
{
    return QByteArrayLiteral("mmf:projects");
}

QByteArray AccountStore::superusersKey()
{
    return QByteArrayLiteral("mmf:superusers");
}

QList<QByteArray> AccountStore::splitMethods(QByteArrayView csv)
{
    QList<QByteArray> out;
    for (const QByteArray& method : csv.toByteArray().split(','))
        if (!method.isEmpty())
            out.append(method);
    return out;
}

void AccountStore::create(const QByteArray& login, const QByteArray& passwordHash, const QByteArray& project,
                          const QList<QByteArray>& methods, std::function<void(Result<QByteArray>)> done)
{
    const QByteArray userId = newUserId();
    m_redis.eval(
        m_createScript,
        {loginKey(login), accountKey(userId), membersKey(project), userProjectsKey(userId), projectsKey()},
        {userId, login, passwordHash, QByteArray::number(m_clock.nowMs()), project, joinMethods(methods)},
        [userId, login, done = std::move(done)](const RedisReply& reply) {
            if (reply.isError())
                return done(redisError(reply));
            if (reply.integer() != 1)
                return done(
                    Error::conflict(QStringLiteral("login '%1' is taken").arg(QString::fromUtf8(login))));
            done(userId);
        });
}

void AccountStore::findByLogin(const QByteArray& login,
                               std::function<void(Result<std::optional<Account>>)> done)
{
    m_redis.command(
        {"GET", loginKey(login)}, [this, done = std::move(done)](const RedisReply& reply) mutable {
            if (reply.isError())
                return done(redisError(reply));
            if (reply.isNil())
                return done(std::optional<Account>());
            const QByteArray userId = reply.toByteArray();
            m_redis.command({"HMGET", accountKey(userId), "login", "password"},
                            [userId, done = std::move(done)](const RedisReply& fields) {
                                if (fields.isError())
                                    return done(redisError(fields));
                                if (fields.size() != 2 || fields.at(1).isNil())
                                    return done(std::optional<Account>());
                                done(std::optional<Account>(
                                    Account{userId, fields.at(0).toByteArray(), fields.at(1).toByteArray()}));
                            });
        });
}

void AccountStore::membership(const QByteArray& userId, const QByteArray& project,
                              std::function<void(Result<std::optional<Member>>)> done)
{
    auto lookup = [this, userId](const QByteArray& chosen,
                                 std::function<void(Result<std::optional<Member>>)> done) {
        m_redis.command({"HGET", membersKey(chosen), userId},
                        [this, userId, chosen, done = std::move(done)](const RedisReply& reply) {
                            if (reply.isError())
                                return done(redisError(reply));
                            if (reply.isNil())
                                return done(std::optional<Member>());
                            Member member{userId, {}, chosen, splitMethods(reply.view())};
                            m_redis.command({"SISMEMBER", superusersKey(), userId},
                                            [member, done = std::move(done)](const RedisReply& flag) mutable {
                                                if (flag.isError())
                                                    return done(redisError(flag));
                                                member.superuser = flag.integer() == 1;
                                                done(std::optional<Member>(member));
                                            });
                        });
    };
    if (!project.isEmpty())
        return lookup(project, std::move(done));
    m_redis.command({"ZRANGE", userProjectsKey(userId), "0", "0"},
                    [lookup, done = std::move(done)](const RedisReply& reply) mutable {
                        if (reply.isError())
                            return done(redisError(reply));
                        if (reply.size() < 1)
                            return done(std::optional<Member>());
                        lookup(reply.at(0).toByteArray(), std::move(done));
                    });
}

void AccountStore::makeSuperuser(const QByteArray& userId, std::function<void(Result<void>)> done)
{
    m_redis.command({"SADD", superusersKey(), userId}, [done = std::move(done)](const RedisReply& reply) {
        if (reply.isError())
            return done(redisError(reply));
        done(Result<void>());
    });
}

void AccountStore::membershipsOf(const QByteArray& userId, std::function<void(Result<QList<Member>>)> done)
{
    m_redis.command({"ZRANGE", userProjectsKey(userId), "0", "-1"}, [this, userId, done = std::move(done)](
                                                                        const RedisReply& reply) mutable {
        if (reply.isError())
            return done(redisError(reply));
        if (reply.size() == 0)
            return done(QList<Member>());
        auto members = std::make_shared<QList<Member>>();
        auto remaining = std::make_shared<qsizetype>(reply.size());
        auto failed = std::make_shared<bool>(false);
        auto shared = std::make_shared<std::function<void(Result<QList<Member>>)>>(std::move(done));
        for (qsizetype i = 0; i < reply.size(); ++i)
            members->append(Member{userId, {}, reply.at(i).toByteArray(), {}});
        for (qsizetype i = 0; i < members->size(); ++i) {
            m_redis.command({"HGET", membersKey(members->at(i).project), userId},
                            [members, remaining, failed, shared, i](const RedisReply& methods) {
                                if (methods.isError() && !*failed) {
                                    *failed = true;
                                    (*shared)(redisError(methods));
                                }
                                if (!methods.isError())
                                    (*members)[i].methods = splitMethods(methods.view());
                                if (--*remaining == 0 && !*failed) {
                                    QList<Member> out;
                                    for (const Member& m : *members)
                                        if (!m.methods.isEmpty())
                                            out.append(m);
                                    (*shared)(out);
                                }
                            });
        }
    });
}

void AccountStore::projects(std::function<void(Result<QList<QByteArray>>)> done)
{
    m_redis.command({"SMEMBERS", projectsKey()}, [done = std::move(done)](const RedisReply& reply) {
        if (reply.isError())
            return done(redisError(reply));
        QList<QByteArray> out;
        for (qsizetype i = 0; i < reply.size(); ++i)
            out.append(reply.at(i).toByteArray());
        std::sort(out.begin(), out.end());
        done(out);
    });
}

void AccountStore::members(const QByteArray& project, std::function<void(Result<QList<Member>>)> done)
{
    m_redis.command({"HGETALL", membersKey(project)}, [this, project, done = std::move(done)](
                                                          const RedisReply& reply) mutable {
        if (reply.isError())
            return done(redisError(reply));
        auto members = std::make_shared<QList<Member>>();
        for (qsizetype i = 0; i + 1 < reply.size(); i += 2)
            members->append(
                Member{reply.at(i).toByteArray(), {}, project, splitMethods(reply.at(i + 1).view())});
        if (members->isEmpty())
            return done(QList<Member>());
        std::vector<QByteArray> args{"EVAL",
                                     "local out = {} for i, k in ipairs(KEYS) do "
                                     "out[i] = redis.call('HGET', k, 'login') or '' end "
                                     "return out",
                                     QByteArray::number(members->size())};
        for (const Member& m : *members)
            args.push_back(accountKey(m.userId));
        m_redis.command(args, [members, done = std::move(done)](const RedisReply& logins) {
            if (logins.isError())
                return done(redisError(logins));
            for (qsizetype i = 0; i < members->size() && i < logins.size(); ++i)
                (*members)[i].login = logins.at(i).toByteArray();
            std::sort(members->begin(), members->end(),
                      [](const Member& a, const Member& b) { return a.login < b.login; });
            done(*members);
        });
    });
}

void AccountStore::setMembership(const QByteArray& login, const QByteArray& project,
                                 const QList<QByteArray>& methods, std::function<void(Result<Member>)> done)
{
    findByLogin(
        login, [this, project, methods, done = std::move(done)](Result<std::optional<Account>> found) {
            if (!found)
                return done(found.error());
            if (!*found)
                return done(Error::notFound(QStringLiteral("no user with that login")));
            const Account account = **found;
            m_redis.eval(m_joinScript, {membersKey(project), userProjectsKey(account.userId), projectsKey()},
                         {account.userId, joinMethods(methods), QByteArray::number(m_clock.nowMs()), project},
                         [account, project, methods, done](const RedisReply& reply) {
                             if (reply.isError())
                                 return done(redisError(reply));
                             done(Member{account.userId, account.login, project, methods});
                         });
        });
}

void AccountStore::removeMembership(const QByteArray& login, const QByteArray& project,
                                    std::function<void(Result<void>)> done)
{
    findByLogin(login, [this, project, done = std::move(done)](Result<std::optional<Account>> found) {
        if (!found)
            return done(found.error());
        if (!*found)
            return done(Error::notFound(QStringLiteral("no user with that login")));
        const QByteArray userId = (*found)->userId;
        m_redis.command(
            {"HDEL", membersKey(project), userId}, [this, userId, project, done](const RedisReply& reply) {
                if (reply.isError())
                    return done(redisError(reply));
                if (reply.integer() == 0)
                    return done(Error::notFound(QStringLiteral("that user is not a member of the project")));
                m_redis.command({"ZREM", userProjectsKey(userId), project});
                done(Result<void>());
            });
    });
}

void AccountStore::ensureProject(const QByteArray& project)
{
    m_redis.command({"SADD", projectsKey(), project});
}

} // namespace mmf
