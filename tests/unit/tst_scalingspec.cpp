// ScalingSpec: the JSON of PUT /api/v1/models/{name}/scaling and of the store, and the config file's form;
// every invalid field is named, and only trusted sources may name a program.
#include "scaler/ScalingSpec.h"

#include <QJsonDocument>
#include <QTest>

using namespace mmf;

class TestScalingSpec : public QObject
{
    Q_OBJECT
private slots:
    void fromJson_data();
    void fromJson();
    void commandOnlyFromTrustedSources();
    void roundTrip();
    void fromConfigText_data();
    void fromConfigText();
};

void TestScalingSpec::fromJson_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("badField"); // empty: valid
    QTest::addColumn<bool>("dynamic");
    QTest::addColumn<int>("min");
    QTest::addColumn<int>("max");
    QTest::addColumn<qint64>("cpu");

    QTest::newRow("full") << QByteArray(R"({"mode":"dynamic","min":1,"max":4,"resources":{"cpu":2,"gpu":1}})")
                          << "" << true << 1 << 4 << qint64(2);
    QTest::newRow("defaults: static, cpu 1")
        << QByteArray(R"({"min":2})") << "" << false << 2 << 2 << qint64(1);
    QTest::newRow("dynamic without max: 1")
        << QByteArray(R"({"mode":"dynamic"})") << "" << true << 0 << 1 << qint64(1);
    QTest::newRow("bad mode") << QByteArray(R"({"mode":"elastic"})") << "mode" << false << 0 << 0
                              << qint64(0);
    QTest::newRow("max below min") << QByteArray(R"({"min":3,"max":2})") << "max" << false << 0 << 0
                                   << qint64(0);
    QTest::newRow("negative min") << QByteArray(R"({"min":-1})") << "min" << false << 0 << 0 << qint64(0);
    QTest::newRow("fractional max") << QByteArray(R"({"max":1.5})") << "max" << false << 0 << 0 << qint64(0);
    QTest::newRow("too many") << QByteArray(R"({"max":1001})") << "max" << false << 0 << 0 << qint64(0);
    QTest::newRow("resource name") << QByteArray(R"({"resources":{"CPU":1}})") << "resources.CPU" << false
                                   << 0 << 0 << qint64(0);
    QTest::newRow("resource amount") << QByteArray(R"({"resources":{"cpu":"1"}})") << "resources.cpu" << false
                                     << 0 << 0 << qint64(0);
    QTest::newRow("resources not an object")
        << QByteArray(R"({"resources":[1]})") << "resources" << false << 0 << 0 << qint64(0);
    QTest::newRow("bad project") << QByteArray(R"({"project":"Not Valid"})") << "project" << false << 0 << 0
                                 << qint64(0);
    QTest::newRow("unknown field") << QByteArray(R"({"replicas":3})") << "replicas" << false << 0 << 0
                                   << qint64(0);
}

void TestScalingSpec::fromJson()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, badField);
    const Result<ScalingSpec> spec = ScalingSpec::fromJson(QJsonDocument::fromJson(json).object(), false);
    if (!badField.isEmpty()) {
        QVERIFY(!spec);
        QCOMPARE(spec.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(spec.error().field, badField);
        return;
    }
    QVERIFY2(spec, qPrintable(spec ? QString() : spec.error().message));
    QTEST(spec->dynamic, "dynamic");
    QTEST(spec->min, "min");
    QTEST(spec->max, "max");
    QTEST(spec->resources.value("cpu"), "cpu");
}

void TestScalingSpec::commandOnlyFromTrustedSources()
{
    const QJsonObject json{{QStringLiteral("command"), QStringLiteral("/usr/bin/my-model")}};
    const Result<ScalingSpec> fromHttp = ScalingSpec::fromJson(json, false);
    QVERIFY(!fromHttp);
    QCOMPARE(fromHttp.error().field, QStringLiteral("command"));
    const Result<ScalingSpec> fromFile = ScalingSpec::fromJson(json, true);
    QVERIFY(fromFile);
    QCOMPARE(fromFile->command, QStringLiteral("/usr/bin/my-model"));
    // The HTTP view leaves it out.
    QVERIFY(!fromFile->toJson(false).contains(QStringLiteral("command")));
}

void TestScalingSpec::roundTrip()
{
    ScalingSpec spec;
    spec.dynamic = true;
    spec.min = 1;
    spec.max = 5;
    spec.resources = {{"cpu", 2}, {"mem_mb", 500}};
    spec.tasksPerReplica = 3;
    spec.project = "vision";
    spec.command = QStringLiteral("/opt/m");
    const Result<ScalingSpec> back = ScalingSpec::fromJson(spec.toJson(), true);
    QVERIFY(back);
    QCOMPARE(back->dynamic, spec.dynamic);
    QCOMPARE(back->min, spec.min);
    QCOMPARE(back->max, spec.max);
    QCOMPARE(back->resources, spec.resources);
    QCOMPARE(back->tasksPerReplica, spec.tasksPerReplica);
    QCOMPARE(back->project, spec.project);
    QCOMPARE(back->command, spec.command);
    QVERIFY(spec.coldStarts());
    spec.max = 0;
    spec.min = 0;
    QVERIFY(!spec.coldStarts());
}

void TestScalingSpec::fromConfigText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("max");
    QTest::addColumn<qint64>("mem");
    QTest::newRow("dynamic") << "mode:dynamic min:0 max:3 cpu:1 mem_mb:200" << true << 3 << qint64(200);
    QTest::newRow("static") << "mode:static min:2" << true << 2 << qint64(0);
    QTest::newRow("no colon") << "mode=dynamic" << false << 0 << qint64(0);
    QTest::newRow("negative") << "max:-1" << false << 0 << qint64(0);
    QTest::newRow("bad mode") << "mode:fast" << false << 0 << qint64(0);
}

void TestScalingSpec::fromConfigText()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    const Result<ScalingSpec> spec = ScalingSpec::fromConfigText(text);
    QCOMPARE(spec.ok(), valid);
    if (!valid)
        return;
    QTEST(spec->max, "max");
    QTEST(spec->resources.value("mem_mb"), "mem");
}

QTEST_GUILESS_MAIN(TestScalingSpec)
#include "tst_scalingspec.moc"
