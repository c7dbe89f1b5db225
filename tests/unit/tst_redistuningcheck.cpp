// RedisTuningCheck::advice: which settings of an external Redis differ from the ones MMF is measured with.
#include "server/RedisTuningCheck.h"

#include <QTest>

using namespace mmf;

class TestRedisTuningCheck : public QObject
{
    Q_OBJECT
private slots:
    void advice_data();
    void advice();
    void readsEverySettingItJudges();
};

void TestRedisTuningCheck::advice_data()
{
    QTest::addColumn<QByteArray>("listpackValue");
    QTest::addColumn<QByteArray>("nodeBytes");
    QTest::addColumn<QByteArray>("tracking");
    QTest::addColumn<QStringList>("about"); // the settings the advice names, in order
    const QStringList all{"hash-max-listpack-value", "stream-node-max-bytes", "latency-tracking"};
    QTest::newRow("Redis 7.0's defaults")
        << QByteArray("64") << QByteArray("4096") << QByteArray("yes") << all;
    QTest::newRow("as the embedded Redis")
        << QByteArray("4096") << QByteArray("1024") << QByteArray("no") << QStringList();
    QTest::newRow("larger listpacks, smaller nodes")
        << QByteArray("8192") << QByteArray("512") << QByteArray("no") << QStringList();
    QTest::newRow("nodes without a byte limit")
        << QByteArray("4096") << QByteArray("0") << QByteArray("no") << QStringList{"stream-node-max-bytes"};
    QTest::newRow("one byte short") << QByteArray("4095") << QByteArray("1025") << QByteArray("no")
                                    << QStringList{"hash-max-listpack-value", "stream-node-max-bytes"};
    QTest::newRow("not reported (hidden or renamed)")
        << QByteArray() << QByteArray() << QByteArray() << QStringList();
    QTest::newRow("not numbers") << QByteArray("lots") << QByteArray("many") << QByteArray("maybe")
                                 << QStringList();
}

void TestRedisTuningCheck::advice()
{
    QFETCH(QByteArray, listpackValue);
    QFETCH(QByteArray, nodeBytes);
    QFETCH(QByteArray, tracking);
    QFETCH(QStringList, about);
    QHash<QByteArray, QByteArray> settings;
    if (!listpackValue.isNull())
        settings.insert("hash-max-listpack-value", listpackValue);
    if (!nodeBytes.isNull())
        settings.insert("stream-node-max-bytes", nodeBytes);
    if (!tracking.isNull())
        settings.insert("latency-tracking", tracking);
    const QStringList lines = RedisTuningCheck::advice(settings);
    QCOMPARE(lines.size(), about.size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QVERIFY2(lines.at(i).startsWith(about.at(i) + QStringLiteral(" is ")), qPrintable(lines.at(i)));
        QVERIFY2(lines.at(i).contains(QString::fromUtf8(settings.value(about.at(i).toUtf8()))),
                 qPrintable(lines.at(i))); // says what the Redis has
    }
}

void TestRedisTuningCheck::readsEverySettingItJudges()
{
    QHash<QByteArray, QByteArray> untuned{
        {"hash-max-listpack-value", "1"}, {"stream-node-max-bytes", "0"}, {"latency-tracking", "yes"}};
    QCOMPARE(RedisTuningCheck::advice(untuned).size(), RedisTuningCheck::names().size());
    for (const QByteArray& name : RedisTuningCheck::names())
        QVERIFY(untuned.contains(name));
}

QTEST_GUILESS_MAIN(TestRedisTuningCheck)
#include "tst_redistuningcheck.moc"
