#include "gateway/IssuedTokens.h"

#include "core/Clock.h"
#include "core/Error.h"
#include "redis/RedisClient.h"
#include "redis/RedisReply.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

#include <algorithm>

namespace mmf {

namespace {

Error redisError(const RedisReply& reply)
{
    return Error::unavailable(QStringLiteral("tokens: Redis: %1").arg(reply.toString()));
}

} // namespace

IssuedTokens::IssuedTokens(RedisClient& redis, const Clock& clock)
    : m_redis(redis)
    , m_clock(clock)
{}

QByteArray IssuedTokens::key()
{
    return QByteArrayLiteral("mmf:tokens:issued");
}

QByteArray IssuedTokens::newId()
{
    QByteArray random(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(random.data()), 4);
    return random.toHex();
}

void IssuedTokens::record(const v1::TokenClaims& claims, const QByteArray& issuedBy,
                          std::function<void(Result<void>)> done)
{
    QJsonArray methods;
    for (const std::string& method : claims.methods())
        methods.append(QString::fromStdString(method));
    const QJsonObject value{{QStringLiteral("user"), QString::fromStdString(claims.user_id())},
                            {QStringLiteral("project"), QString::fromStdString(claims.project_id())},
                            {QStringLiteral("methods"), methods},
                            {QStringLiteral("iat"), double(claims.iat())},
                            {QStringLiteral("exp"), double(claims.exp())},
                            {QStringLiteral("by"), QString::fromUtf8(issuedBy)}};
    m_redis.command({"HSET", key(), QByteArray::fromStdString(claims.token_id()),
                     QJsonDocument(value).toJson(QJsonDocument::Compact)},
                    [this, done = std::move(done)](const RedisReply& reply) {
                        if (reply.isError())
                            return done(redisError(reply));
                        done({});
                        // Records of expired tokens go at the next listing, or at the first issue an hour
                        // after the last such sweep here: scripts that issue many short tokens and never
                        // list them do not grow the hash for good.
                        const qint64 now = m_clock.nowMs();
                        if (m_lastSweepMs == 0 || now - m_lastSweepMs >= kSweepEveryMs) {
                            m_lastSweepMs = now;
                            list([](Result<std::vector<Entry>>) {});
                        }
                    });
}

std::optional<IssuedTokens::Entry> IssuedTokens::parse(const QByteArray& id, const QByteArray& json) const
{
    const QJsonObject value = QJsonDocument::fromJson(json).object();
    Entry entry;
    entry.id = id;
    entry.user = value.value(QStringLiteral("user")).toString().toUtf8();
    entry.project = value.value(QStringLiteral("project")).toString().toUtf8();
    for (const QJsonValue& method : value.value(QStringLiteral("methods")).toArray())
        entry.methods.append(method.toString().toUtf8());
    entry.issuedAtSecs = qint64(value.value(QStringLiteral("iat")).toDouble());
    entry.expiresAtSecs = qint64(value.value(QStringLiteral("exp")).toDouble());
    entry.issuedBy = value.value(QStringLiteral("by")).toString().toUtf8();
    if (entry.project.isEmpty() || entry.expiresAtSecs <= m_clock.nowSecs())
        return std::nullopt;
    return entry;
}

void IssuedTokens::list(std::function<void(Result<std::vector<Entry>>)> done)
{
    m_redis.command({"HGETALL", key()}, [this, done = std::move(done)](const RedisReply& reply) {
        if (!reply.isArray())
            return done(redisError(reply));
        std::vector<Entry> entries;
        for (qsizetype i = 0; i + 1 < reply.size(); i += 2) {
            const QByteArray id = reply.at(i).toByteArray();
            if (std::optional<Entry> entry = parse(id, reply.at(i + 1).toByteArray()))
                entries.push_back(std::move(*entry));
            else
                remove(id); // expired (or unreadable): of no use to anyone
        }
        std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
            return a.issuedAtSecs != b.issuedAtSecs ? a.issuedAtSecs < b.issuedAtSecs : a.id < b.id;
        });
        done(std::move(entries));
    });
}

void IssuedTokens::find(const QByteArray& id, std::function<void(Result<std::optional<Entry>>)> done)
{
    m_redis.command({"HGET", key(), id}, [this, id, done = std::move(done)](const RedisReply& reply) {
        if (reply.isError())
            return done(redisError(reply));
        if (reply.isNil())
            return done(std::optional<Entry>());
        done(parse(id, reply.toByteArray()));
    });
}

void IssuedTokens::remove(const QByteArray& id, std::function<void()> done)
{
    if (!done) {
        m_redis.command({"HDEL", key(), id});
        return;
    }
    m_redis.command({"HDEL", key(), id}, [done = std::move(done)](const RedisReply&) { done(); });
}

} // namespace mmf
