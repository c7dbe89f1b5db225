#include "accounts/LoginThrottle.h"

#include "redis/RedisClient.h"

namespace mmf {

namespace {

const char kReadScript[] = R"lua(
local out = {}
for i, k in ipairs(KEYS) do
  out[2 * i - 1] = tonumber(redis.call('GET', k) or '0')
  out[2 * i] = redis.call('PTTL', k)
end
return out
)lua";

const char kFailScript[] = R"lua(
for _, k in ipairs(KEYS) do
  if redis.call('INCR', k) == 1 then redis.call('PEXPIRE', k, ARGV[1]) end
end
return 1
)lua";

} // namespace

LoginThrottle::LoginThrottle(RedisClient& redis, const AccountSettings& settings)
    : m_redis(redis)
    , m_settings(settings)
    , m_readScript(kReadScript)
    , m_failScript(kFailScript)
{}

QByteArray LoginThrottle::loginKey(QByteArrayView login)
{
    return "mmf:authfail:login:" + login.toByteArray().toLower();
}

QByteArray LoginThrottle::addressKey(QByteArrayView address)
{
    return "mmf:authfail:addr:" + address.toByteArray();
}

void LoginThrottle::check(const QByteArray& login, const QByteArray& address,
                          std::function<void(Result<void>)> done)
{
    m_redis.eval(
        m_readScript, {loginKey(login), addressKey(address)}, {},
        [this, done = std::move(done)](const RedisReply& reply) {
            if (reply.isError() || reply.size() != 4)
                return done(
                    Error::unavailable(QStringLiteral("login throttle: Redis: %1").arg(reply.toString())));
            const bool loginOver = reply.at(0).integer() >= m_settings.maxFailuresPerLogin;
            const bool addressOver = reply.at(2).integer() >= m_settings.maxFailuresPerAddress;
            if (!loginOver && !addressOver)
                return done(Result<void>());
            qint64 waitMs = 0;
            if (loginOver)
                waitMs = qMax(waitMs, reply.at(1).integer());
            if (addressOver)
                waitMs = qMax(waitMs, reply.at(3).integer());
            const int waitSecs = int(qBound<qint64>(qint64(1), (waitMs + 999) / 1000, qint64(24 * 3600)));
            done(Error::rateLimited(QStringLiteral("too many failed logins; try again in %1 s").arg(waitSecs),
                                    waitSecs));
        });
}

void LoginThrottle::recordFailure(const QByteArray& login, const QByteArray& address)
{
    m_redis.eval(m_failScript, {loginKey(login), addressKey(address)},
                 {QByteArray::number(m_settings.failureWindowSecs * 1000)});
}

void LoginThrottle::recordSuccess(const QByteArray& login)
{
    m_redis.command({"DEL", loginKey(login)});
}

} // namespace mmf
