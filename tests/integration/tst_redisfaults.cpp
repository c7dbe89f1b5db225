// A hung or dead Redis: routes answer 503 within their deadline instead of hanging, the server stays up, and
// everything recovers when Redis does — no accepted task is lost. A server that starts while Redis hangs
// answers its first requests once Redis does (or after its hold's limit), never 503 for being new.
#include "MetricsText.h"
#include "RawHttpConnection.h"
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include "broker/BrokerKeys.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <memory>

using namespace mmf;

class TestRedisFaults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    // A test that stopped Redis resumes it, one that filled it empties it, also when it failed.
    void cleanup()
    {
        m_redis->kill(SIGCONT);
        m_redis->syncCommand({QStringLiteral("CONFIG"), QStringLiteral("SET"), QStringLiteral("maxmemory"),
                              QStringLiteral("0")});
    }
    void hungRedisGives503AndRecovers();
    void aStartingServerAnswersOnceRedisDoes();
    void aStartingServerServesAfterItsHoldWhenRedisStaysAway();
    void aFullRedisGetsTheOutcomeOnceItHasRoom();
    void restartedRedisIsReconnected(); // last: the restarted Redis has lost the catalogue

private:
    // The kinds of writes a worker said it held in its log's last "sending N held redis writes again: …"
    // line.
    static QByteArray heldWrites(const QByteArray& log)
    {
        static const QByteArray kLine = "held redis writes again: ";
        const qsizetype at = log.lastIndexOf(kLine);
        return at < 0 ? QByteArray() : log.mid(at + kLine.size()).split('\n').first();
    }

    // One sample of the worker's own /metrics (on the port it answers pings on); -1 when unreadable.
    double workerMetric(const QByteArray& sample) const
    {
        const QRegularExpressionMatch port =
            QRegularExpression(QStringLiteral("answers pings on port (\\d+)"))
                .match(QString::fromUtf8(m_worker->output()));
        if (!port.hasMatch())
            return -1;
        RawHttpConnection connection(quint16(port.captured(1).toUInt()));
        if (connection.request("GET", "/metrics") != 200)
            return -1;
        return sampleValue(connection.body(), sample);
    }

    QString redisUrl() const
    {
        return QStringLiteral("redis://:fault-secret@127.0.0.1:%1").arg(m_redis->port());
    }

    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<WorkerFixture> m_worker;
    std::unique_ptr<TestHttpClient> m_client;
};

void TestRedisFaults::initTestCase()
{
    m_redis = std::make_unique<RedisServerFixture>(QStringLiteral("fault-secret"));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    m_server = std::make_unique<ServerFixture>();
    QVERIFY2(m_server->start(redisUrl()), qPrintable(m_server->errorString()));
    const QByteArray token = m_server->issueToken(QStringLiteral("alice"));
    m_client = std::make_unique<TestHttpClient>(m_server->url(), token);
    m_worker = std::make_unique<WorkerFixture>(QStringLiteral("echo"), m_server->url(), token);
    QVERIFY(m_worker->start());
    QVERIFY2(m_worker->waitForReady(), m_worker->output().constData());
    const auto models =
        m_client->pollUntil(QStringLiteral("/api/v1/models"),
                            [](const TestHttpClient::Response& r) { return r.body.contains("\"echo\""); });
    QVERIFY2(models.body.contains("\"echo\""), m_worker->output().constData());
    const auto warm = m_client->postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=20"),
                                         QJsonObject{{QStringLiteral("text"), QStringLiteral("warm")}});
    QCOMPARE(warm.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
}

