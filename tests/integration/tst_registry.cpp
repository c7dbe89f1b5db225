// The registry with real processes: pings and eviction (a SIGKILLed instance's running task is redelivered at
// once to the other instance), logout on SIGTERM, 409 on a conflicting descriptor, a model leaving with its
// last instance, /metrics moving as tasks flow (and promtool's verdict when promtool is available), the
// OpenAPI document listing each live model, and the leader lease moving to another server when its holder
// dies; a registration naming a host other than its own address is refused and never pinged (unless the
// operator allows that host).
#include "MetricsText.h"
#include "Promtool.h"
#include "RawHttpConnection.h"
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using namespace mmf;

namespace {

constexpr int kPingIntervalMs = 1000;

} // namespace

class TestRegistry : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void metricsDescribeTheServerItself();
    void evictsKilledInstanceAndRedeliversItsTask();
    void logoutOnSigtermRemovesInstanceAndModel();
    void conflictingDescriptorIsRefused();
    void metricsMoveAsTasksFlow();
    void openApiListsEachLiveModel();
    void ctlShowsModelsAndOneModel();
    void registrationNamingAnotherHostIsRefusedAndNeverPinged();
    void leaderLeaseMovesWhenItsHolderDies(); // last: it kills the server

private:
    std::unique_ptr<WorkerFixture> startWorker(const QString& model, const QString& name,
                                               const QStringList& extra = {});
    int instances(const QString& model);
    bool modelListed(const QString& model);
    QJsonObject waitForTask(const QString& id, const std::function<bool(const QJsonObject&)>& done,
                            int timeoutMs = 30000);

    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<ServerFixture> m_server;
    QByteArray m_userToken;
    QByteArray m_workerToken;
    std::unique_ptr<TestHttpClient> m_user;
};

void TestRegistry::initTestCase()
{
    m_redis = std::make_unique<RedisServerFixture>(
        QStringLiteral("reg-secret-%1").arg(QCoreApplication::applicationPid()));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    // A claim timeout far above the test's deadlines: a task that comes back in time came back through
    // eviction.
    m_server = std::make_unique<ServerFixture>(QStringList{
        QStringLiteral("--ping-interval"), QString::number(kPingIntervalMs / 1000.0),
        QStringLiteral("--claim-timeout-ms"), QStringLiteral("120000"),
        QStringLiteral("--backoff-initial-ms"), QStringLiteral("100"), QStringLiteral("--max-connections"),
        QStringLiteral("555"), QStringLiteral("--ws-max-connections"), QStringLiteral("77")});
    QVERIFY2(m_server->start(m_redis->url()), qPrintable(m_server->errorString()));
    m_userToken = m_server->issueToken(QStringLiteral("alice"), QStringLiteral("default"),
                                       QStringLiteral("score,read"));
    m_workerToken =
        m_server->issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    QVERIFY(!m_userToken.isEmpty() && !m_workerToken.isEmpty());
    m_user = std::make_unique<TestHttpClient>(m_server->url(), m_userToken);
}

