#include "models/vision/DigitsPreprocessor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace mmf {

namespace {

constexpr int kGrid = 32;
// Grey levels between paper and strokes below this are no digit (a blank or nearly uniform picture).
constexpr int kMinContrast = 32;
// Ink fractions below this are paper texture or compression noise.
constexpr double kInkFloor = 0.05;
// The dataset's total ink (sum of the 64 values = ink pixels of the 32x32 bitmap) lies between these for 90 %
// of its digits (5th and 95th percentiles): its bitmaps were stroke-width normalised, so a "1" is drawn as
// thickly as an "8" is long. Pictures outside the range are thickened or thinned into it.
constexpr double kInkLow = 260;
constexpr double kInkHigh = 368;
constexpr int kMaxMorphologyRounds = 16;

using Grid = std::array<std::array<double, kGrid>, kGrid>;

double total(const Grid& grid)
{
    double sum = 0;
    for (const auto& row : grid) {
        for (double value : row)
            sum += value;
    }
    return sum;
}

// One step of grey-level dilation (grow = true) or erosion with the 4-neighbour cross; outside is paper.
Grid morph(const Grid& grid, bool grow)
{
    Grid out;
    for (int r = 0; r < kGrid; ++r) {
        for (int c = 0; c < kGrid; ++c) {
            double value = grid[size_t(r)][size_t(c)];
            const int neighbours[4][2] = {{r - 1, c}, {r + 1, c}, {r, c - 1}, {r, c + 1}};
            for (const auto& n : neighbours) {
                const bool inside = n[0] >= 0 && n[0] < kGrid && n[1] >= 0 && n[1] < kGrid;
                const double other = inside ? grid[size_t(n[0])][size_t(n[1])] : 0.0;
                value = grow ? std::max(value, other) : std::min(value, other);
            }
            out[size_t(r)][size_t(c)] = value;
        }
    }
    return out;
}

// Thickens or thins the strokes until the total ink reaches the nearest end of the dataset's range, blending
// the last two steps so the target is met smoothly.
Grid normaliseStrokeWidth(const Grid& grid)
{
    // The sum over 32x32 of 0..1 equals the dataset's sum of the 64 values 0..16.
    double ink = total(grid);
    if (ink <= 0 || (ink >= kInkLow && ink <= kInkHigh))
        return grid;
    const bool grow = ink < kInkLow;
    const double target = grow ? kInkLow : kInkHigh;
    Grid current = grid;
    for (int round = 0; round < kMaxMorphologyRounds; ++round) {
        const Grid next = morph(current, grow);
        const double nextInk = total(next);
        const bool reached = grow ? nextInk >= target : nextInk <= target;
        if (reached || nextInk == ink) {
            const double alpha = nextInk == ink ? 0.0 : (target - ink) / (nextInk - ink);
            Grid blended;
            for (int r = 0; r < kGrid; ++r) {
                for (int c = 0; c < kGrid; ++c)
                    blended[size_t(r)][size_t(c)] =
                        current[size_t(r)][size_t(c)] +
                        alpha * (next[size_t(r)][size_t(c)] - current[size_t(r)][size_t(c)]);
            }
            return blended;
        }
        current = next;
        ink = nextInk;
    }
    return current;
}

// Grey level 0..255 of every pixel, composited over white.
std::vector<std::uint8_t> greyLevels(const QImage& source)
{
    QImage image = source;
    if (image.format() != QImage::Format_Grayscale8 && image.format() != QImage::Format_RGB32 &&
        image.format() != QImage::Format_ARGB32)
        image = image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32 : QImage::Format_RGB32);
    const int width = image.width();
    const int height = image.height();
    std::vector<std::uint8_t> grey(size_t(width) * size_t(height));
    for (int y = 0; y < height; ++y) {
        std::uint8_t* out = grey.data() + size_t(y) * size_t(width);
        if (image.format() == QImage::Format_Grayscale8) {
            std::copy_n(image.constScanLine(y), width, out);
            continue;
        }
        const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        const bool alpha = image.format() == QImage::Format_ARGB32;
        for (int x = 0; x < width; ++x) {
            const QRgb rgb = line[x];
            const int level = qGray(rgb);
            const int a = alpha ? qAlpha(rgb) : 255;
            out[x] = std::uint8_t((level * a + 255 * (255 - a) + 127) / 255);
        }
    }
    return grey;
}

// For each of the kGrid cells along one axis, the source pixels it overlaps and by how much, for a cell size
// of `span / kGrid` starting at `origin` (may be fractional), restricted to [lo, hi).
struct Tap
{
    int index;
    double weight;
};
std::array<std::vector<Tap>, kGrid> taps(double origin, double span, int lo, int hi)
{
    std::array<std::vector<Tap>, kGrid> result;
    const double cell = span / kGrid;
    for (int c = 0; c < kGrid; ++c) {
        const double a = origin + c * cell;
        const double b = a + cell;
        const int first = std::max(lo, int(std::floor(a)));
        const int last = std::min(hi, int(std::ceil(b)));
        for (int i = first; i < last; ++i) {
            const double overlap = std::min(b, double(i + 1)) - std::max(a, double(i));
            if (overlap > 0)
                result[size_t(c)].push_back({i, overlap});
        }
    }
    return result;
}

} // namespace

DigitsNetwork::Pixels DigitsPreprocessor::reframe(const DigitsNetwork::Pixels& grid)
{
    InkScale inkOf{};
    for (int value = 0; value <= 16; ++value)
        inkOf[size_t(value)] = double(value) / 16.0;
    Result<DigitsNetwork::Pixels> pixels = fromLevels(grid.data(), 8, 8, inkOf);
    return pixels ? *pixels : grid;
}

