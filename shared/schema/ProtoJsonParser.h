#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
} // namespace google::protobuf

namespace mmf {

// JSON text -> binary protobuf straight from the descriptors: the fast path of ProtoJson::jsonToBinary,
// without protobuf's converter. Takes the plain forms: an object of fields by proto or json name, strings
// with any JSON escape, numbers (64-bit integers also as decimal strings, 32-bit ones too; "NaN" and
// "Infinity" for floating point), bools, enum names and numbers, base64 bytes, nested objects, lists, maps,
// one member per oneof. Whatever it accepts the slow path accepts too, with an equal message
// (tst_protojson_fast and fuzz_proto_json check that). It returns nullopt on anything else (malformed JSON,
// null, unknown names, a field or map key twice, wrong types, out-of-range or exotic numbers, invalid UTF-8,
// nesting over kMaxDepth, proto2 messages, well-known types) so that the slow path decides and reports. The
// bytes are valid, not canonical. Thread-safe (no shared state).
class ProtoJsonParser
{
public:
    static std::optional<QByteArray> parse(const google::protobuf::Descriptor* type, QByteArrayView json);

    // Objects and lists nested deeper than this are declined (protobuf's parsers stop at 100).
    static constexpr int kMaxDepth = 64;

private:
    explicit ProtoJsonParser(QByteArrayView json);

    bool parseObject(const google::protobuf::Descriptor* type, int depth);
    bool parseField(const google::protobuf::FieldDescriptor* field, int depth);
    bool parseList(const google::protobuf::FieldDescriptor* field, int depth);
    bool parseMap(const google::protobuf::FieldDescriptor* field, int depth);
    // One value of a field that is not a list or map; `tagged` writes the field's tag before it, `omitZero`
    // leaves out a zero value (implicit presence).
    bool parseValue(const google::protobuf::FieldDescriptor* field, bool tagged, bool omitZero, int depth);
    bool parseNumber(const google::protobuf::FieldDescriptor* field, uint64_t* wire);
    bool parseMapKey(const google::protobuf::FieldDescriptor* keyField, std::string_view key);

    void skipWhitespace();
    // After a member or an element: whitespace, then `close` (the container ends) or a comma and the
    // whitespace after it (another follows); both consumed. Anything else is malformed.
    enum class AfterItem
    {
        Another,
        Closed,
        Malformed
    };
    AfterItem afterItem(char close);
    // At a '"': the raw text between the quotes, checked (UTF-8, no control characters); `escaped` when it
    // holds a backslash.
    bool readString(std::string_view* raw, bool* escaped);
    // Appends the decoded text of a string read by readString.
    bool unescape(std::string_view raw, std::string* out);

    void writeVarint(uint64_t value);
    // A varint or the fixed-width bits of a scalar's wire value, by its wire type.
    void writeScalar(uint32_t wireType, uint64_t wire);
    void writeTag(int number, int wireType);
    size_t beginLength();
    void endLength(size_t mark);

    const char* m_p;
    const char* m_end;
    std::string m_out;
    std::string m_text;                    // decoded strings that are not copied straight to the output
    std::vector<std::string_view> m_keys;  // map keys seen, a stack like the maps
    std::deque<std::string> m_decodedKeys; // map keys that had escapes (a deque: views into it stay valid)
};

} // namespace mmf
