// The digits model: its data reader, deterministic training (held-out accuracy from a fresh run, and the
// shipped weights reproduced bit for bit), the weights file, picture preprocessing, and the model's answers
// and errors.
#include "models/vision/DigitsDataset.h"
#include "models/vision/DigitsModel.h"
#include "models/vision/DigitsNetwork.h"
#include "models/vision/DigitsPreprocessor.h"
#include "models/vision/DigitsTrainer.h"

#include "FakeTaskContext.h"
#include "TestImages.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QFile>
#include <QImage>
#include <QtTest>

#include <cmath>
#include <numeric>

using namespace mmf;
using mmf::TestImages::encode;
using mmf::TestImages::pngClaiming;

namespace {

// Draws a dataset row as a dark-on-light picture, `cell` pixels per value, with a paper margin.
QImage render(const DigitsNetwork::Pixels& pixels, int cell, int margin = 0)
{
    QImage image(8 * cell + 2 * margin, 8 * cell + 2 * margin, QImage::Format_RGB32);
    image.fill(Qt::white);
    for (int y = 0; y < 8 * cell; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y + margin));
        for (int x = 0; x < 8 * cell; ++x) {
            const int level = 255 - pixels[size_t((y / cell) * 8 + x / cell)] * 255 / 16;
            line[x + margin] = qRgb(level, level, level);
        }
    }
    return image;
}

models::DigitsRequest pixelsRequest(const DigitsNetwork::Pixels& pixels)
{
    models::DigitsRequest request;
    for (std::uint8_t value : pixels)
        request.mutable_pixels()->add_values(value);
    return request;
}

models::DigitsRequest imageRequest(const QByteArray& bytes)
{
    models::DigitsRequest request;
    request.set_image(bytes.constData(), size_t(bytes.size()));
    return request;
}

QByteArray builtinWeights()
{
    QFile file(QString::fromLatin1(DigitsNetwork::kBuiltinWeights));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestDigits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void datasetReadsAllRows();
    void datasetRejectsBadLines_data();
    void datasetRejectsBadLines();
    void gunzipRejectsCorruptData();
    void splitIsStratifiedAndSeeded();

    void freshTrainingReachesFloorAndReproducesShippedWeights();
    void builtinWeightsLoadFromTheResource();
    void weightsFileRejectsDamage_data();
    void weightsFileRejectsDamage();
    void portableExpMatchesLibm();

    void classifiesDatasetPixels();
    void classifiesPicturesOfDatasetRows();
    void pictureOfARowIsItsReframedRow();
    void pictureFramingDoesNotMatter();
    void acceptsJpeg();
    void readsTheShippedSamplePicture();
    void rejectsBadInput_data();
    void rejectsBadInput();
    void failsClearlyWithoutWeights();
    void hasMetadata();

private:
    DigitsDataset m_dataset;
    DigitsDataset::Split m_split;
    DigitsModel m_model; // the built-in weights
};

void TestDigits::initTestCase()
{
    Result<DigitsDataset> dataset =
        DigitsDataset::readFile(QStringLiteral(MMF_SOURCE_DIR "/resources/data/digits.csv.gz"));
    QVERIFY2(dataset.ok(), qPrintable(dataset.ok() ? QString() : dataset.error().message));
    m_dataset = std::move(dataset).value();
    // The split the training tool uses with its default seed.
    m_split = m_dataset.split(0.2, DigitsTrainer::Options().seed);
    QVERIFY2(m_model.loadError().isEmpty(), qPrintable(m_model.loadError()));
}

void TestDigits::datasetReadsAllRows()
{
    QCOMPARE(m_dataset.size(), 1797);
    std::array<int, 10> perLabel{};
    for (const DigitSample& sample : m_dataset.samples())
        ++perLabel[size_t(sample.label)];
    for (int count : perLabel)
        QVERIFY(count >= 170 && count <= 185);
    // The first row of the file.
    const DigitsNetwork::Pixels& first = m_dataset.samples().front().pixels;
    QCOMPARE(int(first[2]), 5);
    QCOMPARE(int(first[3]), 13);
    QCOMPARE(m_dataset.samples().front().label, 0);
}

