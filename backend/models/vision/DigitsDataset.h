#pragma once

#include "core/Result.h"

#include <QByteArrayView>
#include <QString>

#include <array>
#include <cstdint>
#include <vector>

namespace mmf {

// One 8x8 digit as the UCI data stores it: 64 values 0..16 row by row, and its label 0..9.
struct DigitSample
{
    std::array<std::uint8_t, 64> pixels{};
    int label = 0;
};

// The handwritten-digits data: lines of 64 pixel values then the label, comma-separated, optionally gzipped.
class DigitsDataset
{
public:
    struct Split
    {
        std::vector<DigitSample> train;
        std::vector<DigitSample> heldOut;
    };

    DigitsDataset() = default;
    explicit DigitsDataset(std::vector<DigitSample> samples)
        : m_samples(std::move(samples))
    {}

    // Reads a .csv or .csv.gz file (gzip is recognised by its magic bytes). Fails naming the file and, for
    // bad content, the line.
    static Result<DigitsDataset> readFile(const QString& path);
    // Parses the text; fails on the first malformed line (wrong count, a value out of range) naming it.
    static Result<DigitsDataset> parseCsv(QByteArrayView text);
    // Inflates gzip data; fails on corrupt data or output over maxBytes.
    static Result<QByteArray> gunzip(QByteArrayView data, qsizetype maxBytes = 64 * 1024 * 1024);

    const std::vector<DigitSample>& samples() const { return m_samples; }
    qsizetype size() const { return qsizetype(m_samples.size()); }

    // Stratified split: for each label, a seeded shuffle of its samples, and the first round(n * fraction)
    // are held out. The same seed gives the same split on every platform; order within each part follows the
    // file.
    Split split(double heldOutFraction, std::uint64_t seed) const;

private:
    std::vector<DigitSample> m_samples;
};

} // namespace mmf
