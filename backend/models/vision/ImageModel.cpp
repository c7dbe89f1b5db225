#include "models/vision/ImageModel.h"

#include "models/vision/ImageFilters.h"

#include <QBuffer>
#include <QColorSpace>
#include <QElapsedTimer>
#include <QImageWriter>

#include <cmath>

namespace mmf {

namespace {

TaskError invalid(const QString& message)
{
    return TaskError{QStringLiteral("invalid_argument"), message};
}

TaskError cancelled(const char* stage)
{
    return TaskError{QStringLiteral("cancelled"),
                     QStringLiteral("cancelled while %1").arg(QLatin1String(stage))};
}

QString operationName(models::ImageRequest::Operation operation)
{
    return QString::fromStdString(models::ImageRequest::Operation_Name(operation));
}

} // namespace

Outcome<models::ImageResponse> ImageModel::process(const models::ImageRequest& request, TaskContext& context)
{
    const auto operation = request.operation();
    if (!models::ImageRequest::Operation_IsValid(operation))
        return invalid(
            QStringLiteral("operation %1 is not one of GRAYSCALE, BLUR, EDGES, RESIZE").arg(int(operation)));
    // Parameters are checked before decoding: a bad request should not cost a decode.
    if (operation == models::ImageRequest::RESIZE) {
        if (request.width() < 0 || request.height() < 0 || request.width() > kMaxSide ||
            request.height() > kMaxSide)
            return invalid(QStringLiteral("width and height must be 0..%1 (got %2x%3)")
                               .arg(kMaxSide)
                               .arg(request.width())
                               .arg(request.height()));
        if (request.width() == 0 && request.height() == 0)
            return invalid(QStringLiteral("RESIZE needs width, height or both (> 0)"));
    }
    if (operation == models::ImageRequest::BLUR &&
        (request.blur_radius() < 0 || request.blur_radius() > kMaxBlurRadius))
        return invalid(QStringLiteral("blur_radius must be 0..%1 (got %2)")
                           .arg(kMaxBlurRadius)
                           .arg(request.blur_radius()));

    QElapsedTimer timer;
    timer.start();
    const std::string& bytes = request.image();
    context.info(QStringLiteral("decoding %1 bytes").arg(bytes.size()));
    context.progress(0.05, QStringLiteral("decoding"));
    Result<ImageDecoder::Decoded> decoded =
        m_decoder.decode(QByteArrayView(bytes.data(), qsizetype(bytes.size())), QStringLiteral("image"));
    if (!decoded)
        return TaskError{QString::fromLatin1(errorCodeName(decoded.error().code)), decoded.error().message};
    QImage image = std::move(decoded->image);
    context.info(QStringLiteral("decoded %1x%2 %3 in %4 ms")
                     .arg(image.width())
                     .arg(image.height())
                     .arg(QString::fromLatin1(decoded->format).toUpper())
                     .arg(timer.elapsed()));
    context.progress(0.3, QStringLiteral("decoded"));
    if (context.isCancelled())
        return cancelled("decoding");

    timer.restart();
    switch (operation) {
    case models::ImageRequest::GRAYSCALE:
        context.info(QStringLiteral("converting to grey levels"));
        image = ImageFilters::grayscale(image);
        break;
    case models::ImageRequest::BLUR: {
        const int radius = request.blur_radius() > 0 ? request.blur_radius() : kDefaultBlurRadius;
        for (int pass = 1; pass <= 3; ++pass) {
            context.info(QStringLiteral("blur pass %1 of 3 (radius %2 px)").arg(pass).arg(radius));
            image = ImageFilters::boxBlurPass(image, radius);
            context.progress(0.3 + 0.15 * pass, QStringLiteral("blurring"));
            if (context.isCancelled())
                return cancelled("blurring");
        }
        break;
    }
    case models::ImageRequest::EDGES:
        context.info(QStringLiteral("finding edges (Sobel)"));
        image = ImageFilters::edges(image);
        break;
    case models::ImageRequest::RESIZE: {
        int width = request.width();
        int height = request.height();
        // One side given: the other follows the aspect ratio (at least 1 px).
        if (width == 0)
            width = std::max(1, int(std::lround(double(height) * image.width() / image.height())));
        if (height == 0)
            height = std::max(1, int(std::lround(double(width) * image.height() / image.width())));
        if (width > kMaxSide || height > kMaxSide || qint64(width) * height > m_decoder.maxPixels())
            return TaskError{
                QStringLiteral("payload_too_large"),
                QStringLiteral("the resized picture would be %1x%2, over the limit of %3 px a side and "
                               "%4 pixels")
                    .arg(width)
                    .arg(height)
                    .arg(kMaxSide)
                    .arg(m_decoder.maxPixels())};
        context.info(QStringLiteral("resizing %1x%2 to %3x%4")
                         .arg(image.width())
                         .arg(image.height())
                         .arg(width)
                         .arg(height));
        image = ImageFilters::resize(image, QSize(width, height));
        break;
    }
    default:
        break;
    }
    if (image.isNull())
        return TaskError{
            QStringLiteral("internal"),
            QStringLiteral("%1 produced no picture (out of memory?)").arg(operationName(operation))};
    context.info(QStringLiteral("%1 done in %2 ms").arg(operationName(operation)).arg(timer.elapsed()));
    context.progress(0.8, QStringLiteral("encoding"));
    if (context.isCancelled())
        return cancelled("processing");

    // Answer sRGB without an embedded profile (what viewers assume for a PNG): copying a camera's ICC profile
    // made libpng warn about the common, slightly wrong sRGB profiles on every task.
    if (image.colorSpace().isValid()) {
        if (image.colorSpace() != QColorSpace(QColorSpace::SRgb) && !image.isGrayscale())
            image.convertToColorSpace(QColorSpace::SRgb);
        image.setColorSpace(QColorSpace());
    }

    timer.restart();
    QByteArray png;
    {
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        QImageWriter writer(&buffer, "png");
        if (!writer.write(image))
            return TaskError{
                QStringLiteral("internal"),
                QStringLiteral("encoding the result as PNG failed: %1").arg(writer.errorString())};
    }
    context.info(QStringLiteral("encoded %1x%2 PNG, %3 bytes, in %4 ms")
                     .arg(image.width())
                     .arg(image.height())
                     .arg(png.size())
                     .arg(timer.elapsed()));
    context.progress(1.0, QStringLiteral("done"));

    models::ImageResponse response;
    response.set_image(png.constData(), size_t(png.size()));
    response.set_width(image.width());
    response.set_height(image.height());
    return response;
}

v1::ModelMetadata ImageModel::metadata() const
{
    v1::ModelMetadata meta;
    meta.set_description(
        "Applies one operation to a picture (grey levels, blur, edges or resize) and answers "
        "the result as PNG, logging each stage as it goes.");
    meta.set_version("1.0.0");
    meta.set_owner("MMF");
    meta.add_tags("sample");
    meta.add_tags("vision");
    meta.add_tags("image");
    meta.set_docs(R"(# image

Bytes in, bytes out: takes a PNG or JPEG (up to 20 MiB and 50 megapixels, checked from the header before
decoding) and applies one operation:

| operation | does | parameters |
|---|---|---|
| `GRAYSCALE` | grey levels, transparency kept | — |
| `BLUR` | three box-blur rounds, close to a Gaussian | `blur_radius` 1..100 px (0 = 3) |
| `EDGES` | Sobel edge strength, white edges on black | — |
| `RESIZE` | smooth scaling | `width`, `height` in px (up to 16384); one of them 0 keeps the aspect ratio |

The answer is the result as PNG with its `width` and `height`. Every stage (decode, operation, encode) writes a
line to the task's log, with its duration, and reports progress.

## Errors

| code | when |
|---|---|
| `invalid_argument` | unknown operation; RESIZE without a size or with one out of range; `blur_radius` out of range; a picture that is not PNG/JPEG or does not decode |
| `payload_too_large` | a picture over 20 MiB or 50 megapixels, or a RESIZE result over 16384 px a side or 50 megapixels |
| `cancelled` | the task was cancelled between stages |

A sample picture ships in `resources/data/flower.jpg` (Flickr user vultilion, CC BY 2.0: "Some rights reserved
by vultilion").
)");
    return meta;
}

} // namespace mmf