void TestDigits::datasetRejectsBadLines_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    const QByteArray good =
        "0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,0,3,15,2,0,11,8,0,0,4,12,0,0,8,8,0,0,5,8,0,0,9,8,0,"
        "0,4,11,0,1,12,7,0,0,2,14,5,10,12,0,0,0,0,6,13,10,0,0,0,0\n";
    QByteArray shortLine = good;
    shortLine.replace(",0\n", "\n");
    QTest::newRow("64 values") << good + shortLine << QStringLiteral("line 2: 64 values");
    QTest::newRow("66 values") << good + good.trimmed() + ",1\n" << QStringLiteral("line 2: expected 65");
    QByteArray pixel17 = good;
    pixel17.replace("0,0,5,", "0,0,17,");
    QTest::newRow("pixel 17") << pixel17 << QStringLiteral("line 1: pixel 2 is 17");
    QByteArray label10 = good;
    label10.chop(2);
    label10 += "10\n";
    QTest::newRow("label 10") << label10 << QStringLiteral("line 1: label 10");
    QByteArray word = good;
    word.replace("13,9", "13,x");
    QTest::newRow("not a number") << word << QStringLiteral("line 1: expected 65");
    QTest::newRow("empty") << QByteArray("\n\n") << QStringLiteral("no samples");
}

void TestDigits::datasetRejectsBadLines()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    Result<DigitsDataset> dataset = DigitsDataset::parseCsv(text);
    QVERIFY(!dataset.ok());
    QVERIFY2(dataset.error().message.contains(expected), qPrintable(dataset.error().message));
}

void TestDigits::gunzipRejectsCorruptData()
{
    QFile file(QStringLiteral(MMF_SOURCE_DIR "/resources/data/digits.csv.gz"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray gz = file.readAll();
    QVERIFY(DigitsDataset::gunzip(gz).ok());
    QVERIFY(!DigitsDataset::gunzip(gz.left(gz.size() / 2)).ok()); // truncated
    gz[gz.size() / 2] = char(gz[gz.size() / 2] ^ 0x55);
    QVERIFY(!DigitsDataset::gunzip(gz).ok());                       // corrupt (or fails the CRC)
    QVERIFY(!DigitsDataset::gunzip(file.fileName().toUtf8()).ok()); // not gzip at all
}

void TestDigits::splitIsStratifiedAndSeeded()
{
    QCOMPARE(qsizetype(m_split.train.size() + m_split.heldOut.size()), m_dataset.size());
    std::array<int, 10> all{}, heldOut{};
    for (const DigitSample& sample : m_dataset.samples())
        ++all[size_t(sample.label)];
    for (const DigitSample& sample : m_split.heldOut)
        ++heldOut[size_t(sample.label)];
    for (size_t label = 0; label < 10; ++label)
        QCOMPARE(heldOut[label], int(std::lround(all[label] * 0.2)));

    auto sameSamples = [](const std::vector<DigitSample>& a, const std::vector<DigitSample>& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                          [](const DigitSample& x, const DigitSample& y) {
                              return x.pixels == y.pixels && x.label == y.label;
                          });
    };
    QVERIFY(sameSamples(m_dataset.split(0.2, 1).heldOut, m_dataset.split(0.2, 1).heldOut));
    QVERIFY(!sameSamples(m_dataset.split(0.2, 1).heldOut, m_dataset.split(0.2, 2).heldOut));
}

void TestDigits::freshTrainingReachesFloorAndReproducesShippedWeights()
{
    // The shipped weights came from `mmf-train-digits` with its defaults (resources/models/README.md).
    const DigitsNetwork network = DigitsTrainer(DigitsTrainer::Options()).train(m_split.train);
    const DigitsEvaluation evaluation = DigitsTrainer::evaluate(network, m_split.heldOut);
    qInfo("held-out accuracy of a fresh run: %.2f %% (%d of %d)", 100.0 * evaluation.accuracy(),
          evaluation.correct, evaluation.total);
    // The tool reports 98.05 % for seed 1; the floor leaves a little room.
    QVERIFY2(evaluation.accuracy() >= 0.97, qPrintable(QString::number(evaluation.accuracy())));
    int diagonal = 0;
    for (int k = 0; k < 10; ++k)
        diagonal += evaluation.confusion[size_t(k)][size_t(k)];
    QCOMPARE(diagonal, evaluation.correct);

    const QByteArray shipped = builtinWeights();
    QVERIFY(!shipped.isEmpty());
    QCOMPARE(QCryptographicHash::hash(network.toBytes(), QCryptographicHash::Sha256).toHex(),
             QCryptographicHash::hash(shipped, QCryptographicHash::Sha256).toHex());
}

void TestDigits::builtinWeightsLoadFromTheResource()
{
    Result<DigitsNetwork> network = DigitsNetwork::loadBuiltin();
    QVERIFY2(network.ok(), qPrintable(network.ok() ? QString() : network.error().message));
    QCOMPARE(network->hidden(), DigitsTrainer::Options().hidden);
    QVERIFY(DigitsTrainer::evaluate(*network, m_split.heldOut).accuracy() >= 0.97);
    Result<DigitsNetwork> again = DigitsNetwork::fromBytes(network->toBytes());
    QVERIFY(again.ok());
    QCOMPARE(again->toBytes(), builtinWeights());
}

void TestDigits::weightsFileRejectsDamage_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    const QByteArray good = builtinWeights();
    QByteArray flipped = good;
    flipped[100] = char(flipped[100] ^ 1);
    QTest::newRow("flipped bit") << flipped << QStringLiteral("checksum");
    QTest::newRow("truncated") << good.left(good.size() - 1) << QStringLiteral("bytes, expected");
    QByteArray magic = good;
    magic[0] = 'X';
    QTest::newRow("bad magic") << magic << QStringLiteral("bad magic");
    QByteArray version = good;
    version[8] = 2;
    QTest::newRow("future version") << version << QStringLiteral("version 2");
    QByteArray shape = good;
    shape[12] = 63;
    QTest::newRow("other shape") << shape << QStringLiteral("shape 63-");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("bad magic");
}

