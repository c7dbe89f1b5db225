#include "server/ServerApplication.h"

#include "broker/BrokerLibraryGuard.h"
#include "gateway/TaskJson.h"
#include "gateway/TokenRevocations.h"
#include "redis/RedisClient.h"
#include "server/DataDir.h"
#include "server/ServerAuth.h"
#include "server/ServerHttp.h"
#include "server/ServerLeader.h"
#include "server/ServerScaling.h"
#include "server/ServerStorage.h"
#include "server/ServerTasks.h"
#include "server/ServingGate.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>

#include <cstdio>

Q_LOGGING_CATEGORY(lcServer, "mmf.server")

namespace mmf {

namespace {

// How long a starting server holds its connections waiting for Redis (ServingGate).
constexpr int kServingHoldLimitMs = 5000;

GatewaySettings settingsFrom(const ServerConfig& config)
{
    GatewaySettings settings;
    settings.retentionSecs = qMax<qint64>(1, config.retentionMs / 1000);
    settings.queueLimit = config.queueLimit;
    settings.claimTimeoutMs = int(config.claimTimeoutMs);
    settings.pingIntervalSecs = double(config.pingIntervalMs) / 1000.0;
    settings.registryAllowedHosts = config.registryAllowedHosts;
    settings.trustedProxies = config.trustedProxies;
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

// The assemblies go in reverse order of their members: leader, HTTP, scaling, tasks, auth, storage.
ServerApplication::~ServerApplication() = default;

Result<void> ServerApplication::start()
{
    Result<SigningKey> key = DataDir::loadOrCreateSigningKey(m_config.dataDir);
    if (!key)
        return key.error();
    m_signingKey = *key;

    Result<std::unique_ptr<ServerStorage>> storage = ServerStorage::open(m_config);
    if (!storage)
        return storage.error();
    m_storage = std::move(*storage);
    const RedisConfig& redisConfig = m_storage->config();
    m_settings.workerRedisHost =
        (redisConfig.unixSocket.isEmpty() ? redisConfig.host : redisConfig.unixSocket).toUtf8();
    m_settings.workerRedisPort = redisConfig.unixSocket.isEmpty() ? redisConfig.port : 0;
    m_settings.workerRedisDb = redisConfig.db;
    RedisClient& redis = m_storage->redis();

    m_auth = std::make_unique<ServerAuth>(redis, m_signingKey, m_clock, accountSettingsFrom(m_config));
    m_tasks = std::make_unique<ServerTasks>(*m_storage, m_auth->guard(), m_signingKey, m_clock, m_settings,
                                            m_config);
    Result<std::unique_ptr<ServerScaling>> scaling =
        ServerScaling::create(redis, m_tasks->catalog(), m_signingKey, m_clock, m_config);
    if (!scaling)
        return scaling.error();
    m_scaling = std::move(*scaling);
    // Decisions are made (and pushed) by the leader only: its own WebSocket subscribers see them.
    connect(&m_scaling->scaler(), &Scaler::decision, &m_tasks->webSockets(), &WebSocketHub::pushToStatsTopic);
    GatewayContext context{m_settings,
                           m_clock,
                           redis,
                           m_tasks->catalog(),
                           m_tasks->tasks(),
                           m_tasks->waiters(),
                           m_auth->guard(),
                           m_auth->keyRing(),
                           m_signingKey,
                           m_tasks->webSockets(),
                           m_tasks->redisUsers(),
                           m_tasks->revocation(),
                           m_auth->revocations()};
    context.scaling = &m_scaling->store();
    context.library = &m_storage->library();
    m_http = std::make_unique<ServerHttp>(context, limitsFrom(m_config), *m_auth, *m_tasks, *m_scaling);
    // Ready to answer: the library checked (current, or a problem /readyz names) and the revoked tokens read
    // (tokens with an id are refused until then). Both are asked for on every connect, the library first.
    m_gate = std::make_unique<ServingGate>(
        m_http->gateway().httpServer(),
        [this] {
            return m_storage->library().state() != BrokerLibraryGuard::State::Unchecked &&
                   m_auth->revocations().isLoaded();
        },
        kServingHoldLimitMs);
    connect(&m_storage->library(), &BrokerLibraryGuard::changed, m_gate.get(), &ServingGate::check);
    connect(m_gate.get(), &ServingGate::serving, this, &ServerApplication::serving);
    m_leader =
        std::make_unique<ServerLeader>(redis, m_tasks->catalog(), m_settings, m_clock,
                                       m_config.pingIntervalMs, m_scaling->scaler(), m_tasks->metrics());

    // Publish our key on every (re)connect: a restarted external Redis may have lost it.
    connect(&redis, &RedisClient::connected, this, [this] {
        m_auth->keyRing().publish(m_signingKey);
        m_auth->keyRing().reload();
        m_auth->revocations().reload([this] { m_gate->check(); }); // tokens with an id wait for it (503)
        m_tasks->catalog().refresh();
        m_auth->accounts().store().ensureProject(m_auth->accounts().settings().defaultProject);
        m_tasks->redisUsers().reapply(); // a restarted Redis may have lost the models' users
    });
    m_auth->keyRing().publish(m_signingKey);
    checkSigningKey();
    connect(&m_keyFileTimer, &QTimer::timeout, this, &ServerApplication::checkSigningKey);
    m_keyFileTimer.start(2000);

    m_storage->start();
    m_tasks->start();
    m_scaling->store().start();
    m_auth->keyRing().start(2000);
    m_auth->revocations().start(2000);
    m_leader->start();
    connect(&m_statsTimer, &QTimer::timeout, this, &ServerApplication::pushStats);
    m_statsTimer.start(1000);

    QHostAddress address;
    if (m_config.listen.host == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(m_config.listen.host))
        return Error::invalidArgument(
            QStringLiteral("--listen: %1 is not an IP address").arg(m_config.listen.host));
    m_gate->hold();
    Result<quint16> port = m_http->gateway().listen(address, m_config.listen.port);
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
    m_scaling->scaler().setServerUrl(QUrl(QStringLiteral("http://%1:%2").arg(workerHost).arg(m_port)));
    std::printf("listening on http://%s:%u\n", host.toUtf8().constData(), unsigned(m_port));
    std::fflush(stdout);
    qCInfo(lcServer) << "redis:"
                     << (m_storage->isEmbedded() ? QStringLiteral("embedded") : redisConfig.toDisplayUrl());
    return {};
}

void ServerApplication::pushStats()
{
    // The metrics' gauges follow the same one-second beat as the studio's stats.
    TaskMetrics& metrics = m_tasks->metrics();
    ScalingStore& store = m_scaling->store();
    metrics.poll();
    store.exportMetrics(metrics.registry());
    if (m_tasks->webSockets().statsSubscriberCount() == 0)
        return;
    // Managed models carry the scaler's desired/current; the pool rides along.
    QJsonArray models = metrics.statsJson();
    for (qsizetype i = 0; i < models.size(); ++i) {
        QJsonObject entry = models.at(i).toObject();
        if (const auto scaling = store.scalingOf(entry.value(QStringLiteral("name")).toString().toUtf8())) {
            entry.insert(QStringLiteral("desired"), scaling->desired);
            entry.insert(QStringLiteral("current"), scaling->current);
            models.replace(i, entry);
        }
    }
    m_tasks->webSockets().pushStats(QJsonObject{{QStringLiteral("ts"), TaskJson::isoTime(m_clock.nowMs())},
                                                {QStringLiteral("models"), models},
                                                {QStringLiteral("pool"), store.poolJson()}});
}

void ServerApplication::checkSigningKey()
{
    const QString path = m_config.dataDir + QStringLiteral("/keys/signing.key");
    Result<SigningKey> onFile = SigningKey::load(path);
    if (onFile && onFile->keyId() != m_signingKey.keyId()) {
        qCInfo(lcServer) << "signing key rotated to" << onFile->keyId();
        m_signingKey = *onFile; // the minter and the account service hold references to this member
        m_tasks->minter().forgetAll();
        m_auth->keyRing().publish(m_signingKey);
    }
    for (const DataDir::RetiredKey& retired : DataDir::retiredKeys(m_config.dataDir, m_clock.nowSecs())) {
        if (retired.keyId != m_signingKey.keyId())
            m_auth->keyRing().publishRetired({retired.keyId, retired.publicKey, retired.notAfterSecs});
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
    if (m_leader)
        m_leader->stop();
    if (m_http)
        m_http->gateway().close();
    if (m_tasks)
        m_tasks->stop();
    if (m_storage)
        m_storage->stop();
    emit finished(0);
}

} // namespace mmf
