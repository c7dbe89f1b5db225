// The task path end to end: real redis-server, real mmf-server, real mmf-worker processes, real HTTP and
// WebSocket clients on loopback.
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"

#include <QJsonArray>
#include <QTcpSocket>
#include <QTest>

#include <csignal>
#include <memory>
#include <vector>

using namespace mmf;

namespace {

bool isFinal(const QString& status)
{
    return status == QLatin1String("succeeded") || status == QLatin1String("failed") ||
           status == QLatin1String("cancelled") || status == QLatin1String("dead_lettered");
}

} // namespace

class TestTaskPath : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void submitWithWait();
    void waitAnswerIsTheStoredRecord_data();
    void waitAnswerIsTheStoredRecord();
    void submitAndPoll();
    void resultStoredByAnOlderVersionIsServed();
    void webSocketLiveLogAndLateReplay();
    void runningEventsOnceAStatusSubscriberIsAnswered();
    void calcEvaluates_data();
    void calcEvaluates();
    void calcRunsIndependentOperationsInParallel();
    void calcDivisionByZeroFailsAtOnce();
    void idempotencyKeyGivesOneTask();
    void batchSubmit();
    void cancelQueuedAndRunning();
    void killedInstanceTaskIsRedeliveredAndStoredOnce();
    void alwaysThrowingTaskIsDeadLettered();
    void badInputGetsDocumentedErrors_data();
    void badInputGetsDocumentedErrors();
    void malformedTaskIdIsNotFound_data();
    void malformedTaskIdIsNotFound();
    void oversizedBodyIsRefusedBeforeReading();
    void badTokensAreRefused();
    void otherUsersTaskIsNotFound();
    void anUntunedExternalRedisIsNamedInTheLog();
    void modelWithoutInstancesCanChangeItsTypes();

private:
    std::unique_ptr<WorkerFixture> startWorker(const QString& model, const QStringList& extra = {});
    bool waitForInstances(const QString& model, int count);
    QJsonObject waitForTask(const QString& taskId, const std::function<bool(const QJsonObject&)>& done,
                            int timeoutMs = 30000);

    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<TestHttpClient> m_alice;
    QByteArray m_aliceToken;
    QByteArray m_workerToken;
    std::vector<std::unique_ptr<WorkerFixture>> m_workers;
};

void TestTaskPath::initTestCase()
{
    m_redis = std::make_unique<RedisServerFixture>(
        QStringLiteral("test-secret-%1").arg(QCoreApplication::applicationPid()));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    m_server = std::make_unique<ServerFixture>(QStringList{
        QStringLiteral("--claim-timeout-ms"), QStringLiteral("1500"), QStringLiteral("--backoff-initial-ms"),
        QStringLiteral("200"), QStringLiteral("--max-body-bytes"), QStringLiteral("1048576")});
    QVERIFY2(m_server->start(m_redis->url()), qPrintable(m_server->errorString()));
    m_aliceToken = m_server->issueToken(QStringLiteral("alice"), QStringLiteral("default"),
                                        QStringLiteral("score,read"));
    m_workerToken =
        m_server->issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    QVERIFY(!m_aliceToken.isEmpty());
    QVERIFY(!m_workerToken.isEmpty());
    m_alice = std::make_unique<TestHttpClient>(m_server->url(), m_aliceToken);

    m_workers.push_back(
        startWorker(QStringLiteral("echo"), {QStringLiteral("--concurrency"), QStringLiteral("4")}));
    m_workers.push_back(
        startWorker(QStringLiteral("echo"), {QStringLiteral("--concurrency"), QStringLiteral("4")}));
    m_workers.push_back(startWorker(QStringLiteral("arith")));
    m_workers.push_back(startWorker(QStringLiteral("arith")));
    m_workers.push_back(
        startWorker(QStringLiteral("calc"), {QStringLiteral("--concurrency"), QStringLiteral("4")}));
    QVERIFY(waitForInstances(QStringLiteral("echo"), 2));
    QVERIFY(waitForInstances(QStringLiteral("arith"), 2));
    QVERIFY(waitForInstances(QStringLiteral("calc"), 1));
}

