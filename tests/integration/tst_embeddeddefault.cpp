// The embedded default: with no Redis configured the server runs a private, password-protected redis-server
// under its data dir, keeps its signing key there, restarts it when it dies, and the Redis goes when the
// server goes.
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <csignal>
#include <unistd.h>

using namespace mmf;

namespace {

qint64 redisPidOf(const ServerFixture& server)
{
    QFile pidFile(QDir(server.dataDir()).filePath(QStringLiteral("redis/redis.pid")));
    if (!pidFile.open(QIODevice::ReadOnly))
        return 0;
    return pidFile.readAll().trimmed().toLongLong();
}

// "name\nvalue" of CONFIG GET on a server's embedded Redis, as the server's own Redis user (the password from
// the data dir, through the environment: never on a command line).
QByteArray embeddedConfig(const ServerFixture& server, const QString& name)
{
    const QString redisDir = QDir(server.dataDir()).filePath(QStringLiteral("redis"));
    QFile passwordFile(redisDir + QStringLiteral("/password"));
    if (!passwordFile.open(QIODevice::ReadOnly))
        return "(no password file)";
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("REDISCLI_AUTH"), QString::fromUtf8(passwordFile.readAll().trimmed()));
    QProcess config;
    config.setProcessEnvironment(env);
    config.start(QStringLiteral("redis-cli"),
                 {QStringLiteral("-s"), redisDir + QStringLiteral("/redis.sock"), QStringLiteral("--user"),
                  QStringLiteral("mmf-server"), QStringLiteral("CONFIG"), QStringLiteral("GET"), name});
    if (!config.waitForFinished(10000))
        return "(redis-cli did not finish)";
    return config.readAllStandardOutput().trimmed();
}

bool processAlive(qint64 pid)
{
    if (pid <= 0 || ::kill(pid_t(pid), 0) != 0)
        return false;
    // A zombie is gone for our purposes.
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    return status.open(QIODevice::ReadOnly) && !status.readAll().contains("State:\tZ");
}

} // namespace

class TestEmbeddedDefault : public QObject
{
    Q_OBJECT

private slots:
    void runsATaskOnThePrivateRedis();
    void aofRewritePercentageReachesTheEmbeddedRedis();
    void stopsCleanlyWithSubscribersConnected();
    void dataSurvivesARestart();
    void aKilledRedisIsRestartedUnderLoad();
    void redisStopsWithTheServer_data();
    void redisStopsWithTheServer();
};

void TestEmbeddedDefault::runsATaskOnThePrivateRedis()
{
    ServerFixture server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QByteArray token = server.issueToken(QStringLiteral("alice"));
    QVERIFY(!token.isEmpty());
    WorkerFixture worker(QStringLiteral("echo"), server.url(), token);
    QVERIFY(worker.start());
    TestHttpClient client(server.url(), token);
    QCOMPARE(client.get(QStringLiteral("/readyz")).status, 200);
    const auto models =
        client.pollUntil(QStringLiteral("/api/v1/models"),
                         [](const TestHttpClient::Response& r) { return r.body.contains("\"echo\""); });
    QVERIFY2(models.body.contains("\"echo\""), worker.output().constData());
    const auto done = client.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=20"),
                                      QJsonObject{{QStringLiteral("text"), QStringLiteral("embedded")}});
    QCOMPARE(done.status, 200);
    QCOMPARE(done.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));

    // Private: a unix socket and secrets only the owner can read, AOF on.
    const QString redisDir = QDir(server.dataDir()).filePath(QStringLiteral("redis"));
    QFileInfo socket(redisDir + QStringLiteral("/redis.sock"));
    QVERIFY(socket.exists());
    QCOMPARE(QFileInfo(redisDir).permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::ExeOther),
             QFile::Permissions());
    QCOMPARE(QFileInfo(redisDir + QStringLiteral("/password")).permissions() &
                 (QFile::ReadGroup | QFile::ReadOther),
             QFile::Permissions());
    QCOMPARE(QFileInfo(QDir(server.dataDir()).filePath(QStringLiteral("keys/signing.key"))).permissions() &
                 (QFile::ReadGroup | QFile::ReadOther),
             QFile::Permissions());
    QVERIFY(QDir(redisDir).exists(QStringLiteral("appendonlydir")));
    // No password, no access.
    QProcess cli;
    cli.start(QStringLiteral("redis-cli"),
              {QStringLiteral("-s"), socket.filePath(), QStringLiteral("GET"), QStringLiteral("x")});
    QVERIFY(cli.waitForFinished(10000));
    QVERIFY(cli.readAll().contains("NOAUTH"));
    // The server log never shows the password.
    QFile passwordFile(redisDir + QStringLiteral("/password"));
    QVERIFY(passwordFile.open(QIODevice::ReadOnly));
    const QByteArray password = passwordFile.readAll().trimmed();
    QVERIFY(!password.isEmpty());
    QVERIFY(!server.output().contains(password));
    QVERIFY(!worker.output().contains(password));

    // Tuned for latency and CPU per task: no 1 ms rehashing step in every 100 ms cron tick (activerehashing
    // no; rehashing happens on access only), 1 KB stream nodes (an XDEL rewrites its node in place), no
    // per-command latency histograms; AOF rewrites at Redis's default growth unless configured, their RDB
    // base written uncompressed (LZF was near half the forked child's CPU for a fifth of the file).
    QCOMPARE(embeddedConfig(server, QStringLiteral("activerehashing")), QByteArray("activerehashing\nno"));
    QCOMPARE(embeddedConfig(server, QStringLiteral("stream-node-max-bytes")),
             QByteArray("stream-node-max-bytes\n1024"));
    QCOMPARE(embeddedConfig(server, QStringLiteral("latency-tracking")), QByteArray("latency-tracking\nno"));
    QCOMPARE(embeddedConfig(server, QStringLiteral("auto-aof-rewrite-percentage")),
             QByteArray("auto-aof-rewrite-percentage\n100"));
    QCOMPARE(embeddedConfig(server, QStringLiteral("rdbcompression")), QByteArray("rdbcompression\nno"));
}

