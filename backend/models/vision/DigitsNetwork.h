#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QByteArrayView>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace mmf {

// A small multilayer perceptron for 8x8 digits: 64 inputs (pixel / 16) -> `hidden` ReLU units -> 10 softmax
// outputs. Parameters are float32, laid out as W1 [hidden x 64], b1 [hidden], W2 [10 x hidden], b2 [10]
// (row-major). predict() is const and allocation-free, so one network serves concurrent tasks.
class DigitsNetwork
{
public:
    static constexpr int kInputs = 64;
    static constexpr int kClasses = 10;
    static constexpr int kMaxHidden = 1024;
    // Where the trained weights are compiled in (a resource of mmf_models).
    static constexpr const char* kBuiltinWeights = ":/mmf/models/digits.weights";

    using Pixels = std::array<std::uint8_t, kInputs>;
    using Probabilities = std::array<double, kClasses>;

    DigitsNetwork() = default;
    // All parameters zero; hidden in 1..kMaxHidden.
    explicit DigitsNetwork(int hidden);

    bool isValid() const { return m_hidden > 0; }
    int hidden() const { return m_hidden; }

    std::span<float> parameters() { return m_parameters; }
    std::span<const float> parameters() const { return m_parameters; }
    qsizetype w1Offset() const { return 0; }
    qsizetype b1Offset() const { return qsizetype(m_hidden) * kInputs; }
    qsizetype w2Offset() const { return b1Offset() + m_hidden; }
    qsizetype b2Offset() const { return w2Offset() + qsizetype(kClasses) * m_hidden; }

    // Class probabilities (summing to 1) for pixels 0..16 (not checked: callers validate input).
    Probabilities predict(const Pixels& pixels) const;
    // The most probable class; ties go to the smaller digit.
    static int argmax(const Probabilities& probabilities);

    // exp() from basic IEEE operations only, so softmax gives the same bits on every platform (libm's exp may
    // differ in the last bit between libraries). Relative error below 1e-15 for |x| <= 700.
    static double portableExp(double x);

    // The weights file: "MMFDIGIT", u32 version 1, u32 inputs, u32 hidden, u32 classes, the float32
    // parameters, then the SHA-256 of all preceding bytes; little-endian. Same network, same bytes.
    QByteArray toBytes() const;
    // Fails on a wrong magic, version, shape, size or checksum, or a non-finite parameter.
    static Result<DigitsNetwork> fromBytes(QByteArrayView bytes);
    // The weights compiled into mmf_models (kBuiltinWeights).
    static Result<DigitsNetwork> loadBuiltin();

private:
    int m_hidden = 0;
    std::vector<float> m_parameters;
};

} // namespace mmf
