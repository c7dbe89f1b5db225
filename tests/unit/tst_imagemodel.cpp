// The image model: each operation on the shipped sample photo (sizes kept or as asked, valid PNG out, a log
// line per stage), the filters' effect on known pictures, and clean failures for broken or oversized input.
#include "models/vision/ImageFilters.h"
#include "models/vision/ImageModel.h"

#include "FakeTaskContext.h"
#include "TestImages.h"

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QtTest>

#include <atomic>

using namespace mmf;
using mmf::TestImages::encode;
using mmf::TestImages::pngClaiming;

namespace {

models::ImageRequest request(const QByteArray& bytes, models::ImageRequest::Operation operation,
                             int width = 0, int height = 0)
{
    models::ImageRequest r;
    r.set_image(bytes.constData(), size_t(bytes.size()));
    r.set_operation(operation);
    r.set_width(width);
    r.set_height(height);
    return r;
}

// The response's picture, decoded; null (and a failed check) when it is not a PNG.
QImage decodePng(const models::ImageResponse& response)
{
    QByteArray bytes = QByteArray::fromStdString(response.image());
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    if (reader.format() != "png")
        return {};
    return reader.read();
}

// Left half black, right half white.
QImage halves(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x)
            image.setPixel(x, y, x < width / 2 ? qRgb(0, 0, 0) : qRgb(255, 255, 255));
    }
    return image;
}

} // namespace

class TestImageModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void operationsKeepOrSetTheSize_data();
    void operationsKeepOrSetTheSize();
    void grayscaleIsGreyAndKeepsAlpha();
    void blurSmoothsAStep();
    void edgesFindAStep();
    void logsEachStage();
    void jpegWithDataAfterTheEndDecodes();
    void rejectsBadInput_data();
    void rejectsBadInput();
    void stopsWhenCancelled();
    void hasMetadata();

private:
    QByteArray m_flower;
    ImageModel m_model;
};

