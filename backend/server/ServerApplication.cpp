#include "server/ServerApplication.h"

#include "accounts/AccountService.h"
#include "accounts/PasswordHasher.h"
#include "auth/TokenCodec.h"
#include "broker/BrokerLibrary.h"
#include "gateway/AuthController.h"
#include "gateway/AuthGuard.h"
#include "gateway/EventTailer.h"
#include "gateway/Gateway.h"
#include "gateway/GatewayContext.h"
#include "gateway/KeyRing.h"
#include "gateway/MetricsController.h"
#include "gateway/MetricsRegistry.h"
#include "gateway/ModelCatalog.h"
#include "gateway/ModelRedisUsers.h"
#include "gateway/OpenApiController.h"
#include "gateway/ProjectController.h"
#include "gateway/ServeRevocation.h"
#include "gateway/TaskJson.h"
#include "gateway/TaskMetrics.h"
#include "gateway/TaskService.h"
#include "gateway/TaskTokenMinter.h"
#include "gateway/TaskWaiters.h"
#include "gateway/WebSocketHub.h"
#include "redis/RedisClient.h"
#include "scaler/ModelDescriber.h"
#include "scaler/Scaler.h"
#include "scaler/ScalerController.h"
#include "scaler/ScalingStore.h"
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
    settings.registryAllowedHosts = config.registryAllowedHosts;
    settings.retryMaxAttempts = config.maxAttempts;
    settings.retryBackoffInitialMs = int(config.backoffInitialMs);
    settings.retryBackoffFactor = config.backoffFactor;
    settings.retryBackoffMaxMs = int(config.backoffMaxMs);
    return settings;
}