void TestTaskPath::cleanupTestCase()
{
    m_workers.clear();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

std::unique_ptr<WorkerFixture> TestTaskPath::startWorker(const QString& model, const QStringList& extra)
{
    auto worker = std::make_unique<WorkerFixture>(model, m_server->url(), m_workerToken, extra);
    if (!worker->start())
        return {};
    return worker;
}

bool TestTaskPath::waitForInstances(const QString& model, int count)
{
    TestHttpClient admin(
        m_server->url(),
        m_server->issueToken(QStringLiteral("root"), QStringLiteral("default"), QStringLiteral("admin")));
    const auto response =
        admin.pollUntil(QStringLiteral("/api/v1/models"), [&](const TestHttpClient::Response& r) {
            for (const QJsonValue& entry : r.json().value(QStringLiteral("models")).toArray()) {
                const QJsonObject m = entry.toObject();
                if (m.value(QStringLiteral("name")).toString() == model &&
                    m.value(QStringLiteral("instances")).toInt() >= count)
                    return true;
            }
            return false;
        });
    for (const QJsonValue& entry : response.json().value(QStringLiteral("models")).toArray()) {
        const QJsonObject m = entry.toObject();
        if (m.value(QStringLiteral("name")).toString() == model &&
            m.value(QStringLiteral("instances")).toInt() >= count)
            return true;
    }
    qWarning() << "instances of" << model << "did not reach" << count << response.body;
    for (const auto& worker : m_workers) {
        if (worker)
            qWarning().noquote() << worker->output().right(2000);
    }
    return false;
}

QJsonObject TestTaskPath::waitForTask(const QString& taskId,
                                      const std::function<bool(const QJsonObject&)>& done, int timeoutMs)
{
    return m_alice
        ->pollUntil(
            QStringLiteral("/api/v1/tasks/%1").arg(taskId),
            [&](const TestHttpClient::Response& r) { return r.status == 200 && done(r.json()); }, timeoutMs)
        .json();
}

void TestTaskPath::submitWithWait()
{
    const auto response =
        m_alice->postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                          QJsonObject{{QStringLiteral("text"), QStringLiteral("hello")},
                                      {QStringLiteral("f_int64"), QStringLiteral("9007199254740993")}});
    QCOMPARE(response.status, 200);
    const QJsonObject task = response.json();
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(task.value(QStringLiteral("model")).toString(), QStringLiteral("echo"));
    const QJsonObject result = task.value(QStringLiteral("result")).toObject();
    const QJsonObject echoed = result.value(QStringLiteral("request")).toObject();
    QCOMPARE(echoed.value(QStringLiteral("text")).toString(), QStringLiteral("hello"));
    // 64-bit integers survive as strings, exactly.
    QCOMPARE(echoed.value(QStringLiteral("f_int64")).toString(), QStringLiteral("9007199254740993"));
    QCOMPARE(task.value(QStringLiteral("attempts")).toInt(), 1);
    QVERIFY(!task.value(QStringLiteral("finished_at")).toString().isEmpty());
}

// A submit's ?wait answer is built from the final event (no read of the task hash): byte for byte what GET
// /tasks/{id} reads from the hash, for each way a task ends.
void TestTaskPath::waitAnswerIsTheStoredRecord_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QJsonObject>("input");
    QTest::addColumn<QString>("status");
    QTest::newRow("succeeded") << "echo"
                               << QJsonObject{{QStringLiteral("text"), QStringLiteral("a \"<b>\" é")}}
                               << "succeeded";
    QTest::newRow("failed") << "calc"
                            << QJsonObject{{QStringLiteral("expression"), QStringLiteral("1/(2-2)")}}
                            << "failed";
    QTest::newRow("dead_lettered") << "echo" << QJsonObject{{QStringLiteral("always_throw"), true}}
                                   << "dead_lettered";
}

void TestTaskPath::waitAnswerIsTheStoredRecord()
{
    QFETCH(QString, model);
    QFETCH(QJsonObject, input);
    QFETCH(QString, status);
    const auto waited =
        m_alice->postJson(QStringLiteral("/api/v1/models/%1/tasks?wait=60").arg(model), input);
    QCOMPARE(waited.status, 200);
    QCOMPARE(waited.json().value(QStringLiteral("status")).toString(), status);
    const QString taskId = waited.json().value(QStringLiteral("task_id")).toString();
    const auto stored = m_alice->get(QStringLiteral("/api/v1/tasks/") + taskId);
    QCOMPARE(stored.status, 200);
    QCOMPARE(waited.body, stored.body);
}

