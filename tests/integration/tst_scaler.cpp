// The scaler with the local driver and real workers: PUT scaling validation, a task at zero replicas cold-
// starts a worker (with and without ?wait=), a burst of slow echo tasks grows a dynamic model (min 0, max 3)
// to 3 replicas in a pool of 3 cpu, every task is served, and after the cool-down the model returns to 0;
// GET /api/v1/scaler, the model list's scaling object and the scaler metrics follow; a SIGKILLed replica of a
// static model is replaced; a replica's environment lacks what the server's holds beyond the basics.
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <memory>

using namespace mmf;

namespace {

constexpr int kCooldownSecs = 3;

QJsonObject scalerEntry(const QJsonObject& scaler, const QString& model)
{
    for (const QJsonValue& value : scaler.value(QStringLiteral("models")).toArray()) {
        if (value.toObject().value(QStringLiteral("name")).toString() == model)
            return value.toObject();
    }
    return {};
}

} // namespace

class TestScaler : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void putScalingIsValidated();
    void coldStartServesAWaitingRequest();
    void burstGrowsToMaxAndReturnsToZero();
    void replicaGetsACleanEnvironment();
    void crashedReplicaIsRestarted();
    void ctlScaleAndScaler();
    void configuredModelColdStartsWithoutAnyInstanceEver();

private:
    QJsonObject scaler();
    bool waitForCurrent(const QString& model, int current, int timeoutMs);
    QStringList instanceNames();
    // Keeps one static replica of echo and waits for its instance; its consumer name (ends with the pid).
    QString oneStaticEcho();

    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<TestHttpClient> m_admin;
    std::unique_ptr<TestHttpClient> m_user;
};

void TestScaler::initTestCase()
{
    // Stands for the server's secrets (MMF_REDIS_URL and the like): replicas must not inherit it.
    qputenv("MMF_TEST_SERVER_SECRET", "server-only");
    // An operator's choice of event loop, which replicas do inherit (the default, so nothing else changes).
    qputenv("MMF_EVENT_DISPATCHER", "epoll");
    m_server = std::make_unique<ServerFixture>(
        QStringList{QStringLiteral("--pool"), QStringLiteral("cpu=3"), QStringLiteral("--scaler-cooldown"),
                    QString::number(kCooldownSecs), QStringLiteral("--scaler-interval"),
                    QStringLiteral("0.2"), QStringLiteral("--ping-interval"), QStringLiteral("1")});
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_admin = std::make_unique<TestHttpClient>(m_server->url(), m_server->issueToken(QStringLiteral("root")));
    m_user = std::make_unique<TestHttpClient>(
        m_server->url(), m_server->issueToken(QStringLiteral("alice"), QStringLiteral("default"),
                                              QStringLiteral("score,read")));
}

void TestScaler::cleanupTestCase()
{
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

QJsonObject TestScaler::scaler()
{
    const TestHttpClient::Response r = m_user->get(QStringLiteral("/api/v1/scaler"));
    return r.status == 200 ? r.json() : QJsonObject();
}

bool TestScaler::waitForCurrent(const QString& model, int current, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (scalerEntry(scaler(), model).value(QStringLiteral("current")).toInt(-1) == current)
            return true;
        QTest::qWait(100);
    }
    return false;
}

void TestScaler::putScalingIsValidated()
{
    const QJsonObject echo{{QStringLiteral("mode"), QStringLiteral("dynamic")},
                           {QStringLiteral("min"), 0},
                           {QStringLiteral("max"), 3},
                           {QStringLiteral("resources"), QJsonObject{{QStringLiteral("cpu"), 1}}}};
    // Not admin.
    TestHttpClient::Response r = m_user->send("PUT", QStringLiteral("/api/v1/models/echo/scaling"),
                                              QJsonDocument(echo).toJson(), {}, 30000);
    QCOMPARE(r.status, 403);
    // max below min.
    QJsonObject bad = echo;
    bad.insert(QStringLiteral("min"), 4);
    r = m_admin->send("PUT", QStringLiteral("/api/v1/models/echo/scaling"), QJsonDocument(bad).toJson(), {},
                      30000);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json().value("error").toObject().value("field").toString(), QStringLiteral("max"));
    // Only the operator's file may name a program.
    bad = echo;
    bad.insert(QStringLiteral("command"), QStringLiteral("/bin/sh"));
    r = m_admin->send("PUT", QStringLiteral("/api/v1/models/echo/scaling"), QJsonDocument(bad).toJson(), {},
                      30000);
    QCOMPARE(r.status, 400);
    // Neither a built-in model nor a configured command, and no instance: nothing could start it.
    r = m_admin->send("PUT", QStringLiteral("/api/v1/models/nosuchmodel/scaling"),
                      QJsonDocument(echo).toJson(), {}, 30000);
    QCOMPARE(r.status, 400);
    QVERIFY2(r.json().value("error").toObject().value("message").toString().contains("nosuchmodel"), r.body);
    // Never seen before: 404 for tasks.
    r = m_user->postJson(QStringLiteral("/api/v1/models/nosuchmodel/tasks"), QJsonObject{});
    QCOMPARE(r.status, 404);
}

