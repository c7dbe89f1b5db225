#include "tools/BenchRunner.h"

#include "tools/BenchSubscribers.h"
#include "tools/CtlRequests.h"
#include "tools/JsonScan.h"
#include "tools/RedisCommandStats.h"

#include "redis/RedisClient.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <unistd.h>

namespace mmf {

namespace {

constexpr int kStartTimeoutMs = 10'000;
// Latency mode: a stall longer than this rebases the schedule instead of bursting to catch up.
constexpr qint64 kMaxCatchUpNs = 10'000'000;
// Commands printed on the redis_commands line.
constexpr int kTopCommands = 20;

// "429 rate_limited: queue full", or the start of a body that is not an API error.
QString errorText(const HttpResponseParser::Response& response)
{
    const QJsonObject error =
        QJsonDocument::fromJson(response.body).object().value(QLatin1String("error")).toObject();
    return QStringLiteral("%1 %2: %3")
        .arg(response.status)
        .arg(error.value(QLatin1String("code")).toString(),
             error.isEmpty() ? QString::fromUtf8(response.body.left(120))
                             : error.value(QLatin1String("message")).toString());
}

bool measuresProcesses(const BenchConfig& config)
{
    return config.serverPid > 0 || !config.workerPids.isEmpty();
}

} // namespace

BenchRunner::BenchRunner(BenchConfig config, std::optional<RedisConfig> redis,
                         std::optional<LatencyLog> latencyLog, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_latencyLog(std::move(latencyLog))
    , m_events(m_clock, [this](const QByteArray& id, bool ok, qint64 ns) { onFinal(id, ok, ns); })
    , m_processes(m_config.serverPid, m_config.workerPids, measuresProcesses(m_config) ? qint64(getpid()) : 0)
{
    const QByteArray prefix =
        m_config.server.adjusted(QUrl::StripTrailingSlash).path(QUrl::FullyEncoded).toUtf8();
    const QByteArray model = QUrl::toPercentEncoding(m_config.model);
    const QByteArray query =
        m_config.mode == BenchMode::Wait ? "?wait=" + QByteArray::number(m_config.waitS) : QByteArray();
    m_singleRequest =
        formatRequest(prefix + "/api/v1/models/" + model + "/tasks" + query, m_config.requestBody());
    if (redis) {
        m_redis = std::make_unique<RedisClient>(*redis);
        connect(m_redis.get(), &RedisClient::connected, this, &BenchRunner::openLoad,
                Qt::SingleShotConnection);
    }
    m_batchPath = prefix + "/api/v1/models/" + model + "/tasks:batch";
    if (m_config.mode == BenchMode::Batch)
        m_fullBatchRequest = formatRequest(m_batchPath, m_config.batchBody(m_config.batchSize));

    m_latency.reserve(m_config.tasks);
    m_waiting.reserve(qMin(m_config.tasks, 1 << 20));
    m_startDeadline.setSingleShot(true);
    m_pacer.setSingleShot(true);
    m_pacer.setTimerType(Qt::PreciseTimer);
    connect(&m_startDeadline, &QTimer::timeout, this, [this] {
        if (m_redis && !m_redis->isConnected()) {
            end(QStringLiteral("cannot reach Redis at %1 within %2 s: %3")
                    .arg(m_redis->config().toDisplayUrl())
                    .arg(kStartTimeoutMs / 1000)
                    .arg(m_redis->lastError()),
                3);
            return;
        }
        end(QStringLiteral("could not connect and subscribe within %1 s").arg(kStartTimeoutMs / 1000), 3);
    });
    connect(&m_watchdog, &QTimer::timeout, this, &BenchRunner::checkStall);
    connect(&m_pacer, &QTimer::timeout, this, &BenchRunner::latencyTick);
    connect(&m_events, &BenchEvents::subscribed, this, &BenchRunner::openConnections);
    connect(&m_events, &BenchEvents::lost, this,
            [this](const QString& reason) { end(reason, m_running ? 1 : 3); });
}

BenchRunner::~BenchRunner() = default;

QByteArray BenchRunner::formatRequest(const QByteArray& path, const QByteArray& body) const
{
    const QUrl& server = m_config.server;
    QByteArray request;
    request.reserve(body.size() + m_config.token.size() + 256);
    request += "POST " + path + " HTTP/1.1\r\nHost: " + server.host().toUtf8() + ':' +
               QByteArray::number(server.port(80)) + "\r\nAuthorization: Bearer " + m_config.token.toUtf8() +
               "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
               "\r\n\r\n" + body;
    return request;
}

void BenchRunner::start()
{
    m_clock.start();
    m_clockStartUnixMs = double(QDateTime::currentMSecsSinceEpoch());
    m_startDeadline.start(kStartTimeoutMs);
    if (m_config.idleConnections == 0) {
        startLoad();
        return;
    }
    // The quiet clients first, so that every figure of the run is taken with them attached.
    connect(
        &m_idle, &IdleConnections::settled, this,
        [this] {
            if (m_idle.connected() < m_config.idleConnections) {
                end(QStringLiteral("--idle-connections: %1 of %2 connected (%3)")
                        .arg(m_idle.connected())
                        .arg(m_config.idleConnections)
                        .arg(m_idle.firstError()),
                    3);
                return;
            }
            startLoad();
        },
        Qt::SingleShotConnection);
    m_idle.open(m_config.server.host(), quint16(m_config.server.port(80)), m_config.idleConnections);
}

void BenchRunner::startLoad()
{
    if (m_ended)
        return;
    if (m_redis)
        m_redis->start(); // openLoad() once connected
    else
        openLoad();
}

void BenchRunner::openLoad()
{
    if (m_ended)
        return;
    // Wait mode's completions are the answers themselves: no subscription (its pushes would cost the server).
    if (m_config.mode == BenchMode::Wait)
        openConnections();
    else
        m_events.open(CtlRequests::websocketUrl(m_config.server), m_config.token, m_config.model);
}

void BenchRunner::openConnections()
{
    if (m_ended || !m_connections.empty())
        return;
    for (int i = 0; i < m_config.connections; ++i) {
        auto connection = std::make_unique<BenchConnection>(
            m_clock, [this](const HttpResponseParser::Response& r, qint64 ns, int tasks) {
                onResponse(r, ns, tasks);
            });
        BenchConnection* raw = connection.get();
        connect(raw, &BenchConnection::connected, this, [this, raw] {
            if (m_running) {
                fill(raw); // a reconnection
            } else if (++m_connected == m_config.connections) {
                begin();
            }
        });
        if (m_config.mode != BenchMode::Latency)
            connect(raw, &BenchConnection::responsesHandled, this, [this, raw] { fill(raw); });
        connect(raw, &BenchConnection::lost, this, [this, raw](const QString& reason, int lostTasks) {
            onConnectionLost(raw, reason, lostTasks);
        });
        m_connections.push_back(std::move(connection));
        raw->connectTo(m_config.server.host(), quint16(m_config.server.port(80)));
    }
}

void BenchRunner::begin()
{
    m_startDeadline.stop();
    if (measuresProcesses(m_config)) {
        if (Result<void> before = m_processes.sampleBefore(); !before) {
            end(before.error().message, 1);
            return;
        }
        m_measuring = true;
    }
    if (!m_redis) {
        run();
        return;
    }
    m_redis->command({"CONFIG", "RESETSTAT"}, [this](const RedisReply& reply) {
        if (m_ended)
            return;
        if (reply.isError()) {
            end(QStringLiteral("CONFIG RESETSTAT: ") + QString::fromUtf8(reply.view()), 1);
            return;
        }
        m_statsReset = true;
        run();
    });
}

void BenchRunner::run()
{
    m_running = true;
    m_t0Ns = m_clock.nsecsElapsed();
    m_lastProgressNs = m_t0Ns;
    m_watchdog.start(250);
    if (m_config.mode == BenchMode::Latency) {
        m_intervalNs = 1e9 / m_config.rate;
        m_scheduleBaseNs = m_t0Ns;
        latencyTick();
        return;
    }
    for (const auto& connection : m_connections)
        fill(connection.get());
}

void BenchRunner::fill(BenchConnection* connection)
{
    if (!m_running || m_ended || !connection->isConnected())
        return;
    bool wrote = false;
    while (connection->inFlight() < m_config.window && m_submitted < m_config.tasks) {
        if (m_config.mode == BenchMode::Batch) {
            const int n = qMin(m_config.batchSize, m_config.tasks - m_submitted);
            connection->send(n == m_config.batchSize ? m_fullBatchRequest
                                                     : formatRequest(m_batchPath, m_config.batchBody(n)),
                             n);
            m_submitted += n;
        } else {
            connection->send(m_singleRequest, 1);
            ++m_submitted;
        }
        wrote = true;
    }
    if (wrote)
        connection->flush();
}

void BenchRunner::latencyTick()
{
    if (!m_running || m_ended)
        return;
    BenchConnection* connection = m_connections.front().get();
    const qint64 now = m_clock.nsecsElapsed();
    auto due = [this](int index) { return m_scheduleBaseNs + qint64(index * m_intervalNs); };
    if (connection->isConnected()) {
        bool wrote = false;
        while (m_submitted < m_config.tasks && due(m_submitted) <= now) {
            if (now - due(m_submitted) > kMaxCatchUpNs) {
                // We were stalled: shift the schedule rather than fire the backlog at once.
                m_scheduleBaseNs += now - due(m_submitted);
                ++m_slips;
            }
            connection->send(m_singleRequest, 1);
            ++m_submitted;
            wrote = true;
        }
        if (wrote)
            connection->flush();
    }
    if (m_submitted >= m_config.tasks)
        return;
    // Wake at (not before) the next due time; precise timers have millisecond resolution.
    const qint64 waitNs = qMax<qint64>(0, due(m_submitted) - m_clock.nsecsElapsed());
    m_pacer.start(int((waitNs + 999'999) / 1'000'000));
}

void BenchRunner::onResponse(const HttpResponseParser::Response& response, qint64 writtenNs, int tasks)
{
    if (m_ended)
        return;
    if (m_config.mode == BenchMode::Wait) {
        onWaitAnswer(response, writtenNs);
        return;
    }
    if (response.status < 200 || response.status >= 300) {
        recordError(errorText(response), tasks);
        checkDone();
        return;
    }
    m_lastAcceptNs = m_clock.nsecsElapsed();
    if (m_config.mode == BenchMode::Batch) {
        const QJsonArray ids =
            QJsonDocument::fromJson(response.body).object().value(QLatin1String("task_ids")).toArray();
        for (const QJsonValue& id : ids)
            accept(id.toString().toUtf8(), writtenNs);
        if (ids.size() != tasks)
            recordError(QStringLiteral("a batch of %1 answered with %2 task ids").arg(tasks).arg(ids.size()),
                        qMax(0, tasks - int(ids.size())));
    } else {
        const QByteArray id = JsonScan::topLevelString(response.body, "task_id");
        if (id.isEmpty())
            recordError(QStringLiteral("a %1 answer without task_id").arg(response.status), tasks);
        else
            accept(id, writtenNs);
    }
    checkDone();
}

void BenchRunner::onWaitAnswer(const HttpResponseParser::Response& response, qint64 writtenNs)
{
    if (response.status == 200) {
        const qint64 now = m_clock.nsecsElapsed();
        ++m_accepted;
        m_lastAcceptNs = now;
        complete(JsonScan::topLevelString(response.body, "task_id"),
                 JsonScan::topLevelString(response.body, "status") == "succeeded", now - writtenNs, now);
    } else if (response.status == 202) {
        recordError(QStringLiteral("202: not finished within ?wait=%1").arg(m_config.waitS), 1);
    } else {
        recordError(errorText(response), 1);
    }
    checkDone();
}

void BenchRunner::accept(const QByteArray& taskId, qint64 writtenNs)
{
    ++m_accepted;
    const auto early = m_early.constFind(taskId);
    if (early != m_early.cend()) {
        // The result push beat the submit answer.
        complete(taskId, early->succeeded, early->arrivedNs - writtenNs, early->arrivedNs);
        m_early.erase(early);
        return;
    }
    m_waiting.insert(taskId, writtenNs);
}

void BenchRunner::onFinal(const QByteArray& taskId, bool succeeded, qint64 arrivedNs)
{
    if (!m_running || m_ended)
        return;
    const auto waiting = m_waiting.constFind(taskId);
    if (waiting != m_waiting.cend()) {
        complete(taskId, succeeded, arrivedNs - *waiting, arrivedNs);
        m_waiting.erase(waiting);
        checkDone();
        return;
    }
    // Not accepted yet (or already counted: a result after a final status, which then lingers harmlessly).
    if (!m_early.contains(taskId))
        m_early.insert(taskId, {arrivedNs, succeeded});
}

void BenchRunner::complete(const QByteArray& taskId, bool succeeded, qint64 latencyNs, qint64 arrivedNs)
{
    if (succeeded)
        ++m_succeeded;
    else
        ++m_failed;
    m_latency.add(latencyNs);
    if (m_latencyLog)
        m_latencyLog->add(m_clockStartUnixMs + double(arrivedNs - latencyNs) / 1e6, latencyNs, taskId,
                          succeeded);
    m_lastCompletionNs = qMax(m_lastCompletionNs, arrivedNs);
    m_lastProgressNs = m_clock.nsecsElapsed();
}

void BenchRunner::onConnectionLost(BenchConnection* connection, const QString& reason, int lostTasks)
{
    if (m_ended)
        return;
    if (!m_running) {
        end(QStringLiteral("cannot connect to %1: %2").arg(m_config.server.toString(), reason), 3);
        return;
    }
    if (lostTasks > 0)
        recordError(QStringLiteral("connection lost: ") + reason, lostTasks);
    checkDone();
    if (!m_ended && m_submitted < m_config.tasks) {
        QTimer::singleShot(100, connection, [this, connection] {
            if (!m_ended)
                connection->connectTo(m_config.server.host(), quint16(m_config.server.port(80)));
        });
    }
}

void BenchRunner::recordError(const QString& error, int tasks)
{
    m_errors += tasks;
    if (m_firstError.isEmpty())
        m_firstError = error;
}

void BenchRunner::checkStall()
{
    if (m_ended)
        return;
    const qint64 idleNs = m_clock.nsecsElapsed() - m_lastProgressNs;
    if (idleNs > qint64(m_config.stallTimeoutS) * 1'000'000'000) {
        const int missing = m_config.tasks - m_succeeded - m_failed - m_errors;
        end(QStringLiteral("no result for %1 s; %2 of %3 tasks unfinished")
                .arg(m_config.stallTimeoutS)
                .arg(missing)
                .arg(m_config.tasks),
            1);
    }
}

void BenchRunner::checkDone()
{
    if (m_succeeded + m_failed + m_errors >= m_config.tasks)
        end({}, m_failed + m_errors > 0 ? 1 : 0);
}

void BenchRunner::end(const QString& error, int exitCode)
{
    if (m_ended)
        return;
    m_ended = true;
    m_running = false;
    m_startDeadline.stop();
    m_watchdog.stop();
    m_pacer.stop();

    const qint64 now = m_clock.nsecsElapsed();
    BenchSummary& s = m_summary;
    s.mode = BenchConfig::modeName(m_config.mode);
    s.tasks = m_config.tasks;
    s.succeeded = m_succeeded;
    s.failed = m_failed;
    s.errors = m_errors;
    s.connections = m_config.connections;
    s.window = m_config.mode == BenchMode::Latency ? 0 : m_config.window;
    s.batchSize = m_config.mode == BenchMode::Batch ? m_config.batchSize : 0;
    s.rate = m_config.mode == BenchMode::Latency ? m_config.rate : 0;
    s.slips = m_slips;
    const qint64 endNs = m_lastCompletionNs > m_t0Ns ? m_lastCompletionNs : now;
    s.elapsedS = m_t0Ns > 0 ? double(endNs - m_t0Ns) / 1e9 : 0;
    s.tasksPerS = s.elapsedS > 0 ? (m_succeeded + m_failed) / s.elapsedS : 0;
    const double acceptS = double(m_lastAcceptNs - m_t0Ns) / 1e9;
    s.submitPerS = m_lastAcceptNs > m_t0Ns ? m_accepted / acceptS : 0;
    s.p50Ms = m_latency.percentileMs(50);
    s.p99Ms = m_latency.percentileMs(99);
    s.p999Ms = m_latency.percentileMs(99.9);
    s.showP999 = m_config.mode == BenchMode::Latency;
    if (m_measuring) {
        m_processes.sampleAfter();
        s.processes = m_processes.usage();
    }
    s.firstError = m_firstError;
    s.error = error;
    if (m_config.idleConnections > 0) {
        s.idleWanted = m_config.idleConnections;
        s.idleHeld = m_idle.held();
    }
    if (m_latencyLog) {
        if (Result<void> closed = m_latencyLog->close(); !closed) {
            if (s.error.isEmpty())
                s.error = closed.error().message;
            exitCode = 1;
        }
    }

    m_events.close();
    for (const auto& connection : m_connections)
        connection->disconnect(this);
    if (!m_statsReset) {
        emit finished(exitCode);
        return;
    }
    // A rewrite forks Redis and serialises its whole data set: a mode that ran one is not comparable with one
    // that did not, so the line says so.
    m_redis->command({"INFO", "commandstats", "persistence", "stats"}, [this,
                                                                        exitCode](const RedisReply& reply) {
        Result<QList<CommandStat>> stats =
            reply.isError() ? Result<QList<CommandStat>>(Error::unavailable(QString::fromUtf8(reply.view())))
                            : RedisCommandStats::parse(reply.view());
        if (stats) {
            m_summary.commands = *stats;
            m_summary.aofRewrites = RedisCommandStats::integerField(reply.view(), "aof_rewrites");
            m_summary.lastForkUs = RedisCommandStats::integerField(reply.view(), "latest_fork_usec");
            emit finished(exitCode);
            return;
        }
        if (m_summary.error.isEmpty())
            m_summary.error = QStringLiteral("INFO commandstats: ") + stats.error().message;
        emit finished(1);
    });
}

int BenchRunner::exec(const QStringList& args, const QProcessEnvironment& env)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const Result<BenchConfig> config = BenchConfig::parse(args, env);
    if (!config) {
        err << "error: usage: " << config.error().message << "\nrun 'mmf-bench --help' for usage\n";
        return 2;
    }
    if (config->help) {
        out << BenchConfig::helpText();
        return 0;
    }
    if (config->mode == BenchMode::Subscribers)
        return BenchSubscribers::exec(*config);
    std::optional<RedisConfig> redis;
    if (!config->redisUrl.isEmpty()) {
        Result<RedisConfig> parsed = config->redisConfig();
        if (!parsed) {
            err << "error: usage: " << parsed.error().message << '\n';
            return 2;
        }
        redis = *parsed;
    }
    std::optional<LatencyLog> latencyLog;
    if (!config->latencyLog.isEmpty()) {
        Result<LatencyLog> opened = LatencyLog::open(config->latencyLog);
        if (!opened) {
            err << "error: usage: " << opened.error().message << '\n';
            return 2;
        }
        latencyLog = std::move(opened).value();
    }
    BenchRunner runner(*config, redis, std::move(latencyLog));
    int exitCode = 0;
    QEventLoop loop;
    connect(&runner, &BenchRunner::finished, &loop, [&](int code) {
        exitCode = code;
        loop.quit();
    });
    QTimer::singleShot(0, &runner, &BenchRunner::start);
    loop.exec();
    out << BenchReport::summaryLine(runner.summary()) << '\n';
    if (const QString commands = BenchReport::commandsLine(runner.summary(), kTopCommands);
        !commands.isEmpty())
        out << commands << '\n';
    return exitCode;
}

} // namespace mmf