void TestTaskPath::submitAndPoll()
{
    const auto submitted = m_alice->postJson(
        QStringLiteral("/api/v1/models/echo/tasks"),
        QJsonObject{{QStringLiteral("text"), QStringLiteral("polled")}, {QStringLiteral("delay_ms"), 200}});
    QCOMPARE(submitted.status, 202);
    const QString taskId = submitted.json().value(QStringLiteral("task_id")).toString();
    QCOMPARE(taskId.size(), 26 + 5); // 26 characters, then "." and the model
    QVERIFY(taskId.endsWith(".echo"));
    QCOMPARE(submitted.json().value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
    const QJsonObject task = waitForTask(
        taskId, [](const QJsonObject& t) { return isFinal(t.value(QStringLiteral("status")).toString()); });
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(task.value(QStringLiteral("result"))
                 .toObject()
                 .value(QStringLiteral("request"))
                 .toObject()
                 .value(QStringLiteral("text"))
                 .toString(),
             QStringLiteral("polled"));
    QCOMPARE(task.value(QStringLiteral("request")).toObject().value(QStringLiteral("delay_ms")).toInt(), 200);

    // The binary form of the result, on request.
    const auto binary =
        m_alice->get(QStringLiteral("/api/v1/tasks/%1").arg(taskId), {{"Accept", "application/x-protobuf"}});
    QCOMPARE(binary.status, 200);
    QCOMPARE(binary.header("Content-Type"), QByteArray("application/x-protobuf"));
    QVERIFY(binary.body.contains("polled"));

    // And it shows in the caller's list.
    const auto list = m_alice->get(QStringLiteral("/api/v1/tasks?model=echo&limit=100"));
    QCOMPARE(list.status, 200);
    bool listed = false;
    for (const QJsonValue& entry : list.json().value(QStringLiteral("tasks")).toArray())
        listed = listed || entry.toObject().value(QStringLiteral("task_id")).toString() == taskId;
    QVERIFY(listed);
}

void TestTaskPath::webSocketLiveLogAndLateReplay()
{
    TestWebSocket live(m_server->url(), m_aliceToken);
    QVERIFY(live.open());
    const auto submitted = m_alice->postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                                             QJsonObject{{QStringLiteral("text"), QStringLiteral("logged")},
                                                         {QStringLiteral("delay_ms"), 600},
                                                         {QStringLiteral("log_lines"), 5}});
    QCOMPARE(submitted.status, 202);
    const QString taskId = submitted.json().value(QStringLiteral("task_id")).toString();
    live.subscribe(QStringLiteral("task/") + taskId);
    const QJsonObject result = live.waitFor([&](const QJsonObject& m) {
        return m.value(QStringLiteral("type")).toString() == QLatin1String("result") &&
               m.value(QStringLiteral("task_id")).toString() == taskId;
    });
    QCOMPARE(result.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(result.value(QStringLiteral("result"))
                 .toObject()
                 .value(QStringLiteral("request"))
                 .toObject()
                 .value(QStringLiteral("text"))
                 .toString(),
             QStringLiteral("logged"));

    auto logSeqs = [&](const TestWebSocket& socket) {
        QList<int> seqs;
        for (const QJsonObject& m : socket.messages()) {
            if (m.value(QStringLiteral("type")).toString() == QLatin1String("log") &&
                m.value(QStringLiteral("task_id")).toString() == taskId)
                seqs.append(m.value(QStringLiteral("seq")).toInt());
        }
        return seqs;
    };
    // Every line once, in order (replayed lines and live lines are not duplicated).
    QCOMPARE(logSeqs(live), (QList<int>{1, 2, 3, 4, 5}));

    // A subscriber that comes after the end gets the whole log and the result.
    TestWebSocket late(m_server->url(), m_aliceToken);
    QVERIFY(late.open());
    late.subscribe(QStringLiteral("task/") + taskId);
    const QJsonObject lateResult = late.waitFor([&](const QJsonObject& m) {
        return m.value(QStringLiteral("type")).toString() == QLatin1String("result");
    });
    QCOMPARE(lateResult.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(logSeqs(late), (QList<int>{1, 2, 3, 4, 5}));

    // The REST view of the same log.
    const auto logs = m_alice->get(QStringLiteral("/api/v1/tasks/%1/logs?from=3").arg(taskId));
    QCOMPARE(logs.status, 200);
    const QJsonArray lines = logs.json().value(QStringLiteral("lines")).toArray();
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines.first().toObject().value(QStringLiteral("seq")).toInt(), 3);
    QCOMPARE(lines.first().toObject().value(QStringLiteral("level")).toString(), QStringLiteral("info"));
}

// Workers write running events only while some server has a status subscriber for the model
// (mmf:{m}:watch); "subscribed" comes once the key is written, so no start after it goes unannounced.
void TestTaskPath::runningEventsOnceAStatusSubscriberIsAnswered()
{
    const QString watchKey = QStringLiteral("mmf:{calc}:watch"); // no other test subscribes to calc
    m_redis->syncCommand({QStringLiteral("DEL"), watchKey});
    TestWebSocket socket(m_server->url(), m_aliceToken);
    QVERIFY(socket.open());
    socket.subscribe(QStringLiteral("model/calc"));
    socket.waitFor([](const QJsonObject& m) {
        return m.value(QStringLiteral("type")).toString() == QLatin1String("subscribed");
    });
    const qint64 ttl = m_redis->syncCommand({QStringLiteral("PTTL"), watchKey}).toLongLong();
    QVERIFY2(ttl > 0, qPrintable(QString::number(ttl)));

    const auto response =
        m_alice->postJson(QStringLiteral("/api/v1/models/calc/tasks?wait=30"),
                          QJsonObject{{QStringLiteral("expression"), QStringLiteral("6*7")}});
    QCOMPARE(response.status, 200);
    const QString taskId = response.json().value(QStringLiteral("task_id")).toString();
    socket.waitFor([&](const QJsonObject& m) {
        return m.value(QStringLiteral("type")).toString() == QLatin1String("result") &&
               m.value(QStringLiteral("task_id")).toString() == taskId;
    });
    QStringList statuses;
    for (const QJsonObject& m : socket.messages()) {
        const QString type = m.value(QStringLiteral("type")).toString();
        if (m.value(QStringLiteral("task_id")).toString() == taskId &&
            (type == QLatin1String("status") || type == QLatin1String("result")))
            statuses.append(m.value(QStringLiteral("status")).toString());
    }
    QCOMPARE(statuses, (QStringList{QStringLiteral("running"), QStringLiteral("succeeded")}));
}

void TestTaskPath::calcEvaluates_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<double>("value");
    QTest::newRow("precedence") << QStringLiteral("2+2*2") << 6.0;
    QTest::newRow("parentheses") << QStringLiteral("(1+2)*(3+4)") << 21.0;
    QTest::newRow("unary minus and decimals") << QStringLiteral("-1.5*(2-4)") << 3.0;
    QTest::newRow("a bare number") << QStringLiteral("42") << 42.0;
}

