#include "accounts/SessionStore.h"

#include "auth/Base64Url.h"
#include "auth/SodiumInit.h"
#include "redis/RedisClient.h"

#include <sodium.h>

namespace mmf {

namespace {

constexpr int kIdBytes = 16;
constexpr int kSecretBytes = 32;

// KEYS: session, retry; ARGV: presented hash, next hash, answer, session ttl ms, retry window ms
const char kRotateScript[] = R"lua(
local cur = redis.call('HGET', KEYS[1], 'cur')
if not cur then return {'revoked'} end
if cur == ARGV[1] then
  redis.call('HSET', KEYS[1], 'cur', ARGV[2], 'prev', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  redis.call('SET', KEYS[2], ARGV[1] .. ' ' .. ARGV[3], 'PX', ARGV[5])
  return {'rotated'}
end
local retry = redis.call('GET', KEYS[2])
if retry then
  local sp = string.find(retry, ' ', 1, true)
  if sp and string.sub(retry, 1, sp - 1) == ARGV[1] then return {'retry', string.sub(retry, sp + 1)} end
end
redis.call('DEL', KEYS[1], KEYS[2])
return {'revoked'}
)lua";

// KEYS: session, retry; ARGV: presented hash → 1 ended, -1 a replaced token (nothing ended), 0 no match
const char kEndScript[] = R"lua(
local held = redis.call('HMGET', KEYS[1], 'cur', 'prev')
if held[1] == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
if held[2] == ARGV[1] then return -1 end
return 0
)lua";

QByteArray randomBytes(int n)
{
    detail::ensureSodium();
    QByteArray out(n, Qt::Uninitialized);
    randombytes_buf(out.data(), size_t(n));
    return out;
}

Error redisError(const RedisReply& reply)
{
    return Error::unavailable(QStringLiteral("sessions: Redis: %1").arg(reply.toString()));
}

} // namespace

SessionStore::SessionStore(RedisClient& redis, qint64 sessionTtlSecs, qint64 retryWindowSecs)
    : m_redis(redis)
    , m_sessionTtlSecs(sessionTtlSecs)
    , m_retryWindowSecs(retryWindowSecs)
    , m_rotateScript(kRotateScript)
    , m_endScript(kEndScript)
{}

QByteArray SessionStore::sessionKey(QByteArrayView id)
{
    return "mmf:session:" + id.toByteArray();
}

QByteArray SessionStore::retryKey(QByteArrayView id)
{
    return "mmf:session:" + id.toByteArray() + ":retry";
}

QByteArray SessionStore::sessionIdOf(QByteArrayView refreshToken)
{
    const qsizetype dot = refreshToken.indexOf('.');
    if (dot <= 0 || refreshToken.size() > 256)
        return {};
    const auto id = Base64Url::decode(refreshToken.first(dot));
    const auto secret = Base64Url::decode(refreshToken.sliced(dot + 1));
    if (!id || !secret || id->size() != kIdBytes || secret->size() != kSecretBytes)
        return {};
    return refreshToken.first(dot).toByteArray();
}

QByteArray SessionStore::secretHash(QByteArrayView refreshToken)
{
    detail::ensureSodium();
    unsigned char hash[32];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(refreshToken.data()),
                       size_t(refreshToken.size()), nullptr, 0);
    return QByteArray(reinterpret_cast<const char*>(hash), sizeof hash).toHex();
}

QByteArray SessionStore::nextToken(const Session& session)
{
    return session.id + '.' + Base64Url::encode(randomBytes(kSecretBytes));
}

void SessionStore::create(const QByteArray& userId, const QByteArray& project,
                          std::function<void(Result<QByteArray>)> done)
{
    const QByteArray id = Base64Url::encode(randomBytes(kIdBytes));
    const QByteArray token = nextToken(Session{id, userId, project});
    const QByteArray key = sessionKey(id);
    m_redis.command({"HSET", key, "user", userId, "project", project, "cur", secretHash(token)});
    m_redis.command({"PEXPIRE", key, QByteArray::number(m_sessionTtlSecs * 1000)},
                    [token, done = std::move(done)](const RedisReply& reply) {
                        if (reply.isError())
                            return done(redisError(reply));
                        done(token);
                    });
}

void SessionStore::find(const QByteArray& refreshToken,
                        std::function<void(Result<std::optional<Session>>)> done)
{
    const QByteArray id = sessionIdOf(refreshToken);
    if (id.isEmpty())
        return done(std::optional<Session>());
    m_redis.command(
        {"HMGET", sessionKey(id), "user", "project"}, [id, done = std::move(done)](const RedisReply& reply) {
            if (reply.isError())
                return done(redisError(reply));
            if (reply.size() != 2 || reply.at(0).isNil() || reply.at(1).isNil())
                return done(std::optional<Session>());
            done(std::optional<Session>(Session{id, reply.at(0).toByteArray(), reply.at(1).toByteArray()}));
        });
}

void SessionStore::rotate(const QByteArray& presented, const QByteArray& next, const QByteArray& answer,
                          std::function<void(Result<Rotation>)> done)
{
    const QByteArray id = sessionIdOf(presented);
    m_redis.eval(m_rotateScript, {sessionKey(id), retryKey(id)},
                 {secretHash(presented), secretHash(next), answer,
                  QByteArray::number(m_sessionTtlSecs * 1000), QByteArray::number(m_retryWindowSecs * 1000)},
                 [done = std::move(done)](const RedisReply& reply) {
                     if (reply.isError() || reply.size() < 1)
                         return done(redisError(reply));
                     const QByteArrayView what = reply.at(0).view();
                     if (what == "rotated")
                         return done(Rotation{Outcome::Rotated, {}});
                     if (what == "retry" && reply.size() == 2)
                         return done(Rotation{Outcome::Retry, reply.at(1).toByteArray()});
                     done(Rotation{Outcome::Revoked, {}});
                 });
}

void SessionStore::end(const QByteArray& refreshToken, std::function<void(Result<bool>)> done)
{
    const QByteArray id = sessionIdOf(refreshToken);
    if (id.isEmpty())
        return done(false);
    m_redis.eval(m_endScript, {sessionKey(id), retryKey(id)}, {secretHash(refreshToken)},
                 [done = std::move(done)](const RedisReply& reply) {
                     if (reply.isError())
                         return done(redisError(reply));
                     if (reply.integer() == -1)
                         return done(Error::unauthenticated(
                             QStringLiteral("this refresh token was replaced by a newer one; sign out with "
                                            "the current refresh token")));
                     done(reply.integer() == 1);
                 });
}

void SessionStore::revoke(const QByteArray& sessionId)
{
    m_redis.command({"DEL", sessionKey(sessionId), retryKey(sessionId)});
}

} // namespace mmf