AccountSettings accountSettingsFrom(const ServerConfig& config)
{
    AccountSettings settings;
    settings.accessTtlSecs = qMax<qint64>(1, config.accessTtlMs / 1000);
    settings.refreshTtlSecs = qMax<qint64>(1, config.refreshTtlMs / 1000);
    settings.defaultProject = config.defaultProject.toUtf8();
    settings.maxFailuresPerLogin = config.maxFailuresPerLogin;
    settings.maxFailuresPerAddress = config.maxFailuresPerAddress;
    settings.failureWindowSecs = qMax<qint64>(1, config.failureWindowMs / 1000);
    settings.maxFailuresPerLoginTotal = config.maxFailuresPerLoginTotal;
    settings.maxRegistrationsPerAddress = config.maxRegistrationsPerAddress;
    settings.registrationWindowSecs = qMax<qint64>(1, config.registrationWindowMs / 1000);
    settings.defaultMethods.clear();
    for (const QString& method : config.defaultMethods)
        settings.defaultMethods.append(method.toUtf8());
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
    limits.bodyTimeoutMs = config.bodyTimeoutMs;
    limits.maxConnections = config.maxConnections;
    limits.maxConnectionsPerAddress = config.maxConnectionsPerAddress;
    limits.wsMaxConnections = config.wsMaxConnections;
    limits.wsMaxMessageBytes = config.wsMaxMessageBytes;
    limits.wsMaxSendBufferBytes = config.wsMaxSendBufferBytes;
    limits.wsPingIntervalMs = config.wsPingIntervalMs;
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
    m_scalerController.reset();
    m_scaler.reset();
    m_describer.reset();
    m_scalingStore.reset();
    m_pinger.reset();
    m_lease.reset();
    m_projectController.reset();
    m_authController.reset();
    m_accounts.reset();
    m_passwordHasher.reset();
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
    m_revocation.reset();
    m_redisUsers.reset();
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
        // It restarts itself after a crash; m_redis and m_blockingRedis reconnect on their own (every
        // component shares them), and the `connected` handler below restores what a Redis may have lost.
        redisConfig = *started;
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
    m_settings.workerRedisDb = redisConfig.db;

    m_redis = std::make_unique<RedisClient>(redisConfig);
    // The broker library first on every (re)connect: commands are answered in order, so nothing this server
    // sends after it can meet a Redis without it (a restarted Redis without persistence has lost it).
    connect(m_redis.get(), &RedisClient::connected, this, [this] {
        BrokerLibrary::load(*m_redis, [](const RedisReply& reply) {
            if (reply.isError() && !reply.isUnavailable())
                qCCritical(lcServer).noquote() << "loading the broker functions failed:" << reply.toString();
        });
    });
    RedisConfig blockingConfig = redisConfig;
    blockingConfig.clientName = QStringLiteral("mmf-server-events");
    m_blockingRedis = std::make_unique<RedisClient>(blockingConfig);

    m_verifier = std::make_unique<TokenVerifier>(m_clock);
    m_auth = std::make_unique<AuthGuard>(*m_verifier);
    m_keyRing = std::make_unique<KeyRing>(*m_redis, *m_verifier, m_clock);
    m_catalog = std::make_unique<ModelCatalog>(*m_redis, m_clock);
    m_redisUsers = std::make_unique<ModelRedisUsers>(*m_redis);
    m_revocation = std::make_unique<ServeRevocation>(*m_redis, *m_catalog, *m_redisUsers);
    m_minter = std::make_unique<TaskTokenMinter>(m_signingKey, m_clock, m_settings.retentionSecs);
    m_tasks = std::make_unique<TaskService>(*m_redis, *m_catalog, *m_minter, m_settings, m_clock);
    m_waiters = std::make_unique<TaskWaiters>();
    m_webSockets = std::make_unique<WebSocketHub>(
        *m_auth, *m_tasks, *m_catalog, *m_redis, m_clock,
        WebSocketHubLimits{m_config.wsMaxSendBufferBytes, m_config.wsMaxPerUser, m_config.wsIdleTimeoutMs,
                           m_config.wsAccessRecheckMs});
    m_tailer = std::make_unique<EventTailer>(*m_blockingRedis, m_clock);
    m_context = std::make_unique<GatewayContext>(
        GatewayContext{m_settings, m_clock, *m_redis, *m_catalog, *m_tasks, *m_waiters, *m_auth, *m_keyRing,
                       m_signingKey, *m_webSockets, *m_redisUsers, *m_revocation});
    m_gateway = std::make_unique<Gateway>(*m_context, limitsFrom(m_config));
    m_maintenance = std::make_unique<Maintenance>(*m_redis, *m_catalog, m_settings, m_clock);
    m_metricsRegistry = std::make_unique<MetricsRegistry>();
    m_metrics = std::make_unique<TaskMetrics>(*m_metricsRegistry, *m_catalog, *m_redis, m_clock);
    m_metricsController = std::make_unique<MetricsController>(*m_metrics);
    m_metricsController->registerRoutes(m_gateway->routes());
    m_openApi = std::make_unique<OpenApiController>(*m_context);
    m_openApi->registerRoutes(m_gateway->routes());
    m_passwordHasher = std::make_unique<Argon2PasswordHasher>();
    m_accounts = std::make_unique<AccountService>(*m_redis, *m_passwordHasher, m_signingKey, m_clock,
                                                  accountSettingsFrom(m_config));
    m_authController = std::make_unique<AuthController>(*m_accounts);
    m_authController->registerRoutes(m_gateway->routes());
    m_projectController = std::make_unique<ProjectController>(m_accounts->store(), *m_revocation);
    m_projectController->registerRoutes(m_gateway->routes());
    // The scaler: specs and figures in Redis (every server), decisions on the leader only.
    m_scalingStore = std::make_unique<ScalingStore>(*m_redis, m_config.pool);
    m_context->scaling = m_scalingStore.get();
    // A model the scaler cold-starts takes tasks with no replica running: the one "can take tasks" rule.
    m_catalog->setLivenessHook([store = m_scalingStore.get()](const QByteArray& name) {
        const std::optional<ModelScaling> scaling = store->scalingOf(name);
        return scaling && scaling->coldStarts;
    });
    for (auto it = m_config.scaling.cbegin(); it != m_config.scaling.cend(); ++it) {
        Result<ScalingSpec> spec = ScalingSpec::fromConfigText(it.value());
        if (!spec)
            return Error::invalidArgument(
                QStringLiteral("[scaling] %1: %2").arg(it.key(), spec.error().message));
        if (spec->project.isEmpty())
            spec->project = m_config.defaultProject.toUtf8();
        m_scalingStore->putFromConfig(it.key().toUtf8(), *spec);
    }
    m_describer = std::make_unique<ModelDescriber>(*m_redis, m_clock, m_config.workerProgram);
    ScalerSettings scalerSettings;
    scalerSettings.tasksPerReplica = m_config.scalerTasksPerReplica;
    scalerSettings.cooldownMs = m_config.scalerCooldownMs;
    scalerSettings.intervalMs = m_config.scalerIntervalMs;
    m_scaler = std::make_unique<Scaler>(*m_scalingStore, *m_catalog, *m_describer, m_clock, scalerSettings,
                                        [this](const QByteArray& project) {
                                            // The workers' serve token, for the model's project; they
                                            // re-register with it after a restart.
                                            v1::TokenClaims claims;
                                            claims.set_user_id("mmf-scaler");
                                            claims.set_project_id(project.toStdString());
                                            claims.add_methods("serve");
                                            claims.set_iat(m_clock.nowSecs());
                                            claims.set_exp(m_clock.nowSecs() + 30LL * 86400);
                                            return issueToken(m_signingKey, claims);
                                        });
    // Decisions are made (and pushed) by the leader only: its own WebSocket subscribers see them.
    connect(m_scaler.get(), &Scaler::decision, m_webSockets.get(), &WebSocketHub::pushToStatsTopic);
    m_scalerController = std::make_unique<ScalerController>(*m_context, *m_scalingStore, *m_describer);
    m_scalerController->registerRoutes(m_gateway->routes());
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
        m_scaler->setActive(leader);
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
        m_accounts->store().ensureProject(m_accounts->settings().defaultProject);
        m_redisUsers->reapply(); // a restarted Redis may have lost the models' users
    });
    m_keyRing->publish(m_signingKey);
    checkSigningKey();
    connect(&m_keyFileTimer, &QTimer::timeout, this, &ServerApplication::checkSigningKey);
    m_keyFileTimer.start(2000);

    m_redis->start();
    m_blockingRedis->start();
    m_catalog->start();
    m_scalingStore->start();
    m_keyRing->start(2000);
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
    // The workers the scaler starts reach this server over loopback when it listens on every address.
    const QString workerHost = address == QHostAddress::Any || address == QHostAddress::AnyIPv4
                                   ? QStringLiteral("127.0.0.1")
                               : address == QHostAddress::AnyIPv6 ? QStringLiteral("[::1]")
                                                                  : host;
    m_scaler->setServerUrl(QUrl(QStringLiteral("http://%1:%2").arg(workerHost).arg(m_port)));
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
    m_scalingStore->exportMetrics(m_metrics->registry());
    if (m_webSockets->statsSubscriberCount() == 0)
        return;
    // Managed models carry the scaler's desired/current; the pool rides along.
    QJsonArray models = m_metrics->statsJson();
    for (qsizetype i = 0; i < models.size(); ++i) {
        QJsonObject entry = models.at(i).toObject();
        if (const auto scaling =
                m_scalingStore->scalingOf(entry.value(QStringLiteral("name")).toString().toUtf8())) {
            entry.insert(QStringLiteral("desired"), scaling->desired);
            entry.insert(QStringLiteral("current"), scaling->current);
            models.replace(i, entry);
        }
    }
    m_webSockets->pushStats(QJsonObject{{QStringLiteral("ts"), TaskJson::isoTime(m_clock.nowMs())},
                                        {QStringLiteral("models"), models},
                                        {QStringLiteral("pool"), m_scalingStore->poolJson()}});
}