void TestTaskPath::calcEvaluates()
{
    QFETCH(QString, expression);
    QFETCH(double, value);
    const auto response = m_alice->postJson(QStringLiteral("/api/v1/models/calc/tasks?wait=30"),
                                            QJsonObject{{QStringLiteral("expression"), expression}});
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(
        response.json().value(QStringLiteral("result")).toObject().value(QStringLiteral("value")).toDouble(),
        value);
}

void TestTaskPath::calcRunsIndependentOperationsInParallel()
{
    const auto response =
        m_alice->postJson(QStringLiteral("/api/v1/models/calc/tasks?wait=30"),
                          QJsonObject{{QStringLiteral("expression"), QStringLiteral("(1+2)*(3+4)")},
                                      {QStringLiteral("op_delay_ms"), 500}});
    QCOMPARE(response.status, 200);
    const QJsonObject task = response.json();
    QCOMPARE(task.value(QStringLiteral("result")).toObject().value(QStringLiteral("value")).toDouble(), 21.0);
    const QString parent = task.value(QStringLiteral("task_id")).toString();

    // The sub-tasks belong to the same user, name their parent and are listed under it.
    const auto list = m_alice->get(QStringLiteral("/api/v1/tasks?parent=%1").arg(parent));
    QCOMPARE(list.status, 200);
    QList<QJsonObject> children;
    for (const QJsonValue& entry : list.json().value(QStringLiteral("tasks")).toArray()) {
        if (entry.toObject().value(QStringLiteral("parent_task_id")).toString() == parent)
            children.append(entry.toObject());
    }
    QCOMPARE(children.size(), 3);
    QList<QJsonObject> sums;
    QJsonObject product;
    for (const QJsonObject& child : children) {
        const auto full = m_alice->get(
            QStringLiteral("/api/v1/tasks/%1").arg(child.value(QStringLiteral("task_id")).toString()));
        const QJsonObject detail = full.json();
        QCOMPARE(detail.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
        if (detail.value(QStringLiteral("request")).toObject().value(QStringLiteral("op")).toString() ==
            QLatin1String("ADD"))
            sums.append(detail);
        else
            product = detail;
    }
    QCOMPARE(sums.size(), 2);
    auto time = [](const QJsonObject& t, const char* field) {
        return QDateTime::fromString(t.value(QLatin1String(field)).toString(), Qt::ISODateWithMs)
            .toMSecsSinceEpoch();
    };
    // The two sums overlapped in time, on two instances; the product started after both ended.
    QVERIFY(time(sums[0], "started_at") < time(sums[1], "finished_at"));
    QVERIFY(time(sums[1], "started_at") < time(sums[0], "finished_at"));
    QVERIFY(sums[0].value(QStringLiteral("instance")).toString() !=
            sums[1].value(QStringLiteral("instance")).toString());
    QVERIFY(time(product, "started_at") >= time(sums[0], "finished_at"));
    QVERIFY(time(product, "started_at") >= time(sums[1], "finished_at"));
}

void TestTaskPath::calcDivisionByZeroFailsAtOnce()
{
    const auto response =
        m_alice->postJson(QStringLiteral("/api/v1/models/calc/tasks?wait=30"),
                          QJsonObject{{QStringLiteral("expression"), QStringLiteral("1/(2-2)")}});
    QCOMPARE(response.status, 200);
    const QJsonObject task = response.json();
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(task.value(QStringLiteral("attempts")).toInt(), 1);
    QCOMPARE(task.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("division_by_zero"));

    const auto malformed =
        m_alice->postJson(QStringLiteral("/api/v1/models/calc/tasks?wait=30"),
                          QJsonObject{{QStringLiteral("expression"), QStringLiteral("2+*3")}});
    QCOMPARE(malformed.json().value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(
        malformed.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
        QStringLiteral("invalid_argument"));
}

void TestTaskPath::idempotencyKeyGivesOneTask()
{
    const QByteArray key = "key-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    const QJsonObject body{{QStringLiteral("text"), QStringLiteral("once")},
                           {QStringLiteral("delay_ms"), 100}};
    const auto first =
        m_alice->postJson(QStringLiteral("/api/v1/models/echo/tasks"), body, {{"Idempotency-Key", key}});
    QCOMPARE(first.status, 202);
    const QString id = first.json().value(QStringLiteral("task_id")).toString();
    const auto second = m_alice->postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"), body,
                                          {{"Idempotency-Key", key}});
    QCOMPARE(second.status, 200);
    QCOMPARE(second.json().value(QStringLiteral("task_id")).toString(), id);
    QCOMPARE(second.json().value(QStringLiteral("attempts")).toInt(), 1);
    // The same key with another body is a client bug.
    const auto other = m_alice->postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                                         QJsonObject{{QStringLiteral("text"), QStringLiteral("different")}},
                                         {{"Idempotency-Key", key}});
    QCOMPARE(other.status, 409);
    QCOMPARE(other.errorCode(), QStringLiteral("conflict"));
    // One execution: one task with this text in the caller's history.
    const auto list = m_alice->get(QStringLiteral("/api/v1/tasks?model=echo&limit=1000"));
    int count = 0;
    for (const QJsonValue& entry : list.json().value(QStringLiteral("tasks")).toArray()) {
        const QString taskId = entry.toObject().value(QStringLiteral("task_id")).toString();
        count += taskId == id ? 1 : 0;
    }
    QCOMPARE(count, 1);
}