void TestRegistry::cleanupTestCase()
{
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

std::unique_ptr<WorkerFixture> TestRegistry::startWorker(const QString& model, const QString& name,
                                                         const QStringList& extra)
{
    auto worker = std::make_unique<WorkerFixture>(model, m_server->url(), m_workerToken,
                                                  QStringList{QStringLiteral("--name"), name} + extra);
    if (!worker->start())
        return {};
    return worker;
}

int TestRegistry::instances(const QString& model)
{
    return m_redis->syncCommand({QStringLiteral("HLEN"), QStringLiteral("mmf:instances:") + model}).toInt();
}

bool TestRegistry::modelListed(const QString& model)
{
    for (const QJsonValue& entry :
         m_user->get(QStringLiteral("/api/v1/models")).json().value(QStringLiteral("models")).toArray()) {
        if (entry.toObject().value(QStringLiteral("name")).toString() == model)
            return true;
    }
    return false;
}

QJsonObject TestRegistry::waitForTask(const QString& id, const std::function<bool(const QJsonObject&)>& done,
                                      int timeoutMs)
{
    return m_user
        ->pollUntil(
            QStringLiteral("/api/v1/tasks/%1").arg(id),
            [&](const TestHttpClient::Response& r) { return done(r.json()); }, timeoutMs)
        .json();
}

void TestRegistry::evictsKilledInstanceAndRedeliversItsTask()
{
    auto first = startWorker(QStringLiteral("echo"), QStringLiteral("reg"));
    auto second = startWorker(QStringLiteral("echo"), QStringLiteral("reg"));
    QVERIFY(first && second);
    QVERIFY2(first->waitForReady(), first->output().constData());
    QVERIFY2(second->waitForReady(), second->output().constData());
    QTRY_COMPARE_WITH_TIMEOUT(instances(QStringLiteral("reg")), 2, 10000);
    // Pings are recorded in the instances' JSON.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_redis->syncCommand({QStringLiteral("HVALS"), QStringLiteral("mmf:instances:reg")})
                .count("\"ping_rtt_ms\"") == 2,
        10000);

    const auto submitted = m_user->postJson(QStringLiteral("/api/v1/models/reg/tasks"),
                                            QJsonObject{{QStringLiteral("text"), QStringLiteral("survivor")},
                                                        {QStringLiteral("delay_ms"), 3000}});
    QVERIFY2(submitted.status == 202, submitted.body.constData());
    const QString taskId = submitted.json().value(QStringLiteral("task_id")).toString();
    const QJsonObject running = waitForTask(taskId, [](const QJsonObject& t) {
        return t.value(QStringLiteral("status")).toString() == QLatin1String("running");
    });
    QCOMPARE(running.value(QStringLiteral("status")).toString(), QStringLiteral("running"));
    const QString victimName = QString::fromUtf8(m_redis->syncCommand(
        {QStringLiteral("HGET"), QStringLiteral("mmf:{reg}:task:") + taskId, QStringLiteral("i")}));
    QVERIFY(!victimName.isEmpty());
    WorkerFixture* victim =
        first->output().contains(("name=" + victimName + ' ').toUtf8()) ? first.get() : second.get();
    WorkerFixture* survivor = victim == first.get() ? second.get() : first.get();
    QVERIFY2(victim->output().contains(("name=" + victimName + ' ').toUtf8()), victim->output().constData());

    QElapsedTimer sinceKill;
    QVERIFY(victim->kill(SIGKILL));
    sinceKill.start();
    QTRY_COMPARE_WITH_TIMEOUT(instances(QStringLiteral("reg")), 1, 15000);
    const qint64 evictedAfterMs = sinceKill.elapsed();
    // Two missed pings; the slack covers the round in flight and a loaded machine.
    QVERIFY2(evictedAfterMs <= 2 * kPingIntervalMs + 2500, qPrintable(QString::number(evictedAfterMs)));

    // Back at once (the claim timeout is 120 s), finished by the survivor.
    const QJsonObject task = waitForTask(
        taskId,
        [](const QJsonObject& t) {
            return t.value(QStringLiteral("status")).toString() == QLatin1String("succeeded");
        },
        30000);
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(task.value(QStringLiteral("attempts")).toInt(), 2);
    QVERIFY(task.value(QStringLiteral("instance")).toString() != victimName);
    QVERIFY(survivor->isRunning());

    TestHttpClient anonymous(m_server->url());
    const QByteArray metrics = anonymous.get(QStringLiteral("/metrics")).body;
    QCOMPARE(sampleValue(metrics, "mmf_instances_evicted_total{model=\"reg\"}"), 1.0);
    QVERIFY(sampleValue(metrics, "mmf_redeliveries_total{model=\"reg\"}") >= 1.0);
}

