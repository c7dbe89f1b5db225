#pragma once

#include "models/vision/ImageDecoder.h"
#include "worker/Model.h"

#include "mmf/models/image.pb.h"

namespace mmf {

// The image model: decodes a PNG/JPEG, applies one operation (GRAYSCALE, BLUR, EDGES, RESIZE) and answers the
// result as PNG with its size, logging each stage and reporting progress. Final errors: invalid_argument for
// an unknown operation, a bad RESIZE size or blur radius, or a picture that does not decode;
// payload_too_large over the decoder's limits or for a RESIZE result over them; cancelled when the task is
// cancelled between stages.
class ImageModel final : public Model<models::ImageRequest, models::ImageResponse>
{
public:
    static constexpr int kMaxSide = 16384;
    static constexpr int kMaxBlurRadius = 100;
    static constexpr int kDefaultBlurRadius = 3;

    explicit ImageModel(ImageDecoder decoder = ImageDecoder())
        : m_decoder(decoder)
    {}

    Outcome<models::ImageResponse> process(const models::ImageRequest& request,
                                           TaskContext& context) override;
    v1::ModelMetadata metadata() const override;

private:
    ImageDecoder m_decoder;
};

} // namespace mmf
