#include "models/vision/DigitsModel.h"

#include "models/vision/DigitsPreprocessor.h"

namespace mmf {

namespace {

TaskError invalid(const QString& message)
{
    return TaskError{QStringLiteral("invalid_argument"), message};
}

TaskError fromError(const Error& error)
{
    return TaskError{QString::fromLatin1(errorCodeName(error.code)), error.message};
}

} // namespace

DigitsModel::DigitsModel()
{
    Result<DigitsNetwork> network = DigitsNetwork::loadBuiltin();
    if (network)
        m_network = std::move(network).value();
    else
        m_loadError = network.error().message;
}

DigitsModel::DigitsModel(DigitsNetwork network)
    : m_network(std::move(network))
{
    if (!m_network.isValid())
        m_loadError = QStringLiteral("the digits network is empty");
}

Outcome<models::DigitsResponse> DigitsModel::process(const models::DigitsRequest& request,
                                                     TaskContext& context)
{
    if (!m_loadError.isEmpty())
        return TaskError{QStringLiteral("internal"), m_loadError};

    DigitsNetwork::Pixels pixels{};
    switch (request.input_case()) {
    case models::DigitsRequest::kPixels: {
        const auto& values = request.pixels().values();
        if (values.size() != DigitsNetwork::kInputs)
            return invalid(
                QStringLiteral("pixels.values must hold exactly 64 values (8x8, row by row); got %1")
                    .arg(values.size()));
        for (int i = 0; i < values.size(); ++i) {
            if (values[i] < 0 || values[i] > 16)
                return invalid(QStringLiteral("pixels.values[%1] is %2; every value must be 0..16")
                                   .arg(i)
                                   .arg(values[i]));
            pixels[size_t(i)] = std::uint8_t(values[i]);
        }
        context.info(QStringLiteral("classifying 8x8 pixels"));
        break;
    }
    case models::DigitsRequest::kImage: {
        const std::string& bytes = request.image();
        context.info(QStringLiteral("decoding a %1-byte picture").arg(bytes.size()));
        Result<ImageDecoder::Decoded> decoded =
            m_decoder.decode(QByteArrayView(bytes.data(), qsizetype(bytes.size())), QStringLiteral("image"));
        if (!decoded)
            return fromError(decoded.error());
        context.info(QStringLiteral("decoded %1x%2 %3; binning to 8x8")
                         .arg(decoded->image.width())
                         .arg(decoded->image.height())
                         .arg(QString::fromLatin1(decoded->format).toUpper()));
        context.progress(0.5, QStringLiteral("preprocessed"));
        Result<DigitsNetwork::Pixels> binned = DigitsPreprocessor::toPixels(decoded->image);
        if (!binned)
            return fromError(binned.error());
        pixels = *binned;
        break;
    }
    default:
        return invalid(QStringLiteral("set either pixels (64 values 0..16) or image (PNG or JPEG bytes)"));
    }

    const DigitsNetwork::Probabilities probabilities = m_network.predict(pixels);
    const int label = DigitsNetwork::argmax(probabilities);
    models::DigitsResponse response;
    response.set_label(label);
    response.mutable_probabilities()->Reserve(DigitsNetwork::kClasses);
    for (double p : probabilities)
        response.add_probabilities(p);
    response.mutable_pixels()->Reserve(DigitsNetwork::kInputs);
    for (std::uint8_t value : pixels)
        response.add_pixels(value);
    context.progress(1.0);
    context.info(
        QStringLiteral("read a %1 (probability %2)").arg(label).arg(probabilities[size_t(label)], 0, 'f', 3));
    return response;
}

v1::ModelMetadata DigitsModel::metadata() const
{
    v1::ModelMetadata meta;
    meta.set_description(
        "Reads a handwritten digit, from the 8x8 grid of the UCI digits data or from a picture, "
        "with a small neural network trained by the project; answers the digit and the "
        "probability of each of 0..9.");
    meta.set_version("1.0.0");
    meta.set_owner("MMF");
    meta.add_tags("sample");
    meta.add_tags("vision");
    meta.add_tags("classification");
    meta.add_tags("digits");
    meta.set_docs(R"(# digits

Classifies a handwritten digit 0..9 with a small multilayer perceptron (64 inputs, 64 ReLU units, 10 softmax
outputs) trained on the UCI "Optical Recognition of Handwritten Digits" data (E. Alpaydin, C. Kaynak, 1998,
CC BY 4.0). About 97-98 % of a held-out fifth of the data is read correctly.

## Input: one of

- `pixels.values`: 64 integers 0..16, row by row from the top left, in the dataset's layout (each value counts
  the ink pixels of a 4x4 block of a 32x32 bitmap).
- `image`: a PNG or JPEG (up to 20 MiB and 50 megapixels) of **one dark digit on a light background**. It is
  cropped to the ink, padded to a centred square, scaled to 32x32 and binned into 4x4 blocks, as the dataset was
  made. Clean pictures with the digit filling most of the frame work best.

## Output

- `label`: the most probable digit.
- `probabilities`: ten values summing to 1 (the studio draws them as a bar chart).
- `pixels`: the 8x8 grid the network saw, handy to check what a picture turned into.

## Errors

| code | when |
|---|---|
| `invalid_argument` | no input; not exactly 64 values; a value outside 0..16; a picture that is not PNG/JPEG, does not decode, or holds no dark digit |
| `payload_too_large` | a picture over 20 MiB or 50 megapixels |

## Reproducing the weights

    mmf-train-digits --data resources/data/digits.csv.gz --out resources/models/digits.weights --seed 1 --epochs 60 --hidden 128

writes the shipped weights bit for bit (see `resources/models/README.md`).
)");
    return meta;
}

} // namespace mmf
