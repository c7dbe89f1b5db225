#pragma once

#include <QImage>
#include <QSize>

namespace mmf {

// The image model's operations, as pure functions on decoded pictures. Each returns a new picture (null only
// for a null input).
class ImageFilters
{
public:
    // Grey levels (qGray); Grayscale8, or ARGB32 keeping the alpha of a picture that has it. Same size.
    static QImage grayscale(const QImage& image);
    // One horizontal and one vertical box-blur pass of `radius` (>= 1) on premultiplied ARGB, edges clamped;
    // three rounds of it approximate a Gaussian. Same size, ARGB32_Premultiplied.
    static QImage boxBlurPass(const QImage& image, int radius);
    // Sobel edge strength of the grey levels, 0..255, white edges on black. Same size, Grayscale8.
    static QImage edges(const QImage& image);
    // Smooth scaling to exactly `size` (both sides >= 1).
    static QImage resize(const QImage& image, QSize size);
};

} // namespace mmf
