// TaskIdGenerator: ids sort by time, name their model, and their random part differs between ids made in the
// same millisecond, also across refills of the generator's buffer of CSPRNG bytes.
#include "ManualClock.h"

#include "broker/TaskIdGenerator.h"

#include <QSet>
#include <QtTest>

#include <array>

using namespace mmf;

class TestTaskIdGenerator : public QObject
{
    Q_OBJECT
private slots:
    void idsAreValidAndNameTheirModel()
    {
        ManualClock clock;
        TaskIdGenerator ids(clock);
        const QByteArray id = ids.next("echo");
        QVERIFY(TaskIdGenerator::isValid(id));
        QCOMPARE(TaskIdGenerator::modelOf(id), QByteArray("echo"));
        QCOMPARE(id.size(), qsizetype(26 + 1 + 4));
        clock.advanceMs(1);
        QVERIFY(ids.next("echo") > id); // later ids sort after
    }

    void idsOfOneMillisecondDifferAcrossBufferRefills()
    {
        ManualClock clock; // time stands still: only the random part tells ids apart
        TaskIdGenerator ids(clock);
        constexpr int kCount = 10'000; // dozens of refills of the random buffer
        QSet<QByteArray> seen;
        std::array<QSet<char>, 16> symbolsAt; // the symbols seen at each random position
        for (int i = 0; i < kCount; ++i) {
            const QByteArray id = ids.next("m");
            QVERIFY(TaskIdGenerator::isValid(id));
            seen.insert(id.left(26));
            for (int p = 0; p < 16; ++p)
                symbolsAt[size_t(p)].insert(id[10 + p]);
        }
        QCOMPARE(seen.size(), qsizetype(kCount));
        // Each position takes every one of the 32 symbols (missing one in 10,000 draws: ~1e-137).
        for (const QSet<char>& symbols : symbolsAt)
            QCOMPARE(symbols.size(), qsizetype(32));
    }

    void twoGeneratorsDoNotRepeatEachOther()
    {
        ManualClock clock;
        TaskIdGenerator a(clock);
        TaskIdGenerator b(clock);
        QSet<QByteArray> seen;
        for (int i = 0; i < 1000; ++i) {
            seen.insert(a.next("m"));
            seen.insert(b.next("m"));
        }
        QCOMPARE(seen.size(), qsizetype(2000));
    }
};

QTEST_GUILESS_MAIN(TestTaskIdGenerator)
#include "tst_taskidgenerator.moc"