void TestRegistry::logoutOnSigtermRemovesInstanceAndModel()
{
    auto worker = startWorker(QStringLiteral("echo"), QStringLiteral("bye"));
    QVERIFY(worker);
    QVERIFY2(worker->waitForReady(), worker->output().constData());
    QTRY_VERIFY_WITH_TIMEOUT(modelListed(QStringLiteral("bye")), 10000);
    QCOMPARE(instances(QStringLiteral("bye")), 1);
    QVERIFY(worker->kill(SIGTERM));
    QCOMPARE(worker->waitForExit(), 0);
    // Logout happened before the exit: no ping round was needed.
    QCOMPARE(instances(QStringLiteral("bye")), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!modelListed(QStringLiteral("bye")), 5000);
    const auto detail = m_user->get(QStringLiteral("/api/v1/models/bye"));
    QCOMPARE(detail.status, 200); // the catalogue keeps the model's descriptors
    QCOMPARE(detail.json().value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
}

void TestRegistry::conflictingDescriptorIsRefused()
{
    auto owner = startWorker(QStringLiteral("echo"), QStringLiteral("clash"));
    QVERIFY(owner);
    QVERIFY2(owner->waitForReady(), owner->output().constData());
    auto intruder = startWorker(QStringLiteral("calc"), QStringLiteral("clash"));
    QVERIFY(intruder);
    QCOMPARE(intruder->waitForExit(30000), 3);
    const QByteArray output = intruder->output();
    QVERIFY2(output.contains("conflict"), output.constData());
    QVERIFY2(output.contains("mmf.models.EchoRequest"), output.constData()); // says what differs
    QCOMPARE(instances(QStringLiteral("clash")), 1);
    // The same descriptor joins as a new instance.
    auto twin = startWorker(QStringLiteral("echo"), QStringLiteral("clash"));
    QVERIFY(twin);
    QVERIFY2(twin->waitForReady(), twin->output().constData());
    QCOMPARE(instances(QStringLiteral("clash")), 2);
}

void TestRegistry::metricsDescribeTheServerItself()
{
    // Read at the scrape: the process, the build and the connections. One keep-alive connection scrapes, so
    // the counts move only with what this test opens.
    RawHttpConnection scraper(m_server->port());
    const auto scrape = [&scraper] {
        return scraper.request("GET", "/metrics") == 200 ? scraper.body() : QByteArray();
    };
    const QByteArray text = scrape();
    QVERIFY(
        QRegularExpression(QStringLiteral("\\nmmf_build_info\\{version=\"[0-9]+\\.[0-9]+\\.[0-9]+\"\\} 1\\n"))
            .match(QString::fromUtf8(text))
            .hasMatch());
    for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                             "process_virtual_memory_bytes", "process_max_fds", "process_threads"})
        QVERIFY2(sampleValue(text, name) > 0, name);
    // The server's own process, seen from outside: its descriptors and its start.
    const QString proc = QStringLiteral("/proc/%1").arg(m_server->pid());
    const double fds = QDir(proc + QStringLiteral("/fd"))
                           .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)
                           .size();
    QVERIFY2(qAbs(sampleValue(text, "process_open_fds") - fds) <= 8,
             qPrintable(QStringLiteral("%1 vs %2").arg(sampleValue(text, "process_open_fds")).arg(fds)));
    const double started = sampleValue(text, "process_start_time_seconds");
    const double now = double(QDateTime::currentSecsSinceEpoch());
    QVERIFY2(started > now - 600 && started <= now + 1, qPrintable(QString::number(started, 'f', 2)));

    // The shared Redis's memory, from INFO as the server polls it (once a second), against what this test
    // reads.
    const auto infoUsedMemory = [this] {
        for (const QByteArray& line :
             m_redis->syncCommand({QStringLiteral("INFO"), QStringLiteral("memory")}).split('\n')) {
            if (line.startsWith("used_memory:"))
                return line.mid(12).trimmed().toDouble();
        }
        return -1.0;
    };
    double polled = -1;
    QTRY_VERIFY_WITH_TIMEOUT((polled = sampleValue(scrape(), "mmf_redis_used_memory_bytes")) > 0, 10000);
    const double read = infoUsedMemory();
    QVERIFY2(read > 0 && polled > read / 2 && polled < read * 2,
             qPrintable(QStringLiteral("%1 vs %2").arg(polled).arg(read)));
    const QList<QByteArray> limit =
        m_redis->syncCommand({QStringLiteral("CONFIG"), QStringLiteral("GET"), QStringLiteral("maxmemory")})
            .split('\n');
    QCOMPARE(sampleValue(scrape(), "mmf_redis_maxmemory_bytes"), limit.value(1).trimmed().toDouble());

    // The caps the connection gauges are read against, as configured.
    QCOMPARE(sampleValue(text, "mmf_http_connections_limit"), 555.0);
    QCOMPARE(sampleValue(text, "mmf_websocket_connections_limit"), 77.0);
    const double http = sampleValue(text, "mmf_http_connections");
    const double webSockets = sampleValue(text, "mmf_websocket_connections");
    QVERIFY(http >= 1 && webSockets >= 0);
    {
        std::vector<std::unique_ptr<RawHttpConnection>> held;
        for (int i = 0; i < 3; ++i) {
            held.push_back(std::make_unique<RawHttpConnection>(m_server->port()));
            QCOMPARE(held.back()->request("GET", "/healthz"), 200);
        }
        TestWebSocket socket(m_server->url(), m_userToken);
        QVERIFY(socket.open());
        const QByteArray busy = scrape();
        QCOMPARE(sampleValue(busy, "mmf_http_connections"), http + 3);
        QCOMPARE(sampleValue(busy, "mmf_websocket_connections"), webSockets + 1);
    }
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(scrape(), "mmf_websocket_connections"), webSockets, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(scrape(), "mmf_http_connections"), http, 10000);
}