void ServerApplication::checkSigningKey()
{
    const QString path = m_config.dataDir + QStringLiteral("/keys/signing.key");
    Result<SigningKey> onFile = SigningKey::load(path);
    if (onFile && onFile->keyId() != m_signingKey.keyId()) {
        qCInfo(lcServer) << "signing key rotated to" << onFile->keyId();
        m_signingKey = *onFile; // the minter and the account service hold references to this member
        m_minter->forgetAll();
        m_keyRing->publish(m_signingKey);
    }
    for (const DataDir::RetiredKey& retired : DataDir::retiredKeys(m_config.dataDir, m_clock.nowSecs())) {
        if (retired.keyId != m_signingKey.keyId())
            m_keyRing->publishRetired({retired.keyId, retired.publicKey, retired.notAfterSecs});
    }
}

void ServerApplication::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    qCInfo(lcServer) << "shutting down";
    m_statsTimer.stop();
    m_keyFileTimer.stop();
    if (m_pinger)
        m_pinger->setActive(false);
    if (m_lease)
        m_lease->stop(); // frees the lease now, so another server takes over at once
    if (m_maintenance)
        m_maintenance->stop();
    if (m_scaler)
        m_scaler->setActive(false); // SIGTERM to the workers it started: they finish their task in hand
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
