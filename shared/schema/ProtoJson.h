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

// Validates and converts. Unknown fields, wrong types, out-of-range numbers, a second member of a oneof, a
// list inside a list, a top-level non-object, invalid UTF-8, nesting over 200 levels and malformed JSON are
// invalid_argument; when one field is to blame, Error::field holds its path (e.g. "points[1].x"; a map value
// is "counts[0].value", its entry's position). Accepts proto and lowerCamelCase names, enum names and
// numbers, 64-bit integers as strings or numbers. The bytes are valid, not canonical (defaults set explicitly
// are written). Not checked: (mmf.ui) min/max; a list inside a list when the type holds a
// google.protobuf.Value.
Result<QByteArray> jsonToBinary(const DescriptorSet& set, const google::protobuf::Descriptor* type,
                                QByteArrayView json);
// Converts stored bytes back to JSON text: compact, proto field names, fields at their default left out (an
// `optional` field that is set is printed even when zero), enums by name, map keys sorted, unknown fields
// dropped. Fails with invalid_argument when the bytes do not parse or lack proto2 required fields.
Result<QByteArray> binaryToJson(const DescriptorSet& set, const google::protobuf::Descriptor* type,
                                QByteArrayView binary);

// protobuf's converter alone, with the checks and error wording above: what the two functions fall back to
// when their fast paths (ProtoJsonParser, ProtoJsonPrinter) decline. Public so that tst_protojson_fast and
// fuzz_proto_json hold the fast paths to it.
Result<QByteArray> jsonToBinaryByProtobuf(const DescriptorSet& set, const google::protobuf::Descriptor* type,
                                          QByteArrayView json);
Result<QByteArray> binaryToJsonByProtobuf(const DescriptorSet& set, const google::protobuf::Descriptor* type,
                                          QByteArrayView binary);

} // namespace ProtoJson
} // namespace mmf
