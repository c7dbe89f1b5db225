#pragma once

#include "models/vision/DigitsNetwork.h"
#include "models/vision/SplitMix64.h"

namespace mmf {

// Makes training variants of a dataset digit the way handwriting varies: the 8x8 grid is drawn smoothly at
// 32x32, slanted, rotated and stretched by a small random linear map, and binned back with DigitsPreprocessor
// (so it is re-cropped and stroke-normalised like a picture). Uses only basic IEEE arithmetic and the given
// generator, so one seed gives the same variants everywhere.
class DigitsAugmenter
{
public:
    // `strength` scales the random map's deviation from identity (0 = none; 1 = up to about +-15 % stretch and
    // +-0.25 shear).
    static DigitsNetwork::Pixels distort(const DigitsNetwork::Pixels& grid, SplitMix64& random, double strength = 1.0);
};

} // namespace mmf