void TestRegistry::metricsMoveAsTasksFlow()
{
    auto worker = startWorker(QStringLiteral("echo"), QStringLiteral("flow"),
                              {QStringLiteral("--concurrency"), QStringLiteral("1")});
    QVERIFY(worker);
    QVERIFY2(worker->waitForReady(), worker->output().constData());
    QTRY_VERIFY_WITH_TIMEOUT(modelListed(QStringLiteral("flow")), 10000);
    TestHttpClient anonymous(m_server->url());
    auto scrape = [&] {
        const auto r = anonymous.get(QStringLiteral("/metrics"));
        return r.status == 200 ? r.body : QByteArray();
    };
    const QByteArray before = scrape();
    QVERIFY(!before.isEmpty());
    for (const char* family :
         {"mmf_models_live", "mmf_model_instances", "mmf_queue_depth", "mmf_queue_oldest_age_seconds",
          "mmf_tasks_total", "mmf_task_duration_seconds", "mmf_redeliveries_total",
          "mmf_instances_evicted_total", "mmf_scaler_desired_replicas", "mmf_scaler_current_replicas",
          "mmf_http_requests_total", "mmf_dead_letters"}) {
        QVERIFY2(before.contains(QByteArray("# HELP ") + family + ' '), family);
        QVERIFY2(before.contains(QByteArray("# TYPE ") + family + ' '), family);
    }
    const double succeededBefore =
        qMax(0.0, sampleValue(before, "mmf_tasks_total{model=\"flow\",status=\"succeeded\"}"));

    QStringList ids;
    for (int i = 0; i < 4; ++i) {
        const auto r = m_user->postJson(QStringLiteral("/api/v1/models/flow/tasks"),
                                        QJsonObject{{QStringLiteral("text"), QStringLiteral("t%1").arg(i)},
                                                    {QStringLiteral("delay_ms"), 700}});
        QCOMPARE(r.status, 202);
        ids << r.json().value(QStringLiteral("task_id")).toString();
    }
    // The queue rises (one runs, three wait) ...
    double peak = 0, oldest = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        (peak = qMax(peak, sampleValue(scrape(), "mmf_queue_depth{model=\"flow\"}"))) >= 2, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        (oldest = sampleValue(scrape(), "mmf_queue_oldest_age_seconds{model=\"flow\"}")) > 0, 10000);
    // ... and falls to zero as they finish; the counters count them.
    for (const QString& id : ids)
        QCOMPARE(waitForTask(id,
                             [](const QJsonObject& t) {
                                 return t.value(QStringLiteral("status")).toString() ==
                                        QLatin1String("succeeded");
                             })
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("succeeded"));
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(scrape(), "mmf_queue_depth{model=\"flow\"}"), 0.0, 10000);
    const QByteArray after = scrape();
    QCOMPARE(sampleValue(after, "mmf_tasks_total{model=\"flow\",status=\"succeeded\"}"), succeededBefore + 4);
    QVERIFY(sampleValue(after, "mmf_task_duration_seconds_count{model=\"flow\",stage=\"run\"}") >= 4);
    QVERIFY(sampleValue(after, "mmf_task_duration_seconds_sum{model=\"flow\",stage=\"run\"}") >= 4 * 0.7);
    QVERIFY(sampleValue(after,
                        "mmf_http_requests_total{route=\"/api/v1/models/{name}/tasks\",code=\"202\"}") >= 4);
    QCOMPARE(sampleValue(after, "mmf_model_instances{model=\"flow\"}"), 1.0);
    // The worker's own /metrics, on its ping port: the four tasks it ran, none in hand, its concurrency.
    const QRegularExpressionMatch pingPort =
        QRegularExpression(QStringLiteral("answers pings on port (\\d+)"))
            .match(QString::fromUtf8(worker->output()));
    QVERIFY2(pingPort.hasMatch(), worker->output().constData());
    RawHttpConnection workerScrape(quint16(pingPort.captured(1).toUInt()));
    QCOMPARE(workerScrape.request("GET", "/metrics"), 200);
    const QByteArray workerText = workerScrape.body();
    QCOMPARE(sampleValue(workerText, "mmf_worker_tasks_total{model=\"flow\",status=\"succeeded\"}"), 4.0);
    QCOMPARE(sampleValue(workerText, "mmf_worker_tasks_total{model=\"flow\",status=\"failed\"}"), 0.0);
    QCOMPARE(sampleValue(workerText, "mmf_worker_tasks_in_hand{model=\"flow\"}"), 0.0);
    QCOMPARE(sampleValue(workerText, "mmf_worker_concurrency{model=\"flow\"}"), 1.0);
    QCOMPARE(sampleValue(workerText, "mmf_worker_redis_writes_pending{model=\"flow\"}"), 0.0);
    QCOMPARE(sampleValue(workerText, "mmf_worker_redis_writes_held{model=\"flow\"}"), 0.0);
    QVERIFY(sampleValue(workerText, "process_resident_memory_bytes") > 0);
    QVERIFY(workerText.contains("\nmmf_build_info{version=\""));
    // The estimate uses the mean run time: with an empty queue it is 0, with the run time known it is
    // reported.
    const QJsonObject detail = m_user->get(QStringLiteral("/api/v1/models/flow")).json();
    QVERIFY(detail.contains(QStringLiteral("estimated_wait_ms")));
    // The studio's stats topic carries the same figures every second.
    TestWebSocket stats(m_server->url(), m_userToken);
    QVERIFY(stats.open());
    stats.subscribe(QStringLiteral("stats"));
    const QJsonObject push = stats.waitFor(
        [](const QJsonObject& m) {
            if (m.value(QStringLiteral("type")).toString() != QLatin1String("stats"))
                return false;
            for (const QJsonValue& model : m.value(QStringLiteral("models")).toArray()) {
                if (model.toObject().value(QStringLiteral("name")).toString() == QLatin1String("flow"))
                    return true;
            }
            return false;
        },
        10000);
    QVERIFY(!push.isEmpty());
    for (const QJsonValue& value : push.value(QStringLiteral("models")).toArray()) {
        const QJsonObject model = value.toObject();
        if (model.value(QStringLiteral("name")).toString() != QLatin1String("flow"))
            continue;
        QCOMPARE(model.value(QStringLiteral("instances")).toInt(), 1);
        QCOMPARE(model.value(QStringLiteral("queue_depth")).toInt(), 0);
        // p99 of the four end-to-end times: at least one run (0.7 s).
        QVERIFY2(model.value(QStringLiteral("p99_ms")).toDouble() >= 700,
                 qPrintable(QString::number(model.value(QStringLiteral("p99_ms")).toDouble())));
        for (const char* key :
             {"estimated_wait_ms", "tasks_per_s", "p50_ms", "running", "desired", "current"})
            QVERIFY2(model.contains(QLatin1String(key)), key);
    }

    // Every family the shipped Grafana dashboard and alerting rules query is exported, by the server or by a
    // worker.
    QString queries;
    for (const char* shipped :
         {"/installer/grafana/mmf-dashboard.json", "/installer/prometheus/mmf-alerts.yml"}) {
        QFile file(qEnvironmentVariable("MMF_SOURCE_DIR") + QLatin1String(shipped));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        queries += QString::fromUtf8(file.readAll());
    }
    QRegularExpressionMatchIterator names =
        QRegularExpression(QStringLiteral("\\b((mmf|process)_[a-z_]+?)(_bucket|_sum|_count)?\\b"))
            .globalMatch(queries);
    int named = 0;
    while (names.hasNext()) {
        const QByteArray family = names.next().captured(1).toUtf8();
        ++named;
        QVERIFY2(after.contains("# TYPE " + family + ' ') || workerText.contains("# TYPE " + family + ' '),
                 family.constData());
    }
    QVERIFY(named >= 15);

    const QString promtool = findPromtool();
    if (promtool.isEmpty()) {
        if (qEnvironmentVariableIntValue("MMF_REQUIRE_TOOLS"))
            QFAIL(kPromtoolRequired);
        qWarning("promtool not found (build dir or PATH): the exposition was checked by tst_metrics only");
        return;
    }
    for (const QByteArray& exposition : {after, workerText}) {
        QByteArray verdict;
        QVERIFY2(runPromtool(promtool, {QStringLiteral("check"), QStringLiteral("metrics")}, &verdict,
                             exposition) == 0,
                 verdict.constData());
    }
}