void TestRedisFaults::hungRedisGives503AndRecovers()
{
    QVERIFY(m_redis->kill(SIGSTOP));
    QElapsedTimer timer;
    timer.start();
    const auto submit =
        m_client->postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                           QJsonObject{{QStringLiteral("text"), QStringLiteral("during")}}, {}, 30000);
    QCOMPARE(submit.status, 503);
    QCOMPARE(submit.errorCode(), QStringLiteral("unavailable"));
    // Within the command deadline (5 s), not a hang.
    QVERIFY2(timer.elapsed() < 15000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(m_client->get(QStringLiteral("/readyz"), {}, 30000).status, 503);
    QCOMPARE(m_client->get(QStringLiteral("/healthz")).status, 200);

    QVERIFY(m_redis->kill(SIGCONT));
    const auto after = m_client->pollUntil(
        QStringLiteral("/readyz"), [](const TestHttpClient::Response& r) { return r.status == 200; }, 30000);
    QCOMPARE(after.status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_client->postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=20"),
                           QJsonObject{{QStringLiteral("text"), QStringLiteral("after")}})
                .json()
                .value(QStringLiteral("status"))
                .toString() == QLatin1String("succeeded"),
        40000);
}

void TestRedisFaults::aFullRedisGetsTheOutcomeOnceItHasRoom()
{
    // Redis at its maxmemory refuses writes (OOM) and carries none of them out. A worker whose finish is
    // refused keeps the outcome and stores it once Redis has room: the task ends with its one attempt,
    // instead of the outcome being dropped and the task run again after its claim runs out (30 s).
    const auto submit = m_client->postJson(
        QStringLiteral("/api/v1/models/echo/tasks"),
        QJsonObject{{QStringLiteral("text"), QStringLiteral("full")}, {QStringLiteral("delay_ms"), 1500}});
    QCOMPARE(submit.status, 202);
    const QByteArray taskId = submit.json().value(QStringLiteral("task_id")).toString().toUtf8();
    const QString path = QStringLiteral("/api/v1/tasks/") + QString::fromUtf8(taskId);
    // Its start recorded (mmf_running, 50 ms after the read): the next write the worker makes for it is the
    // finish.
    QTRY_COMPARE_WITH_TIMEOUT(
        m_redis->syncCommand({QStringLiteral("HGET"), QString::fromUtf8(BrokerKeys::task("echo", taskId)),
                              QStringLiteral("st")}),
        QByteArray("running"), 10000);

    const qsizetype logged = m_worker->output().size();
    QCOMPARE(m_redis->syncCommand({QStringLiteral("CONFIG"), QStringLiteral("SET"),
                                   QStringLiteral("maxmemory"), QStringLiteral("1")}),
             QByteArray("OK"));
    // The finish is refused and held (with the progress reports before it: the worker names what it holds
    // when it sends it again), and the task is still running meanwhile.
    QTRY_VERIFY2_WITH_TIMEOUT(heldWrites(m_worker->output().mid(logged)).contains("mmf_finish"),
                              m_worker->output().mid(logged).constData(), 15000);
    QVERIFY(m_worker->output().mid(logged).contains("failed, retrying in 100 ms: OOM command not allowed"));
    QCOMPARE(m_client->get(path).json().value(QStringLiteral("status")).toString(),
             QStringLiteral("running"));
    // The worker's /metrics tells an operator that it holds writes.
    QCOMPARE(workerMetric("mmf_worker_redis_writes_held{model=\"echo\"}"), 1.0);
    QVERIFY(workerMetric("mmf_worker_redis_writes_pending{model=\"echo\"}") >= 1.0);
    // A submit meanwhile is refused with Redis's reason, not accepted and lost.
    const auto refused =
        m_client->postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                           QJsonObject{{QStringLiteral("text"), QStringLiteral("while full")}});
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.errorCode(), QStringLiteral("unavailable"));
    QVERIFY2(refused.body.contains("OOM command not allowed"), refused.body.constData());
    QCOMPARE(m_redis->syncCommand({QStringLiteral("CONFIG"), QStringLiteral("SET"),
                                   QStringLiteral("maxmemory"), QStringLiteral("0")}),
             QByteArray("OK"));

    const auto done = m_client->pollUntil(
        path,
        [](const TestHttpClient::Response& r) {
            return r.json().value(QStringLiteral("status")).toString() != QLatin1String("running");
        },
        15000);
    const QJsonObject task = done.json();
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(task.value(QStringLiteral("attempts")).toInt(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(workerMetric("mmf_worker_redis_writes_held{model=\"echo\"}"), 0.0, 10000);
    QCOMPARE(workerMetric("mmf_worker_redis_writes_pending{model=\"echo\"}"), 0.0);
    QVERIFY2(!m_worker->output().mid(logged).contains("storing the outcome"),
             m_worker->output().mid(logged).constData());
}

void TestRedisFaults::restartedRedisIsReconnected()
{
    // /metrics says whether the server's Redis connection is up, and counts its losses.
    const auto metric = [this](const QByteArray& name) {
        return sampleValue(m_client->get(QStringLiteral("/metrics")).body, name);
    };
    QCOMPARE(metric("mmf_redis_connected"), 1.0);
    const double lost = metric("mmf_redis_disconnects_total");
    QVERIFY(lost >= 0); // present from the start (the hung Redis of the test before may have counted)

    // An accepted task survives the worker losing Redis for a while (the server keeps it in the stream).
    QVERIFY(m_redis->kill(SIGKILL));
    QCOMPARE(m_client->get(QStringLiteral("/readyz"), {}, 30000).status, 503);
    QCOMPARE(metric("mmf_redis_connected"), 0.0);
    QVERIFY(m_redis->restart());
    const auto after = m_client->pollUntil(
        QStringLiteral("/readyz"), [](const TestHttpClient::Response& r) { return r.status == 200; }, 30000);
    QCOMPARE(after.status, 200);
    QCOMPARE(m_client->get(QStringLiteral("/healthz")).status, 200);
    QCOMPARE(metric("mmf_redis_connected"), 1.0);
    QVERIFY2(metric("mmf_redis_disconnects_total") >= lost + 1,
             qPrintable(QString::number(metric("mmf_redis_disconnects_total"))));
}

void TestRedisFaults::aStartingServerAnswersOnceRedisDoes()
{
    // The server starts against a hung Redis: it listens (the line the fixture waits for), but its Redis
    // connection, broker library and revoked tokens wait. Requests made then used to get 503 "redis not
    // connected" (or "has not read the revoked tokens"); now their connections wait and are answered.
    QVERIFY(m_redis->kill(SIGSTOP));
    ServerFixture starting;
    QVERIFY2(starting.start(redisUrl()), qPrintable(starting.errorString()));
    TestHttpClient client(starting.url(), starting.issueToken(QStringLiteral("alice")));
    QTimer::singleShot(300, [this] { m_redis->kill(SIGCONT); });
    const auto ready = client.get(QStringLiteral("/readyz"), {}, 30000);
    QCOMPARE(ready.status, 200);
    // A token with an id needs the revoked tokens read: answered as well, not 503.
    const auto models = client.get(QStringLiteral("/api/v1/models"), {}, 30000);
    QCOMPARE(models.status, 200);
    QVERIFY2(models.body.contains("\"echo\""), models.body.constData());
}

void TestRedisFaults::aStartingServerServesAfterItsHoldWhenRedisStaysAway()
{
    // Redis hangs past the hold's limit (5 s): the server serves anyway — alive, not ready, and what needs
    // Redis refused with a clear 503 — rather than leaving its clients waiting on a backlog.
    QVERIFY(m_redis->kill(SIGSTOP));
    ServerFixture starting;
    QVERIFY2(starting.start(redisUrl()), qPrintable(starting.errorString()));
    TestHttpClient client(starting.url(), starting.issueToken(QStringLiteral("alice")));
    QCOMPARE(client.get(QStringLiteral("/healthz"), {}, 30000).status, 200);
    QVERIFY2(starting.output().contains("Redis is not ready 5 s after the start: serving"),
             starting.output().constData());
    const auto ready = client.get(QStringLiteral("/readyz"), {}, 30000);
    QCOMPARE(ready.status, 503);
    QCOMPARE(ready.errorCode(), QStringLiteral("unavailable"));
}

QTEST_GUILESS_MAIN(TestRedisFaults)
#include "tst_redisfaults.moc"
