#include "models/vision/DigitsTrainer.h"

#include "models/vision/DigitsPreprocessor.h"
#include "models/vision/SplitMix64.h"

#include <cmath>
#include <numeric>

namespace mmf {

DigitsNetwork DigitsTrainer::train(const std::vector<DigitSample>& original,
                                   const EpochCallback& onEpoch) const
{
    std::vector<DigitSample> samples = original;
    if (m_options.addReframed) {
        for (const DigitSample& sample : original) {
            DigitSample reframed{DigitsPreprocessor::reframe(sample.pixels), sample.label};
            if (reframed.pixels != sample.pixels)
                samples.push_back(reframed);
        }
    }

    constexpr int kIn = DigitsNetwork::kInputs;
    constexpr int kOut = DigitsNetwork::kClasses;
    const int hidden = m_options.hidden;
    DigitsNetwork network(hidden);
    std::span<float> params = network.parameters();
    float* w1 = params.data() + network.w1Offset();
    float* b1 = params.data() + network.b1Offset();
    float* w2 = params.data() + network.w2Offset();
    float* b2 = params.data() + network.b2Offset();

    SplitMix64 random(m_options.seed);
    // He initialisation for the ReLU layer, Glorot for the softmax layer; biases start at zero.
    const double limit1 = std::sqrt(6.0 / kIn);
    for (qsizetype i = 0; i < qsizetype(hidden) * kIn; ++i)
        w1[i] = float((2.0 * random.uniform() - 1.0) * limit1);
    const double limit2 = std::sqrt(6.0 / (hidden + kOut));
    for (qsizetype i = 0; i < qsizetype(kOut) * hidden; ++i)
        w2[i] = float((2.0 * random.uniform() - 1.0) * limit2);

    const size_t count = params.size();
    std::vector<float> grad(count), m(count, 0.0f), v(count, 0.0f);
    float* gw1 = grad.data() + network.w1Offset();
    float* gb1 = grad.data() + network.b1Offset();
    float* gw2 = grad.data() + network.w2Offset();
    float* gb2 = grad.data() + network.b2Offset();

    std::vector<std::uint32_t> order(samples.size());
    std::iota(order.begin(), order.end(), 0u);
    std::vector<float> h(static_cast<size_t>(hidden));
    std::vector<float> dh(static_cast<size_t>(hidden));
    std::array<float, kIn> x;
    std::array<double, kOut> p;

    constexpr float kBeta1 = 0.9f, kBeta2 = 0.999f, kEpsilon = 1e-8f;
    float beta1Power = 1.0f, beta2Power = 1.0f;

    for (int epoch = 1; epoch <= m_options.epochs; ++epoch) {
        for (std::uint32_t i = std::uint32_t(order.size()); i > 1; --i)
            std::swap(order[i - 1], order[random.below(i)]);
        // Linear decay to a tenth of the rate over the run: a steadier end than a constant rate.
        const float rate = m_options.learningRate *
                           (1.0f - 0.9f * float(epoch - 1) / float(std::max(1, m_options.epochs - 1)));
        double lossSum = 0;

        for (size_t start = 0; start < order.size(); start += size_t(m_options.batchSize)) {
            const size_t end = std::min(order.size(), start + size_t(m_options.batchSize));
            std::fill(grad.begin(), grad.end(), 0.0f);
            for (size_t s = start; s < end; ++s) {
                const DigitSample& sample = samples[order[s]];
                for (int i = 0; i < kIn; ++i)
                    x[size_t(i)] = float(sample.pixels[size_t(i)]) / 16.0f;
                for (int j = 0; j < hidden; ++j) {
                    const float* row = w1 + qsizetype(j) * kIn;
                    float sum = b1[j];
                    for (int i = 0; i < kIn; ++i)
                        sum += row[i] * x[size_t(i)];
                    h[size_t(j)] = sum > 0.0f ? sum : 0.0f;
                }
                double top = -1e300;
                for (int k = 0; k < kOut; ++k) {
                    const float* row = w2 + qsizetype(k) * hidden;
                    float sum = b2[k];
                    for (int j = 0; j < hidden; ++j)
                        sum += row[j] * h[size_t(j)];
                    p[size_t(k)] = double(sum);
                    top = std::max(top, p[size_t(k)]);
                }
                double total = 0;
                for (double& value : p) {
                    value = DigitsNetwork::portableExp(value - top);
                    total += value;
                }
                for (double& value : p)
                    value /= total;
                // Only reported, never fed back, so libm's log cannot change the weights.
                lossSum -= std::log(std::max(p[size_t(sample.label)], 1e-300));

                std::fill(dh.begin(), dh.end(), 0.0f);
                for (int k = 0; k < kOut; ++k) {
                    const float delta = float(p[size_t(k)]) - (k == sample.label ? 1.0f : 0.0f);
                    gb2[k] += delta;
                    float* grow = gw2 + qsizetype(k) * hidden;
                    const float* row = w2 + qsizetype(k) * hidden;
                    for (int j = 0; j < hidden; ++j) {
                        grow[j] += delta * h[size_t(j)];
                        dh[size_t(j)] += delta * row[j];
                    }
                }
                for (int j = 0; j < hidden; ++j) {
                    if (h[size_t(j)] <= 0.0f)
                        continue;
                    const float delta = dh[size_t(j)];
                    gb1[j] += delta;
                    float* grow = gw1 + qsizetype(j) * kIn;
                    for (int i = 0; i < kIn; ++i)
                        grow[i] += delta * x[size_t(i)];
                }
            }

            // Adam with decoupled weight decay on the weights (not the biases).
            const float scale = 1.0f / float(end - start);
            beta1Power *= kBeta1;
            beta2Power *= kBeta2;
            const float correction1 = 1.0f - beta1Power;
            const float correction2 = 1.0f - beta2Power;
            for (size_t i = 0; i < count; ++i) {
                const float g = grad[i] * scale;
                m[i] = kBeta1 * m[i] + (1.0f - kBeta1) * g;
                v[i] = kBeta2 * v[i] + (1.0f - kBeta2) * g * g;
                const float mHat = m[i] / correction1;
                const float vHat = v[i] / correction2;
                float step = mHat / (std::sqrt(vHat) + kEpsilon);
                const auto at = qsizetype(i);
                const bool isBias =
                    (at >= network.b1Offset() && at < network.w2Offset()) || at >= network.b2Offset();
                if (!isBias)
                    step += m_options.weightDecay * params[i];
                params[i] -= rate * step;
            }
        }
        if (onEpoch)
            onEpoch(epoch, lossSum / double(std::max<size_t>(1, samples.size())));
    }
    return network;
}

DigitsEvaluation DigitsTrainer::evaluate(const DigitsNetwork& network,
                                         const std::vector<DigitSample>& samples)
{
    DigitsEvaluation result;
    for (const DigitSample& sample : samples) {
        const int predicted = DigitsNetwork::argmax(network.predict(sample.pixels));
        ++result.confusion[size_t(sample.label)][size_t(predicted)];
        ++result.total;
        if (predicted == sample.label)
            ++result.correct;
    }
    return result;
}

} // namespace mmf
