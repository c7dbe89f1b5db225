#pragma once

#include "core/Result.h"
#include "models/vision/DigitsNetwork.h"

#include <QImage>

#include <array>
#include <cstdint>

namespace mmf {

// Turns a picture of one dark digit on a light background into the dataset's 8x8 grid, the way the UCI data
// was made from scanned forms: grey levels (transparent parts count as white), ink = darkness stretched
// between the paper and the darkest strokes, crop to the ink's bounding box, pad to a centred square, scale
// to 32x32 by area averaging, normalise the stroke width, then count the ink of each 4x4 block (0..16). Ink
// is counted fractionally, so a grey picture of a dataset row gives (nearly) its values back. The dataset's
// bitmaps were stroke-width normalised (every digit has about the same total ink), so thin pen strokes on a
// large canvas are made solid and thickened, and fat ones thinned, until the total ink is within the
// dataset's usual range.
class DigitsPreprocessor
{
public:
    // Fails with invalid_argument when the picture is blank or has too little contrast to hold a digit.
    static Result<DigitsNetwork::Pixels> toPixels(const QImage& image);

    // Ink 0..1 for each of 256 levels.
    using InkScale = std::array<double, 256>;
    // The steps after the ink is known (crop, square, 32x32, 4x4 bins) on a width x height map of levels,
    // each meaning inkOf[level]. Fails when no level has ink.
    static Result<DigitsNetwork::Pixels> fromLevels(const std::uint8_t* levels, int width, int height,
                                                    const InkScale& inkOf);
    // A dataset row as toPixels() sees it when the row is drawn as a picture: the same digit re-cropped and
    // re-centred. Training adds these so pictures are read as well as rows. An all-zero grid comes back as
    // is.
    static DigitsNetwork::Pixels reframe(const DigitsNetwork::Pixels& grid);
};

} // namespace mmf
