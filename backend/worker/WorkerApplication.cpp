#include "worker/WorkerApplication.h"

#include "core/UnixSignalWatcher.h"
#include "http/HttpServer.h"
#include "worker/Model.h"
#include "worker/RegistryClient.h"
#include "worker/WorkerLog.h"
#include "worker/WorkerMetrics.h"
#include "worker/WorkerRuntime.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

#include <csignal>
#include <cstdio>

namespace mmf {

namespace {

constexpr int kRegisterRetryMinMs = 500;
constexpr int kRegisterRetryMaxMs = 10000;
constexpr int kStopThreadsMs = 5000;
constexpr int kUnregisterTimeoutMs = 3000;

// Consumer names show up in CLIENT LIST and XINFO: keep them to a tame alphabet.
QString tameHostName()
{
    QString host = QHostInfo::localHostName().toLower();
    for (QChar& c : host) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'.';
        if (!ok)
            c = u'-';
    }
    return host.isEmpty() ? QStringLiteral("host") : host;
}

void printLine(FILE* stream, const QString& text)
{
    const QByteArray bytes = text.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

} // namespace

WorkerApplication::WorkerApplication(WorkerOptions options, ModelFactory factory, QStringList knownModels,
                                     QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_factory(std::move(factory))
    , m_knownModels(std::move(knownModels))
    , m_verifier(m_clock)
    , m_startedAt(QDateTime::currentDateTimeUtc())
{
    m_registerRetry.setSingleShot(true);
    connect(&m_registerRetry, &QTimer::timeout, this, &WorkerApplication::registerNow);
}

WorkerApplication::~WorkerApplication()
{
    // The runtime's threads use the model: the runtime goes first.
    m_runtime.reset();
}

Result<void> WorkerApplication::fail(int exitCode, QString message)
{
    m_failure = {exitCode, message};
    return Error::invalidArgument(std::move(message));
}

Result<void> WorkerApplication::start()
{
    m_model = m_factory ? m_factory(m_options.model) : nullptr;
    if (!m_model)
        return fail(Usage, QStringLiteral("unknown model '%1' (built-in: %2)")
                               .arg(m_options.model, m_knownModels.join(QStringLiteral(", "))));
    const QString configureError = m_model->configure(m_options.modelOptions);
    if (!configureError.isEmpty())
        return fail(Usage, QStringLiteral("--option: %1").arg(configureError));
    Result<ModelDescription> description = ModelDescription::of(*m_model);
    if (!description)
        return fail(Failure,
                    QStringLiteral("cannot describe the model: %1").arg(description.error().message));
    m_description = std::move(description).value();

    if (m_options.describe) {
        printLine(stdout, QString::fromUtf8(m_description.toJson(m_options.name)));
        m_done = true;
        m_exitCode = Ok;
        return {};
    }

    // Unique per start: the server refuses a name a live instance uses, and a restarted container may get
    // the same host name and pid as the instance it replaces before that one is evicted.
    // (The pid stays last: operators and tests read it from the name.)
    m_instanceName = QStringLiteral("%1-%2-%3-%4")
                         .arg(m_options.name, tameHostName())
                         .arg(QRandomGenerator::system()->generate() & 0xffff, 4, 16, QLatin1Char('0'))
                         .arg(QCoreApplication::applicationPid());

    setUpRoutes();
    HttpLimits limits;
    limits.maxBodyBytes = 64 * 1024; // the ping endpoint takes no bodies
    limits.maxConnections = 256;
    m_http = std::make_unique<HttpServer>(limits);
    m_http->setHandler([this](HttpRequest& request, const HttpResponder& responder) {
        m_router.dispatch(request, responder);
    });
    Result<quint16> port = m_http->listen(m_options.listenAddress, m_options.listenPort);
    if (!port)
        return fail(Failure, QStringLiteral("cannot listen on %1:%2: %3")
                                 .arg(m_options.listenAddress.toString())
                                 .arg(m_options.listenPort)
                                 .arg(port.error().message));
    m_pingPort = *port;

    m_signals = std::make_unique<UnixSignalWatcher>(std::initializer_list<int>{SIGTERM, SIGINT});
    connect(m_signals.get(), &UnixSignalWatcher::unixSignal, this, &WorkerApplication::onSignal);

    m_registry = std::make_unique<RegistryClient>(m_options.server, m_options.token);
    const QString hosted =
        m_options.isExec()
            ? QStringLiteral("process '%1'")
                  .arg(m_options.execCommand.isEmpty() ? m_options.execPerTaskCommand : m_options.execCommand)
            : QStringLiteral("built-in %1").arg(m_options.model);
    qCInfo(lcWorker).noquote() << QStringLiteral("instance %1 of model %2 (%3) answers pings on port %4")
                                      .arg(m_instanceName, m_options.name, hosted)
                                      .arg(m_pingPort);
    registerNow();
    return {};
}

void WorkerApplication::setUpRoutes()
{
    m_router.add("GET", "/ping", [this](HttpRequest&, const HttpResponder& responder, const RouteParams&) {
        responder.sendJson(200, pingJson());
    });
    m_router.add("GET", "/metrics", [this](HttpRequest&, const HttpResponder& responder, const RouteParams&) {
        if (!m_metrics)
            m_metrics = std::make_unique<WorkerMetrics>(m_clock, m_options.name, m_options.concurrency);
        const WorkerRuntime::Stats stats = m_runtime ? m_runtime->stats() : WorkerRuntime::Stats{};
        responder.send(200, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                       m_metrics->scrape(stats, m_model && !m_model->problem().isEmpty()));
    });
    m_router.add("GET", "/descriptors",
                 [this](HttpRequest&, const HttpResponder& responder, const RouteParams&) {
                     responder.sendJson(200, m_description.toJson());
                 });
}

QByteArray WorkerApplication::pingJson() const
{
    QJsonObject object;
    // Still "ok" while draining: the registry must not evict (and reclaim from) an instance finishing its
    // tasks. "degraded" when the model reports a problem (e.g. its process keeps exiting), said in "problem".
    const QString problem = m_model ? m_model->problem() : QString();
    object.insert(QStringLiteral("status"),
                  problem.isEmpty() ? QStringLiteral("ok") : QStringLiteral("degraded"));
    object.insert(QStringLiteral("problem"), problem);
    object.insert(QStringLiteral("stopping"), m_stopping);
    object.insert(QStringLiteral("instance_id"), m_instanceId);
    object.insert(QStringLiteral("name"), m_instanceName);
    object.insert(QStringLiteral("model"), m_options.name);
    object.insert(QStringLiteral("started_at"), m_startedAt.toString(Qt::ISODateWithMs));
    const WorkerRuntime::Stats stats = m_runtime ? m_runtime->stats() : WorkerRuntime::Stats{};
    object.insert(QStringLiteral("tasks_succeeded"), double(stats.succeeded));
    object.insert(QStringLiteral("tasks_failed"), double(stats.failed));
    object.insert(QStringLiteral("tasks_in_hand"), stats.inHand);
    object.insert(QStringLiteral("current_task_id"), stats.currentTaskId);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void WorkerApplication::registerNow()
{
    if (m_stopping)
        return;
    v1::RegisterInstanceRequest request;
    request.set_model(m_options.name.toStdString());
    QString host = m_options.advertiseHost;
    if (host.isEmpty()) {
        const QHostAddress& address = m_options.listenAddress;
        const bool any = address == QHostAddress(QHostAddress::Any) ||
                         address == QHostAddress(QHostAddress::AnyIPv4) ||
                         address == QHostAddress(QHostAddress::AnyIPv6);
        // Listening everywhere: an empty host, which the registry reads as the address this worker
        // registers from (it pings nowhere else unless the operator allows it).
        host = any ? QString() : address.toString();
    }
    request.set_host(host.toStdString());
    request.set_port(m_pingPort);
    request.set_descriptor_set(m_description.descriptorSet.toStdString());
    request.set_request_type(m_description.requestType.toStdString());
    request.set_response_type(m_description.responseType.toStdString());
    *request.mutable_metadata() = m_model->metadata();
    request.set_name(m_instanceName.toStdString());
    request.set_concurrency(uint32_t(m_options.concurrency));

    m_registry->registerInstance(request, [this](bool ok, const RegistryClient::Registration& registration,
                                                 const RegistryClient::Failure& failure) {
        if (m_stopping)
            return;
        if (!ok) {
            if (!failure.retryable) {
                printLine(stderr, QStringLiteral("error: %1: %2").arg(failure.code, failure.message));
                finish(failure.httpStatus >= 400 && failure.httpStatus < 500 ? Refused : Failure);
                return;
            }
            m_registerBackoffMs = m_registerBackoffMs == 0
                                      ? kRegisterRetryMinMs
                                      : qMin(m_registerBackoffMs * 2, kRegisterRetryMaxMs);
            qCWarning(lcWorker).noquote() << QStringLiteral("registration failed (%1: %2), retrying in %3 ms")
                                                 .arg(failure.code, failure.message)
                                                 .arg(m_registerBackoffMs);
            m_registerRetry.start(m_registerBackoffMs);
            return;
        }

        const v1::RegisterInstanceResponse& response = registration.response;
        m_instanceId = QString::fromStdString(response.instance_id());
        Result<QList<RegistryClient::TrustedKey>> keys = RegistryClient::trustedKeys(response.public_keys());
        QList<QByteArray> known;
        if (keys)
            RegistryClient::applyKeys(m_verifier, *keys, known, true);
        else
            qCWarning(lcWorker).noquote() << "ignoring the registration's keys:" << keys.error().message;

        WorkerRuntimeSettings settings;
        settings.modelName = m_options.name;
        // The server accepted this serve token, so its project is the model's project.
        settings.project = WorkerRuntime::claimedProject(m_options.token);
        settings.consumer = m_instanceName;
        settings.server = m_options.server;
        settings.concurrency = m_options.concurrency;
        if (response.claim_timeout_ms() > 0)
            settings.claimTimeoutMs = int(response.claim_timeout_ms());
        const v1::RetryPolicy& retry = response.retry();
        if (retry.max_attempts() > 0)
            settings.maxAttempts = int(retry.max_attempts());
        if (retry.backoff_initial_ms() > 0)
            settings.backoffInitialMs = int(retry.backoff_initial_ms());
        if (retry.backoff_factor() > 0)
            settings.backoffFactor = retry.backoff_factor();
        if (retry.backoff_max_ms() > 0)
            settings.backoffMaxMs = int(retry.backoff_max_ms());
        settings.retentionSecs = registration.retentionSecs;
        settings.eventsMaxLen = registration.eventsMaxLen;
        settings.inlineResultLimit = registration.inlineResultLimit;

        RedisConfig redis;
        const v1::RedisCredentials& credentials = response.redis();
        if (credentials.port() == 0 && !credentials.host().empty()) {
            redis.unixSocket = QString::fromStdString(credentials.host());
        } else {
            if (!credentials.host().empty())
                redis.host = QString::fromStdString(credentials.host());
            if (credentials.port() > 0)
                redis.port = quint16(credentials.port());
        }
        redis.user = QString::fromStdString(credentials.user());
        redis.password = QString::fromStdString(credentials.password());
        redis.db = int(credentials.db());

        m_runtime =
            std::make_unique<WorkerRuntime>(settings, redis, *m_model, m_verifier, *m_registry, m_clock);
        connect(m_runtime.get(), &WorkerRuntime::stopped, this, &WorkerApplication::onRuntimeStopped);
        connect(m_runtime.get(), &WorkerRuntime::redisCredentialsRejected, this,
                &WorkerApplication::refreshRedisCredentials);
        m_runtime->start();
        qCInfo(lcWorker).noquote() << "registered as instance" << m_instanceId;
        // One line on stdout for whoever started the process (scripts, tests, the scaler's local driver).
        printLine(stdout, QStringLiteral("ready instance_id=%1 name=%2 ping=http://%3:%4")
                              .arg(m_instanceId, m_instanceName,
                                   m_options.listenAddress.protocol() == QAbstractSocket::IPv6Protocol
                                       ? u'[' + m_options.listenAddress.toString() + u']'
                                       : m_options.listenAddress.toString())
                              .arg(m_pingPort));
    });
}

void WorkerApplication::refreshRedisCredentials()
{
    // Both connections fail at once and keep retrying: one fetch at a time is enough.
    if (m_fetchingCredentials || m_stopping || !m_runtime)
        return;
    m_fetchingCredentials = true;
    m_registry->fetchCredentials(m_instanceId, [this](Result<QPair<QString, QString>> credentials) {
        m_fetchingCredentials = false;
        if (m_stopping || !m_runtime)
            return;
        if (!credentials) {
            if (credentials.error().code == ErrorCode::PermissionDenied) {
                // serve was taken away: this instance may not reach the model's Redis any more.
                printLine(stderr,
                          QStringLiteral("error: the server refused this instance's Redis credentials "
                                         "(%1): stopping")
                              .arg(credentials.error().message));
                onSignal(SIGTERM);
            }
            return; // unavailable: the next failed connection attempt asks again
        }
        qCInfo(lcWorker) << "the model's Redis password was rotated; reconnecting with the new one";
        m_runtime->setRedisCredentials(credentials->first, credentials->second);
    });
}

void WorkerApplication::onSignal(int signalNumber)
{
    if (m_done)
        return;
    if (m_stopping) {
        qCInfo(lcWorker) << "signal" << signalNumber << "again: giving the running tasks back now";
        if (m_runtime)
            m_runtime->hurry();
        return;
    }
    m_stopping = true;
    qCInfo(lcWorker) << "signal" << signalNumber << "received: shutting down";
    m_registerRetry.stop();
    if (!m_runtime) {
        finish(Ok); // never registered: nothing to hand back
        return;
    }
    m_runtime->shutdown(int(m_options.drainTimeoutSecs * 1000));
}

void WorkerApplication::onRuntimeStopped()
{
    if (!m_runtime->stopThreads(kStopThreadsMs)) {
        qCCritical(lcWorker) << "model code did not return in" << kStopThreadsMs
                             << "ms after being cancelled";
        m_hardExit = true;
    }
    if (m_http)
        m_http->close();
    m_registry->unregister(m_instanceId, kUnregisterTimeoutMs, [this](bool) { finish(Ok); });
}

void WorkerApplication::finish(int exitCode)
{
    if (m_done)
        return;
    m_done = true;
    m_exitCode = exitCode;
    emit finished(exitCode);
}

} // namespace mmf
