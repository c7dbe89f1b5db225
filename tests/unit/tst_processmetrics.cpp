// ProcessStat parses /proc/<pid>/stat lines (command names with spaces and parentheses, short or broken
// lines); ProcessMetrics reads this test's own process into the process_* families.
#include "ManualClock.h"
#include "metrics/DescendantProcesses.h"
#include "metrics/MetricsRegistry.h"
#include "metrics/ProcessMetrics.h"
#include "metrics/ProcessStat.h"

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

using namespace mmf;

namespace {

// A stat line as the kernel writes it (52 fields), with the given command and the fields the parser reads.
QByteArray statLine(const QByteArray& command, quint64 utime, quint64 stime, qint64 threads, quint64 start,
                    quint64 vsize, qint64 rss)
{
    QByteArray line = "4242 (" + command + ") S 77 4242 4242 0 -1 4194560 1 0 0 0 " +
                      QByteArray::number(utime) + ' ' + QByteArray::number(stime) + " 31 7 20 0 " +
                      QByteArray::number(threads) + " 0 " + QByteArray::number(start) + ' ' +
                      QByteArray::number(vsize) + ' ' + QByteArray::number(rss);
    for (int field = 25; field <= 52; ++field)
        line += " 0";
    return line + '\n';
}

double cpuSecondsOfThisProcess()
{
    rusage usage = {};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace

class TestProcessMetrics : public QObject
{
    Q_OBJECT
private slots:
    void parsesStatLines_data();
    void parsesStatLines();
    void refusesWhatIsNoStatLine_data();
    void refusesWhatIsNoStatLine();
    void describesThisProcess();
    void readsAtMostOncePerInterval();
    void describesTheProcessesBelow();
};

void TestProcessMetrics::parsesStatLines_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::newRow("plain") << QByteArray("mmf-server");
    QTest::newRow("spaces") << QByteArray("mmf server 2");
    // A process may name itself anything: the fields are counted from the last ')'.
    QTest::newRow("parentheses") << QByteArray("a) S 1 2 (b");
    QTest::newRow("empty") << QByteArray();
}

void TestProcessMetrics::parsesStatLines()
{
    QFETCH(QByteArray, command);
    const std::optional<ProcessStat> stat =
        ProcessStat::parse(statLine(command, 1234, 567, 9, 8888888, 123456789012, 6543));
    QVERIFY(stat);
    QCOMPARE(stat->parentPid, 77);
    QCOMPARE(stat->userTicks, 1234u);
    QCOMPARE(stat->systemTicks, 567u);
    QCOMPARE(stat->childUserTicks, 31u);
    QCOMPARE(stat->childSystemTicks, 7u);
    QCOMPARE(stat->threads, 9);
    QCOMPARE(stat->startTicks, 8888888u);
    QCOMPARE(stat->virtualBytes, 123456789012u);
    QCOMPARE(stat->residentPages, 6543);
}

void TestProcessMetrics::refusesWhatIsNoStatLine_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("no command") << QByteArray(
        "4242 S 1 4242 4242 0 -1 4194560 1 0 0 0 1 2 0 0 20 0 1 0 5 6 7");
    QTest::newRow("cut short") << statLine("x", 1, 2, 3, 4, 5, 6).left(40);
    QTest::newRow("not a number") << statLine("x", 1, 2, 3, 4, 5, 6).replace(" 5 6 ", " five 6 ");
}

void TestProcessMetrics::refusesWhatIsNoStatLine()
{
    QFETCH(QByteArray, line);
    QVERIFY(!ProcessStat::parse(line));
}