void TestRegistry::openApiListsEachLiveModel()
{
    auto worker = startWorker(QStringLiteral("arith"), QStringLiteral("adder"));
    QVERIFY(worker);
    QVERIFY2(worker->waitForReady(), worker->output().constData());
    QTRY_VERIFY_WITH_TIMEOUT(modelListed(QStringLiteral("adder")), 10000);
    const auto r = m_user->get(QStringLiteral("/api/v1/openapi.json"));
    QCOMPARE(r.status, 200);
    const QJsonObject doc = r.json();
    QCOMPARE(doc.value(QStringLiteral("openapi")).toString(), QStringLiteral("3.1.0"));
    const QJsonObject paths = doc.value(QStringLiteral("paths")).toObject();
    QVERIFY(paths.contains(QStringLiteral("/api/v1/models/{name}/tasks")));
    for (const QJsonValue& entry :
         m_user->get(QStringLiteral("/api/v1/models")).json().value(QStringLiteral("models")).toArray()) {
        const QString name = entry.toObject().value(QStringLiteral("name")).toString();
        const QJsonObject submit = paths.value(QStringLiteral("/api/v1/models/%1/tasks").arg(name))
                                       .toObject()
                                       .value(QStringLiteral("post"))
                                       .toObject();
        QVERIFY2(!submit.isEmpty(), qPrintable(name));
        const QString ref = submit.value(QStringLiteral("requestBody"))
                                .toObject()
                                .value(QStringLiteral("content"))
                                .toObject()
                                .value(QStringLiteral("application/json"))
                                .toObject()
                                .value(QStringLiteral("schema"))
                                .toObject()
                                .value(QStringLiteral("$ref"))
                                .toString();
        const QString component = ref.section(QLatin1Char('/'), -1);
        QVERIFY2(doc.value(QStringLiteral("components"))
                     .toObject()
                     .value(QStringLiteral("schemas"))
                     .toObject()
                     .contains(component),
                 qPrintable(ref));
    }
    QVERIFY(paths.contains(QStringLiteral("/api/v1/models/adder/tasks")));
    // Lint with @redocly/cli when it is installed (npm install --prefix BUILD/redocly @redocly/cli@1.27.0).
    QString redocly =
        qEnvironmentVariable("MMF_BUILD_DIR") + QStringLiteral("/redocly/node_modules/.bin/redocly");
    if (!QFileInfo(redocly).isExecutable())
        redocly = QStandardPaths::findExecutable(QStringLiteral("redocly"));
    if (redocly.isEmpty()) {
        if (qEnvironmentVariableIntValue("MMF_REQUIRE_TOOLS"))
            QFAIL("@redocly/cli is required (MMF_REQUIRE_TOOLS=1) but was not found; run "
                  "scripts/fetch-test-tools.sh");
        qWarning("@redocly/cli not found: the OpenAPI document was not linted");
    } else {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("openapi.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(r.body);
        file.close();
        QProcess lint;
        lint.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("REDOCLY_TELEMETRY"), QStringLiteral("off"));
        env.insert(QStringLiteral("REDOCLY_SUPPRESS_UPDATE_NOTICE"), QStringLiteral("true"));
        lint.setProcessEnvironment(env);
        lint.start(redocly, {QStringLiteral("lint"), QStringLiteral("--format"), QStringLiteral("stylish"),
                             file.fileName()});
        QVERIFY(lint.waitForFinished(120000));
        const QByteArray verdict = lint.readAll();
        QVERIFY2(lint.exitCode() == 0, verdict.constData());
        QVERIFY2(!verdict.contains("warning"), verdict.constData());
    }
    // Offline models have no submit path.
    QVERIFY(!paths.contains(QStringLiteral("/api/v1/models/bye/tasks")));
    // Read access is required.
    TestHttpClient anonymous(m_server->url());
    QCOMPARE(anonymous.get(QStringLiteral("/api/v1/openapi.json")).status, 401);
}

