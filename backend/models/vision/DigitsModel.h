#pragma once

#include "models/vision/DigitsNetwork.h"
#include "models/vision/ImageDecoder.h"
#include "worker/Model.h"

#include "mmf/models/digits.pb.h"

namespace mmf {

// The digits model: reads a handwritten digit from the dataset's 64 values (0..16) or from a PNG/JPEG picture
// (binned to 8x8 by DigitsPreprocessor) and answers the label, the ten probabilities and the 8x8 it saw.
// Final errors (invalid_argument): no input, not exactly 64 values, a value outside 0..16, a picture that
// does not decode or holds no digit; payload_too_large over ImageDecoder's limits; internal when the weights
// did not load. process() is const on the network, so concurrent tasks are safe.
class DigitsModel final : public Model<models::DigitsRequest, models::DigitsResponse>
{
public:
    // Uses the weights compiled into mmf_models; if they do not load, every task fails with `internal` naming
    // why.
    DigitsModel();
    explicit DigitsModel(DigitsNetwork network);

    Outcome<models::DigitsResponse> process(const models::DigitsRequest& request,
                                            TaskContext& context) override;
    v1::ModelMetadata metadata() const override;

    // Why the built-in weights did not load; empty when the model is ready.
    QString loadError() const { return m_loadError; }

private:
    DigitsNetwork m_network;
    QString m_loadError;
    ImageDecoder m_decoder;
};

} // namespace mmf