void TestScaler::coldStartServesAWaitingRequest()
{
    // echo has never run: the scaler learns its descriptors from `mmf-worker --describe`.
    const QJsonObject echo{{QStringLiteral("mode"), QStringLiteral("dynamic")},
                           {QStringLiteral("min"), 0},
                           {QStringLiteral("max"), 3},
                           {QStringLiteral("resources"), QJsonObject{{QStringLiteral("cpu"), 1}}}};
    TestHttpClient::Response r = m_admin->send("PUT", QStringLiteral("/api/v1/models/echo/scaling"),
                                               QJsonDocument(echo).toJson(), {}, 30000);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value("mode").toString(), QStringLiteral("dynamic"));
    QCOMPARE(r.json().value("project").toString(), QStringLiteral("default"));

    // Listed as live with no instance; the scaler shows the pool and the model at zero.
    r = m_user->pollUntil(QStringLiteral("/api/v1/models"), [](const TestHttpClient::Response& resp) {
        for (const QJsonValue& m : resp.json().value("models").toArray())
            if (m.toObject().value("name").toString() == u"echo")
                return true;
        return false;
    });
    QJsonObject listed;
    for (const QJsonValue& m : r.json().value("models").toArray())
        if (m.toObject().value("name").toString() == u"echo")
            listed = m.toObject();
    QCOMPARE(listed.value("status").toString(), QStringLiteral("live"));
    QCOMPARE(listed.value("instances").toInt(), 0);
    QCOMPARE(listed.value("scaling").toObject().value("mode").toString(), QStringLiteral("dynamic"));
    QCOMPARE(listed.value("scaling").toObject().value("max").toInt(), 3);
    const QJsonObject s = scaler();
    QCOMPARE(s.value("pool").toObject().value("total").toObject().value("cpu").toInt(), 3);
    QCOMPARE(scalerEntry(s, QStringLiteral("echo")).value("current").toInt(), 0);

    // A waiting request at zero replicas gets its result: the scaler cold-starts a worker.
    r = m_user->postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=50"),
                         QJsonObject{{QStringLiteral("text"), QStringLiteral("cold")}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value("status").toString(), QStringLiteral("succeeded"));
    QCOMPARE(r.json().value("result").toObject().value("request").toObject().value("text").toString(),
             QStringLiteral("cold"));
    QCOMPARE(scalerEntry(scaler(), QStringLiteral("echo")).value("current").toInt(), 1);

    // After the cool-down it is back at zero; a task sent then (no wait) is served too.
    QVERIFY(waitForCurrent(QStringLiteral("echo"), 0, (kCooldownSecs + 20) * 1000));
    r = m_user->postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                         QJsonObject{{QStringLiteral("text"), QStringLiteral("again")}});
    QCOMPARE(r.status, 202);
    const QString id = r.json().value("task_id").toString();
    r = m_user->pollUntil(
        QStringLiteral("/api/v1/tasks/%1").arg(id),
        [](const TestHttpClient::Response& resp) {
            return resp.json().value("status").toString() == u"succeeded";
        },
        60000);
    QCOMPARE(r.json().value("status").toString(), QStringLiteral("succeeded"));
    QVERIFY(waitForCurrent(QStringLiteral("echo"), 0, (kCooldownSecs + 20) * 1000));
}

