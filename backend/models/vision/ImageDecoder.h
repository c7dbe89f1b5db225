#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QImage>

namespace mmf {

// Decodes untrusted PNG or JPEG bytes within limits. The pixel count is read from the header before anything
// is decoded, so a small file that claims a huge picture costs nothing. JPEG EXIF orientation is applied.
class ImageDecoder
{
public:
    static constexpr qint64 kDefaultMaxBytes = 20LL * 1024 * 1024;
    static constexpr qint64 kDefaultMaxPixels = 50'000'000;

    struct Decoded
    {
        QImage image;
        QByteArray format; // "png" or "jpeg"
    };

    explicit ImageDecoder(qint64 maxBytes = kDefaultMaxBytes, qint64 maxPixels = kDefaultMaxPixels)
        : m_maxBytes(maxBytes)
        , m_maxPixels(maxPixels)
    {}

    qint64 maxBytes() const { return m_maxBytes; }
    qint64 maxPixels() const { return m_maxPixels; }

    // Fails with payload_too_large over either limit, invalid_argument for empty, non-PNG/JPEG or corrupt
    // data; `what` names the field in messages (e.g. "image").
    Result<Decoded> decode(QByteArrayView bytes, const QString& what) const;

private:
    qint64 m_maxBytes;
    qint64 m_maxPixels;
};

} // namespace mmf
