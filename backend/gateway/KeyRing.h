#pragma once

#include "gateway/UnknownSigningKeys.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>

namespace mmf {

class Clock;
class RedisClient;
class SigningKey;
class TokenVerifier;

// The trusted public keys, published in Redis (mmf:keys) so every server and worker sees a rotation at once.
// Keeps the verifier in step and serves GET /api/v1/keys. Keys past their end are removed from Redis
// by whichever server sees them first.
//
// A token signed by a key the verifier does not know may carry one another server published since the last
// read (a server that has just started, a rotation elsewhere): UnknownSigningKeys has the keys read again and
// such a token answered unavailable (503, try again) instead of 401 until a read sent after its key was first
// seen came back without it, so a client is not signed out by a server that is behind.
class KeyRing : public QObject
{
    Q_OBJECT
public:
    struct PublicKeyEntry
    {
        QByteArray keyId;
        QByteArray publicKey;    // raw 32 bytes
        qint64 notAfterSecs = 0; // 0: no end
    };

    KeyRing(RedisClient& redis, TokenVerifier& verifier, const Clock& clock, QObject* parent = nullptr);
    ~KeyRing() override;

    // Trusts and publishes the server's own key (no end date while it signs).
    void publish(const SigningKey& key);
    // Publishes a rotated-out key, trusted until notAfterSecs; past that every server drops it.
    void publishRetired(const PublicKeyEntry& entry);
    // Loads mmf:keys now and every `intervalMs`.
    void start(int intervalMs = 10000);
    // Loads mmf:keys now; `done` runs once that is over (whether or not Redis answered).
    void reload(std::function<void()> done = {});

    const QList<PublicKeyEntry>& keys() const { return m_keys; }

private:
    RedisClient& m_redis;
    TokenVerifier& m_verifier;
    const Clock& m_clock;
    QList<PublicKeyEntry> m_keys;
    QTimer m_timer;
    UnknownSigningKeys m_unknown;
};

} // namespace mmf
