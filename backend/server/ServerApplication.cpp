#include "server/ServerApplication.h"

#include "auth/TokenCodec.h"
#include "gateway/AuthGuard.h"
#include "gateway/EventTailer.h"
#include "gateway/Gateway.h"
#include "gateway/GatewayContext.h"
#include "gateway/KeyRing.h"
#include "gateway/MetricsController.h"
#include "gateway/MetricsRegistry.h"
#include "gateway/ModelCatalog.h"
#include "gateway/OpenApiController.h"
#include "gateway/TaskJson.h"
#include "gateway/TaskMetrics.h"
#include "gateway/TaskService.h"
#include "gateway/TaskTokenMinter.h"
#include "gateway/TaskWaiters.h"
#include "gateway/WebSocketHub.h"
#include "redis/RedisClient.h"
#include "server/DataDir.h"
#include "server/EmbeddedRedis.h"
#include "server/LeaderLease.h"
#include "server/Maintenance.h"
#include "server/RegistryPinger.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>

#include <cstdio>

Q_LOGGING_CATEGORY(lcServer, "mmf.server")

namespace mmf {

namespace {

GatewaySettings settingsFrom(const ServerConfig& config)
{
    GatewaySettings settings;
    settings.retentionSecs = qMax<qint64>(1, config.retentionMs / 1000);
    settings.queueLimit = config.queueLimit;
    settings.claimTimeoutMs = int(config.claimTimeoutMs);
    settings.pingIntervalSecs = double(config.pingIntervalMs) / 1000.0;
    settings.retryMaxAttempts = config.maxAttempts;
    settings.retryBackoffInitialMs = int(config.backoffInitialMs);
    settings.retryBackoffFactor = config.backoffFactor;
    settings.retryBackoffMaxMs = int(config.backoffMaxMs);
    return settings;
}

HttpLimits limitsFrom(const ServerConfig& config)
{
    HttpLimits limits;
    limits.maxBodyBytes = config.maxBodyBytes;
    limits.maxRequestLine = config.maxRequestLine;
    limits.maxHeaderBytes = config.maxHeaderBytes;
    limits.maxHeadersTotal = config.maxHeadersTotal;
    limits.maxHeaderCount = config.maxHeaderCount;
    limits.headerTimeoutMs = config.headerTimeoutMs;
    limits.idleTimeoutMs = config.idleTimeoutMs;
    limits.maxConnections = config.maxConnections;
    limits.wsMaxMessageBytes = config.wsMaxMessageBytes;
    limits.wsMaxSendBufferBytes = config.wsMaxSendBufferBytes;
    return limits;
}

} // namespace

ServerApplication::ServerApplication(ServerConfig config, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_settings(settingsFrom(m_config))
{}

ServerApplication::~ServerApplication()
{
    // Components refer to each other: tear down in reverse order of construction.
    if (m_gateway)
        m_gateway->setRequestObserver({});
    m_pinger.reset();
    m_lease.reset();
    m_openApi.reset();
    m_metricsController.reset();
    m_metrics.reset();
    m_metricsRegistry.reset();
    m_maintenance.reset();
    m_gateway.reset();
    m_context.reset();
    m_tailer.reset();
    m_webSockets.reset();
    m_waiters.reset();
    m_tasks.reset();
    m_minter.reset();
    m_catalog.reset();
    m_keyRing.reset();
    m_auth.reset();
    m_verifier.reset();
    m_blockingRedis.reset();
    m_redis.reset();
    m_embeddedRedis.reset();
}

Result<void> ServerApplication::start()
{
    Result<SigningKey> key = DataDir::loadOrCreateSigningKey(m_config.dataDir);
    if (!key)
        return key.error();
    m_signingKey = *key;

    RedisConfig redisConfig;
    if (m_config.redisUrl.isEmpty()) {
        m_embeddedRedis = std::make_unique<EmbeddedRedis>(m_config.dataDir, m_config.redisAppendfsync);
        Result<RedisConfig> started = m_embeddedRedis->start();
        if (!started)
            return started.error();
        redisConfig = *started;
        connect(m_embeddedRedis.get(), &EmbeddedRedis::crashed, this,
                [](const QString& message) { qCCritical(lcServer) << message; });
    } else {
        Result<RedisConfig> parsed = RedisConfig::fromUrl(m_config.redisUrl);
        if (!parsed)
            return Error::invalidArgument(QStringLiteral("--redis: %1").arg(parsed.error().message));
        redisConfig = *parsed;
    }
    redisConfig.clientName = QStringLiteral("mmf-server");
    m_settings.workerRedisHost =
        (redisConfig.unixSocket.isEmpty() ? redisConfig.host : redisConfig.unixSocket).toUtf8();
    m_settings.workerRedisPort = redisConfig.unixSocket.isEmpty() ? redisConfig.port : 0;
    m_settings.workerRedisUser = redisConfig.user.toUtf8();
    m_settings.workerRedisPassword = redisConfig.password.toUtf8();
    m_settings.workerRedisDb = redisConfig.db;

    m_redis = std::make_unique<RedisClient>(redisConfig);
    RedisConfig blockingConfig = redisConfig;
    blockingConfig.clientName = QStringLiteral("mmf-server-events");
    m_blockingRedis = std::make_unique<RedisClient>(blockingConfig);

    m_verifier = std::make_unique<TokenVerifier>(m_clock);
    m_auth = std::make_unique<AuthGuard>(*m_verifier);
    m_keyRing = std::make_unique<KeyRing>(*m_redis, *m_verifier);
    m_catalog = std::make_unique<ModelCatalog>(*m_redis, m_clock);
    m_minter = std::make_unique<TaskTokenMinter>(m_signingKey, m_clock, m_settings.retentionSecs);
    m_tasks = std::make_unique<TaskService>(*m_redis, *m_catalog, *m_minter, m_settings, m_clock);
    m_waiters = std::make_unique<TaskWaiters>();
    m_webSockets =
        std::make_unique<WebSocketHub>(*m_auth, *m_tasks, *m_catalog, m_config.wsMaxSendBufferBytes);
    m_tailer = std::make_unique<EventTailer>(*m_blockingRedis, m_clock);
    m_context = std::make_unique<GatewayContext>(GatewayContext{m_settings, m_clock, *m_redis, *m_catalog,
                                                                *m_tasks, *m_waiters, *m_auth, *m_keyRing,
                                                                m_signingKey, *m_webSockets});
    m_gateway = std::make_unique<Gateway>(*m_context, limitsFrom(m_config));
    m_maintenance = std::make_unique<Maintenance>(*m_redis, *m_catalog, m_settings, m_clock);
    m_metricsRegistry = std::make_unique<MetricsRegistry>();
    m_metrics = std::make_unique<TaskMetrics>(*m_metricsRegistry, *m_catalog, *m_redis, m_clock);
    m_metricsController = std::make_unique<MetricsController>(*m_metrics);
    m_metricsController->registerRoutes(m_gateway->router());
    m_openApi = std::make_unique<OpenApiController>(*m_context);
    m_openApi->registerRoutes(m_gateway->router());
    m_gateway->setRequestObserver([metrics = m_metrics.get()](const QByteArray& route, int status) {
        metrics->onHttpRequest(route, status);
    });

    // Singleton work (pings, evictions, retries, reclaiming) runs on the lease holder only.
    const int pingIntervalMs = int(qMax<qint64>(100, m_config.pingIntervalMs));
    QByteArray serverId(8, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(serverId.data()), 2);
    serverId = serverId.toHex() + '-' + QByteArray::number(QCoreApplication::applicationPid());
    m_lease =
        std::make_unique<LeaderLease>(*m_redis, serverId, qBound(3000, 3 * pingIntervalMs, 30000), m_clock);
    m_pinger = std::make_unique<RegistryPinger>(*m_redis, *m_catalog, m_settings, m_clock, pingIntervalMs);
    connect(m_lease.get(), &LeaderLease::leadershipChanged, this, [this](bool leader) {
        if (m_shuttingDown)
            return;
        m_pinger->setActive(leader);
        if (leader)
            m_maintenance->start();
        else
            m_maintenance->stop();
    });
    connect(m_pinger.get(), &RegistryPinger::evicted, this,
            [this](const QByteArray& model, const QByteArray&, int) {
                m_metrics->onEvicted(model);
                m_catalog->refresh();
            });

    connect(m_catalog.get(), &ModelCatalog::modelAdded, m_tailer.get(), &EventTailer::addModel);
    connect(m_tailer.get(), &EventTailer::events, this, [this](const std::vector<TaskEventRecord>& events) {
        m_waiters->onEvents(events);
        m_webSockets->onEvents(events);
        m_metrics->onEvents(events);
    });
    // Publish our key on every (re)connect: a restarted external Redis may have lost it.
    connect(m_redis.get(), &RedisClient::connected, this, [this] {
        m_keyRing->publish(m_signingKey);
        m_keyRing->reload();
        m_catalog->refresh();
    });
    m_keyRing->publish(m_signingKey);

    m_redis->start();
    m_blockingRedis->start();
    m_catalog->start();
    m_keyRing->start();
    m_tailer->start();
    m_lease->start();
    connect(&m_statsTimer, &QTimer::timeout, this, &ServerApplication::pushStats);
    m_statsTimer.start(1000);

    QHostAddress address;
    if (m_config.listen.host == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(m_config.listen.host))
        return Error::invalidArgument(
            QStringLiteral("--listen: %1 is not an IP address").arg(m_config.listen.host));
    Result<quint16> port = m_gateway->listen(address, m_config.listen.port);
    if (!port)
        return port.error();
    m_port = *port;
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.toString())
                             : address.toString();
    std::printf("listening on http://%s:%u\n", host.toUtf8().constData(), unsigned(m_port));
    std::fflush(stdout);
    qCInfo(lcServer) << "redis:"
                     << (m_embeddedRedis ? QStringLiteral("embedded") : redisConfig.toDisplayUrl());
    return {};
}

void ServerApplication::pushStats()
{
    // The metrics' gauges follow the same one-second beat as the studio's stats.
    m_metrics->poll();
    if (m_webSockets->statsSubscriberCount() == 0)
        return;
    m_webSockets->pushStats(QJsonObject{{QStringLiteral("ts"), TaskJson::isoTime(m_clock.nowMs())},
                                        {QStringLiteral("models"), m_metrics->statsJson()}});
}

void ServerApplication::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    qCInfo(lcServer) << "shutting down";
    m_statsTimer.stop();
    if (m_pinger)
        m_pinger->setActive(false);
    if (m_lease)
        m_lease->stop(); // frees the lease now, so another server takes over at once
    if (m_maintenance)
        m_maintenance->stop();
    if (m_tailer)
        m_tailer->stop();
    if (m_gateway)
        m_gateway->close();
    if (m_webSockets)
        m_webSockets->closeAll();
    if (m_embeddedRedis)
        m_embeddedRedis->stop();
    emit finished(0);
}

} // namespace mmf
