#include "accounts/AccountService.h"

#include "accounts/AccountPolicy.h"
#include "accounts/PasswordHasher.h"
#include "auth/TokenCodec.h"
#include "core/Clock.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace mmf {

namespace {

// Sign-ins keep two threads and a queue of 64 to themselves; sign-ups share one thread and a short queue (a
// per-address cap in LoginThrottle keeps one client from filling it for long).
constexpr int kSignInThreads = 2;
constexpr int kMaxWaitingSignIns = 64;
constexpr int kSignUpThreads = 1;
constexpr int kMaxWaitingSignUps = 16;

Result<void> checkCredentials(const QByteArray& login, const QByteArray& password)
{
    if (Result<void> ok = AccountPolicy::checkLogin(login); !ok)
        return ok;
    return AccountPolicy::checkPassword(password);
}

Error wrongCredentials()
{
    return Error::unauthenticated(QStringLiteral("login or password is wrong"));
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

AccountService::AccountService(RedisClient& redis, const IPasswordHasher& hasher,
                               const SigningKey& signingKey, const Clock& clock, AccountSettings settings,
                               QObject* parent)
    : QObject(parent)
    , m_redis(redis)
    , m_hasher(hasher)
    , m_signingKey(signingKey)
    , m_clock(clock)
    , m_settings(std::move(settings))
    , m_store(redis, clock)
    , m_sessions(redis, m_settings.refreshTtlSecs, m_settings.refreshRetrySecs)
    , m_throttle(redis, m_settings)
{
    m_signInPool.threads.setMaxThreadCount(kSignInThreads);
    m_signInPool.threads.setObjectName(QStringLiteral("mmf-sign-in-hash"));
    m_signInPool.maxWaiting = kMaxWaitingSignIns;
    m_signInPool.busyMessage = QStringLiteral("too many sign-ins at once; try again shortly");
    m_signUpPool.threads.setMaxThreadCount(kSignUpThreads);
    m_signUpPool.threads.setObjectName(QStringLiteral("mmf-sign-up-hash"));
    m_signUpPool.maxWaiting = kMaxWaitingSignUps;
    m_signUpPool.busyMessage = QStringLiteral("too many sign-ups at once; try again shortly");
}

AccountService::~AccountService()
{
    for (HashPool* pool : {&m_signInPool, &m_signUpPool}) {
        pool->threads.clear();
        pool->threads.waitForDone();
    }
}

void AccountService::offload(HashPool& pool, std::function<QByteArray()> work,
                             std::function<void(Result<QByteArray>)> then)
{
    if (pool.waiting >= pool.maxWaiting)
        return then(Error::rateLimited(pool.busyMessage, 1));
    ++pool.waiting;
    // `this` outlives the task: the destructor waits for the pools.
    pool.threads.start([this, &pool, work = std::move(work), then = std::move(then)]() mutable {
        QByteArray value = work();
        QMetaObject::invokeMethod(
            this,
            [&pool, value = std::move(value), then = std::move(then)] {
                --pool.waiting;
                then(value);
            },
            Qt::QueuedConnection);
    });
}

const QByteArray& AccountService::dummyHash()
{
    std::call_once(m_dummyOnce, [this] {
        quint32 random[8];
        QRandomGenerator::system()->fillRange(random);
        m_dummyHash = m_hasher.hash(QByteArray(reinterpret_cast<const char*>(random), sizeof random).toHex());
    });
    return m_dummyHash;
}

void AccountService::registerUser(const QByteArray& login, const QByteArray& password,
                                  const QByteArray& clientAddress,
                                  std::function<void(Result<QByteArray>)> done)
{
    // Bad shapes are answered before they count against the address's sign-ups.
    if (Result<void> ok = checkCredentials(login, password); !ok)
        return done(ok.error());
    m_throttle.reserveRegistration(clientAddress, [=, this](Result<void> allowed) {
        if (!allowed)
            return done(allowed.error());
        createUser(login, password, m_settings.defaultProject, m_settings.defaultMethods, done);
    });
}

void AccountService::createAdmin(const QByteArray& login, const QByteArray& password,
                                 std::function<void(Result<QByteArray>)> done)
{
    createUser(login, password, "default", AccountPolicy::allMethods(),
               [this, done = std::move(done)](Result<QByteArray> userId) {
                   if (!userId)
                       return done(userId);
                   m_store.makeSuperuser(*userId, [userId, done](Result<void> made) {
                       if (!made)
                           return done(made.error());
                       done(userId);
                   });
               });
}

void AccountService::promoteToSuperuser(const QByteArray& login, std::function<void(Result<QByteArray>)> done)
{
    m_store.findByLogin(
        login, [this, login, done = std::move(done)](Result<std::optional<AccountStore::Account>> found) {
            if (!found)
                return done(found.error());
            if (!*found)
                return done(Error::notFound(QStringLiteral("no user %1").arg(QString::fromUtf8(login))));
            const QByteArray userId = (*found)->userId;
            m_store.makeSuperuser(userId, [userId, done](Result<void> made) {
                if (!made)
                    return done(made.error());
                done(userId);
            });
        });
}

void AccountService::createUser(const QByteArray& login, const QByteArray& password,
                                const QByteArray& project, const QList<QByteArray>& methods,
                                std::function<void(Result<QByteArray>)> done)
{
    if (Result<void> ok = checkCredentials(login, password); !ok)
        return done(ok.error());
    offload(
        m_signUpPool, [this, password] { return m_hasher.hash(password); },
        [this, login, project, methods, done = std::move(done)](Result<QByteArray> hash) {
            if (!hash)
                return done(hash.error());
            if (hash->isEmpty())
                return done(Error::unavailable(QStringLiteral("password hashing failed (out of memory)")));
            m_store.create(login, *hash, project, methods, done);
        });
}

void AccountService::login(const QByteArray& login, const QByteArray& password, const QByteArray& project,
                           const QByteArray& clientAddress, std::function<void(Result<QByteArray>)> done)
{
    // Shapes no account can have are wrong credentials too, but cost nothing: the policy is public.
    if (!AccountPolicy::checkLogin(login) || password.size() > 1024)
        return done(wrongCredentials());
    if (!project.isEmpty()) {
        if (Result<void> ok = AccountPolicy::checkProject(project); !ok)
            return done(ok.error());
    }
    // The attempt counts as a failure from here on, before any hash, unless settled otherwise below.
    m_throttle.reserve(login, clientAddress, [=, this](Result<void> allowed) {
        if (!allowed)
            return done(allowed.error());
        m_store.findByLogin(login, [=, this](Result<std::optional<AccountStore::Account>> found) {
            if (!found) {
                m_throttle.release(login, clientAddress);
                return done(found.error());
            }
            const std::optional<AccountStore::Account> account = *found;
            offload(
                m_signInPool,
                [this, account, password]() -> QByteArray {
                    const QByteArray& hash = account ? account->passwordHash : dummyHash();
                    const bool ok = m_hasher.verify(hash, password);
                    return ok && account ? QByteArrayLiteral("ok") : QByteArray();
                },
                [=, this](Result<QByteArray> verified) {
                    if (!verified) {
                        m_throttle.release(login, clientAddress); // never hashed
                        return done(verified.error());
                    }
                    if (verified->isEmpty())
                        return done(wrongCredentials()); // the reservation stays, as this failure
                    m_throttle.succeeded(login, clientAddress);
                    m_store.membership(
                        account->userId, project,
                        [=, this](Result<std::optional<AccountStore::Member>> member) {
                            if (!member)
                                return done(member.error());
                            if (!*member)
                                return done(Error::permissionDenied(
                                    project.isEmpty()
                                        ? QStringLiteral("this user is not a member of any project")
                                        : QStringLiteral("this user is not a member of project %1")
                                              .arg(QString::fromUtf8(project))));
                            issuePair(**member, done);
                        });
                });
        });
    });
}

void AccountService::issuePair(const AccountStore::Member& member,
                               std::function<void(Result<QByteArray>)> done)
{
    m_sessions.create(member.userId, member.project,
                      [this, member, done = std::move(done)](Result<QByteArray> refreshToken) {
                          if (!refreshToken)
                              return done(refreshToken.error());
                          done(pairJson(member, *refreshToken));
                      });
}

QByteArray AccountService::accessToken(const AccountStore::Member& member, qint64 nowSecs) const
{
    v1::TokenClaims claims;
    claims.set_user_id(member.userId.toStdString());
    claims.set_project_id(member.project.toStdString());
    for (const QByteArray& method : member.methods)
        claims.add_methods(method.toStdString());
    claims.set_superuser(member.superuser);
    claims.set_iat(nowSecs);
    claims.set_exp(nowSecs + m_settings.accessTtlSecs);
    return issueToken(m_signingKey, claims);
}

QByteArray AccountService::pairJson(const AccountStore::Member& member, const QByteArray& refreshToken) const
{
    const qint64 now = m_clock.nowSecs();
    QJsonArray methods;
    for (const QByteArray& method : member.methods)
        methods.append(QString::fromLatin1(method));
    const QJsonObject answer{
        {QStringLiteral("access_token"), QString::fromLatin1(accessToken(member, now))},
        {QStringLiteral("refresh_token"), QString::fromLatin1(refreshToken)},
        {QStringLiteral("token_type"), QStringLiteral("Bearer")},
        {QStringLiteral("expires_at"), isoTime((now + m_settings.accessTtlSecs) * 1000)},
        {QStringLiteral("refresh_expires_at"), isoTime((now + m_settings.refreshTtlSecs) * 1000)},
        {QStringLiteral("user_id"), QString::fromLatin1(member.userId)},
        {QStringLiteral("superuser"), member.superuser},
        {QStringLiteral("project"), QString::fromLatin1(member.project)},
        {QStringLiteral("methods"), methods},
    };
    return QJsonDocument(answer).toJson(QJsonDocument::Compact);
}

void AccountService::logout(const QByteArray& refreshToken, std::function<void(Result<void>)> done)
{
    m_sessions.end(refreshToken, [done = std::move(done)](Result<bool> ended) {
        if (!ended)
            return done(ended.error());
        done(Result<void>());
    });
}

void AccountService::refresh(const QByteArray& refreshToken, std::function<void(Result<QByteArray>)> done)
{
    const Error invalid = Error::unauthenticated(QStringLiteral("the refresh token is not valid"));
    m_sessions.find(refreshToken, [=, this](Result<std::optional<SessionStore::Session>> session) {
        if (!session)
            return done(session.error());
        if (!*session)
            return done(invalid);
        const SessionStore::Session found = **session;
        m_store.membership(
            found.userId, found.project, [=, this](Result<std::optional<AccountStore::Member>> member) {
                if (!member)
                    return done(member.error());
                if (!*member) {
                    m_sessions.revoke(found.id);
                    return done(
                        Error::unauthenticated(QStringLiteral("the user is no longer a member of project %1")
                                                   .arg(QString::fromUtf8(found.project))));
                }
                const QByteArray next = SessionStore::nextToken(found);
                const QByteArray answer = pairJson(**member, next);
                m_sessions.rotate(refreshToken, next, answer, [=](Result<SessionStore::Rotation> rotation) {
                    if (!rotation)
                        return done(rotation.error());
                    switch (rotation->outcome) {
                    case SessionStore::Outcome::Rotated:
                        return done(answer);
                    case SessionStore::Outcome::Retry:
                        return done(rotation->answer);
                    case SessionStore::Outcome::Revoked:
                        break;
                    }
                    done(Error::unauthenticated(
                        QStringLiteral("the refresh token was already used; the session is "
                                       "revoked, sign in again")));
                });
            });
    });
}

} // namespace mmf
