#pragma once

#include "auth/SigningKey.h"
#include "config/ServerConfig.h"
#include "core/Clock.h"
#include "core/Result.h"
#include "gateway/GatewaySettings.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace mmf {

class AccountService;
class Argon2PasswordHasher;
class AuthController;
class AuthGuard;
class EmbeddedRedis;
class EventTailer;
class Gateway;
class KeyRing;
class LeaderLease;
class MetricsController;
class MetricsRegistry;
class Maintenance;
class ModelCatalog;
class ModelRedisUsers;
class OpenApiController;
class ProjectController;
class RedisClient;
class RegistryPinger;
class ModelDescriber;
class Scaler;
class ScalerController;
class ScalingStore;
class ServeRevocation;
class TaskMetrics;
class TaskService;
class TaskTokenMinter;
class TaskWaiters;
class TokenVerifier;
class WebSocketHub;
struct GatewayContext;

// mmf-server: owns every component, starts them in order, and shuts them down in reverse on SIGTERM.
class ServerApplication : public QObject
{
    Q_OBJECT
public:
    explicit ServerApplication(ServerConfig config, QObject* parent = nullptr);
    ~ServerApplication() override;

    // Data dir, signing key, Redis (embedded or external), gateway. On success prints
    // "listening on http://ADDR:PORT" on stdout.
    Result<void> start();
    // Stops accepting, closes WebSockets, stops the embedded Redis; emits finished().
    void shutdown();

    quint16 port() const { return m_port; }

signals:
    void finished(int exitCode);

private:
    void pushStats();
    // Picks up `mmf-server keys rotate` (run by an operator on the shared key folder) and publishes the
    // retired keys with their grace.
    void checkSigningKey();

    ServerConfig m_config;
    SystemClock m_clock;
    GatewaySettings m_settings;
    SigningKey m_signingKey;
    quint16 m_port = 0;
    std::unique_ptr<EmbeddedRedis> m_embeddedRedis;
    std::unique_ptr<RedisClient> m_redis;
    std::unique_ptr<RedisClient> m_blockingRedis;
    std::unique_ptr<TokenVerifier> m_verifier;
    std::unique_ptr<AuthGuard> m_auth;
    std::unique_ptr<KeyRing> m_keyRing;
    std::unique_ptr<ModelCatalog> m_catalog;
    std::unique_ptr<ModelRedisUsers> m_redisUsers;
    std::unique_ptr<ServeRevocation> m_revocation;
    std::unique_ptr<TaskTokenMinter> m_minter;
    std::unique_ptr<TaskService> m_tasks;
    std::unique_ptr<TaskWaiters> m_waiters;
    std::unique_ptr<WebSocketHub> m_webSockets;
    std::unique_ptr<EventTailer> m_tailer;
    std::unique_ptr<GatewayContext> m_context;
    std::unique_ptr<Gateway> m_gateway;
    std::unique_ptr<Maintenance> m_maintenance;
    std::unique_ptr<MetricsRegistry> m_metricsRegistry;
    std::unique_ptr<TaskMetrics> m_metrics;
    std::unique_ptr<MetricsController> m_metricsController;
    std::unique_ptr<OpenApiController> m_openApi;
    std::unique_ptr<Argon2PasswordHasher> m_passwordHasher;
    std::unique_ptr<AccountService> m_accounts;
    std::unique_ptr<AuthController> m_authController;
    std::unique_ptr<ProjectController> m_projectController;
    std::unique_ptr<LeaderLease> m_lease;
    std::unique_ptr<RegistryPinger> m_pinger;
    std::unique_ptr<ScalingStore> m_scalingStore;
    std::unique_ptr<ModelDescriber> m_describer;
    std::unique_ptr<Scaler> m_scaler;
    std::unique_ptr<ScalerController> m_scalerController;
    QTimer m_statsTimer;
    QTimer m_keyFileTimer;
    bool m_shuttingDown = false;
};

} // namespace mmf