void TestRegistry::ctlShowsModelsAndOneModel()
{
    auto worker = startWorker(QStringLiteral("arith"), QStringLiteral("adder"));
    QVERIFY(worker);
    QVERIFY2(worker->waitForReady(), worker->output().constData());
    QTRY_VERIFY_WITH_TIMEOUT(modelListed(QStringLiteral("adder")), 10000);
    auto run = [&](const QStringList& args) {
        QProcess ctl;
        ctl.setProcessChannelMode(QProcess::MergedChannels);
        ctl.start(ServerFixture::ctlProgram(),
                  args + QStringList{QStringLiteral("--server"), m_server->url().toString(),
                                     QStringLiteral("--token"), QString::fromLatin1(m_userToken)});
        if (!ctl.waitForFinished(30000))
            return qMakePair(-1, QByteArray());
        return qMakePair(ctl.exitCode(), ctl.readAll());
    };
    const auto models = run({QStringLiteral("models")});
    QCOMPARE(models.first, 0);
    QVERIFY2(models.second.contains("adder") && models.second.contains("WAIT"), models.second.constData());
    const auto model = run({QStringLiteral("model"), QStringLiteral("adder")});
    QCOMPARE(model.first, 0);
    QVERIFY2(model.second.contains("mmf.models.ArithRequest") && model.second.contains("estimated_wait:") &&
                 model.second.contains("request fields:"),
             model.second.constData());
    const auto missing = run({QStringLiteral("model"), QStringLiteral("nope")});
    QVERIFY(missing.first != 0);
    QVERIFY2(missing.second.contains("not_found"), missing.second.constData());
}

