// The digits and image models through the real stack: a real redis-server, mmf-server and mmf-worker
// processes, tasks submitted as JSON over HTTP (pixels, PNG pictures drawn from dataset rows, the sample
// photo), results and clean failures read back from the public API.
#include "LiveModels.h"
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include "models/vision/DigitsDataset.h"
#include "models/vision/DigitsTrainer.h"

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QTest>

#include <memory>
#include <vector>

using namespace mmf;

namespace {

// A dataset row as a 64x64 dark-on-light PNG.
QByteArray renderPng(const DigitSample& sample)
{
    QImage image(64, 64, QImage::Format_Grayscale8);
    for (int y = 0; y < 64; ++y) {
        for (int x = 0; x < 64; ++x)
            image.scanLine(y)[x] = uchar(255 - sample.pixels[size_t((y / 8) * 8 + x / 8)] * 255 / 16);
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "png");
    return bytes;
}

QJsonArray pixelsJson(const DigitSample& sample)
{
    QJsonArray values;
    for (std::uint8_t value : sample.pixels)
        values.append(int(value));
    return values;
}

QString base64(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

} // namespace

class TestVisionModels : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void catalogueShowsUiHints();
    void digitsFromPixels();
    void digitsFromPictures();
    void digitsBadInputFailsCleanly_data();
    void digitsBadInputFailsCleanly();
    void imageRoundTrip_data();
    void imageRoundTrip();
    void imageBrokenInputFailsCleanly();

private:
    bool waitForInstances(const QString& model);
    // Submits with ?wait and returns the finished task (empty on a submit error, which fails the test).
    QJsonObject run(const QString& model, const QJsonObject& body);

    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<TestHttpClient> m_alice;
    std::vector<std::unique_ptr<WorkerFixture>> m_workers;
    std::vector<DigitSample> m_heldOut;
    QByteArray m_flower;
};

void TestVisionModels::initTestCase()
{
    Result<DigitsDataset> dataset =
        DigitsDataset::readFile(QStringLiteral(MMF_SOURCE_DIR "/resources/data/digits.csv.gz"));
    QVERIFY(dataset.ok());
    m_heldOut = dataset->split(0.2, DigitsTrainer::Options().seed).heldOut;
    QFile flower(QStringLiteral(MMF_SOURCE_DIR "/resources/data/flower.jpg"));
    QVERIFY(flower.open(QIODevice::ReadOnly));
    m_flower = flower.readAll();

    m_redis = std::make_unique<RedisServerFixture>(
        QStringLiteral("vision-secret-%1").arg(QCoreApplication::applicationPid()));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    m_server = std::make_unique<ServerFixture>();
    QVERIFY2(m_server->start(m_redis->url()), qPrintable(m_server->errorString()));
    const QByteArray aliceToken = m_server->issueToken(QStringLiteral("alice"), QStringLiteral("default"),
                                                       QStringLiteral("score,read"));
    const QByteArray workerToken =
        m_server->issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    QVERIFY(!aliceToken.isEmpty() && !workerToken.isEmpty());
    m_alice = std::make_unique<TestHttpClient>(m_server->url(), aliceToken);

    for (const QString& model : {QStringLiteral("digits"), QStringLiteral("image")}) {
        auto worker = std::make_unique<WorkerFixture>(
            model, m_server->url(), workerToken,
            QStringList{QStringLiteral("--concurrency"), QStringLiteral("2")});
        QVERIFY(worker->start());
        m_workers.push_back(std::move(worker));
        QVERIFY(waitForInstances(model));
    }
}