void TestDigits::weightsFileRejectsDamage()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    Result<DigitsNetwork> network = DigitsNetwork::fromBytes(bytes);
    QVERIFY(!network.ok());
    QVERIFY2(network.error().message.contains(expected), qPrintable(network.error().message));
}

void TestDigits::portableExpMatchesLibm()
{
    for (double x = -60.0; x <= 60.0; x += 0.0137) {
        const double expected = std::exp(x);
        QVERIFY2(std::abs(DigitsNetwork::portableExp(x) - expected) <= 1e-14 * expected,
                 qPrintable(QString::number(x)));
    }
    QCOMPARE(DigitsNetwork::portableExp(0.0), 1.0);
    QCOMPARE(DigitsNetwork::portableExp(-1000.0), 0.0);
}

void TestDigits::classifiesDatasetPixels()
{
    int correct = 0;
    for (const DigitSample& sample : m_split.heldOut) {
        FakeTaskContext context;
        Outcome<models::DigitsResponse> outcome = m_model.process(pixelsRequest(sample.pixels), context);
        QVERIFY(std::holds_alternative<models::DigitsResponse>(outcome));
        const auto& response = std::get<models::DigitsResponse>(outcome);
        QCOMPARE(response.probabilities_size(), 10);
        const double sum =
            std::accumulate(response.probabilities().begin(), response.probabilities().end(), 0.0);
        QVERIFY(std::abs(sum - 1.0) < 1e-9);
        const auto top = std::max_element(response.probabilities().begin(), response.probabilities().end());
        QCOMPARE(response.label(), int(top - response.probabilities().begin()));
        QCOMPARE(response.pixels_size(), 64);
        QCOMPARE(int(response.pixels(10)), int(sample.pixels[10]));
        QVERIFY(!context.fractions.isEmpty());
        QCOMPARE(context.fractions.last(), 1.0);
        if (response.label() == sample.label)
            ++correct;
    }
    QVERIFY2(correct >= int(0.97 * double(m_split.heldOut.size())), qPrintable(QString::number(correct)));
}

