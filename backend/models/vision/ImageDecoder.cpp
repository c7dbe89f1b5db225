#include "models/vision/ImageDecoder.h"

#include <QBuffer>
#include <QImageReader>

namespace mmf {

namespace {

// libjpeg decodes a JPEG cut short with a warning only (the rest is painted grey), so look for the
// end-of-image marker after the first scan: walk the marker segments to the start of scan (SOS), then find
// EOI. Inside a scan 0xFF is always followed by 0x00 or a restart marker, so EOI cannot appear there by
// chance; data appended after EOI (some cameras do) is fine.
bool jpegHasEnd(QByteArrayView bytes)
{
    qsizetype pos = 2; // after SOI
    while (pos + 4 <= bytes.size()) {
        if (quint8(bytes[pos]) != 0xff)
            return false;
        const quint8 marker = quint8(bytes[pos + 1]);
        if (marker == 0xff) { // fill byte
            ++pos;
            continue;
        }
        const qsizetype length = (qsizetype(quint8(bytes[pos + 2])) << 8) | quint8(bytes[pos + 3]);
        if (marker == 0xda)
            return bytes.indexOf(QByteArrayView("\xff\xd9", 2), pos + 2 + length) >= 0;
        pos += 2 + length;
    }
    return false;
}

} // namespace

Result<ImageDecoder::Decoded> ImageDecoder::decode(QByteArrayView bytes, const QString& what) const
{
    if (bytes.isEmpty())
        return Error::invalidArgument(QStringLiteral("%1 is empty: expected PNG or JPEG bytes").arg(what),
                                      what);
    if (bytes.size() > m_maxBytes)
        return Error{ErrorCode::PayloadTooLarge,
                     QStringLiteral("%1 is %2 bytes, over the limit of %3 bytes (%4 MiB)")
                         .arg(what)
                         .arg(bytes.size())
                         .arg(m_maxBytes)
                         .arg(m_maxBytes / (1024 * 1024)),
                     what};

    // fromRawData: no copy of the (possibly large) input.
    QByteArray raw = QByteArray::fromRawData(bytes.data(), bytes.size());
    QBuffer buffer(&raw);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setDecideFormatFromContent(true);
    const QByteArray format = reader.format();
    if (format != "png" && format != "jpeg")
        return Error::invalidArgument(
            format.isEmpty() ? QStringLiteral("%1 is not a PNG or JPEG picture (unrecognised data)").arg(what)
                             : QStringLiteral("%1 is a %2 picture; only PNG and JPEG are accepted")
                                   .arg(what, QString::fromLatin1(format)),
            what);

    if (format == "jpeg" && !jpegHasEnd(bytes))
        return Error::invalidArgument(
            QStringLiteral("%1 could not be decoded as JPEG: the data ends early (truncated)").arg(what),
            what);

    const QSize size = reader.size();
    if (!size.isValid() || size.isEmpty())
        return Error::invalidArgument(QStringLiteral("%1 could not be decoded: the %2 header is corrupt")
                                          .arg(what, QString::fromLatin1(format).toUpper()),
                                      what);
    const qint64 pixels = qint64(size.width()) * size.height();
    if (pixels > m_maxPixels)
        return Error{ErrorCode::PayloadTooLarge,
                     QStringLiteral("%1 is %2x%3 (%4 pixels), over the limit of %5 pixels")
                         .arg(what)
                         .arg(size.width())
                         .arg(size.height())
                         .arg(pixels)
                         .arg(m_maxPixels),
                     what};

    // Room for the largest decoded form (16-bit RGBA, 8 bytes a pixel) of a picture within the pixel limit;
    // Qt's default cap (128 MiB) would refuse large pictures that the limits allow.
    reader.setAllocationLimit(int(m_maxPixels * 8 / (1024 * 1024) + 1));
    reader.setAutoTransform(true);
    Decoded decoded;
    decoded.format = format;
    if (!reader.read(&decoded.image) || decoded.image.isNull())
        return Error::invalidArgument(
            QStringLiteral("%1 could not be decoded as %2: %3")
                .arg(what, QString::fromLatin1(format).toUpper(), reader.errorString()),
            what);
    return decoded;
}

} // namespace mmf