void TestRegistry::leaderLeaseMovesWhenItsHolderDies()
{
    const QByteArray holder =
        m_redis->syncCommand({QStringLiteral("GET"), QStringLiteral("mmf:lease:leader")});
    QVERIFY2(!holder.isEmpty(), "the only server holds the lease");
    ServerFixture other(
        QStringList{QStringLiteral("--ping-interval"), QString::number(kPingIntervalMs / 1000.0)});
    QVERIFY2(other.start(m_redis->url()), qPrintable(other.errorString()));
    QTest::qWait(2 * kPingIntervalMs); // let the newcomer try (and fail) to take the lease
    QCOMPARE(m_redis->syncCommand({QStringLiteral("GET"), QStringLiteral("mmf:lease:leader")}), holder);
    QVERIFY(other.kill(SIGKILL)); // killing the follower changes nothing
    QCOMPARE(m_redis->syncCommand({QStringLiteral("GET"), QStringLiteral("mmf:lease:leader")}), holder);

    // A successor takes over after the leader dies: stop ours with SIGKILL (no release) and start another.
    ServerFixture successor(
        QStringList{QStringLiteral("--ping-interval"), QString::number(kPingIntervalMs / 1000.0)});
    QVERIFY2(successor.start(m_redis->url()), qPrintable(successor.errorString()));
    QVERIFY(m_server->kill(SIGKILL));
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QByteArray now =
                m_redis->syncCommand({QStringLiteral("GET"), QStringLiteral("mmf:lease:leader")});
            return !now.isEmpty() && now != holder;
        }(),
        15000);
    // The new leader pings: a killed instance is evicted through it.
    const QByteArray token =
        successor.issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    WorkerFixture worker(QStringLiteral("echo"), successor.url(), token,
                         {QStringLiteral("--name"), QStringLiteral("late")});
    QVERIFY(worker.start());
    QVERIFY2(worker.waitForReady(), worker.output().constData());
    QCOMPARE(instances(QStringLiteral("late")), 1);
    QVERIFY(worker.kill(SIGKILL));
    QTRY_COMPARE_WITH_TIMEOUT(instances(QStringLiteral("late")), 0, 10000);
    m_server.reset(); // already dead; cleanupTestCase must not stop it
}

