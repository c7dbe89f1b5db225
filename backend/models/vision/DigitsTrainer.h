#pragma once

#include "models/vision/DigitsDataset.h"
#include "models/vision/DigitsNetwork.h"

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

namespace mmf {

// How well a network does on some samples: counts and the 10x10 confusion matrix (row = true label, column =
// predicted).
struct DigitsEvaluation
{
    int correct = 0;
    int total = 0;
    std::array<std::array<int, 10>, 10> confusion{};

    double accuracy() const { return total > 0 ? double(correct) / double(total) : 0.0; }
};

// Trains a DigitsNetwork with mini-batch Adam on softmax cross-entropy. Everything random (initial weights,
// sample order) comes from SplitMix64 seeded by `seed`, and the arithmetic runs in a fixed order, so one seed
// and one data set give the same weights bit for bit (on IEEE-754 platforms without FMA contraction).
class DigitsTrainer
{
public:
    struct Options
    {
        std::uint64_t seed = 1;
        int epochs = 60;
        int hidden = 128;
        int batchSize = 16;
        float learningRate = 2e-3f;
        float weightDecay = 1e-4f;
        // Also train on each sample as DigitsPreprocessor::reframe() sees it drawn as a picture (when that
        // differs), so pictures are read about as well as dataset rows.
        bool addReframed = true;
    };

    explicit DigitsTrainer(Options options)
        : m_options(options)
    {}

    // Called after each epoch with its number (1-based) and mean training loss.
    using EpochCallback = std::function<void(int epoch, double meanLoss)>;

    DigitsNetwork train(const std::vector<DigitSample>& samples, const EpochCallback& onEpoch = {}) const;

    static DigitsEvaluation evaluate(const DigitsNetwork& network, const std::vector<DigitSample>& samples);

private:
    Options m_options;
};

} // namespace mmf