void TestVisionModels::cleanupTestCase()
{
    m_workers.clear();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

bool TestVisionModels::waitForInstances(const QString& model)
{
    if (waitForLiveModel(*m_alice, model))
        return true;
    for (const auto& worker : m_workers)
        qWarning().noquote() << worker->output().right(2000);
    return false;
}

QJsonObject TestVisionModels::run(const QString& model, const QJsonObject& body)
{
    const auto response =
        m_alice->postJson(QStringLiteral("/api/v1/models/%1/tasks?wait=30").arg(model), body);
    if (response.status != 200) {
        qWarning() << "submit to" << model << "answered" << response.status << response.body.left(500);
        return {};
    }
    return response.json();
}

void TestVisionModels::catalogueShowsUiHints()
{
    const auto digits = m_alice->get(QStringLiteral("/api/v1/models/digits"));
    QCOMPARE(digits.status, 200);
    const QByteArray response =
        QJsonDocument(digits.json().value(QStringLiteral("response_schema")).toObject()).toJson();
    QVERIFY2(response.contains("BAR_CHART"), response.constData());
    QVERIFY(response.contains("Probability of each digit"));
    const QByteArray request =
        QJsonDocument(digits.json().value(QStringLiteral("request_schema")).toObject()).toJson();
    QVERIFY(request.contains("IMAGE"));

    const auto image = m_alice->get(QStringLiteral("/api/v1/models/image"));
    QCOMPARE(image.status, 200);
    QVERIFY(QJsonDocument(image.json()).toJson().contains("RESIZE"));
}

void TestVisionModels::digitsFromPixels()
{
    int correct = 0;
    const int rows = 20;
    for (int i = 0; i < rows; ++i) {
        const DigitSample& sample = m_heldOut[size_t(i) * m_heldOut.size() / rows];
        const QJsonObject task =
            run(QStringLiteral("digits"),
                QJsonObject{
                    {QStringLiteral("pixels"), QJsonObject{{QStringLiteral("values"), pixelsJson(sample)}}}});
        QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
        const QJsonObject result = task.value(QStringLiteral("result")).toObject();
        const QJsonArray probabilities = result.value(QStringLiteral("probabilities")).toArray();
        QCOMPARE(probabilities.size(), 10);
        double sum = 0;
        for (const QJsonValue& p : probabilities)
            sum += p.toDouble();
        QVERIFY(qAbs(sum - 1.0) < 1e-6);
        // proto3 JSON leaves a zero label out.
        correct += result.value(QStringLiteral("label")).toInt(0) == sample.label;
    }
    QVERIFY2(correct >= rows - 2, qPrintable(QString::number(correct)));
}

void TestVisionModels::digitsFromPictures()
{
    int correct = 0;
    const int rows = 20;
    for (int i = 0; i < rows; ++i) {
        const DigitSample& sample = m_heldOut[size_t(i) * m_heldOut.size() / rows + 1];
        const QJsonObject task =
            run(QStringLiteral("digits"), QJsonObject{{QStringLiteral("image"), base64(renderPng(sample))}});
        QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
        const QJsonObject result = task.value(QStringLiteral("result")).toObject();
        QCOMPARE(result.value(QStringLiteral("probabilities")).toArray().size(), 10);
        QCOMPARE(result.value(QStringLiteral("pixels")).toArray().size(), 64);
        correct += result.value(QStringLiteral("label")).toInt(0) == sample.label;
    }
    QVERIFY2(correct >= rows - 2, qPrintable(QString::number(correct)));
}

void TestVisionModels::digitsBadInputFailsCleanly_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("message");
    QJsonArray short63;
    for (int i = 0; i < 63; ++i)
        short63.append(0);
    QJsonArray outOfRange;
    for (int i = 0; i < 64; ++i)
        outOfRange.append(i == 7 ? 17 : 0);
    QTest::newRow("63 values") << QJsonObject{{QStringLiteral("pixels"),
                                               QJsonObject{{QStringLiteral("values"), short63}}}}
                               << QStringLiteral("exactly 64 values");
    QTest::newRow("value 17") << QJsonObject{{QStringLiteral("pixels"),
                                              QJsonObject{{QStringLiteral("values"), outOfRange}}}}
                              << QStringLiteral("pixels.values[7] is 17");
    QTest::newRow("not a picture") << QJsonObject{{QStringLiteral("image"), base64("not a picture at all")}}
                                   << QStringLiteral("not a PNG or JPEG");
    QTest::newRow("no input") << QJsonObject{} << QStringLiteral("set either pixels");
}

void TestVisionModels::digitsBadInputFailsCleanly()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, message);
    const QJsonObject task = run(QStringLiteral("digits"), body);
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    // A final error: no retries.
    QCOMPARE(task.value(QStringLiteral("attempts")).toInt(), 1);
    const QJsonObject error = task.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("invalid_argument"));
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(message),
             qPrintable(error.value(QStringLiteral("message")).toString()));
}

void TestVisionModels::imageRoundTrip_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QSize>("expected");
    QTest::newRow("GRAYSCALE keeps the size")
        << QJsonObject{{QStringLiteral("operation"), QStringLiteral("GRAYSCALE")}} << QSize(640, 427);
    QTest::newRow("RESIZE to 200x100") << QJsonObject{{QStringLiteral("operation"), QStringLiteral("RESIZE")},
                                                      {QStringLiteral("width"), 200},
                                                      {QStringLiteral("height"), 100}}
                                       << QSize(200, 100);
    QTest::newRow("EDGES keeps the size")
        << QJsonObject{{QStringLiteral("operation"), QStringLiteral("EDGES")}} << QSize(640, 427);
}

void TestVisionModels::imageRoundTrip()
{
    QFETCH(QJsonObject, body);
    QFETCH(QSize, expected);
    body.insert(QStringLiteral("image"), base64(m_flower));
    const QJsonObject task = run(QStringLiteral("image"), body);
    QVERIFY2(task.value(QStringLiteral("status")).toString() == QStringLiteral("succeeded"),
             QJsonDocument(task).toJson(QJsonDocument::Compact).left(2000).constData());
    const QJsonObject result = task.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value(QStringLiteral("width")).toInt(), expected.width());
    QCOMPARE(result.value(QStringLiteral("height")).toInt(), expected.height());
    QByteArray png = QByteArray::fromBase64(result.value(QStringLiteral("image")).toString().toLatin1());
    QBuffer buffer(&png);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    QCOMPARE(reader.format(), QByteArray("png"));
    QCOMPARE(reader.read().size(), expected);

    // A log line per stage, readable after the fact.
    const QString taskId = task.value(QStringLiteral("task_id")).toString();
    const auto logs = m_alice->get(QStringLiteral("/api/v1/tasks/%1/logs").arg(taskId));
    QCOMPARE(logs.status, 200);
    const QJsonArray lines = logs.json().value(QStringLiteral("lines")).toArray();
    QVERIFY2(lines.size() >= 4, logs.body.constData());
    QVERIFY(lines.first()
                .toObject()
                .value(QStringLiteral("text"))
                .toString()
                .startsWith(QStringLiteral("decoding")));
}

void TestVisionModels::imageBrokenInputFailsCleanly()
{
    // The photo cut in the middle of its data: a final error naming the problem, not a half-grey picture.
    const QJsonObject task =
        run(QStringLiteral("image"), QJsonObject{{QStringLiteral("image"), base64(m_flower.left(60000))},
                                                 {QStringLiteral("operation"), QStringLiteral("BLUR")}});
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(task.value(QStringLiteral("attempts")).toInt(), 1);
    const QJsonObject error = task.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("invalid_argument"));
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(QStringLiteral("truncated")),
             qPrintable(error.value(QStringLiteral("message")).toString()));
}

QTEST_GUILESS_MAIN(TestVisionModels)
#include "tst_vision_models.moc"