void TestTaskPath::batchSubmit()
{
    QJsonArray inputs;
    for (int i = 0; i < 50; ++i)
        inputs.append(QJsonObject{{QStringLiteral("text"), QStringLiteral("batch %1").arg(i)}});
    const auto response = m_alice->postJson(QStringLiteral("/api/v1/models/echo/tasks:batch"),
                                            QJsonObject{{QStringLiteral("inputs"), inputs}});
    QCOMPARE(response.status, 202);
    const QJsonArray ids = response.json().value(QStringLiteral("task_ids")).toArray();
    QCOMPARE(ids.size(), 50);
    const QJsonObject last = waitForTask(ids.last().toString(), [](const QJsonObject& t) {
        return isFinal(t.value(QStringLiteral("status")).toString());
    });
    QCOMPARE(last.value(QStringLiteral("result"))
                 .toObject()
                 .value(QStringLiteral("request"))
                 .toObject()
                 .value(QStringLiteral("text"))
                 .toString(),
             QStringLiteral("batch 49"));
    const QJsonObject first = waitForTask(ids.first().toString(), [](const QJsonObject& t) {
        return isFinal(t.value(QStringLiteral("status")).toString());
    });
    QCOMPARE(first.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));

    // A bad element names itself.
    const auto bad = m_alice->postJson(
        QStringLiteral("/api/v1/models/echo/tasks:batch"),
        QJsonObject{{QStringLiteral("inputs"),
                     QJsonArray{QJsonObject{{QStringLiteral("text"), QStringLiteral("ok")}},
                                QJsonObject{{QStringLiteral("delay_ms"), QStringLiteral("x")}}}}});
    QCOMPARE(bad.status, 400);
    QVERIFY2(bad.json()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("field"))
                 .toString()
                 .startsWith(QStringLiteral("inputs[1]")),
             bad.body.constData());
}

