#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace google::protobuf {
class Descriptor;
}

namespace mmf {

class DescriptorSet;

// JSON ⇄ binary protobuf through runtime descriptors, following the protobuf JSON mapping (64-bit integers as
// strings, bytes as base64, Timestamp as RFC 3339). Output uses the proto field names.
namespace ProtoJson {

// Validates and converts. Unknown fields, wrong types, out-of-range numbers and malformed JSON are
// invalid_argument; when one field is to blame, Error::field holds its path (e.g. "points[1].x").
Result<QByteArray> jsonToBinary(const DescriptorSet& set, const google::protobuf::Descriptor* type,
                                QByteArrayView json);
// Converts stored bytes back to JSON text (compact). Fails with invalid_argument when the bytes do not parse.
Result<QByteArray> binaryToJson(const DescriptorSet& set, const google::protobuf::Descriptor* type,
                                QByteArrayView binary);

} // namespace ProtoJson
} // namespace mmf
