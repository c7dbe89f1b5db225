// ModelPatch: the validation of PATCH /api/v1/models/{name} bodies (bounds, types, the field named in errors)
// and what it makes of a valid body (metadata JSON, locked fields, the retry policy applied to the current
// one).
#include "gateway/ModelPatch.h"

#include <QJsonDocument>
#include <QTest>

using namespace mmf;

class TestModelPatch : public QObject
{
    Q_OBJECT
private slots:
    void refuses_data();
    void refuses();
    void accepts_data();
    void accepts();
    void retryAppliesOverCurrent();
};

void TestModelPatch::refuses_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");

    QTest::newRow("not json") << QByteArray("{") << QString();
    QTest::newRow("not an object") << QByteArray("[]") << QString();
    QTest::newRow("unknown field") << QByteArray(R"({"name":"x"})") << QStringLiteral("name");
    QTest::newRow("description type") << QByteArray(R"({"description":5})") << QStringLiteral("description");
    QTest::newRow("description 1001") << QByteArray(R"({"description":")" + QByteArray(1001, 'd') + R"("})")
                                      << QStringLiteral("description");
    QTest::newRow("version 65") << QByteArray(R"({"version":")" + QByteArray(65, 'v') + R"("})")
                                << QStringLiteral("version");
    QTest::newRow("owner 129") << QByteArray(R"({"owner":")" + QByteArray(129, 'o') + R"("})")
                               << QStringLiteral("owner");
    QTest::newRow("docs over 64 KiB")
        << QByteArray(R"({"docs":")" + QByteArray(64 * 1024 + 1, 'x') + R"("})") << QStringLiteral("docs");
    QTest::newRow("tags not array") << QByteArray(R"({"tags":"a,b"})") << QStringLiteral("tags");
    QByteArray many = R"({"tags":[)";
    for (int i = 0; i < 21; ++i)
        many += (i ? ",\"t" : "\"t") + QByteArray::number(i) + '"';
    QTest::newRow("21 tags") << many + "]}" << QStringLiteral("tags");
    QTest::newRow("tag 33") << QByteArray(R"({"tags":["a",")" + QByteArray(33, 't') + R"("]})")
                            << QStringLiteral("tags[1]");
    QTest::newRow("empty tag") << QByteArray(R"({"tags":[""]})") << QStringLiteral("tags[0]");
    QTest::newRow("tag number") << QByteArray(R"({"tags":[1]})") << QStringLiteral("tags[0]");
    QTest::newRow("retry not object") << QByteArray(R"({"retry":3})") << QStringLiteral("retry");
    QTest::newRow("attempts 0") << QByteArray(R"({"retry":{"max_attempts":0}})")
                                << QStringLiteral("retry.max_attempts");
    QTest::newRow("attempts 101") << QByteArray(R"({"retry":{"max_attempts":101}})")
                                  << QStringLiteral("retry.max_attempts");
    QTest::newRow("attempts fraction")
        << QByteArray(R"({"retry":{"max_attempts":2.5}})") << QStringLiteral("retry.max_attempts");
    QTest::newRow("attempts string") << QByteArray(R"({"retry":{"max_attempts":"3"}})")
                                     << QStringLiteral("retry.max_attempts");
    QTest::newRow("initial negative")
        << QByteArray(R"({"retry":{"backoff_initial_ms":-1}})") << QStringLiteral("retry.backoff_initial_ms");
    QTest::newRow("max over a day") << QByteArray(R"({"retry":{"backoff_max_ms":86400001}})")
                                    << QStringLiteral("retry.backoff_max_ms");
    QTest::newRow("factor below 1") << QByteArray(R"({"retry":{"backoff_factor":0.5}})")
                                    << QStringLiteral("retry.backoff_factor");
    QTest::newRow("unknown retry key")
        << QByteArray(R"({"retry":{"jitter":true}})") << QStringLiteral("retry.jitter");
}

void TestModelPatch::refuses()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    const Result<ModelPatch> patch = ModelPatch::parse(body);
    QVERIFY(!patch.ok());
    QCOMPARE(patch.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(patch.error().field, field);
}

void TestModelPatch::accepts_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("metadata");
    QTest::addColumn<QByteArray>("locked");
    QTest::addColumn<bool>("retry");

    QTest::newRow("nothing") << QByteArray("{}") << QByteArray("{}") << QByteArray() << false;
    QTest::newRow("limits exactly") << QByteArray(R"({"version":")" + QByteArray(64, 'v') +
                                                  R"(","owner":"o"})")
                                    << QByteArray(R"({"owner":"o","version":")" + QByteArray(64, 'v') +
                                                  R"("})")
                                    << QByteArray("version,owner") << false;
    QTest::newRow("empty description clears")
        << QByteArray(R"({"description":""})") << QByteArray(R"({"description":""})")
        << QByteArray("description") << false;
    QTest::newRow("tags and docs") << QByteArray(R"({"tags":["a","b"],"docs":"# Title"})")
                                   << QByteArray(R"({"docs":"# Title","tags":["a","b"]})")
                                   << QByteArray("tags,docs") << false;
    QTest::newRow("retry only") << QByteArray(R"({"retry":{"max_attempts":100,"backoff_factor":1}})")
                                << QByteArray("{}") << QByteArray() << true;
}

void TestModelPatch::accepts()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, metadata);
    QFETCH(QByteArray, locked);
    QFETCH(bool, retry);
    const Result<ModelPatch> patch = ModelPatch::parse(body);
    QVERIFY2(patch.ok(), patch.ok() ? "" : qPrintable(patch.error().message));
    QCOMPARE(patch->metadataJson(), metadata);
    QCOMPARE(patch->metadataFields().join(','), locked);
    QCOMPARE(patch->touchesRetry(), retry);
}

void TestModelPatch::retryAppliesOverCurrent()
{
    v1::RetryPolicy current;
    current.set_max_attempts(3);
    current.set_backoff_initial_ms(1000);
    current.set_backoff_factor(2);
    current.set_backoff_max_ms(30000);
    const Result<ModelPatch> patch = ModelPatch::parse(R"({"retry":{"max_attempts":5,"backoff_max_ms":0}})");
    QVERIFY(patch.ok());
    const v1::RetryPolicy applied = patch->applyRetry(current);
    QCOMPARE(applied.max_attempts(), 5u);
    QCOMPARE(applied.backoff_initial_ms(), 1000u);
    QCOMPARE(applied.backoff_factor(), 2.0);
    QCOMPARE(applied.backoff_max_ms(), 0u);
}

QTEST_GUILESS_MAIN(TestModelPatch)
#include "tst_model_patch.moc"
