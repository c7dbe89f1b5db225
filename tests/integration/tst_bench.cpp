// mmf-bench against a real mmf-server (embedded Redis) and a real echo worker: every task mode completes and
// prints the CPU split and the Redis commands per task, the subscribers mode opens and counts its
// WebSocket subscribers, and the Redis password never shows in the output. Timings are printed, never
// asserted.
#include "ServerFixture.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mmf;

namespace {

struct BenchRun
{
    int exitCode = -1;
    QString output; // stdout, then stderr
};

BenchRun runBench(const QStringList& args)
{
    QProcess bench;
    bench.setProgram(QFileInfo(ServerFixture::ctlProgram()).dir().filePath(QStringLiteral("mmf-bench")));
    bench.setArguments(args);
    QSignalSpy finished(&bench, &QProcess::finished);
    bench.start();
    BenchRun run;
    // Waits in an event loop: the server's and the worker's output pipes must keep draining meanwhile (a
    // full pipe would stall the worker).
    if (!bench.waitForStarted(10'000) || !finished.wait(180'000)) {
        bench.kill();
        bench.waitForFinished(5000);
        run.output = QStringLiteral("mmf-bench did not start or finish: ") + bench.errorString();
        return run;
    }
    run.exitCode = bench.exitStatus() == QProcess::NormalExit ? bench.exitCode() : -1;
    run.output = QString::fromUtf8(bench.readAllStandardOutput() + bench.readAllStandardError());
    return run;
}

QByteArray redisPassword(const ServerFixture& server)
{
    QFile file(QDir(server.dataDir()).filePath(QStringLiteral("redis/password")));
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed() : QByteArray();
}

} // namespace

class TestBench : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void taskModes_data();
    void taskModes();
    void subscribersMode();
    void unreachableRedisIsNamed();

private:
    QStringList commonArgs() const;

    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<WorkerFixture> m_worker;
    QByteArray m_token;
};

void TestBench::initTestCase()
{
    // The subscribers mode opens 300 WebSockets as one user from one address.
    m_server = std::make_unique<ServerFixture>(
        QStringList{"--ws-max-per-user", "1000", "--max-connections-per-address", "1000"});
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_token = m_server->issueToken(QStringLiteral("bench"));
    QVERIFY(!m_token.isEmpty());
    m_worker = std::make_unique<WorkerFixture>(QStringLiteral("echo"), m_server->url(), m_token);
    QVERIFY(m_worker->start());
    QVERIFY2(m_worker->waitForReady(), m_worker->output().constData());
}

void TestBench::cleanupTestCase()
{
    m_worker.reset();
    m_server.reset();
}

QStringList TestBench::commonArgs() const
{
    return {QStringLiteral("--server"), m_server->url().toString(), QStringLiteral("--token"),
            QString::fromUtf8(m_token), QStringLiteral("--model"),  QStringLiteral("echo")};
}

void TestBench::taskModes_data()
{
    QTest::addColumn<QStringList>("modeArgs");
    QTest::addColumn<QString>("mode");
    QTest::newRow("throughput") << QStringList{"--mode", "throughput", "--connections", "2"} << "throughput";
    QTest::newRow("batch") << QStringList{"--mode", "batch", "--batch-size", "50"} << "batch";
    QTest::newRow("wait") << QStringList{"--mode", "wait", "--connections", "8"} << "wait";
    QTest::newRow("latency") << QStringList{"--mode", "latency", "--rate", "400"} << "latency";
    // With quiet clients attached all through the run (the fixture allows 1000 per address).
    QTest::newRow("wait with idle connections")
        << QStringList{"--mode", "wait", "--connections", "8", "--idle-connections", "300"} << "wait";
}