Result<DigitsNetwork::Pixels> DigitsPreprocessor::toPixels(const QImage& image)
{
    if (image.isNull() || image.width() < 1 || image.height() < 1)
        return Error::invalidArgument(QStringLiteral("the picture is empty"), QStringLiteral("image"));
    const int width = image.width();
    const int height = image.height();
    const std::vector<std::uint8_t> grey = greyLevels(image);

    // Paper = the 99th percentile of lightness; strokes = the darkest 0.5 %: robust to a few odd pixels.
    std::array<qint64, 256> histogram{};
    for (std::uint8_t level : grey)
        ++histogram[level];
    const qint64 total = qint64(grey.size());
    int paper = 255;
    int stroke = 0;
    {
        qint64 cumulative = 0;
        bool strokeFound = false;
        for (int level = 0; level < 256; ++level) {
            cumulative += histogram[size_t(level)];
            if (!strokeFound && cumulative * 1000 > total * 5) {
                stroke = level;
                strokeFound = true;
            }
            if (cumulative * 100 >= total * 99) {
                paper = level;
                break;
            }
        }
    }
    if (paper - stroke < kMinContrast)
        return Error::invalidArgument(
            QStringLiteral(
                "no digit found: the picture needs a dark digit on a light background (its darkest and "
                "lightest parts differ by %1 of 255 grey levels)")
                .arg(std::max(0, paper - stroke)),
            QStringLiteral("image"));

    InkScale inkOf{};
    for (int level = 0; level < 256; ++level) {
        const double ink = std::clamp(double(paper - level) / double(paper - stroke), 0.0, 1.0);
        inkOf[size_t(level)] = ink < kInkFloor ? 0.0 : ink;
    }
    Result<DigitsNetwork::Pixels> pixels = fromLevels(grey.data(), width, height, inkOf);
    if (!pixels)
        return Error::invalidArgument(QStringLiteral("no digit found: the picture has no ink"),
                                      QStringLiteral("image"));
    return pixels;
}

Result<DigitsNetwork::Pixels> DigitsPreprocessor::fromLevels(const std::uint8_t* grey, int width, int height,
                                                             const InkScale& inkOf)
{
    // Bounding box of the ink.
    int left = width, right = -1, top = height, bottom = -1;
    for (int y = 0; y < height; ++y) {
        const std::uint8_t* row = grey + size_t(y) * size_t(width);
        for (int x = 0; x < width; ++x) {
            if (inkOf[row[x]] > 0) {
                left = std::min(left, x);
                right = std::max(right, x);
                top = std::min(top, y);
                bottom = std::max(bottom, y);
            }
        }
    }
    if (right < 0)
        return Error::invalidArgument(QStringLiteral("no ink"));
    const int boxWidth = right - left + 1;
    const int boxHeight = bottom - top + 1;
    const double side = std::max(boxWidth, boxHeight);
    // The square is centred on the box; the part outside the box is paper.
    const auto columns = taps(left - (side - boxWidth) / 2.0, side, left, right + 1);
    const auto rows = taps(top - (side - boxHeight) / 2.0, side, top, bottom + 1);

    // Area averaging, separably: first each source row into kGrid column sums, then rows into cells.
    std::vector<std::array<double, kGrid>> rowSums(static_cast<size_t>(boxHeight));
    for (int y = top; y <= bottom; ++y) {
        const std::uint8_t* row = grey + size_t(y) * size_t(width);
        std::array<double, kGrid>& sums = rowSums[size_t(y - top)];
        for (int c = 0; c < kGrid; ++c) {
            double sum = 0;
            for (const Tap& tap : columns[size_t(c)])
                sum += tap.weight * inkOf[row[tap.index]];
            sums[size_t(c)] = sum;
        }
    }
    const double cellArea = (side / kGrid) * (side / kGrid);
    Grid grid{};
    std::vector<double> inked;
    for (int r = 0; r < kGrid; ++r) {
        for (int c = 0; c < kGrid; ++c) {
            double sum = 0;
            for (const Tap& tap : rows[size_t(r)])
                sum += tap.weight * rowSums[size_t(tap.index - top)][size_t(c)];
            const double value = std::min(1.0, sum / cellArea);
            grid[size_t(r)][size_t(c)] = value;
            if (value > kInkFloor)
                inked.push_back(value);
        }
    }

    // Strong strokes count as full pixels: scale so the 90th percentile of the inked cells is 1. A picture
    // with solid strokes (or a dataset row drawn large) is left as it is.
    double strong = 1.0;
    if (!inked.empty()) {
        const auto at = inked.begin() + qsizetype(double(inked.size() - 1) * 0.9);
        std::nth_element(inked.begin(), at, inked.end());
        strong = std::max(*at, 0.25);
    }

    for (auto& row : grid) {
        for (double& value : row)
            value = std::min(1.0, value / strong);
    }
    grid = normaliseStrokeWidth(grid);

    DigitsNetwork::Pixels pixels{};
    for (int by = 0; by < 8; ++by) {
        for (int bx = 0; bx < 8; ++bx) {
            double count = 0;
            for (int r = by * 4; r < by * 4 + 4; ++r) {
                for (int c = bx * 4; c < bx * 4 + 4; ++c)
                    count += grid[size_t(r)][size_t(c)];
            }
            pixels[size_t(by * 8 + bx)] = std::uint8_t(std::clamp(int(std::lround(count)), 0, 16));
        }
    }
    return pixels;
}

} // namespace mmf
