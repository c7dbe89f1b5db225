#include "gateway/KeyRing.h"

#include "auth/Base64Url.h"
#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "broker/BrokerKeys.h"
#include "core/Clock.h"
#include "redis/RedisClient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QThread>

namespace mmf {

KeyRing::KeyRing(RedisClient& redis, TokenVerifier& verifier, const Clock& clock, QObject* parent)
    : QObject(parent)
    , m_redis(redis)
    , m_verifier(verifier)
    , m_clock(clock)
    , m_unknown(clock, [this] { reload(); })
{
    connect(&m_timer, &QTimer::timeout, this, [this] { reload(); });
    m_verifier.setUnknownKeyHandler([this](QByteArrayView keyId) {
        // Verified on another thread (not the server's case): no read from there, the 401 stands.
        return QThread::currentThread() == thread() && m_unknown.mayBeNew(keyId);
    });
}

KeyRing::~KeyRing()
{
    m_verifier.setUnknownKeyHandler({});
}

void KeyRing::publish(const SigningKey& key)
{
    m_verifier.setTrustedKey(key.keyId(), key.publicKey(), 0);
    bool known = false;
    for (const PublicKeyEntry& entry : std::as_const(m_keys))
        known = known || entry.keyId == key.keyId();
    if (!known)
        m_keys.append({key.keyId(), key.publicKey(), 0});
    const QJsonObject value{
        {QStringLiteral("public_key"), QString::fromLatin1(Base64Url::encode(key.publicKey()))},
        {QStringLiteral("not_after"), 0}};
    m_redis.command({"HSETNX", BrokerKeys::publicKeys(), key.keyId(),
                     QJsonDocument(value).toJson(QJsonDocument::Compact)});
}

void KeyRing::publishRetired(const PublicKeyEntry& entry)
{
    if (entry.notAfterSecs <= m_clock.nowSecs()) {
        m_verifier.removeTrustedKey(entry.keyId);
        m_redis.command({"HDEL", BrokerKeys::publicKeys(), entry.keyId});
        return;
    }
    m_verifier.setTrustedKey(entry.keyId, entry.publicKey, entry.notAfterSecs);
    const QJsonObject value{
        {QStringLiteral("public_key"), QString::fromLatin1(Base64Url::encode(entry.publicKey))},
        {QStringLiteral("not_after"), double(entry.notAfterSecs)}};
    m_redis.command(
        {"HSET", BrokerKeys::publicKeys(), entry.keyId, QJsonDocument(value).toJson(QJsonDocument::Compact)});
}

void KeyRing::start(int intervalMs)
{
    m_timer.start(intervalMs);
    reload();
}

void KeyRing::reload(std::function<void()> done)
{
    m_unknown.readStarted();
    m_redis.command(
        {"HGETALL", BrokerKeys::publicKeys()}, [this, done = std::move(done)](const RedisReply& reply) {
            const auto finally = qScopeGuard([&done] {
                if (done)
                    done();
            });
            // Told after the verifier learnt the keys (the guard runs last): a token of a key just read is
            // accepted, not refused, from here on.
            const auto told =
                qScopeGuard([this, answered = reply.isArray()] { m_unknown.readFinished(answered); });
            if (!reply.isArray())
                return;
            QList<PublicKeyEntry> keys;
            const qint64 now = m_clock.nowSecs();
            for (qsizetype i = 0; i + 1 < reply.size(); i += 2) {
                const QJsonObject value = QJsonDocument::fromJson(reply.at(i + 1).toByteArray()).object();
                std::optional<QByteArray> publicKey =
                    Base64Url::decode(value.value(QStringLiteral("public_key")).toString().toLatin1());
                if (!publicKey || publicKey->size() != 32)
                    continue;
                const qint64 notAfter = qint64(value.value(QStringLiteral("not_after")).toDouble());
                if (notAfter > 0 && notAfter <= now) {
                    m_redis.command({"HDEL", BrokerKeys::publicKeys(), reply.at(i).toByteArray()});
                    continue;
                }
                keys.append({reply.at(i).toByteArray(), *publicKey, notAfter});
            }
            if (keys.isEmpty())
                return;
            for (const PublicKeyEntry& old : std::as_const(m_keys)) {
                bool still = false;
                for (const PublicKeyEntry& entry : std::as_const(keys))
                    still = still || entry.keyId == old.keyId;
                if (!still)
                    m_verifier.removeTrustedKey(old.keyId);
            }
            for (const PublicKeyEntry& entry : std::as_const(keys))
                m_verifier.setTrustedKey(entry.keyId, entry.publicKey, entry.notAfterSecs);
            m_keys = keys;
        });
}

} // namespace mmf