void TestRegistry::registrationNamingAnotherHostIsRefusedAndNeverPinged()
{
    // A listener on 127.0.0.2 stands for another host of the server's network. The worker registers from
    // 127.0.0.1 but names 127.0.0.2 and that listener's port for its pings.
    QTcpServer otherHost;
    QVERIFY(otherHost.listen(QHostAddress(QStringLiteral("127.0.0.2"))));
    int pingedThere = 0;
    connect(&otherHost, &QTcpServer::newConnection, this, [&] {
        ++pingedThere;
        delete otherHost.nextPendingConnection();
    });
    const QStringList pointsElsewhere{QStringLiteral("--listen"),
                                      QStringLiteral("127.0.0.1:%1").arg(otherHost.serverPort()),
                                      QStringLiteral("--advertise-host"), QStringLiteral("127.0.0.2")};
    auto forger = startWorker(QStringLiteral("echo"), QStringLiteral("elsewhere"), pointsElsewhere);
    QVERIFY(forger);
    QVERIFY(forger->waitForExit(30000) != 0);
    QVERIFY2(forger->output().contains("127.0.0.2") && forger->output().contains("allowed_hosts"),
             forger->output().constData());
    QCOMPARE(instances(QStringLiteral("elsewhere")), 0);

    // An honest instance is pinged twice meanwhile: had the other been stored, it would have been pinged too.
    auto honest = startWorker(QStringLiteral("echo"), QStringLiteral("honest"));
    QVERIFY(honest && honest->waitForReady());
    auto lastPing = [this] {
        const QByteArray json =
            m_redis->syncCommand({QStringLiteral("HVALS"), QStringLiteral("mmf:instances:honest")});
        return QJsonDocument::fromJson(json).object().value(QStringLiteral("last_ping_at"));
    };
    QTRY_VERIFY_WITH_TIMEOUT(!lastPing().isUndefined(), 10 * kPingIntervalMs);
    const QJsonValue first = lastPing();
    QTRY_VERIFY_WITH_TIMEOUT(lastPing() != first, 10 * kPingIntervalMs);
    QCOMPARE(pingedThere, 0);

    // An operator who allows that host: the same registration is accepted, and pinged there.
    ServerFixture allowing({QStringLiteral("--ping-interval"), QString::number(kPingIntervalMs / 1000.0),
                            QStringLiteral("--registry-allowed-hosts"),
                            QStringLiteral("10.0.0.0/8,127.0.0.2")});
    QVERIFY2(allowing.start(), qPrintable(allowing.errorString()));
    WorkerFixture allowed(
        QStringLiteral("echo"), allowing.url(),
        allowing.issueToken(QStringLiteral("w"), QStringLiteral("default"), QStringLiteral("serve")),
        QStringList{QStringLiteral("--name"), QStringLiteral("elsewhere")} + pointsElsewhere);
    QVERIFY(allowed.start());
    QVERIFY2(allowed.waitForReady(), allowed.output().constData());
    QTRY_VERIFY_WITH_TIMEOUT(pingedThere > 0, 10 * kPingIntervalMs);
}

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
