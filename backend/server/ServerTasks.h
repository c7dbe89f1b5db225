#pragma once

#include "gateway/EventTailer.h"
#include "gateway/ModelCatalog.h"
#include "gateway/ModelRedisUsers.h"
#include "gateway/ServeRevocation.h"
#include "gateway/TaskMetrics.h"
#include "gateway/TaskService.h"
#include "gateway/TaskTokenMinter.h"
#include "gateway/TaskWaiters.h"
#include "gateway/WebSocketHub.h"
#include "metrics/MetricsRegistry.h"

#include <QObject>

namespace mmf {

class AuthGuard;
class Clock;
class ServerStorage;
class SigningKey;
struct GatewaySettings;
struct ServerConfig;

// The task side of the server: the model catalogue and the models' Redis users, the task service, waiters for
// `?wait`, the WebSocket hub, the tailer that feeds them every model's events, and the metrics.
class ServerTasks : public QObject
{
    Q_OBJECT
public:
    ServerTasks(ServerStorage& storage, const AuthGuard& auth, const SigningKey& signingKey,
                const Clock& clock, const GatewaySettings& settings, const ServerConfig& config);

    ModelCatalog& catalog() { return m_catalog; }
    ModelRedisUsers& redisUsers() { return m_redisUsers; }
    ServeRevocation& revocation() { return m_revocation; }
    TaskTokenMinter& minter() { return m_minter; }
    TaskService& tasks() { return m_tasks; }
    TaskWaiters& waiters() { return m_waiters; }
    WebSocketHub& webSockets() { return m_webSockets; }
    EventTailer& tailer() { return m_tailer; }
    TaskMetrics& metrics() { return m_metrics; }

    void start();
    void stop();

private:
    ModelCatalog m_catalog;
    ModelRedisUsers m_redisUsers;
    ServeRevocation m_revocation;
    TaskTokenMinter m_minter;
    TaskService m_tasks;
    TaskWaiters m_waiters;
    WebSocketHub m_webSockets;
    EventTailer m_tailer;
    MetricsRegistry m_metricsRegistry;
    TaskMetrics m_metrics;
};

} // namespace mmf