void TestEmbeddedDefault::aofRewritePercentageReachesTheEmbeddedRedis()
{
    ServerFixture server(QStringList{QStringLiteral("--aof-rewrite-percentage"), QStringLiteral("200")});
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QCOMPARE(embeddedConfig(server, QStringLiteral("auto-aof-rewrite-percentage")),
             QByteArray("auto-aof-rewrite-percentage\n200"));
}

void TestEmbeddedDefault::stopsCleanlyWithSubscribersConnected()
{
    ServerFixture server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QByteArray token = server.issueToken(QStringLiteral("alice"));
    TestWebSocket socket(server.url(), token);
    QVERIFY(socket.open());
    QVERIFY(socket.subscribeAndWait(QStringLiteral("stats")));
    // SIGTERM with a live subscriber: the server says goodbye (1001) and exits 0.
    QCOMPARE(server.stop(), 0);
    QVERIFY(socket.waitForDisconnected());
    QCOMPARE(socket.closeCode(), 1001);
}

void TestEmbeddedDefault::dataSurvivesARestart()
{
    // Written by Lua scripts (replayed from the AOF as MULTI/EXEC) and by plain commands: an account made
    // before the server ever ran, a task, and both are there after a restart on the same data dir.
    ServerFixture server;
    QVERIFY2(server.createAdmin(QStringLiteral("root"), "root password 1"), qPrintable(server.errorString()));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QByteArray token = server.issueToken(QStringLiteral("alice"));
    WorkerFixture worker(QStringLiteral("echo"), server.url(), token);
    QVERIFY(worker.start());
    QVERIFY2(worker.waitForReady(), worker.output().constData());
    TestHttpClient client(server.url(), token);
    const auto done = client.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=20"),
                                      QJsonObject{{QStringLiteral("text"), QStringLiteral("kept")}});
    QCOMPARE(done.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    const QString taskId = done.json().value(QStringLiteral("task_id")).toString();
    QVERIFY(worker.kill(SIGTERM));
    QCOMPARE(server.stop(), 0);

    QVERIFY2(server.start(), qPrintable(server.errorString()));
    // Ready once the server's Redis connection is up.
    QCOMPARE(client
                 .pollUntil(QStringLiteral("/readyz"),
                            [](const TestHttpClient::Response& r) { return r.status == 200; })
                 .status,
             200);
    const auto task = client.get(QStringLiteral("/api/v1/tasks/") + taskId);
    QCOMPARE(task.status, 200);
    QCOMPARE(task.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    TestHttpClient anonymous(server.url());
    const auto login =
        anonymous.postJson(QStringLiteral("/api/v1/auth/login"),
                           QJsonObject{{QStringLiteral("login"), QStringLiteral("root")},
                                       {QStringLiteral("password"), QStringLiteral("root password 1")}});
    QCOMPARE(login.status, 200);
    QFile redisLog(QDir(server.dataDir()).filePath(QStringLiteral("redis/redis.log")));
    QVERIFY(redisLog.open(QIODevice::ReadOnly));
    QVERIFY(!redisLog.readAll().contains("NOPERM"));
}

void TestEmbeddedDefault::aKilledRedisIsRestartedUnderLoad()
{
    // The server supervises its private Redis: SIGKILLed while tasks are submitted and run, it is started
    // again on the same files, every connection (task path, events tail, lease, the worker's model user)
    // comes back, and with appendfsync always no accepted task is lost; mmf-server itself keeps running.
    ServerFixture server({QStringLiteral("--appendfsync"), QStringLiteral("always"),
                          QStringLiteral("--claim-timeout-ms"), QStringLiteral("2000"),
                          QStringLiteral("--ping-interval"), QStringLiteral("0.5")});
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QByteArray token = server.issueToken(QStringLiteral("alice"));
    WorkerFixture worker(QStringLiteral("echo"), server.url(), token,
                         {QStringLiteral("--concurrency"), QStringLiteral("4")});
    QVERIFY(worker.start());
    QVERIFY2(worker.waitForReady(), worker.output().constData());
    TestHttpClient client(server.url(), token);
    const qint64 firstRedis = redisPidOf(server);
    QVERIFY(processAlive(firstRedis));

    QStringList accepted;
    int refused = 0;
    QDeadlineTimer deadline(120000);
    for (int i = 0; accepted.size() < 60 && !deadline.hasExpired(); ++i) {
        if (i == 20)
            QCOMPARE(::kill(pid_t(firstRedis), SIGKILL), 0);
        const auto submit =
            client.postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                            QJsonObject{{QStringLiteral("text"), QStringLiteral("n%1").arg(i)},
                                        {QStringLiteral("delay_ms"), 20}},
                            {}, 30000);
        if (submit.status == 202) {
            accepted << submit.json().value(QStringLiteral("task_id")).toString();
            continue;
        }
        // While Redis is down: a clear 503, never a hang or a 202 that is not kept.
        QCOMPARE(submit.status, 503);
        QCOMPARE(submit.errorCode(), QStringLiteral("unavailable"));
        ++refused;
        QTest::qWait(20);
    }
    QCOMPARE(accepted.size(), 60);
    QTRY_VERIFY_WITH_TIMEOUT(processAlive(redisPidOf(server)) && redisPidOf(server) != firstRedis, 30000);
    QVERIFY(server.isRunning());
    QCOMPARE(client
                 .pollUntil(QStringLiteral("/readyz"),
                            [](const TestHttpClient::Response& r) { return r.status == 200; })
                 .status,
             200);
    for (const QString& id : accepted) {
        const auto task =
            client.pollUntil(QStringLiteral("/api/v1/tasks/") + id, [](const TestHttpClient::Response& r) {
                return r.json().value(QStringLiteral("status")).toString() == QLatin1String("succeeded");
            });
        QVERIFY2(task.json().value(QStringLiteral("status")).toString() == QLatin1String("succeeded"),
                 task.body.constData());
    }
    const auto after = client.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=20"),
                                       QJsonObject{{QStringLiteral("text"), QStringLiteral("after")}});
    QCOMPARE(after.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QVERIFY(server.output().contains("embedded redis-server restarted"));
    qInfo() << "submits refused while Redis was down:" << refused;
}

void TestEmbeddedDefault::redisStopsWithTheServer_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGKILL") << int(SIGKILL);
}

void TestEmbeddedDefault::redisStopsWithTheServer()
{
    QFETCH(int, signal);
    ServerFixture server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const qint64 redisPid = redisPidOf(server);
    QVERIFY(processAlive(redisPid));
    QVERIFY(server.kill(signal));
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(redisPid), 15000);
}

QTEST_GUILESS_MAIN(TestEmbeddedDefault)
#include "tst_embeddeddefault.moc"
