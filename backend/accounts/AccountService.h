#pragma once

#include "accounts/AccountSettings.h"
#include "accounts/AccountStore.h"
#include "accounts/LoginThrottle.h"
#include "accounts/SessionStore.h"
#include "core/Result.h"

#include <QByteArray>
#include <QObject>
#include <QThreadPool>

#include <functional>
#include <mutex>

namespace mmf {

class Clock;
class IPasswordHasher;
class RedisClient;
class SigningKey;

// Sign-up, sign-in and refresh. Password hashing runs on small thread pools of their own (never on the event
// loop, never on the global pool): one for sign-ins, another for sign-ups, so a flood of sign-ups cannot
// starve sign-ins; answers come back on the owner's thread. An unknown login is checked against a dummy
// hash, so it costs what a wrong password costs and gets the same 401.
class AccountService : public QObject
{
    Q_OBJECT
public:
    AccountService(RedisClient& redis, const IPasswordHasher& hasher, const SigningKey& signingKey,
                   const Clock& clock, AccountSettings settings, QObject* parent = nullptr);
    ~AccountService() override;

    // 201 material: the new user's id. invalid_argument (login/password policy), conflict (login taken),
    // rate_limited (too many sign-ups from that address, or too many hashing at once).
    void registerUser(const QByteArray& login, const QByteArray& password, const QByteArray& clientAddress,
                      std::function<void(Result<QByteArray>)> done);
    // The login answer as JSON {access_token, refresh_token, token_type, expires_at, ...}. unauthenticated
    // for an unknown login or a wrong password (the same message), rate_limited after repeated failures,
    // permission_denied when the user is not a member of the project asked for.
    void login(const QByteArray& login, const QByteArray& password, const QByteArray& project,
               const QByteArray& clientAddress, std::function<void(Result<QByteArray>)> done);
    // A new pair for a refresh token (see SessionStore for reuse and retries). unauthenticated otherwise.
    void refresh(const QByteArray& refreshToken, std::function<void(Result<QByteArray>)> done);
    // Sign-out: the session of that refresh token ends (its access tokens live out their short life).
    // Unknown or already-ended sessions are not an error; a replaced refresh token is (unauthenticated).
    void logout(const QByteArray& refreshToken, std::function<void(Result<void>)> done);
    // The operator's first admin: a superuser (admin in every project), member of the default project with
    // every method.
    void createAdmin(const QByteArray& login, const QByteArray& password,
                     std::function<void(Result<QByteArray>)> done);
    // `mmf-server admin promote`: an existing user becomes a superuser (for admins made before superusers
    // existed). The user id, or not_found.
    void promoteToSuperuser(const QByteArray& login, std::function<void(Result<QByteArray>)> done);

    AccountStore& store() { return m_store; }
    const AccountSettings& settings() const { return m_settings; }

private:
    // A hashing pool and how many of its jobs wait or run; over `maxWaiting`, rate_limited.
    struct HashPool
    {
        QThreadPool threads;
        int waiting = 0;
        int maxWaiting = 0;
        QString busyMessage;
    };
    // Runs `work` on `pool` and `then` on this object's thread; rate_limited when too many wait.
    void offload(HashPool& pool, std::function<QByteArray()> work,
                 std::function<void(Result<QByteArray>)> then);
    const QByteArray& dummyHash();
    void createUser(const QByteArray& login, const QByteArray& password, const QByteArray& project,
                    const QList<QByteArray>& methods, std::function<void(Result<QByteArray>)> done);
    void issuePair(const AccountStore::Member& member, std::function<void(Result<QByteArray>)> done);
    QByteArray accessToken(const AccountStore::Member& member, qint64 nowSecs) const;
    QByteArray pairJson(const AccountStore::Member& member, const QByteArray& refreshToken) const;

    RedisClient& m_redis;
    const IPasswordHasher& m_hasher;
    const SigningKey& m_signingKey;
    const Clock& m_clock;
    AccountSettings m_settings;
    AccountStore m_store;
    SessionStore m_sessions;
    LoginThrottle m_throttle;
    std::once_flag m_dummyOnce;
    QByteArray m_dummyHash;
    // Last: destroyed (and waited for) first.
    HashPool m_signUpPool;
    HashPool m_signInPool;
};

} // namespace mmf
