#include "server/ServerTasks.h"

#include "config/ServerConfig.h"
#include "gateway/GatewaySettings.h"
#include "server/ServerStorage.h"

namespace mmf {

ServerTasks::ServerTasks(ServerStorage& storage, const AuthGuard& auth, const SigningKey& signingKey,
                         const Clock& clock, const GatewaySettings& settings, const ServerConfig& config)
    : m_catalog(storage.redis(), clock)
    , m_redisUsers(storage.redis())
    , m_revocation(storage.redis(), m_catalog, m_redisUsers)
    , m_minter(signingKey, clock, settings.retentionSecs)
    , m_tasks(storage.redis(), m_catalog, m_minter, settings, clock)
    , m_webSockets(auth, m_tasks, m_catalog, storage.redis(), clock,
                   WebSocketHubLimits{config.wsMaxSendBufferBytes, config.wsMaxPerUser,
                                      config.wsIdleTimeoutMs, config.wsAccessRecheckMs})
    , m_tailer(storage.events(), clock)
    , m_metrics(m_metricsRegistry, m_catalog, storage.redis(), clock)
{
    connect(&m_catalog, &ModelCatalog::modelAdded, &m_tailer, &EventTailer::addModel);
    connect(&m_tailer, &EventTailer::events, this, [this](const std::vector<TaskEventRecord>& events) {
        m_waiters.onEvents(events);
        m_webSockets.onEvents(events);
        m_metrics.onEvents(events);
    });
}

void ServerTasks::start()
{
    m_catalog.start();
    m_tailer.start();
}

void ServerTasks::stop()
{
    m_tailer.stop();
    m_webSockets.closeAll();
}

} // namespace mmf
