// Whether a token's unknown signing key may be new: "try again" until a read of the keys sent after the key
// was first seen came back without it; reads asked for at most every kMinGapMs whatever ids clients send.
#include "ManualClock.h"

#include "gateway/UnknownSigningKeys.h"

#include <QtTest>

using namespace mmf;

class TestUnknownSigningKeys : public QObject
{
    Q_OBJECT

    ManualClock m_clock{1'800'000'000'000};
    int m_reads = 0;
    std::unique_ptr<UnknownSigningKeys> m_keys;

    // A read as KeyRing makes one: counted, and started at once.
    void read()
    {
        ++m_reads;
        m_keys->readStarted();
    }

private slots:
    void init()
    {
        m_reads = 0;
        m_keys = std::make_unique<UnknownSigningKeys>(m_clock, [this] { read(); });
    }

    void aKeyIsNobodysOnceAReadSentAfterItsFirstSightingLacksIt()
    {
        QVERIFY(m_keys->mayBeNew("k1"));
        QCOMPARE(m_reads, 1);
        QVERIFY(m_keys->mayBeNew("k1")); // the read is out: still "try again", no second read
        QCOMPARE(m_reads, 1);
        m_keys->readFinished(true);
        QVERIFY(!m_keys->mayBeNew("k1"));
        QCOMPARE(m_reads, 1);
    }

    void aReadSentBeforeTheSightingProvesNothing()
    {
        // The periodic read is out when the token comes: the key may have been published after it was sent.
        read();
        m_clock.advanceMs(UnknownSigningKeys::kMinGapMs);
        QVERIFY(m_keys->mayBeNew("k1"));
        QCOMPARE(m_reads, 2); // another read, sent after the sighting
        m_keys->readFinished(true);
        QVERIFY(m_keys->mayBeNew("k1")); // only the first read's answer is in
        m_keys->readFinished(true);
        QVERIFY(!m_keys->mayBeNew("k1"));
    }

    void aFailedReadProvesNothing()
    {
        QVERIFY(m_keys->mayBeNew("k1"));
        m_keys->readFinished(false); // Redis away
        QVERIFY(m_keys->mayBeNew("k1"));
        read(); // the next periodic read
        m_keys->readFinished(true);
        QVERIFY(!m_keys->mayBeNew("k1"));
    }

    void readsAreSpacedWhateverIdsCome()
    {
        QVERIFY(m_keys->mayBeNew("k0"));
        QCOMPARE(m_reads, 1);
        m_keys->readFinished(true);
        // A burst of made-up ids within the gap: one read, later.
        for (int i = 1; i <= 50; ++i)
            QVERIFY(m_keys->mayBeNew("made-up-" + QByteArray::number(i)));
        QCOMPARE(m_reads, 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_reads, 2, 5000); // the timer set for the end of the gap
        m_keys->readFinished(true);
        for (int i = 1; i <= 50; ++i)
            QVERIFY(!m_keys->mayBeNew("made-up-" + QByteArray::number(i)));
        QCOMPARE(m_reads, 2);
    }

    void aForgottenIdIsLookedForAgain()
    {
        QVERIFY(m_keys->mayBeNew("k1"));
        m_keys->readFinished(true);
        QVERIFY(!m_keys->mayBeNew("k1"));
        m_clock.advanceMs(UnknownSigningKeys::kForgetMs);
        QVERIFY(m_keys->mayBeNew("k1")); // published since, perhaps: one more read
        QCOMPARE(m_reads, 2);
    }

    void aFloodOfIdsIsBounded()
    {
        for (int i = 0; i < UnknownSigningKeys::kMaxIds; ++i)
            QVERIFY(m_keys->mayBeNew("id-" + QByteArray::number(i)));
        QTRY_COMPARE_WITH_TIMEOUT(m_reads, 2, 5000); // the first read, then one for the rest after the gap
        // Past the bound: "try again" without being remembered or read for.
        QVERIFY(m_keys->mayBeNew("one-more"));
        m_keys->readFinished(true);
        m_keys->readFinished(true);
        QVERIFY(!m_keys->mayBeNew("id-7"));
        QVERIFY(m_keys->mayBeNew("one-more")); // never remembered, so never refused while the table is full
        QCOMPARE(m_reads, 2);
    }
};

QTEST_GUILESS_MAIN(TestUnknownSigningKeys)
#include "tst_unknownsigningkeys.moc"
