// The shipped Prometheus alerting rules (installer/prometheus/mmf-alerts.yml) load, and each fires on the
// series that should fire it and stays quiet below its threshold or duration (mmf-alerts.test.yml, run by
// `promtool test rules`). tst_registry checks that every family the rules name is exported.
#include "Promtool.h"

#include <QTest>

using namespace mmf;

class TestAlertRules : public QObject
{
    Q_OBJECT
private slots:
    void rulesLoadAndFireAsTested();
};

void TestAlertRules::rulesLoadAndFireAsTested()
{
    const QString promtool = findPromtool();
    if (promtool.isEmpty()) {
        if (qEnvironmentVariableIntValue("MMF_REQUIRE_TOOLS"))
            QFAIL(kPromtoolRequired);
        QSKIP("promtool not found (build dir or PATH)");
    }
    const QString dir = qEnvironmentVariable("MMF_SOURCE_DIR") + QStringLiteral("/installer/prometheus");
    QByteArray output;
    QVERIFY2(runPromtool(promtool,
                         {QStringLiteral("check"), QStringLiteral("rules"), QStringLiteral("mmf-alerts.yml")},
                         &output, {}, dir) == 0,
             output.constData());
    QVERIFY2(output.contains("SUCCESS: 14 rules found"), output.constData());
    QVERIFY2(
        runPromtool(promtool,
                    {QStringLiteral("test"), QStringLiteral("rules"), QStringLiteral("mmf-alerts.test.yml")},
                    &output, {}, dir) == 0,
        output.constData());
    QVERIFY2(output.contains("SUCCESS"), output.constData());
}

QTEST_GUILESS_MAIN(TestAlertRules)
#include "tst_alertrules.moc"
