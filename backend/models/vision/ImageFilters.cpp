#include "models/vision/ImageFilters.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace mmf {

QImage ImageFilters::grayscale(const QImage& image)
{
    if (image.isNull())
        return {};
    if (!image.hasAlphaChannel()) {
        const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
        QImage out(rgb.size(), QImage::Format_Grayscale8);
        for (int y = 0; y < rgb.height(); ++y) {
            const auto* in = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
            uchar* line = out.scanLine(y);
            for (int x = 0; x < rgb.width(); ++x)
                line[x] = uchar(qGray(in[x]));
        }
        return out;
    }
    QImage out = image.convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < out.height(); ++y) {
        auto* line = reinterpret_cast<QRgb*>(out.scanLine(y));
        for (int x = 0; x < out.width(); ++x) {
            const int grey = qGray(line[x]);
            line[x] = qRgba(grey, grey, grey, qAlpha(line[x]));
        }
    }
    return out;
}

QImage ImageFilters::boxBlurPass(const QImage& image, int radius)
{
    if (image.isNull())
        return {};
    radius = std::max(1, radius);
    QImage source = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    const int width = source.width();
    const int height = source.height();
    const int window = 2 * radius + 1;
    QImage horizontal(width, height, QImage::Format_ARGB32_Premultiplied);

    // Horizontal: a running sum per channel along each row, edge pixels repeated.
    for (int y = 0; y < height; ++y) {
        const uchar* in = source.constScanLine(y);
        uchar* out = horizontal.scanLine(y);
        for (int ch = 0; ch < 4; ++ch) {
            int sum = 0;
            for (int k = -radius; k <= radius; ++k)
                sum += in[std::clamp(k, 0, width - 1) * 4 + ch];
            for (int x = 0; x < width; ++x) {
                out[x * 4 + ch] = uchar((sum + window / 2) / window);
                sum +=
                    in[std::min(x + radius + 1, width - 1) * 4 + ch] - in[std::max(x - radius, 0) * 4 + ch];
            }
        }
    }

    // Vertical: running sums for a whole row at once, so memory is read row by row.
    QImage out(width, height, QImage::Format_ARGB32_Premultiplied);
    std::vector<int> sums(size_t(width) * 4, 0);
    for (int k = -radius; k <= radius; ++k) {
        const uchar* in = horizontal.constScanLine(std::clamp(k, 0, height - 1));
        for (int i = 0; i < width * 4; ++i)
            sums[size_t(i)] += in[i];
    }
    for (int y = 0; y < height; ++y) {
        uchar* line = out.scanLine(y);
        for (int i = 0; i < width * 4; ++i)
            line[i] = uchar((sums[size_t(i)] + window / 2) / window);
        const uchar* add = horizontal.constScanLine(std::min(y + radius + 1, height - 1));
        const uchar* remove = horizontal.constScanLine(std::max(y - radius, 0));
        for (int i = 0; i < width * 4; ++i)
            sums[size_t(i)] += add[i] - remove[i];
    }
    return out;
}

QImage ImageFilters::edges(const QImage& image)
{
    if (image.isNull())
        return {};
    const QImage grey = grayscale(image).convertToFormat(QImage::Format_Grayscale8);
    const int width = grey.width();
    const int height = grey.height();
    QImage out(width, height, QImage::Format_Grayscale8);
    for (int y = 0; y < height; ++y) {
        const uchar* up = grey.constScanLine(std::max(y - 1, 0));
        const uchar* mid = grey.constScanLine(y);
        const uchar* down = grey.constScanLine(std::min(y + 1, height - 1));
        uchar* line = out.scanLine(y);
        for (int x = 0; x < width; ++x) {
            const int l = std::max(x - 1, 0);
            const int r = std::min(x + 1, width - 1);
            const int gx = (up[r] + 2 * mid[r] + down[r]) - (up[l] + 2 * mid[l] + down[l]);
            const int gy = (down[l] + 2 * down[x] + down[r]) - (up[l] + 2 * up[x] + up[r]);
            // A full black-to-white step gives 4 * 255 along one axis: scale that to 255.
            const double magnitude = std::sqrt(double(gx * gx + gy * gy)) / 4.0;
            line[x] = uchar(std::min(255, int(std::lround(magnitude))));
        }
    }
    return out;
}

QImage ImageFilters::resize(const QImage& image, QSize size)
{
    if (image.isNull() || size.isEmpty())
        return {};
    return image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
}

} // namespace mmf