void TestDigits::classifiesPicturesOfDatasetRows()
{
    // 100 held-out rows drawn as 64x64 dark-on-light PNGs, through decoding and preprocessing.
    int correct = 0;
    for (size_t i = 0; i < 100; ++i) {
        const DigitSample& sample = m_split.heldOut[i * m_split.heldOut.size() / 100];
        FakeTaskContext context;
        Outcome<models::DigitsResponse> outcome =
            m_model.process(imageRequest(encode(render(sample.pixels, 8), "png")), context);
        QVERIFY(std::holds_alternative<models::DigitsResponse>(outcome));
        const auto& response = std::get<models::DigitsResponse>(outcome);
        const double sum =
            std::accumulate(response.probabilities().begin(), response.probabilities().end(), 0.0);
        QVERIFY(std::abs(sum - 1.0) < 1e-9);
        QVERIFY(context.lines.size() >= 2); // decoded, read
        if (response.label() == sample.label)
            ++correct;
    }
    qInfo("pictures of held-out rows read correctly: %d of 100", correct);
    QVERIFY2(correct >= 90, qPrintable(QString::number(correct)));
}

void TestDigits::pictureOfARowIsItsReframedRow()
{
    // A row drawn as a picture comes back as reframe() predicts (training uses reframe() to see rows as
    // pictures are seen), up to 1 in a value from the picture's 8-bit grey levels; many come back unchanged.
    int same = 0, unchanged = 0;
    const int rows = 200;
    for (int i = 0; i < rows; ++i) {
        const DigitsNetwork::Pixels& pixels = m_dataset.samples()[size_t(i)].pixels;
        Result<DigitsNetwork::Pixels> seen = DigitsPreprocessor::toPixels(render(pixels, 8));
        QVERIFY(seen.ok());
        const DigitsNetwork::Pixels predicted = DigitsPreprocessor::reframe(pixels);
        for (size_t k = 0; k < 64; ++k)
            QVERIFY2(std::abs(int((*seen)[k]) - int(predicted[k])) <= 1,
                     qPrintable(QStringLiteral("row %1").arg(i)));
        same += *seen == predicted;
        unchanged += *seen == pixels;
    }
    QVERIFY2(same >= rows * 3 / 4, qPrintable(QString::number(same)));
    QVERIFY2(unchanged >= rows / 2, qPrintable(QString::number(unchanged)));
}

void TestDigits::pictureFramingDoesNotMatter()
{
    // The same row, small and tight or large with a wide margin: cropping and scaling give the same grid.
    for (int i = 0; i < 20; ++i) {
        const DigitsNetwork::Pixels& pixels = m_split.heldOut[size_t(i)].pixels;
        Result<DigitsNetwork::Pixels> small = DigitsPreprocessor::toPixels(render(pixels, 4));
        Result<DigitsNetwork::Pixels> large = DigitsPreprocessor::toPixels(render(pixels, 24, 70));
        QVERIFY(small.ok() && large.ok());
        QCOMPARE(*small, *large);
    }
}

void TestDigits::acceptsJpeg()
{
    int correct = 0;
    for (size_t i = 0; i < 20; ++i) {
        const DigitSample& sample = m_split.heldOut[i * 7];
        FakeTaskContext context;
        Outcome<models::DigitsResponse> outcome =
            m_model.process(imageRequest(encode(render(sample.pixels, 12, 10), "jpeg", 90)), context);
        QVERIFY(std::holds_alternative<models::DigitsResponse>(outcome));
        correct += std::get<models::DigitsResponse>(outcome).label() == sample.label;
    }
    QVERIFY2(correct >= 17, qPrintable(QString::number(correct)));
}

