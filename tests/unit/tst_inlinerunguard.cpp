// InlineRunGuard: the rule on measured runs (table-driven), then real runs that sleep and compute.
#include "worker/InlineRunGuard.h"

#include <QtTest>

#include <thread>

using namespace mmf;

// Written as {wall µs, watched, cpu µs, blocked}: unwatched runs carry only their wall time.
using Sample = InlineRunGuard::Sample;

Q_DECLARE_METATYPE(QList<Sample>)

class TestInlineRunGuard : public QObject
{
    Q_OBJECT

private slots:
    void rule_data()
    {
        QTest::addColumn<QList<Sample>>("runs");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<bool>("watching");
        QTest::addColumn<QString>("verdict");

        QTest::newRow("quick runs") << QList<Sample>{Sample{20}, Sample{900}, Sample{1000}} << true << false
                                    << QString();
        QTest::newRow("one overstay is watched, not judged")
            << QList<Sample>{Sample{5000}} << true << true << QString();
        QTest::newRow("a watched run that blocked past the budget")
            << QList<Sample>{Sample{5000}, Sample{20000, true, 30, true}} << false << false
            << QStringLiteral(
                   "an inline run took 20000 µs and blocked (a sleep, I/O or a lock), over the budget of "
                   "1000 µs");
        QTest::newRow("a watched run that computed past the budget")
            << QList<Sample>{Sample{5000}, Sample{3000, true, 2500, false}} << false << false
            << QStringLiteral("an inline run computed for 2500 µs, over the budget of 1000 µs");
        QTest::newRow("a watched run that blocked within the budget (a lock, briefly)")
            << QList<Sample>{Sample{5000}, Sample{400, true, 100, true}} << true << true << QString();
        QTest::newRow("preempted while watched: watched on") << QList<Sample>{Sample{5000},
                                                                              Sample{1, true, 1, false},
                                                                              Sample{1, true, 1, false},
                                                                              Sample{8000, true, 40, false},
                                                                              Sample{1, true, 1, false},
                                                                              Sample{1, true, 1, false}}
                                                             << true << true << QString();
        QTest::newRow("three clean watched runs end the watch")
            << QList<Sample>{Sample{5000}, Sample{1, true, 1, false}, Sample{1, true, 1, false},
                             Sample{1, true, 1, false}}
            << true << false << QString();
        QTest::newRow("after the watch, an overstay is watched again, not judged")
            << QList<Sample>{Sample{5000}, Sample{1, true}, Sample{1, true}, Sample{1, true}, Sample{9000}}
            << true << true << QString();
        QTest::newRow("ended for good")
            << QList<Sample>{Sample{5000}, Sample{3000, true, 2500, false}, Sample{1}, Sample{1, true}}
            << false << false
            << QStringLiteral("an inline run computed for 2500 µs, over the budget of 1000 µs");
    }

    void rule()
    {
        QFETCH(QList<Sample>, runs);
        QFETCH(bool, allowed);
        QFETCH(bool, watching);
        QFETCH(QString, verdict);
        InlineRunGuard guard(1000, 3);
        for (const Sample& sample : runs)
            guard.judge(sample);
        QCOMPARE(guard.allowed(), allowed);
        QCOMPARE(guard.watching(), watching);
        QCOMPARE(guard.verdict(), verdict);
    }

    // Measured for real: a run that sleeps is seen blocking once watched; an unwatched run is timed only.
    void aRunThatSleepsEndsInlineRuns()
    {
        InlineRunGuard guard(2000, 3);
        const Sample first = guard.run([] { std::this_thread::sleep_for(std::chrono::milliseconds(10)); });
        QVERIFY(!first.watched);
        QVERIFY(first.wallUs >= 10000);
        QVERIFY(guard.allowed() && guard.watching());
        const Sample second = guard.run([] { std::this_thread::sleep_for(std::chrono::milliseconds(10)); });
        QVERIFY(second.watched);
        QVERIFY(second.blocked);
        QVERIFY(!guard.allowed());
    }

    void aRunThatComputesEndsInlineRuns()
    {
        InlineRunGuard guard(2000, 3);
        // Spins until the thread has used 10 ms of CPU, however long a loaded machine takes to give it that.
        const auto compute = [] {
            timespec start{};
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
            const qint64 startNs = qint64(start.tv_sec) * 1000000000 + start.tv_nsec;
            timespec now{};
            do {
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
            } while (qint64(now.tv_sec) * 1000000000 + now.tv_nsec - startNs < 10000000);
        };
        guard.run(compute);
        QVERIFY(guard.allowed() && guard.watching());
        const Sample second = guard.run(compute);
        QVERIFY(second.watched);
        QVERIFY(second.cpuUs >= 10000);
        QVERIFY(!guard.allowed());
        QVERIFY2(guard.verdict().startsWith(QStringLiteral("an inline run computed for")),
                 qPrintable(guard.verdict()));
    }
};

QTEST_GUILESS_MAIN(TestInlineRunGuard)
#include "tst_inlinerunguard.moc"