void TestScaler::burstGrowsToMaxAndReturnsToZero()
{
    QVERIFY(waitForCurrent(QStringLiteral("echo"), 0, 30000));
    // A burst of slow tasks: 9 × 1.5 s, one per replica at a time.
    QStringList ids;
    for (int i = 0; i < 9; ++i) {
        const TestHttpClient::Response r =
            m_user->postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                             QJsonObject{{QStringLiteral("text"), QStringLiteral("burst %1").arg(i)},
                                         {QStringLiteral("delay_ms"), 1500}});
        QCOMPARE(r.status, 202);
        ids << r.json().value("task_id").toString();
    }
    // Grows to max, never over the pool.
    // The figures are sampled: on a loaded machine the backlog may drain (and `desired` fall) before the
    // third replica is up, so the peaks are compared, not a snapshot taken afterwards.
    int highest = 0;
    int highestDesired = 0;
    QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired() && highest < 3) {
        const QJsonObject s = scaler();
        const QJsonObject echo = scalerEntry(s, QStringLiteral("echo"));
        const int current = echo.value("current").toInt();
        QVERIFY(current <= 3);
        QVERIFY(echo.value("desired").toInt() <= 3);
        QVERIFY(s.value("pool").toObject().value("used").toObject().value("cpu").toInt() <= 3);
        highest = qMax(highest, current);
        highestDesired = qMax(highestDesired, echo.value("desired").toInt());
        QTest::qWait(50);
    }
    QCOMPARE(highest, 3);
    QCOMPARE(highestDesired, 3);

    // The WebSocket stats push carries the pool and the scaler's figures.
    TestWebSocket ws(m_server->url(), m_server->issueToken(QStringLiteral("root")));
    QVERIFY(ws.open());
    ws.sendJson(QJsonObject{{QStringLiteral("op"), QStringLiteral("subscribe")},
                            {QStringLiteral("topic"), QStringLiteral("stats")}});
    const QJsonObject stats = ws.waitFor([](const QJsonObject& m) {
        if (m.value("type").toString() != u"stats")
            return false;
        for (const QJsonValue& v : m.value("models").toArray())
            if (v.toObject().value("name").toString() == u"echo" &&
                v.toObject().value("desired").toInt() == 3)
                return true;
        return false;
    });
    QCOMPARE(stats.value("pool").toObject().value("total").toObject().value("cpu").toInt(), 3);
    QVERIFY(stats.value("pool").toObject().value("used").toObject().contains("cpu"));

    // The stats metrics show it.
    const TestHttpClient::Response metrics = m_user->get(QStringLiteral("/metrics"));
    QVERIFY(metrics.body.contains("mmf_scaler_desired_replicas{model=\"echo\"}"));
    QVERIFY(metrics.body.contains("mmf_scaler_pool_capacity{resource=\"cpu\"} 3"));

    // Every task is served.
    for (const QString& id : std::as_const(ids)) {
        const TestHttpClient::Response r = m_user->pollUntil(
            QStringLiteral("/api/v1/tasks/%1").arg(id),
            [](const TestHttpClient::Response& resp) {
                return resp.json().value("status").toString() == u"succeeded";
            },
            60000);
        QCOMPARE(r.json().value("status").toString(), QStringLiteral("succeeded"));
    }
    // And after the cool-down, back to zero replicas and zero instances.
    QVERIFY(waitForCurrent(QStringLiteral("echo"), 0, (kCooldownSecs + 30) * 1000));
    // The stats subscriber saw the scaler's decisions to stop the replicas.
    const QJsonObject stop = ws.waitFor([](const QJsonObject& m) {
        return m.value("type").toString() == u"scaler" && m.value("model").toString() == u"echo" &&
               m.value("action").toString() == u"stop";
    });
    QVERIFY2(!stop.isEmpty(), "no scaler stop event on the stats topic");
    QVERIFY(!stop.value("reason").toString().isEmpty());
    QVERIFY(stop.contains("desired") && stop.contains("current") && stop.contains("ts"));
    const TestHttpClient::Response model = m_user->pollUntil(
        QStringLiteral("/api/v1/models/echo"),
        [](const TestHttpClient::Response& resp) { return resp.json().value("instances").toInt(-1) == 0; },
        30000);
    QCOMPARE(model.json().value("instances").toInt(), 0);
    QCOMPARE(model.json().value("scaling").toObject().value("current").toInt(), 0);
}

QString TestScaler::oneStaticEcho()
{
    // Static mode: the scaler keeps `min` replicas, whatever the demand.
    const QJsonObject spec{{QStringLiteral("mode"), QStringLiteral("static")}, {QStringLiteral("min"), 1}};
    if (m_admin
            ->send("PUT", QStringLiteral("/api/v1/models/echo/scaling"), QJsonDocument(spec).toJson(), {},
                   30000)
            .status != 200)
        return {};
    QStringList names;
    QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired() && (names = instanceNames()).size() != 1)
        QTest::qWait(100);
    return names.size() == 1 ? names.first() : QString();
}

QStringList TestScaler::instanceNames()
{
    QStringList names;
    const TestHttpClient::Response resp = m_admin->get(QStringLiteral("/api/v1/models/echo/instances"));
    for (const QJsonValue& v : resp.json().value("instances").toArray())
        names << v.toObject().value("name").toString();
    return names;
}