void TestDigits::readsTheShippedSamplePicture()
{
    QFile file(QStringLiteral(MMF_SOURCE_DIR "/resources/data/digit-7.png"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    FakeTaskContext context;
    Outcome<models::DigitsResponse> outcome = m_model.process(imageRequest(file.readAll()), context);
    QVERIFY(std::holds_alternative<models::DigitsResponse>(outcome));
    QCOMPARE(std::get<models::DigitsResponse>(outcome).label(), 7);
}

void TestDigits::rejectsBadInput_data()
{
    QTest::addColumn<QByteArray>("request"); // serialized DigitsRequest
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("expected");

    auto serialized = [](const models::DigitsRequest& request) {
        return QByteArray::fromStdString(request.SerializeAsString());
    };
    DigitsNetwork::Pixels zeros{};
    models::DigitsRequest shortRequest;
    for (int i = 0; i < 63; ++i)
        shortRequest.mutable_pixels()->add_values(0);
    models::DigitsRequest longRequest = pixelsRequest(zeros);
    longRequest.mutable_pixels()->add_values(0);
    models::DigitsRequest negative = pixelsRequest(zeros);
    negative.mutable_pixels()->set_values(5, -1);
    models::DigitsRequest tooBig = pixelsRequest(zeros);
    tooBig.mutable_pixels()->set_values(63, 17);
    QImage blank(50, 50, QImage::Format_RGB32);
    blank.fill(Qt::white);
    QImage grey(50, 50, QImage::Format_RGB32);
    grey.fill(QColor(200, 200, 200));

    QTest::newRow("no input") << QByteArray() << "invalid_argument"
                              << "set either pixels";
    QTest::newRow("63 values") << serialized(shortRequest) << "invalid_argument"
                               << "exactly 64 values (8x8, row by row); got 63";
    QTest::newRow("65 values") << serialized(longRequest) << "invalid_argument"
                               << "got 65";
    QTest::newRow("negative value") << serialized(negative) << "invalid_argument"
                                    << "pixels.values[5] is -1";
    QTest::newRow("value 17") << serialized(tooBig) << "invalid_argument"
                              << "pixels.values[63] is 17";
    QTest::newRow("empty image") << serialized(imageRequest(QByteArray(""))) << "invalid_argument"
                                 << "image is empty";
    QTest::newRow("garbage bytes") << serialized(imageRequest(QByteArray("definitely not a picture")))
                                   << "invalid_argument"
                                   << "not a PNG or JPEG";
    QTest::newRow("BMP") << serialized(imageRequest(encode(blank, "bmp"))) << "invalid_argument"
                         << "only PNG and JPEG";
    const QByteArray png = encode(render(m_split.heldOut.front().pixels, 8), "png");
    QTest::newRow("truncated PNG") << serialized(imageRequest(png.left(png.size() / 2))) << "invalid_argument"
                                   << "could not be decoded";
    QTest::newRow("blank picture") << serialized(imageRequest(encode(blank, "png"))) << "invalid_argument"
                                   << "no digit found";
    QTest::newRow("uniform grey") << serialized(imageRequest(encode(grey, "png"))) << "invalid_argument"
                                  << "no digit found";
    QTest::newRow("huge header") << serialized(imageRequest(pngClaiming(10000, 10000))) << "payload_too_large"
                                 << "10000x10000";
    QByteArray oversized = png;
    oversized.append(QByteArray(21 * 1024 * 1024, '\0'));
    QTest::newRow("over 20 MiB") << serialized(imageRequest(oversized)) << "payload_too_large"
                                 << "over the limit";
}

void TestDigits::rejectsBadInput()
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

void TestDigits::failsClearlyWithoutWeights()
{
    DigitsModel model{DigitsNetwork()};
    FakeTaskContext context;
    Outcome<models::DigitsResponse> outcome = model.process(pixelsRequest(DigitsNetwork::Pixels{}), context);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    QCOMPARE(std::get<TaskError>(outcome).code, QStringLiteral("internal"));
    QVERIFY(!model.loadError().isEmpty());
}

void TestDigits::hasMetadata()
{
    const v1::ModelMetadata meta = m_model.metadata();
    QVERIFY(!meta.description().empty());
    QVERIFY(!meta.version().empty());
    QVERIFY(!meta.owner().empty());
    QVERIFY(meta.tags_size() > 0);
    QVERIFY(QByteArray::fromStdString(meta.docs()).contains("mmf-train-digits"));
    QCOMPARE(m_model.requestDescriptor()->full_name(), std::string("mmf.models.DigitsRequest"));
}

QTEST_GUILESS_MAIN(TestDigits)
#include "tst_digits.moc"
