#pragma once

#include "server/LeaderLease.h"
#include "server/Maintenance.h"
#include "server/RegistryPinger.h"

#include <QObject>

namespace mmf {

class Clock;
class ModelCatalog;
class RedisClient;
class Scaler;
class TaskMetrics;
struct GatewaySettings;

// Singleton work — pings and evictions, retries and reclaiming, the scaler's decisions — runs on the holder
// of the leader lease only; another server takes over when this one stops or dies.
class ServerLeader : public QObject
{
    Q_OBJECT
public:
    ServerLeader(RedisClient& redis, ModelCatalog& catalog, const GatewaySettings& settings,
                 const Clock& clock, qint64 pingIntervalMs, Scaler& scaler, TaskMetrics& metrics);

    void start();
    // Frees the lease now (another server takes over at once) and stops the singleton work.
    void stop();

private:
    LeaderLease m_lease;
    RegistryPinger m_pinger;
    Maintenance m_maintenance;
    Scaler& m_scaler;
    bool m_stopped = false;
};

} // namespace mmf
