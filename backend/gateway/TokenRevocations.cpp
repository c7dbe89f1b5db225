#include "gateway/TokenRevocations.h"

#include "core/Clock.h"
#include "core/Error.h"
#include "redis/RedisClient.h"
#include "redis/RedisReply.h"

#include <QScopeGuard>

namespace mmf {

TokenRevocations::TokenRevocations(RedisClient& redis, const Clock& clock, QObject* parent)
    : QObject(parent)
    , m_redis(redis)
    , m_clock(clock)
{
    connect(&m_timer, &QTimer::timeout, this, [this] { reload(); });
}

QByteArray TokenRevocations::key()
{
    return QByteArrayLiteral("mmf:tokens:revoked");
}

void TokenRevocations::start(int intervalMs)
{
    m_timer.start(intervalMs);
    // Not yet connected (a server's start): its connected() handler reads first, nothing fails here.
    if (m_redis.isConnected())
        reload();
}

void TokenRevocations::reload(std::function<void()> done)
{
    // Entries of expired tokens go first (`(` makes the bound exclusive: a token is valid up to its exp).
    m_redis.command({"ZREMRANGEBYSCORE", key(), "-inf", "(" + QByteArray::number(m_clock.nowSecs())});
    m_redis.command({"ZRANGE", key(), "0", "-1"}, [this, done = std::move(done)](const RedisReply& reply) {
        const auto finally = qScopeGuard([&done] {
            if (done)
                done();
        });
        if (!reply.isArray())
            return; // Redis away: what was read last stands
        QSet<QByteArray> revoked;
        revoked.reserve(reply.size());
        for (qsizetype i = 0; i < reply.size(); ++i)
            revoked.insert(reply.at(i).toByteArray());
        m_revoked = std::move(revoked);
        m_loaded = true;
    });
}

void TokenRevocations::revoke(const QByteArray& tokenId, qint64 expSecs,
                              std::function<void(Result<void>)> done)
{
    const QByteArray score = expSecs > 0 ? QByteArray::number(expSecs) : QByteArrayLiteral("+inf");
    m_redis.command(
        {"ZADD", key(), score, tokenId}, [this, tokenId, done = std::move(done)](const RedisReply& reply) {
            if (reply.isError())
                return done(Error::unavailable(QStringLiteral("tokens: Redis: %1").arg(reply.toString())));
            m_revoked.insert(tokenId);
            done({});
        });
}

Result<void> TokenRevocations::check(const v1::TokenClaims& claims) const
{
    if (claims.token_id().empty())
        return {};
    if (!m_loaded)
        return Error::unavailable(
            QStringLiteral("this server has not read the revoked tokens from Redis yet; try again"));
    if (isRevoked(claims))
        return Error::unauthenticated(QStringLiteral("this token was revoked"));
    return {};
}

} // namespace mmf
