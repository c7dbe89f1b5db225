// mmf-train-digits: trains the digits model's network on the UCI 8x8 digits, reports held-out accuracy and
// the confusion matrix, and writes the weights file. Same data + seed + options -> the same file, bit for
// bit.
#include "models/vision/DigitsDataset.h"
#include "models/vision/DigitsTrainer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QSaveFile>

#include <cstdio>

using namespace mmf;

namespace {

bool readInt(const QCommandLineParser& parser, const QString& name, int min, int max, int& out)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < min || value > max) {
        std::fprintf(stderr, "--%s must be an integer in %d..%d\n", qPrintable(name), min, max);
        return false;
    }
    out = value;
    return true;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mmf-train-digits"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Trains the digits model; prints held-out accuracy."));
    parser.addHelpOption();
    const DigitsTrainer::Options defaults;
    parser.addOption(
        {QStringLiteral("data"), QStringLiteral("digits CSV, optionally gzipped."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("where to write the weights (optional)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("seed of the split, init and order."),
                      QStringLiteral("N"), QString::number(defaults.seed)});
    parser.addOption({QStringLiteral("epochs"), QStringLiteral("passes over the training part."),
                      QStringLiteral("N"), QString::number(defaults.epochs)});
    parser.addOption({QStringLiteral("hidden"), QStringLiteral("hidden units."), QStringLiteral("N"),
                      QString::number(defaults.hidden)});
    parser.process(app);

    if (!parser.isSet(QStringLiteral("data"))) {
        std::fprintf(stderr, "--data FILE is required (e.g. resources/data/digits.csv.gz)\n");
        return 2;
    }
    DigitsTrainer::Options options;
    bool seedOk = false;
    options.seed = parser.value(QStringLiteral("seed")).toULongLong(&seedOk);
    if (!seedOk) {
        std::fprintf(stderr, "--seed must be a non-negative integer\n");
        return 2;
    }
    if (!readInt(parser, QStringLiteral("epochs"), 1, 100000, options.epochs) ||
        !readInt(parser, QStringLiteral("hidden"), 1, DigitsNetwork::kMaxHidden, options.hidden))
        return 2;

    Result<DigitsDataset> dataset = DigitsDataset::readFile(parser.value(QStringLiteral("data")));
    if (!dataset) {
        std::fprintf(stderr, "%s\n", qPrintable(dataset.error().message));
        return 1;
    }
    const DigitsDataset::Split split = dataset->split(0.2, options.seed);
    std::printf("data: %lld samples, %zu for training, %zu held out (stratified 20 %%)\n",
                static_cast<long long>(dataset->size()), split.train.size(), split.heldOut.size());
    std::printf("training: 64-%d-10 MLP, Adam, %d epochs, seed %llu\n", options.hidden, options.epochs,
                static_cast<unsigned long long>(options.seed));

    QElapsedTimer timer;
    timer.start();
    const int reportEvery = std::max(1, options.epochs / 10);
    const DigitsNetwork network = DigitsTrainer(options).train(split.train, [&](int epoch, double loss) {
        if (epoch % reportEvery == 0 || epoch == options.epochs)
            std::printf("  epoch %4d  loss %.4f\n", epoch, loss);
    });
    const qint64 elapsedMs = timer.elapsed();

    const DigitsEvaluation train = DigitsTrainer::evaluate(network, split.train);
    const DigitsEvaluation heldOut = DigitsTrainer::evaluate(network, split.heldOut);
    std::printf("trained in %.1f s; training accuracy %.2f %%\n", double(elapsedMs) / 1000.0,
                100.0 * train.accuracy());
    std::printf("held-out accuracy: %.2f %% (%d of %d)\n", 100.0 * heldOut.accuracy(), heldOut.correct,
                heldOut.total);
    std::printf("confusion matrix (rows: true digit, columns: predicted):\n      ");
    for (int k = 0; k < 10; ++k)
        std::printf("%4d", k);
    std::printf("\n");
    for (int row = 0; row < 10; ++row) {
        std::printf("  %2d: ", row);
        for (int col = 0; col < 10; ++col)
            std::printf("%4d", heldOut.confusion[size_t(row)][size_t(col)]);
        std::printf("\n");
    }

    const QByteArray bytes = network.toBytes();
    std::printf("weights: %lld bytes, sha256 %s\n", static_cast<long long>(bytes.size()),
                QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex().constData());
    if (parser.isSet(QStringLiteral("out"))) {
        QSaveFile file(parser.value(QStringLiteral("out")));
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
            std::fprintf(stderr, "cannot write %s: %s\n", qPrintable(file.fileName()),
                         qPrintable(file.errorString()));
            return 1;
        }
        std::printf("wrote %s\n", qPrintable(file.fileName()));
    }
    return 0;
}