void TestTaskPath::cancelQueuedAndRunning()
{
    // A model of its own with one instance that takes one task at a time.
    auto worker = startWorker(QStringLiteral("echo"), {QStringLiteral("--name"), QStringLiteral("slowecho")});
    QVERIFY(worker);
    QVERIFY(waitForInstances(QStringLiteral("slowecho"), 1));

    const auto running = m_alice->postJson(QStringLiteral("/api/v1/models/slowecho/tasks"),
                                           QJsonObject{{QStringLiteral("delay_ms"), 30000}});
    QCOMPARE(running.status, 202);
    const QString runningId = running.json().value(QStringLiteral("task_id")).toString();
    const QJsonObject runningTask = waitForTask(runningId, [](const QJsonObject& t) {
        return t.value(QStringLiteral("status")).toString() == QLatin1String("running");
    });
    // A running task shows the whole record: where and since when it runs.
    QVERIFY(!runningTask.value(QStringLiteral("instance")).toString().isEmpty());
    QVERIFY(!runningTask.value(QStringLiteral("started_at")).toString().isEmpty());
    QCOMPARE(
        runningTask.value(QStringLiteral("request")).toObject().value(QStringLiteral("delay_ms")).toInt(),
        30000);

    const auto queued = m_alice->postJson(QStringLiteral("/api/v1/models/slowecho/tasks"),
                                          QJsonObject{{QStringLiteral("text"), QStringLiteral("never")}});
    const QString queuedId = queued.json().value(QStringLiteral("task_id")).toString();
    const auto cancelQueued = m_alice->post(QStringLiteral("/api/v1/tasks/%1/cancel").arg(queuedId), {});
    QCOMPARE(cancelQueued.status, 200);
    QCOMPARE(cancelQueued.json().value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));

    const auto cancelRunning = m_alice->post(QStringLiteral("/api/v1/tasks/%1/cancel").arg(runningId), {});
    QCOMPARE(cancelRunning.status, 200);
    QCOMPARE(cancelRunning.json().value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));

    // The instance was told: it gives up the 30 s task and takes the next one well before that.
    const auto next = m_alice->postJson(QStringLiteral("/api/v1/models/slowecho/tasks?wait=20"),
                                        QJsonObject{{QStringLiteral("text"), QStringLiteral("after")}});
    QCOMPARE(next.status, 200);
    QCOMPARE(next.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    // The cancelled ones stay cancelled, and the queued one never ran.
    const QJsonObject queuedTask = m_alice->get(QStringLiteral("/api/v1/tasks/%1").arg(queuedId)).json();
    QCOMPARE(queuedTask.value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    QCOMPARE(queuedTask.value(QStringLiteral("attempts")).toInt(), 0);
    QCOMPARE(m_alice->get(QStringLiteral("/api/v1/tasks/%1").arg(runningId))
                 .json()
                 .value(QStringLiteral("status"))
                 .toString(),
             QStringLiteral("cancelled"));
    // Cancelling a finished task changes nothing.
    const auto again = m_alice->post(QStringLiteral("/api/v1/tasks/%1/cancel").arg(runningId), {});
    QCOMPARE(again.json().value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
}

void TestTaskPath::killedInstanceTaskIsRedeliveredAndStoredOnce()
{
    TestWebSocket events(m_server->url(), m_aliceToken);
    QVERIFY(events.open());
    auto first = startWorker(QStringLiteral("echo"), {QStringLiteral("--name"), QStringLiteral("crashy")});
    QVERIFY(first);
    QVERIFY(waitForInstances(QStringLiteral("crashy"), 1));
    QVERIFY(events.subscribeAndWait(QStringLiteral("model/crashy")));

    const auto submitted = m_alice->postJson(QStringLiteral("/api/v1/models/crashy/tasks"),
                                             QJsonObject{{QStringLiteral("text"), QStringLiteral("survivor")},
                                                         {QStringLiteral("delay_ms"), 2000}});
    const QString taskId = submitted.json().value(QStringLiteral("task_id")).toString();
    waitForTask(taskId, [](const QJsonObject& t) {
        return t.value(QStringLiteral("status")).toString() == QLatin1String("running");
    });
    QVERIFY(first->kill(SIGKILL));

    auto second = startWorker(QStringLiteral("echo"), {QStringLiteral("--name"), QStringLiteral("crashy")});
    QVERIFY(second);
    const QJsonObject task = waitForTask(
        taskId, [](const QJsonObject& t) { return isFinal(t.value(QStringLiteral("status")).toString()); },
        60000);
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(task.value(QStringLiteral("attempts")).toInt(), 2);
    QCOMPARE(task.value(QStringLiteral("result")).toObject().value(QStringLiteral("attempt")).toInt(), 2);

    // A later task's result is a barrier: every earlier event has been delivered by then.
    const auto barrier = m_alice->postJson(QStringLiteral("/api/v1/models/crashy/tasks?wait=30"),
                                           QJsonObject{{QStringLiteral("text"), QStringLiteral("barrier")}});
    const QString barrierId = barrier.json().value(QStringLiteral("task_id")).toString();
    QVERIFY(!events
                 .waitFor([&](const QJsonObject& m) {
                     return m.value(QStringLiteral("type")).toString() == QLatin1String("result") &&
                            m.value(QStringLiteral("task_id")).toString() == barrierId;
                 })
                 .isEmpty());
    int results = 0;
    for (const QJsonObject& m : events.messages()) {
        if (m.value(QStringLiteral("type")).toString() == QLatin1String("result") &&
            m.value(QStringLiteral("task_id")).toString() == taskId)
            ++results;
    }
    QCOMPARE(results, 1);
}

void TestTaskPath::alwaysThrowingTaskIsDeadLettered()
{
    const auto submitted = m_alice->postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                                             QJsonObject{{QStringLiteral("always_throw"), true}});
    QCOMPARE(submitted.status, 202);
    const QString taskId = submitted.json().value(QStringLiteral("task_id")).toString();
    const QJsonObject task = waitForTask(
        taskId, [](const QJsonObject& t) { return isFinal(t.value(QStringLiteral("status")).toString()); });
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("dead_lettered"));
    QCOMPARE(task.value(QStringLiteral("attempts")).toInt(), 3);
    QVERIFY(!task.value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("message"))
                 .toString()
                 .isEmpty());
    const QByteArray dead = m_redis->syncCommand({QStringLiteral("XRANGE"), QStringLiteral("mmf:{echo}:dead"),
                                                  QStringLiteral("-"), QStringLiteral("+")});
    QVERIFY(dead.contains(taskId.toLatin1()));
}

// Results live in the task hash (field res); a task finished before that keeps its result under
// mmf:{m}:result:<id> until its retention ends, and the API still shows it.
void TestTaskPath::resultStoredByAnOlderVersionIsServed()
{
    const auto response = m_alice->postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                                            QJsonObject{{QStringLiteral("text"), QStringLiteral("old")}});
    QCOMPARE(response.status, 200);
    const QString taskId = response.json().value(QStringLiteral("task_id")).toString();
    const QString taskKey = QStringLiteral("mmf:{echo}:task:") + taskId;
    const QString resultKey = QStringLiteral("mmf:{echo}:result:") + taskId;
    QCOMPARE(m_redis->syncCommand({QStringLiteral("EXISTS"), resultKey}), QByteArray("0"));
    // Move it where an older version kept it.
    m_redis->syncCommand({QStringLiteral("EVAL"),
                          QStringLiteral("redis.call('SET', KEYS[2], redis.call('HGET', KEYS[1], 'res')) "
                                         "return redis.call('HDEL', KEYS[1], 'res')"),
                          QStringLiteral("2"), taskKey, resultKey});
    QCOMPARE(m_redis->syncCommand({QStringLiteral("HEXISTS"), taskKey, QStringLiteral("res")}),
             QByteArray("0"));
    const auto task = m_alice->get(QStringLiteral("/api/v1/tasks/") + taskId);
    QCOMPARE(task.status, 200);
    QCOMPARE(task.json()
                 .value(QStringLiteral("result"))
                 .toObject()
                 .value(QStringLiteral("request"))
                 .toObject()
                 .value(QStringLiteral("text"))
                 .toString(),
             QStringLiteral("old"));
}

