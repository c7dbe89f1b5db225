#include "models/vision/DigitsAugmenter.h"

#include "models/vision/DigitsPreprocessor.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace mmf {

namespace {

constexpr int kCanvas = 48; // room for a 32x32 digit stretched and sheared
constexpr double kCell = 4.0;

// The 8x8 grid as a smooth ink field: bilinear between cell centres, zero beyond the edge.
double inkAt(const DigitsNetwork::Pixels& grid, double x, double y)
{
    const double gx = x / kCell - 0.5;
    const double gy = y / kCell - 0.5;
    const double fx = std::floor(gx);
    const double fy = std::floor(gy);
    const double tx = gx - fx;
    const double ty = gy - fy;
    auto cell = [&](int cx, int cy) {
        if (cx < 0 || cx > 7 || cy < 0 || cy > 7)
            return 0.0;
        return double(grid[size_t(cy * 8 + cx)]) / 16.0;
    };
    const int ix = int(fx);
    const int iy = int(fy);
    return (1 - ty) * ((1 - tx) * cell(ix, iy) + tx * cell(ix + 1, iy))
        + ty * ((1 - tx) * cell(ix, iy + 1) + tx * cell(ix + 1, iy + 1));
}

} // namespace

DigitsNetwork::Pixels DigitsAugmenter::distort(const DigitsNetwork::Pixels& grid, SplitMix64& random, double strength)
{
    auto centred = [&](double range) { return (2.0 * random.uniform() - 1.0) * range * strength; };
    // The inverse map (canvas -> digit), drawn directly: near identity, so its inverse is too.
    const double a = 1.0 + centred(0.15);
    const double b = centred(0.25);
    const double c = centred(0.25);
    const double d = 1.0 + centred(0.15);

    std::array<std::uint8_t, kCanvas * kCanvas> levels{};
    const double centre = kCanvas / 2.0;
    for (int y = 0; y < kCanvas; ++y) {
        for (int x = 0; x < kCanvas; ++x) {
            const double dx = x + 0.5 - centre;
            const double dy = y + 0.5 - centre;
            const double sx = a * dx + b * dy + 16.0;
            const double sy = c * dx + d * dy + 16.0;
            const double ink = std::clamp(inkAt(grid, sx, sy), 0.0, 1.0);
            levels[size_t(y * kCanvas + x)] = std::uint8_t(std::lround(ink * 255.0));
        }
    }
    DigitsPreprocessor::InkScale inkOf{};
    for (int level = 0; level < 256; ++level)
        inkOf[size_t(level)] = level < 13 ? 0.0 : double(level) / 255.0; // the preprocessor's noise floor
    Result<DigitsNetwork::Pixels> pixels = DigitsPreprocessor::fromLevels(levels.data(), kCanvas, kCanvas, inkOf);
    return pixels ? *pixels : grid;
}

} // namespace mmf
