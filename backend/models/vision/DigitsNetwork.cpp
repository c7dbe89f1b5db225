#include "models/vision/DigitsNetwork.h"

#include <QCryptographicHash>
#include <QFile>
#include <QtEndian>

#include <cmath>
#include <cstring>

namespace mmf {

namespace {

constexpr char kMagic[8] = {'M', 'M', 'F', 'D', 'I', 'G', 'I', 'T'};
constexpr quint32 kVersion = 1;
constexpr qsizetype kHeaderBytes = 8 + 4 * 4;
constexpr qsizetype kChecksumBytes = 32;

void appendU32(QByteArray& out, quint32 value)
{
    const quint32 le = qToLittleEndian(value);
    out.append(reinterpret_cast<const char*>(&le), 4);
}

quint32 readU32(const char* at)
{
    return qFromLittleEndian<quint32>(at);
}

} // namespace

DigitsNetwork::DigitsNetwork(int hidden)
    : m_hidden(hidden)
    , m_parameters(size_t(hidden) * (kInputs + 1 + kClasses) + kClasses, 0.0f)
{
    Q_ASSERT(hidden > 0 && hidden <= kMaxHidden);
}

DigitsNetwork::Probabilities DigitsNetwork::predict(const Pixels& pixels) const
{
    std::array<float, kInputs> x;
    for (int i = 0; i < kInputs; ++i)
        x[size_t(i)] = float(pixels[size_t(i)]) / 16.0f;

    const float* w1 = m_parameters.data() + w1Offset();
    const float* b1 = m_parameters.data() + b1Offset();
    const float* w2 = m_parameters.data() + w2Offset();
    const float* b2 = m_parameters.data() + b2Offset();

    std::array<float, kMaxHidden> h;
    for (int j = 0; j < m_hidden; ++j) {
        const float* row = w1 + qsizetype(j) * kInputs;
        float sum = b1[j];
        for (int i = 0; i < kInputs; ++i)
            sum += row[i] * x[size_t(i)];
        h[size_t(j)] = sum > 0.0f ? sum : 0.0f;
    }
    std::array<double, kClasses> logits;
    for (int k = 0; k < kClasses; ++k) {
        const float* row = w2 + qsizetype(k) * m_hidden;
        float sum = b2[k];
        for (int j = 0; j < m_hidden; ++j)
            sum += row[j] * h[size_t(j)];
        logits[size_t(k)] = double(sum);
    }

    double top = logits[0];
    for (double logit : logits)
        top = std::max(top, logit);
    Probabilities p;
    double total = 0;
    for (int k = 0; k < kClasses; ++k) {
        p[size_t(k)] = portableExp(logits[size_t(k)] - top);
        total += p[size_t(k)];
    }
    for (double& value : p)
        value /= total;
    return p;
}

int DigitsNetwork::argmax(const Probabilities& probabilities)
{
    int best = 0;
    for (int k = 1; k < kClasses; ++k) {
        if (probabilities[size_t(k)] > probabilities[size_t(best)])
            best = k;
    }
    return best;
}

double DigitsNetwork::portableExp(double x)
{
    if (x < -700.0)
        return 0.0;
    if (x > 700.0)
        x = 700.0;
    // x = k ln2 + r with |r| <= ln2 / 2; ln2 split in two so k * ln2hi is exact.
    constexpr double kLn2Hi = 6.93147180369123816490e-01;
    constexpr double kLn2Lo = 1.90821492927058770002e-10;
    constexpr double kInvLn2 = 1.44269504088896338700e+00;
    const double k = std::floor(x * kInvLn2 + 0.5);
    const double r = (x - k * kLn2Hi) - k * kLn2Lo;
    // Taylor series to r^13 / 13!: the remainder is below 1e-17 for |r| <= 0.35.
    double term = 1.0;
    double sum = 1.0;
    for (int n = 1; n <= 13; ++n) {
        term = term * r / double(n);
        sum += term;
    }
    return std::ldexp(sum, int(k));
}

QByteArray DigitsNetwork::toBytes() const
{
    QByteArray out;
    out.reserve(kHeaderBytes + qsizetype(m_parameters.size()) * 4 + kChecksumBytes);
    out.append(kMagic, sizeof kMagic);
    appendU32(out, kVersion);
    appendU32(out, kInputs);
    appendU32(out, quint32(m_hidden));
    appendU32(out, kClasses);
    for (float value : m_parameters) {
        quint32 bits;
        std::memcpy(&bits, &value, 4);
        appendU32(out, bits);
    }
    out.append(QCryptographicHash::hash(out, QCryptographicHash::Sha256));
    return out;
}

Result<DigitsNetwork> DigitsNetwork::fromBytes(QByteArrayView bytes)
{
    if (bytes.size() < kHeaderBytes + kChecksumBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        return Error::invalidArgument(QStringLiteral("not a digits weights file (bad magic)"));
    const quint32 version = readU32(bytes.data() + 8);
    if (version != kVersion)
        return Error::invalidArgument(
            QStringLiteral("digits weights version %1 is not supported (expected %2)")
                .arg(version)
                .arg(kVersion));
    const quint32 inputs = readU32(bytes.data() + 12);
    const quint32 hidden = readU32(bytes.data() + 16);
    const quint32 classes = readU32(bytes.data() + 20);
    if (inputs != kInputs || classes != kClasses || hidden < 1 || hidden > kMaxHidden)
        return Error::invalidArgument(
            QStringLiteral("digits weights have shape %1-%2-%3, expected 64-(1..%4)-10")
                .arg(inputs)
                .arg(hidden)
                .arg(classes)
                .arg(kMaxHidden));

    DigitsNetwork network{int(hidden)};
    const qsizetype payload = kHeaderBytes + qsizetype(network.m_parameters.size()) * 4;
    if (bytes.size() != payload + kChecksumBytes)
        return Error::invalidArgument(QStringLiteral("digits weights file is %1 bytes, expected %2")
                                          .arg(bytes.size())
                                          .arg(payload + kChecksumBytes));
    const QByteArray digest = QCryptographicHash::hash(bytes.first(payload), QCryptographicHash::Sha256);
    if (QByteArrayView(digest) != bytes.sliced(payload))
        return Error::invalidArgument(QStringLiteral("digits weights checksum mismatch (corrupt file)"));

    const char* at = bytes.data() + kHeaderBytes;
    for (float& value : network.m_parameters) {
        const quint32 bits = readU32(at);
        std::memcpy(&value, &bits, 4);
        if (!std::isfinite(value))
            return Error::invalidArgument(QStringLiteral("digits weights hold a non-finite value"));
        at += 4;
    }
    return network;
}

Result<DigitsNetwork> DigitsNetwork::loadBuiltin()
{
    QFile file(QString::fromLatin1(kBuiltinWeights));
    if (!file.open(QIODevice::ReadOnly))
        return Error::internal(QStringLiteral("the digits weights %1 are missing from this build")
                                   .arg(QLatin1String(kBuiltinWeights)));
    Result<DigitsNetwork> network = fromBytes(file.readAll());
    if (!network)
        return Error::internal(QStringLiteral("built-in %1").arg(network.error().message));
    return network;
}

} // namespace mmf