void TestScaler::replicaGetsACleanEnvironment()
{
    const QString name = oneStaticEcho();
    QVERIFY(!name.isEmpty());
    const qint64 pid = name.section(QLatin1Char('-'), -1).toLongLong();
    QFile environ(QStringLiteral("/proc/%1/environ").arg(pid));
    QVERIFY2(environ.open(QIODevice::ReadOnly), qPrintable(environ.errorString()));
    const QList<QByteArray> variables = environ.readAll().split('\0');
    auto has = [&](const QByteArray& name) {
        return std::any_of(variables.begin(), variables.end(),
                           [&](const QByteArray& v) { return v.startsWith(name + '='); });
    };
    QVERIFY(!has("MMF_TEST_SERVER_SECRET"));
    QVERIFY(has("MMF_SERVER") && has("MMF_TOKEN") && has("PATH"));
    QVERIFY(has("MMF_EVENT_DISPATCHER"));
    QVERIFY(has("QT_NO_GLIB")); // set by the server's own ServiceEventLoop::prepare(), passed on
}

void TestScaler::crashedReplicaIsRestarted()
{
    const QString dead = oneStaticEcho();
    QVERIFY(!dead.isEmpty());
    // The consumer name ends with the worker's pid.
    const qint64 pid = dead.section(QLatin1Char('-'), -1).toLongLong();
    QVERIFY(pid > 1);
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
    // The driver notices, waits its backoff and starts another; the registry evicts the dead one.
    QStringList names;
    QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired()) {
        names = instanceNames();
        if (names.size() == 1 && names.first() != dead)
            break;
        QTest::qWait(100);
    }
    QCOMPARE(names.size(), 1);
    QVERIFY(names.first() != dead);
    QVERIFY(waitForCurrent(QStringLiteral("echo"), 1, 30000));
    const TestHttpClient::Response r =
        m_user->postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                         QJsonObject{{QStringLiteral("text"), QStringLiteral("after the crash")}});
    QCOMPARE(r.json().value("status").toString(), QStringLiteral("succeeded"));
}

void TestScaler::ctlScaleAndScaler()
{
    const QString admin = QString::fromLatin1(m_server->issueToken(QStringLiteral("root")));
    auto run = [&](const QStringList& args, int* exitCode) {
        QProcess ctl;
        ctl.setProcessChannelMode(QProcess::MergedChannels);
        ctl.start(ServerFixture::ctlProgram(),
                  args + QStringList{QStringLiteral("--server"), m_server->url().toString(),
                                     QStringLiteral("--token"), admin});
        *exitCode = ctl.waitForFinished(30000) ? ctl.exitCode() : -1;
        return ctl.readAll();
    };
    int code = -1;
    QByteArray out =
        run({QStringLiteral("scale"), QStringLiteral("echo"), QStringLiteral("--mode"),
             QStringLiteral("dynamic"), QStringLiteral("--min"), QStringLiteral("0"), QStringLiteral("--max"),
             QStringLiteral("2"), QStringLiteral("--resource"), QStringLiteral("cpu=1")},
            &code);
    QCOMPARE(code, 0);
    QCOMPARE(QJsonDocument::fromJson(out).object().value("max").toInt(), 2);
    out = run({QStringLiteral("scaler")}, &code);
    QCOMPARE(code, 0);
    QVERIFY2(out.contains("pool: cpu "), out.constData());
    QVERIFY2(out.contains("echo") && out.contains("dynamic"), out.constData());
    // A bad mode is a usage error, sent nowhere.
    run({QStringLiteral("scale"), QStringLiteral("echo"), QStringLiteral("--mode"), QStringLiteral("fast")},
        &code);
    QCOMPARE(code, 2);
}

void TestScaler::configuredModelColdStartsWithoutAnyInstanceEver()
{
    // A server of its own, the model configured on its command line only: the leader describes it, so it
    // is listed and takes tasks before any instance of it has ever run.
    ServerFixture server({QStringLiteral("--pool"), QStringLiteral("cpu=1"), QStringLiteral("--scaling"),
                          QStringLiteral("echo=mode:dynamic max:1 cpu:1"),
                          QStringLiteral("--scaler-interval"), QStringLiteral("0.2")});
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    TestHttpClient user(server.url(), server.issueToken(QStringLiteral("bob"), QStringLiteral("default"),
                                                        QStringLiteral("score,read")));
    TestHttpClient::Response r =
        user.pollUntil(QStringLiteral("/api/v1/models/echo"),
                       [](const TestHttpClient::Response& resp) { return resp.status == 200; });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value("instances").toInt(), 0);
    QCOMPARE(r.json().value("status").toString(), QStringLiteral("live"));
    r = user.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=50"),
                      QJsonObject{{QStringLiteral("text"), QStringLiteral("configured")}});
    QCOMPARE(r.json().value("status").toString(), QStringLiteral("succeeded"));
    QCOMPARE(server.stop(), 0);
}

QTEST_GUILESS_MAIN(TestScaler)
#include "tst_scaler.moc"
