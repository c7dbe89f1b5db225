#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
} // namespace google::protobuf

namespace mmf {

// Binary protobuf -> JSON text straight from the descriptors and the wire format: the fast path of
// ProtoJson::binaryToJson, without DynamicMessage or type resolver. Prints byte for byte what that function
// prints (protobuf 3.21's converter over the re-serialized message: fields in number order, proto names,
// implicit-presence defaults left out, enums by name, map keys sorted, compact), or returns nullopt when it
// is not certain to: invalid wire data or UTF-8, groups, a field with an unexpected wire type, a singular
// message field twice (protobuf merges), a map key twice, proto2 messages, well-known types
// (google.protobuf.*), enums with aliases, nesting deeper than kMaxDepth. The caller then takes the slow
// path, which decides. Stateless between calls; thread-safe.
class ProtoJsonPrinter
{
public:
    static std::optional<QByteArray> print(const google::protobuf::Descriptor* type, QByteArrayView binary);

    // Nested messages deeper than this are declined (protobuf's printer stops at 64 levels of objects).
    static constexpr int kMaxDepth = 60;

private:
    // One field occurrence on the wire.
    struct Record
    {
        const google::protobuf::FieldDescriptor* field;
        uint32_t number;
        uint32_t seq; // position on the wire, for "last one wins"
        uint32_t wireType;
        uint32_t size;       // length-delimited payload size
        const uint8_t* data; // length-delimited payload
        uint64_t value;      // varint or fixed value
    };
    // One map entry, its key normalized for sorting.
    struct MapEntry
    {
        const uint8_t* keyData = nullptr; // string keys
        uint32_t keySize = 0;
        uint64_t key = 0; // integer keys (signed ones as int64 bits), bool as 0/1
        bool hasValue = false;
        Record value{};
    };

    bool printMessage(const google::protobuf::Descriptor* type, const uint8_t* data, size_t size, int depth);
    bool printRepeated(const google::protobuf::FieldDescriptor* field, size_t begin, size_t end, int depth);
    bool printMap(const google::protobuf::FieldDescriptor* field, size_t begin, size_t end, int depth);
    bool readEntry(const google::protobuf::FieldDescriptor* keyField,
                   const google::protobuf::FieldDescriptor* valueField, const Record& record,
                   MapEntry* entry);
    bool printValue(const google::protobuf::FieldDescriptor* field, const Record& record, int depth);
    bool printScalar(const google::protobuf::FieldDescriptor* field, uint64_t value);

    std::string m_out;
    std::vector<Record> m_records; // a stack: each message level uses the records above its start
    std::vector<MapEntry> m_entries;
};

} // namespace mmf