void TestTaskPath::badInputGetsDocumentedErrors_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("field");
    QTest::newRow("malformed JSON") << "/api/v1/models/echo/tasks" << QByteArray("{\"text\": ") << 400
                                    << "invalid_argument"
                                    << "";
    QTest::newRow("not an object") << "/api/v1/models/echo/tasks" << QByteArray("[1,2]") << 400
                                   << "invalid_argument"
                                   << "";
    QTest::newRow("unknown field") << "/api/v1/models/echo/tasks" << QByteArray("{\"nope\": 1}") << 400
                                   << "invalid_argument"
                                   << "nope";
    QTest::newRow("wrong type") << "/api/v1/models/echo/tasks" << QByteArray("{\"delay_ms\": \"soon\"}")
                                << 400 << "invalid_argument"
                                << "delay_ms";
    QTest::newRow("nested wrong type")
        << "/api/v1/models/echo/tasks" << QByteArray("{\"point\": {\"x\": []}}") << 400 << "invalid_argument"
        << "point.x";
    QTest::newRow("unknown model") << "/api/v1/models/nosuchmodel/tasks" << QByteArray("{}") << 404
                                   << "not_found"
                                   << "";
    QTest::newRow("bad model name") << "/api/v1/models/Bad*Name/tasks" << QByteArray("{}") << 400
                                    << "invalid_argument"
                                    << "";
    QTest::newRow("bad wait") << "/api/v1/models/echo/tasks?wait=99" << QByteArray("{}") << 400
                              << "invalid_argument"
                              << "wait";
    QTest::newRow("unknown route") << "/api/v1/nothing" << QByteArray("{}") << 404 << "not_found"
                                   << "";
}

void TestTaskPath::badInputGetsDocumentedErrors()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, field);
    const auto response = m_alice->post(path, body, {{"Content-Type", "application/json"}});
    QCOMPARE(response.status, status);
    const QJsonObject error = response.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), code);
    QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
    if (!field.isEmpty())
        QCOMPARE(error.value(QStringLiteral("field")).toString(), field);
    QCOMPARE(m_alice->get(QStringLiteral("/healthz")).status, 200);
}

void TestTaskPath::malformedTaskIdIsNotFound_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("suffix");
    QTest::newRow("task") << QByteArray("GET") << QString();
    QTest::newRow("logs") << QByteArray("GET") << QStringLiteral("/logs");
    QTest::newRow("timeline") << QByteArray("GET") << QStringLiteral("/timeline");
    QTest::newRow("cancel") << QByteArray("POST") << QStringLiteral("/cancel");
}

void TestTaskPath::malformedTaskIdIsNotFound()
{
    // An id no task can have is answered as an unknown task is, naming the id, on every task route.
    QFETCH(QByteArray, method);
    QFETCH(QString, suffix);
    const QString path = QStringLiteral("/api/v1/tasks/not-a-task-id") + suffix;
    const auto response = method == "GET" ? m_alice->get(path) : m_alice->post(path, {});
    QCOMPARE(response.status, 404);
    const QJsonObject error = response.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
    QCOMPARE(error.value(QStringLiteral("message")).toString(), QStringLiteral("no task not-a-task-id"));
}

void TestTaskPath::oversizedBodyIsRefusedBeforeReading()
{
    // Only the headers: the server must answer 413 without waiting for ten gigabytes.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("POST /api/v1/models/echo/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                 m_aliceToken + "\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n");
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("\r\n\r\n"), 5000);
    QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
    // A body just over the configured 1 MiB limit, sent whole, is refused the same way.
    const auto big = m_alice->post(QStringLiteral("/api/v1/models/echo/tasks"),
                                   "{\"text\": \"" + QByteArray(1100000, 'x') + "\"}");
    QCOMPARE(big.status, 413);
    QCOMPARE(big.errorCode(), QStringLiteral("payload_too_large"));
    QCOMPARE(m_alice->get(QStringLiteral("/healthz")).status, 200);
}