void TestProcessMetrics::describesThisProcess()
{
    MetricsRegistry registry;
    const SystemClock clock;
    ProcessMetrics metrics(registry, clock, 0);
    metrics.collect();
    const auto value = [&registry](const char* name) { return registry.value(name, {}); };

    // Descriptors: ten more files open are ten more descriptors; the limit is this process's soft limit.
    const double openBefore = value("process_open_fds");
    QVERIFY(openBefore >= 3);
    std::vector<std::unique_ptr<QFile>> files;
    for (int i = 0; i < 10; ++i) {
        files.push_back(std::make_unique<QFile>(QStringLiteral("/proc/self/status")));
        QVERIFY(files.back()->open(QIODevice::ReadOnly));
    }
    metrics.collect();
    QCOMPARE(value("process_open_fds"), openBefore + 10);
    rlimit limit = {};
    QCOMPARE(::getrlimit(RLIMIT_NOFILE, &limit), 0);
    QCOMPARE(value("process_max_fds"), double(limit.rlim_cur));

    // Memory: this process's resident set (VmRSS of /proc/self/status, in kB), and more virtual than
    // resident.
    QFile status(QStringLiteral("/proc/self/status"));
    QVERIFY(status.open(QIODevice::ReadOnly));
    double vmRssBytes = 0;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            vmRssBytes = line.mid(6).simplified().split(' ').value(0).toDouble() * 1024;
    }
    QVERIFY(vmRssBytes > 0);
    const double rss = value("process_resident_memory_bytes");
    QVERIFY2(rss > vmRssBytes / 2 && rss < vmRssBytes * 2,
             qPrintable(QStringLiteral("%1 vs VmRSS %2").arg(rss).arg(vmRssBytes)));
    QVERIFY(value("process_virtual_memory_bytes") > rss);
    QVERIFY(value("process_threads") >= 1);

    // Started before now, and not before the test (allow the first collect's second of rounding).
    const double started = value("process_start_time_seconds");
    const double now = double(QDateTime::currentSecsSinceEpoch());
    QVERIFY2(started <= now + 1 && started > now - 600, qPrintable(QString::number(started, 'f', 2)));

    // CPU: the counter follows getrusage, and grows as this process spends CPU (10 ms ticks).
    const double cpuBefore = value("process_cpu_seconds_total");
    const double target = cpuSecondsOfThisProcess() + 0.05;
    volatile quint64 spin = 0;
    while (cpuSecondsOfThisProcess() < target)
        spin = spin + 1;
    metrics.collect();
    const double cpuAfter = value("process_cpu_seconds_total");
    QVERIFY2(cpuAfter >= cpuBefore + 0.03,
             qPrintable(QStringLiteral("%1 -> %2").arg(cpuBefore).arg(cpuAfter)));
    QVERIFY(qAbs(cpuAfter - cpuSecondsOfThisProcess()) < 0.1);

    // The exposition names them the way every Prometheus client library does.
    const QByteArray text = registry.exposition();
    QVERIFY(text.contains("# TYPE process_cpu_seconds_total counter\n"));
    QVERIFY(text.contains("# TYPE process_open_fds gauge\n"));
}

void TestProcessMetrics::readsAtMostOncePerInterval()
{
    MetricsRegistry registry;
    ManualClock clock;
    ProcessMetrics metrics(registry, clock, 1000);
    metrics.collect();
    const double before = registry.value("process_open_fds", {});
    QFile file(QStringLiteral("/proc/self/status"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    clock.advanceMs(999);
    metrics.collect();
    QCOMPARE(registry.value("process_open_fds", {}), before); // the figures of the last read
    clock.advanceMs(1);
    metrics.collect();
    QCOMPARE(registry.value("process_open_fds", {}), before + 1);
    // A clock set back does not freeze the figures.
    file.close();
    clock.advanceMs(-60'000);
    metrics.collect();
    QCOMPARE(registry.value("process_open_fds", {}), before);
}

// A child tree like a worker's --exec model (a shell, below it the model): how many, their memory, and their
// CPU — also what a grandchild burnt before its parent reaped it, and what stays counted once all have ended.
void TestProcessMetrics::describesTheProcessesBelow()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString marker = dir.filePath(QStringLiteral("busy-done"));
    QProcess tree;
    tree.start(
        QStringLiteral("sh"),
        {QStringLiteral("-c"), QStringLiteral("exec 3<&0; ((i=0; while [ $i -lt 300000 ]; do i=$((i+1)); "
                                              "done); touch '%1'; exec cat <&3) & wait")
                                   .arg(marker)});
    QVERIFY(tree.waitForStarted(5000));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(marker), 120000);

    const qint64 self = qint64(::getpid());
    const std::optional<DescendantProcesses::Usage> running = DescendantProcesses::of(self);
    QVERIFY(running);
    QCOMPARE(running->count, 2); // the shell and its background job (cat now)
    QVERIFY2(running->cpuSeconds >= 0.02, qPrintable(QString::number(running->cpuSeconds)));
    QVERIFY(running->residentBytes > 0);
    QVERIFY(DescendantProcesses::childrenByParent().value(self).contains(tree.processId()));

    MetricsRegistry registry;
    const SystemClock clock;
    ProcessMetrics metrics(registry, clock, 0, QStringLiteral("/proc/self"), self);
    metrics.collect();
    QCOMPARE(registry.value("mmf_descendant_processes", {}), 2.0);
    QVERIFY(registry.value("mmf_descendant_processes_cpu_seconds_total", {}) >= running->cpuSeconds);
    QVERIFY(registry.value("mmf_descendant_processes_resident_memory_bytes", {}) > 0);

    tree.closeWriteChannel(); // EOF for cat: the whole tree ends, and is reaped
    QVERIFY(tree.waitForFinished(5000));
    const std::optional<DescendantProcesses::Usage> ended = DescendantProcesses::of(self);
    QVERIFY(ended);
    QCOMPARE(ended->count, 0);
    QVERIFY2(ended->cpuSeconds >= running->cpuSeconds,
             qPrintable(QStringLiteral("%1 -> %2").arg(running->cpuSeconds).arg(ended->cpuSeconds)));
    QVERIFY(!DescendantProcesses::of(999'999'999));
}

QTEST_GUILESS_MAIN(TestProcessMetrics)
#include "tst_processmetrics.moc"