void TestBench::taskModes()
{
    QFETCH(QStringList, modeArgs);
    QFETCH(QString, mode);
    const QString redisDir = QDir(m_server->dataDir()).filePath(QStringLiteral("redis"));
    QTemporaryDir logDir;
    QVERIFY(logDir.isValid());
    const QString latencyLog = logDir.filePath(QStringLiteral("latency.txt"));
    const double startedUnixMs = double(QDateTime::currentMSecsSinceEpoch());
    const BenchRun run =
        runBench(commonArgs() + modeArgs +
                 QStringList{"--tasks", "200", "--latency-log", latencyLog, "--server-pid",
                             QString::number(m_server->pid()), "--worker-pids",
                             QString::number(m_worker->pid()), "--redis",
                             QStringLiteral("unix://mmf-server:@") + redisDir + QStringLiteral("/redis.sock"),
                             "--redis-password-file", redisDir + QStringLiteral("/password")});
    qInfo().noquote() << run.output.trimmed();
    QCOMPARE(run.exitCode, 0);
    const QStringList lines = run.output.trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines.at(0).startsWith(QStringLiteral("mode=%1 tasks=200 ok=200 failed=0 errors=0 ").arg(mode)),
             qPrintable(lines.at(0)));
    // Held all through the run, none dropped, when asked for; not reported otherwise.
    const qsizetype idle = modeArgs.indexOf(QStringLiteral("--idle-connections"));
    if (idle >= 0)
        QVERIFY2(lines.at(0).contains(QStringLiteral(" idle_conns=%1/%1 ").arg(modeArgs.at(idle + 1))),
                 qPrintable(lines.at(0)));
    else
        QVERIFY2(!lines.at(0).contains(QStringLiteral("idle_conns=")), qPrintable(lines.at(0)));
    // The CPU split: the embedded Redis (the server's child), the server, the worker and the bench itself.
    static const QRegularExpression cpu(QStringLiteral(
        R"( cpu_us_per_task=redis:[0-9.]+,redis_fork:[0-9.]+,server:[0-9.]+,worker1:[0-9.]+,client:[0-9.]+,all:[0-9.]+ )"));
    QVERIFY2(cpu.match(lines.at(0)).hasMatch(), qPrintable(lines.at(0)));
    static const QRegularExpression rss(
        QStringLiteral(R"( rss_mb=redis:[0-9.]+,server:[0-9.]+,worker1:[0-9.]+,client:[0-9.]+)"));
    QVERIFY2(rss.match(lines.at(0)).hasMatch(), qPrintable(lines.at(0)));
    // Commandstats were reset before the run: the submits' script or function calls are there, per task.
    QVERIFY2(
        lines.at(1).startsWith(QStringLiteral("redis_commands mode=%1 tasks=200 calls_per_task=").arg(mode)),
        qPrintable(lines.at(1)));
    static const QRegularExpression scripts(QStringLiteral(R"( (evalsha|fcall|fcall_ro)=[0-9.]+/[0-9.]+)"));
    QVERIFY2(scripts.match(lines.at(1)).hasMatch(), qPrintable(lines.at(1)));
    // And whether Redis rewrote its AOF meanwhile (INFO persistence), last.
    static const QRegularExpression rewrites(QStringLiteral(R"( aof_rewrites=[0-9]+( fork_ms=[0-9.]+)?$)"));
    QVERIFY2(rewrites.match(lines.at(1)).hasMatch(), qPrintable(lines.at(1)));
    const QByteArray password = redisPassword(*m_server);
    QVERIFY(password.size() >= 32);
    QVERIFY(!run.output.contains(QString::fromLatin1(password)));

    // --latency-log: a line per task, each naming its own task, submitted during this run.
    const double endedUnixMs = double(QDateTime::currentMSecsSinceEpoch());
    QFile log(latencyLog);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QList<QByteArray> logLines = log.readAll().split('\n');
    QCOMPARE(logLines.size(), 201); // 200 lines, each ended by a newline
    QVERIFY(logLines.last().isEmpty());
    static const QRegularExpression line(
        QStringLiteral(R"(^([0-9]+\.[0-9]{3}) ([0-9]+\.[0-9]{3}) ([0-9A-Z]{26}\.echo) succeeded$)"));
    QSet<QString> ids;
    for (qsizetype i = 0; i < 200; ++i) {
        const QString text = QString::fromUtf8(logLines.at(i));
        const QRegularExpressionMatch match = line.match(text);
        QVERIFY2(match.hasMatch(), qPrintable(text));
        const double submitted = match.captured(1).toDouble();
        QVERIFY2(submitted >= startedUnixMs - 1 && submitted <= endedUnixMs + 1, qPrintable(text));
        QVERIFY2(submitted + match.captured(2).toDouble() <= endedUnixMs + 1, qPrintable(text));
        ids.insert(match.captured(3));
    }
    QCOMPARE(ids.size(), 200);
}

void TestBench::subscribersMode()
{
    const BenchRun run =
        runBench(commonArgs() + QStringList{"--mode", "subscribers", "--subscribers", "300", "--server-pid",
                                            QString::number(m_server->pid())});
    qInfo().noquote() << run.output.trimmed();
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.output.startsWith(QStringLiteral("mode=subscribers subscribers=300 ok=300 errors=0 ")),
             qPrintable(run.output));
    static const QRegularExpression memory(QStringLiteral(
        R"( server_rss_mb=[0-9.]+->[0-9.]+ server_kb_per_subscriber=-?[0-9.]+ server_cpu_us_per_subscriber=[0-9.]+ )"));
    QVERIFY2(memory.match(run.output).hasMatch(), qPrintable(run.output));

    // The server has let them all go again: a task still runs end to end.
    const BenchRun after = runBench(commonArgs() + QStringList{"--mode", "wait", "--tasks", "5"});
    QCOMPARE(after.exitCode, 0);
}

void TestBench::unreachableRedisIsNamed()
{
    QTemporaryDir dir;
    QFile wrong(dir.filePath(QStringLiteral("password")));
    QVERIFY(wrong.open(QIODevice::WriteOnly));
    wrong.write("not-the-password-0123456789abcdef\n");
    wrong.close();
    const QString socket = QDir(m_server->dataDir()).filePath(QStringLiteral("redis/redis.sock"));
    const BenchRun run =
        runBench(commonArgs() + QStringList{"--tasks", "5", "--redis", QStringLiteral("unix://") + socket,
                                            "--redis-password-file", wrong.fileName()});
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.output.contains(QStringLiteral("Redis")), qPrintable(run.output));
    QVERIFY(!run.output.contains(QStringLiteral("not-the-password")));
}

QTEST_GUILESS_MAIN(TestBench)
#include "tst_bench.moc"
