#include "accounts/LoginThrottle.h"

#include "redis/RedisClient.h"

namespace mmf {

namespace {

// KEYS: n counters, then optionally a set of addresses exempt from the last counter's cap
// ARGV: window ms, n, n caps, then the address (when the set is given) → {1} reserved, or {0, ms to wait}
const char kReserveScript[] = R"lua(
local window = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local wait = 0
for i = 1, n do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[2 + i]) then
    local exempt = i == n and KEYS[n + 1] ~= nil and redis.call('SISMEMBER', KEYS[n + 1], ARGV[3 + n]) == 1
    if not exempt then
      local ttl = redis.call('PTTL', KEYS[i])
      if ttl < 0 then ttl = window end
      if ttl > wait then wait = ttl end
    end
  end
end
if wait > 0 then return {0, wait} end
for i = 1, n do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], window) end
end
return {1}
)lua";

// KEYS: pair, address, login, familiar; ARGV: address, familiar ttl ms, most familiar addresses kept
const char kSuccessScript[] = R"lua(
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
redis.call('SADD', KEYS[4], ARGV[1])
while redis.call('SCARD', KEYS[4]) > tonumber(ARGV[3]) do redis.call('SPOP', KEYS[4]) end
redis.call('PEXPIRE', KEYS[4], ARGV[2])
return 1
)lua";

// KEYS: the counters a reservation counted
const char kReleaseScript[] = R"lua(
for _, k in ipairs(KEYS) do
  if tonumber(redis.call('GET', k) or '0') > 0 then redis.call('DECR', k) end
end
return 1
)lua";

constexpr int kMaxFamiliarAddresses = 32;

Result<void> reserved(const RedisReply& reply, const QString& what)
{
    if (reply.isError() || reply.size() < 1)
        return Error::unavailable(QStringLiteral("login throttle: Redis: %1").arg(reply.toString()));
    if (reply.at(0).integer() == 1)
        return {};
    const qint64 waitMs = reply.size() > 1 ? reply.at(1).integer() : 1000;
    const int waitSecs = int(qBound<qint64>(qint64(1), (waitMs + 999) / 1000, qint64(24 * 3600)));
    return Error::rateLimited(QStringLiteral("%1; try again in %2 s").arg(what).arg(waitSecs), waitSecs);
}

} // namespace

LoginThrottle::LoginThrottle(RedisClient& redis, const AccountSettings& settings)
    : m_redis(redis)
    , m_settings(settings)
    , m_reserveScript(kReserveScript)
    , m_successScript(kSuccessScript)
    , m_releaseScript(kReleaseScript)
{}

QByteArray LoginThrottle::pairKey(QByteArrayView login, QByteArrayView address)
{
    // Logins never hold a space (AccountPolicy).
    return "mmf:authfail:pair:" + login.toByteArray().toLower() + ' ' + address.toByteArray();
}

QByteArray LoginThrottle::addressKey(QByteArrayView address)
{
    return "mmf:authfail:addr:" + address.toByteArray();
}

QByteArray LoginThrottle::loginKey(QByteArrayView login)
{
    return "mmf:authfail:login:" + login.toByteArray().toLower();
}

QByteArray LoginThrottle::familiarKey(QByteArrayView login)
{
    return "mmf:authok:" + login.toByteArray().toLower();
}

QByteArray LoginThrottle::registrationKey(QByteArrayView address)
{
    return "mmf:signups:addr:" + address.toByteArray();
}

std::vector<QByteArray> LoginThrottle::keys(const QByteArray& login, const QByteArray& address)
{
    return {pairKey(login, address), addressKey(address), loginKey(login)};
}

void LoginThrottle::reserve(const QByteArray& login, const QByteArray& address,
                            std::function<void(Result<void>)> done)
{
    std::vector<QByteArray> counted = keys(login, address);
    counted.push_back(familiarKey(login));
    m_redis.eval(m_reserveScript, counted,
                 {QByteArray::number(m_settings.failureWindowSecs * 1000), "3",
                  QByteArray::number(m_settings.maxFailuresPerLogin),
                  QByteArray::number(m_settings.maxFailuresPerAddress),
                  QByteArray::number(m_settings.maxFailuresPerLoginTotal), address},
                 [done = std::move(done)](const RedisReply& reply) {
                     done(reserved(reply, QStringLiteral("too many failed logins")));
                 });
}

void LoginThrottle::succeeded(const QByteArray& login, const QByteArray& address)
{
    std::vector<QByteArray> counted = keys(login, address);
    counted.push_back(familiarKey(login));
    m_redis.eval(m_successScript, counted,
                 {address, QByteArray::number(m_settings.refreshTtlSecs * 1000),
                  QByteArray::number(kMaxFamiliarAddresses)});
}

void LoginThrottle::release(const QByteArray& login, const QByteArray& address)
{
    m_redis.eval(m_releaseScript, keys(login, address), {});
}

void LoginThrottle::reserveRegistration(const QByteArray& address, std::function<void(Result<void>)> done)
{
    m_redis.eval(m_reserveScript, {registrationKey(address)},
                 {QByteArray::number(m_settings.registrationWindowSecs * 1000), "1",
                  QByteArray::number(m_settings.maxRegistrationsPerAddress)},
                 [done = std::move(done)](const RedisReply& reply) {
                     done(reserved(reply, QStringLiteral("too many sign-ups from this address")));
                 });
}

} // namespace mmf