void TestTaskPath::badTokensAreRefused()
{
    const QString path = QStringLiteral("/api/v1/models/echo/tasks");
    const QByteArray body = "{\"text\": \"x\"}";
    TestHttpClient anonymous(m_server->url());
    QCOMPARE(anonymous.post(path, body).status, 401);
    QCOMPARE(anonymous.post(path, body).errorCode(), QStringLiteral("unauthenticated"));

    QByteArray tampered = m_aliceToken;
    tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
    QCOMPARE(TestHttpClient(m_server->url(), tampered).post(path, body).status, 401);
    QCOMPARE(TestHttpClient(m_server->url(), m_aliceToken + "x").post(path, body).status, 401);
    QCOMPARE(TestHttpClient(m_server->url(), "garbage").post(path, body).status, 401);

    // A token that cannot score.
    const QByteArray readOnly =
        m_server->issueToken(QStringLiteral("bob"), QStringLiteral("default"), QStringLiteral("read"));
    const auto denied = TestHttpClient(m_server->url(), readOnly).post(path, body);
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.errorCode(), QStringLiteral("permission_denied"));

    // An expired token. It lives one second from a whole second (exp = now in seconds + 1), so it may expire
    // a millisecond after issue: no first use is promised to succeed. "expired" is only said of a token whose
    // signature and claims hold.
    const QByteArray shortLived = m_server->issueToken(QStringLiteral("carol"), QStringLiteral("default"),
                                                       QStringLiteral("score,read"), 1);
    TestHttpClient carol(m_server->url(), shortLived);
    const auto expired = carol.pollUntil(
        QStringLiteral("/api/v1/tasks"), [](const TestHttpClient::Response& r) { return r.status == 401; },
        10000);
    QCOMPARE(expired.status, 401);
    QVERIFY(expired.json()
                .value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("expired")));
    QCOMPARE(m_alice->get(QStringLiteral("/healthz")).status, 200);
}

// This suite's Redis runs with Redis's defaults: the server says, once, which settings cost MMF CPU.
void TestTaskPath::anUntunedExternalRedisIsNamedInTheLog()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_server->output().contains("not tuned for MMF: latency-tracking is yes"),
                             10000);
    const QByteArray log = m_server->output();
    QVERIFY(log.contains("not tuned for MMF: hash-max-listpack-value is 64"));
    QVERIFY(log.contains("not tuned for MMF: stream-node-max-bytes is 4096"));
    QCOMPARE(log.count("not tuned for MMF: hash-max-listpack-value"), 1); // once, not per reconnect
    QVERIFY(!log.contains(m_redis->url().toUtf8()));                      // the password stays out of the log
}

void TestTaskPath::otherUsersTaskIsNotFound()
{
    const auto submitted =
        m_alice->postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                          QJsonObject{{QStringLiteral("text"), QStringLiteral("private")}});
    const QString taskId = submitted.json().value(QStringLiteral("task_id")).toString();
    TestHttpClient mallory(m_server->url(),
                           m_server->issueToken(QStringLiteral("mallory"), QStringLiteral("default"),
                                                QStringLiteral("score,read")));
    QCOMPARE(mallory.get(QStringLiteral("/api/v1/tasks/%1").arg(taskId)).status, 404);
    QCOMPARE(mallory.post(QStringLiteral("/api/v1/tasks/%1/cancel").arg(taskId), {}).status, 404);
    QCOMPARE(mallory.get(QStringLiteral("/api/v1/tasks/%1/logs").arg(taskId)).status, 404);
    TestHttpClient admin(
        m_server->url(),
        m_server->issueToken(QStringLiteral("root"), QStringLiteral("default"), QStringLiteral("admin")));
    QCOMPARE(admin.get(QStringLiteral("/api/v1/tasks/%1").arg(taskId)).status, 200);
}

void TestTaskPath::modelWithoutInstancesCanChangeItsTypes()
{
    auto first = startWorker(QStringLiteral("echo"), {QStringLiteral("--name"), QStringLiteral("upgraded")});
    QVERIFY(first);
    QVERIFY2(first->waitForReady(), first->output().constData());
    // While an instance is live, other message types are a conflict.
    auto conflicting =
        startWorker(QStringLiteral("arith"), {QStringLiteral("--name"), QStringLiteral("upgraded")});
    QVERIFY(conflicting);
    QCOMPARE(conflicting->waitForExit(), 3);
    QVERIFY(conflicting->output().contains("conflict"));
    // Once the last instance has left, a new version with other types may take the name.
    QVERIFY(first->kill(SIGTERM));
    QCOMPARE(first->waitForExit(), 0);
    auto second =
        startWorker(QStringLiteral("arith"), {QStringLiteral("--name"), QStringLiteral("upgraded")});
    QVERIFY(second);
    QVERIFY2(second->waitForReady(), second->output().constData());
    const auto model = m_alice->get(QStringLiteral("/api/v1/models/upgraded"));
    QCOMPARE(model.json().value(QStringLiteral("request_type")).toString(),
             QStringLiteral("mmf.models.ArithRequest"));
    const auto done = m_alice->postJson(QStringLiteral("/api/v1/models/upgraded/tasks?wait=20"),
                                        QJsonObject{{QStringLiteral("op"), QStringLiteral("ADD")},
                                                    {QStringLiteral("a"), 1},
                                                    {QStringLiteral("b"), 2}});
    QCOMPARE(done.json().value(QStringLiteral("result")).toObject().value(QStringLiteral("value")).toDouble(),
             3.0);
}

QTEST_GUILESS_MAIN(TestTaskPath)
#include "tst_taskpath.moc"