void TestImageModel::initTestCase()
{
    QFile file(QStringLiteral(MMF_SOURCE_DIR "/resources/data/flower.jpg"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    m_flower = file.readAll();
    QVERIFY(m_flower.size() > 100000);
}

void TestImageModel::operationsKeepOrSetTheSize_data()
{
    QTest::addColumn<int>("operation");
    QTest::addColumn<QSize>("asked");
    QTest::addColumn<QSize>("expected");
    QTest::newRow("GRAYSCALE") << int(models::ImageRequest::GRAYSCALE) << QSize() << QSize(640, 427);
    QTest::newRow("BLUR") << int(models::ImageRequest::BLUR) << QSize() << QSize(640, 427);
    QTest::newRow("EDGES") << int(models::ImageRequest::EDGES) << QSize() << QSize(640, 427);
    QTest::newRow("RESIZE 100x50") << int(models::ImageRequest::RESIZE) << QSize(100, 50) << QSize(100, 50);
    QTest::newRow("RESIZE up 1000x900")
        << int(models::ImageRequest::RESIZE) << QSize(1000, 900) << QSize(1000, 900);
    QTest::newRow("RESIZE width only")
        << int(models::ImageRequest::RESIZE) << QSize(320, 0) << QSize(320, 214);
    QTest::newRow("RESIZE height only")
        << int(models::ImageRequest::RESIZE) << QSize(0, 100) << QSize(150, 100);
    QTest::newRow("RESIZE 1x1") << int(models::ImageRequest::RESIZE) << QSize(1, 1) << QSize(1, 1);
}

void TestImageModel::operationsKeepOrSetTheSize()
{
    QFETCH(int, operation);
    QFETCH(QSize, asked);
    QFETCH(QSize, expected);
    FakeTaskContext context;
    Outcome<models::ImageResponse> outcome =
        m_model.process(request(m_flower, models::ImageRequest::Operation(operation),
                                std::max(0, asked.width()), std::max(0, asked.height())),
                        context);
    QVERIFY2(std::holds_alternative<models::ImageResponse>(outcome),
             qPrintable(std::holds_alternative<TaskError>(outcome) ? std::get<TaskError>(outcome).message
                                                                   : QString()));
    const auto& response = std::get<models::ImageResponse>(outcome);
    QCOMPARE(QSize(response.width(), response.height()), expected);
    const QImage result = decodePng(response);
    QVERIFY(!result.isNull());
    QCOMPARE(result.size(), expected);
}

void TestImageModel::grayscaleIsGreyAndKeepsAlpha()
{
    QImage colour(40, 30, QImage::Format_ARGB32);
    for (int y = 0; y < 30; ++y) {
        for (int x = 0; x < 40; ++x)
            colour.setPixel(x, y, qRgba(x * 6, y * 8, 200, y < 15 ? 255 : 60));
    }
    FakeTaskContext context;
    Outcome<models::ImageResponse> outcome =
        m_model.process(request(encode(colour, "png"), models::ImageRequest::GRAYSCALE), context);
    QVERIFY(std::holds_alternative<models::ImageResponse>(outcome));
    const QImage grey =
        decodePng(std::get<models::ImageResponse>(outcome)).convertToFormat(QImage::Format_ARGB32);
    QCOMPARE(grey.size(), colour.size());
    for (int y = 0; y < 30; y += 7) {
        for (int x = 0; x < 40; x += 9) {
            const QRgb pixel = grey.pixel(x, y);
            QCOMPARE(qRed(pixel), qGreen(pixel));
            QCOMPARE(qGreen(pixel), qBlue(pixel));
            QCOMPARE(qAlpha(pixel), y < 15 ? 255 : 60);
        }
    }
    // The photo: every pixel grey.
    FakeTaskContext photoContext;
    outcome = m_model.process(request(m_flower, models::ImageRequest::GRAYSCALE), photoContext);
    QVERIFY(std::holds_alternative<models::ImageResponse>(outcome));
    QVERIFY(decodePng(std::get<models::ImageResponse>(outcome)).isGrayscale());
}

void TestImageModel::blurSmoothsAStep()
{
    const QImage step = halves(64, 16);
    FakeTaskContext context;
    models::ImageRequest r = request(encode(step, "png"), models::ImageRequest::BLUR);
    r.set_blur_radius(4);
    Outcome<models::ImageResponse> outcome = m_model.process(r, context);
    QVERIFY(std::holds_alternative<models::ImageResponse>(outcome));
    const QImage blurred = decodePng(std::get<models::ImageResponse>(outcome));
    QCOMPARE(blurred.size(), step.size());
    // Far from the step nothing changes; at the step the levels ramp (mid-grey in between), monotonically.
    QCOMPARE(qGray(blurred.pixel(2, 8)), 0);
    QCOMPARE(qGray(blurred.pixel(61, 8)), 255);
    const int middle = qGray(blurred.pixel(32, 8));
    QVERIFY2(middle > 60 && middle < 200, qPrintable(QString::number(middle)));
    for (int x = 1; x < 64; ++x)
        QVERIFY(qGray(blurred.pixel(x, 8)) >= qGray(blurred.pixel(x - 1, 8)));
}

void TestImageModel::edgesFindAStep()
{
    const QImage edges = ImageFilters::edges(halves(64, 16));
    QCOMPARE(edges.size(), QSize(64, 16));
    QCOMPARE(edges.format(), QImage::Format_Grayscale8);
    QCOMPARE(qGray(edges.pixel(5, 8)), 0);
    QCOMPARE(qGray(edges.pixel(50, 8)), 0);
    QCOMPARE(qGray(edges.pixel(31, 8)), 255);
    QCOMPARE(qGray(edges.pixel(32, 8)), 255);
}

void TestImageModel::logsEachStage()
{
    FakeTaskContext context;
    Outcome<models::ImageResponse> outcome =
        m_model.process(request(m_flower, models::ImageRequest::BLUR), context);
    QVERIFY(std::holds_alternative<models::ImageResponse>(outcome));
    // decoding, decoded, 3 blur passes, done, encoded.
    QVERIFY2(context.lines.size() >= 5, qPrintable(context.lines.join(u'\n')));
    QVERIFY(context.lines.first().contains(QStringLiteral("decoding 142987 bytes")));
    QVERIFY(context.lines.at(1).contains(QStringLiteral("640x427 JPEG")));
    QVERIFY(context.lines.last().contains(QStringLiteral("PNG")));
    QVERIFY(!context.fractions.isEmpty());
    for (int i = 1; i < context.fractions.size(); ++i)
        QVERIFY(context.fractions[i] >= context.fractions[i - 1]);
    QCOMPARE(context.fractions.last(), 1.0);
}

void TestImageModel::jpegWithDataAfterTheEndDecodes()
{
    // Some cameras append data after the end-of-image marker; the truncation check must not refuse it.
    FakeTaskContext context;
    Outcome<models::ImageResponse> outcome =
        m_model.process(request(m_flower + QByteArray(5000, 'x'), models::ImageRequest::GRAYSCALE), context);
    QVERIFY(std::holds_alternative<models::ImageResponse>(outcome));
    QCOMPARE(std::get<models::ImageResponse>(outcome).width(), 640);
}

void TestImageModel::rejectsBadInput_data()
{
    QTest::addColumn<QByteArray>("request"); // serialized ImageRequest
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("expected");

    auto serialized = [](const models::ImageRequest& r) {
        return QByteArray::fromStdString(r.SerializeAsString());
    };
    const QByteArray flowerPng = encode(QImage(32, 32, QImage::Format_RGB32), "png");
    QByteArray oversized(21 * 1024 * 1024, '\0');
    oversized.replace(0, m_flower.size(), m_flower);
    models::ImageRequest badOperation = request(m_flower, models::ImageRequest::GRAYSCALE);
    badOperation.set_operation(models::ImageRequest::Operation(9));
    models::ImageRequest badRadius = request(m_flower, models::ImageRequest::BLUR);
    badRadius.set_blur_radius(101);

    QTest::newRow("empty") << serialized(request({}, models::ImageRequest::GRAYSCALE)) << "invalid_argument"
                           << "image is empty";
    QTest::newRow("garbage") << serialized(request("not a picture at all", models::ImageRequest::EDGES))
                             << "invalid_argument"
                             << "not a PNG or JPEG";
    QTest::newRow("truncated JPEG header")
        << serialized(request(m_flower.left(40), models::ImageRequest::EDGES)) << "invalid_argument"
        << "could not be decoded";
    QTest::newRow("JPEG cut mid-scan")
        << serialized(request(m_flower.left(60000), models::ImageRequest::GRAYSCALE)) << "invalid_argument"
        << "truncated";
    QTest::newRow("truncated PNG") << serialized(request(flowerPng.left(flowerPng.size() - 30),
                                                         models::ImageRequest::BLUR))
                                   << "invalid_argument"
                                   << "could not be decoded";
    QTest::newRow("BMP") << serialized(request(encode(QImage(8, 8, QImage::Format_RGB32), "bmp"),
                                               models::ImageRequest::GRAYSCALE))
                         << "invalid_argument"
                         << "only PNG and JPEG";
    QTest::newRow("over 20 MiB") << serialized(request(oversized, models::ImageRequest::GRAYSCALE))
                                 << "payload_too_large"
                                 << "over the limit of 20971520 bytes";
    QTest::newRow("over 50 megapixels")
        << serialized(request(pngClaiming(10000, 5001), models::ImageRequest::EDGES)) << "payload_too_large"
        << "10000x5001";
    QTest::newRow("RESIZE without size")
        << serialized(request(m_flower, models::ImageRequest::RESIZE)) << "invalid_argument"
        << "needs width, height";
    QTest::newRow("RESIZE negative") << serialized(request(m_flower, models::ImageRequest::RESIZE, -5, 10))
                                     << "invalid_argument"
                                     << "0..16384";
    QTest::newRow("RESIZE too wide") << serialized(request(m_flower, models::ImageRequest::RESIZE, 16385, 10))
                                     << "invalid_argument"
                                     << "0..16384";
    QTest::newRow("RESIZE result too large")
        << serialized(request(m_flower, models::ImageRequest::RESIZE, 16000, 16000)) << "payload_too_large"
        << "16000x16000";
    QTest::newRow("blur radius") << serialized(badRadius) << "invalid_argument"
                                 << "blur_radius must be 0..100";
    QTest::newRow("unknown operation") << serialized(badOperation) << "invalid_argument"
                                       << "operation 9";
    QTest::newRow("not a request") << QByteArray("\xff\xff\xff") << "invalid_argument"
                                   << "not a valid mmf.models.ImageRequest";
}

void TestImageModel::rejectsBadInput()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, code);
    QFETCH(QString, expected);
    FakeTaskContext context;
    Outcome<QByteArray> outcome = m_model.processBytes(request, context);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    const TaskError& error = std::get<TaskError>(outcome);
    QCOMPARE(error.code, code);
    QVERIFY2(error.message.contains(expected), qPrintable(error.message));
}

void TestImageModel::stopsWhenCancelled()
{
    FakeTaskContext context;
    context.cancelled = true;
    Outcome<models::ImageResponse> outcome =
        m_model.process(request(m_flower, models::ImageRequest::BLUR), context);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    QCOMPARE(std::get<TaskError>(outcome).code, QStringLiteral("cancelled"));
}

void TestImageModel::hasMetadata()
{
    const v1::ModelMetadata meta = m_model.metadata();
    QVERIFY(!meta.description().empty());
    QVERIFY(!meta.version().empty());
    QVERIFY(meta.tags_size() > 0);
    QVERIFY(QByteArray::fromStdString(meta.docs()).contains("vultilion"));
}

QTEST_GUILESS_MAIN(TestImageModel)
#include "tst_imagemodel.moc"
