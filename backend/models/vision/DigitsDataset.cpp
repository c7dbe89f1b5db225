#include "models/vision/DigitsDataset.h"

#include "models/vision/SplitMix64.h"

#include <QFile>

#include <zlib.h>

#include <cmath>

namespace mmf {

Result<DigitsDataset> DigitsDataset::readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::notFound(QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    QByteArray data = file.readAll();
    if (data.startsWith("\x1f\x8b")) {
        Result<QByteArray> text = gunzip(data);
        if (!text)
            return Error::invalidArgument(QStringLiteral("%1: %2").arg(path, text.error().message));
        data = std::move(text).value();
    }
    Result<DigitsDataset> dataset = parseCsv(data);
    if (!dataset)
        return Error::invalidArgument(QStringLiteral("%1: %2").arg(path, dataset.error().message));
    return dataset;
}

Result<QByteArray> DigitsDataset::gunzip(QByteArrayView data, qsizetype maxBytes)
{
    z_stream stream{};
    // 16 + MAX_WBITS: expect a gzip header and trailer (checks the CRC).
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
        return Error::internal(QStringLiteral("zlib could not start"));
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = uInt(data.size());

    QByteArray out;
    char chunk[64 * 1024];
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        stream.next_out = reinterpret_cast<Bytef*>(chunk);
        stream.avail_out = sizeof chunk;
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            inflateEnd(&stream);
            return Error::invalidArgument(
                QStringLiteral("corrupt gzip data (%1)")
                    .arg(QString::fromLatin1(stream.msg ? stream.msg : "truncated")));
        }
        out.append(chunk, qsizetype(sizeof chunk - stream.avail_out));
        if (out.size() > maxBytes) {
            inflateEnd(&stream);
            return Error::invalidArgument(
                QStringLiteral("gzip data inflates to more than %1 bytes").arg(maxBytes));
        }
    }
    inflateEnd(&stream);
    return out;
}

Result<DigitsDataset> DigitsDataset::parseCsv(QByteArrayView text)
{
    std::vector<DigitSample> samples;
    samples.reserve(size_t(text.size() / 150));
    qsizetype lineNumber = 0;
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.size();
        QByteArrayView line = text.sliced(pos, end - pos).trimmed();
        pos = end + 1;
        ++lineNumber;
        if (line.isEmpty())
            continue;

        DigitSample sample;
        int field = 0;
        qsizetype start = 0;
        while (start <= line.size()) {
            qsizetype comma = line.indexOf(',', start);
            if (comma < 0)
                comma = line.size();
            bool ok = false;
            const int value = line.sliced(start, comma - start).trimmed().toInt(&ok);
            if (!ok || field > 64)
                return Error::invalidArgument(
                    QStringLiteral("line %1: expected 65 comma-separated integers").arg(lineNumber));
            if (field < 64) {
                if (value < 0 || value > 16)
                    return Error::invalidArgument(QStringLiteral("line %1: pixel %2 is %3, not 0..16")
                                                      .arg(lineNumber)
                                                      .arg(field)
                                                      .arg(value));
                sample.pixels[size_t(field)] = std::uint8_t(value);
            } else {
                if (value < 0 || value > 9)
                    return Error::invalidArgument(
                        QStringLiteral("line %1: label %2 is not 0..9").arg(lineNumber).arg(value));
                sample.label = value;
            }
            ++field;
            start = comma + 1;
        }
        if (field != 65)
            return Error::invalidArgument(
                QStringLiteral("line %1: %2 values, expected 65 (64 pixels and the label)")
                    .arg(lineNumber)
                    .arg(field));
        samples.push_back(sample);
    }
    if (samples.empty())
        return Error::invalidArgument(QStringLiteral("no samples"));
    return DigitsDataset(std::move(samples));
}

DigitsDataset::Split DigitsDataset::split(double heldOutFraction, std::uint64_t seed) const
{
    std::array<std::vector<std::uint32_t>, 10> byLabel;
    for (std::uint32_t i = 0; i < std::uint32_t(m_samples.size()); ++i)
        byLabel[size_t(m_samples[i].label)].push_back(i);

    SplitMix64 random(seed ^ 0x5eed5b1175ULL);
    std::vector<bool> heldOut(m_samples.size(), false);
    for (std::vector<std::uint32_t>& indices : byLabel) {
        // Fisher-Yates with the project's own generator, so the split is the same everywhere.
        for (std::uint32_t i = std::uint32_t(indices.size()); i > 1; --i)
            std::swap(indices[i - 1], indices[random.below(i)]);
        const auto count = size_t(std::lround(double(indices.size()) * heldOutFraction));
        for (size_t k = 0; k < count && k < indices.size(); ++k)
            heldOut[indices[k]] = true;
    }

    Split result;
    for (size_t i = 0; i < m_samples.size(); ++i)
        (heldOut[i] ? result.heldOut : result.train).push_back(m_samples[i]);
    return result;
}

} // namespace mmf
