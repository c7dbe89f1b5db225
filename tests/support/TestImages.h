#pragma once

#include <QByteArray>
#include <QImage>

namespace mmf::TestImages {

// The image in a file format ("png", "jpg", ...); quality as QImage::save takes it.
QByteArray encode(const QImage& image, const char* format, int quality = -1);
// A valid PNG header that claims width x height (its IHDR CRC fixed), with no pixel data worth decoding: for
// decompression-bomb checks.
QByteArray pngClaiming(quint32 width, quint32 height);

} // namespace mmf::TestImages
