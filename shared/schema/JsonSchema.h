#pragma once

#include <QJsonObject>
#include <QString>

namespace google::protobuf {
class Descriptor;
}

namespace mmf::JsonSchema {

// JSON Schema (2020-12) of a message as it appears in the protobuf JSON mapping: field comments become
// descriptions, (mmf.ui) options become "x-mmf-ui", enums list their names, 64-bit integers are strings with
// a pattern, bytes are base64 strings, Timestamp a date-time string, maps objects, oneof members documented
// and at most one allowed. Recursive message types are emitted once under "$defs" and referenced. Message
// types are inlined where used; recursive ones (and any past a size bound) are referenced as
// "#/$defs/<full type name>". Property names are the proto field names, as ProtoJson prints them. Schema
// choices: 64-bit integers {"type": ["string", "integer"], "pattern"}, (mmf.ui) min/max also as
// "minimum"/"maximum", oneof groups under "x-oneof" {group: [members]} with "dependentSchemas" forbidding a
// second member. Returns {} for a null type.
QJsonObject forMessage(const google::protobuf::Descriptor* type);
// The same with references written as refPrefix + full type name (e.g. "#/components/schemas/") for embedding
// in a larger document; the referenced schemas are still returned under "$defs" for the caller to move there.
QJsonObject forMessage(const google::protobuf::Descriptor* type, const QString& refPrefix);

} // namespace mmf::JsonSchema
