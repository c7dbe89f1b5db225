#pragma once

#include "redis/RedisScript.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace mmf {

class Clock;
class ModelCatalog;
class RedisClient;
struct GatewaySettings;

// The leader's registry health check: every ping interval, GET http://host:port/ping of every instance of
// every model (timeout: the smaller of 2 s and 80% of the interval). A success records `last_ping_at` (ms)
// and `ping_rtt_ms` in the instance's JSON (with the counters the instance reports in its answer); an
// instance that misses 2 consecutive pings is evicted (HDEL from mmf:instances:<m>) and its pending entries
// are failed as `instance_lost` at once (reclaimConsumer), so the other instances redeliver them. Pings are
// asynchronous (QNetworkAccessManager), one in flight per instance.
class RegistryPinger : public QObject
{
    Q_OBJECT
public:
    RegistryPinger(RedisClient& redis, ModelCatalog& catalog, const GatewaySettings& settings,
                   const Clock& clock, int pingIntervalMs, QObject* parent = nullptr);

    // Only the leader pings: started and stopped with the lease. Stopping forgets the miss counts.
    void setActive(bool active);
    bool isActive() const { return m_timer.isActive(); }
    // One round now.
    void pingAll();

signals:
    void evicted(const QByteArray& model, const QByteArray& instanceId, int reclaimedTasks);

private:
    struct Target
    {
        QByteArray model;
        QByteArray instanceId;
        QByteArray consumer;
        QString host;
        int port = 0;
    };
    void pingModel(const QByteArray& model);
    void ping(const Target& target);
    void onAnswer(const Target& target, bool ok, qint64 rttMs, const QByteArray& body);
    void evict(const Target& target);

    RedisClient& m_redis;
    ModelCatalog& m_catalog;
    const GatewaySettings& m_settings;
    const Clock& m_clock;
    int m_intervalMs;
    int m_timeoutMs;
    RedisScript m_recordPing;
    QNetworkAccessManager m_network;
    QTimer m_timer;
    QHash<QByteArray, int> m_misses; // instance id → consecutive missed pings
    QSet<QByteArray> m_inFlight;     // instance ids with a ping out
};

} // namespace mmf
