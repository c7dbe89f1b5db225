#include "schema/ProtoJsonPrinter.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

namespace gp = google::protobuf;
using WireFormatLite = gp::internal::WireFormatLite;

namespace mmf {

namespace {

// A varint of at most `maxBytes` bytes: protobuf reads values in up to 10, tags and lengths in up to 5.
bool readVarint(const uint8_t*& p, const uint8_t* end, uint64_t* value, int maxBytes = 10)
{
    uint64_t result = 0;
    for (int i = 0; i < maxBytes; ++i) {
        if (p == end)
            return false;
        const uint8_t byte = *p++;
        // The tenth byte may only carry the 64th bit; anything more is declined rather than guessed at.
        if (i == 9 && byte > 1)
            return false;
        result |= uint64_t(byte & 0x7f) << (7 * i);
        if (!(byte & 0x80)) {
            *value = result;
            return true;
        }
    }
    return false;
}

uint64_t readLittleEndian(const uint8_t* p, int bytes)
{
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i)
        value = (value << 8) | p[i];
    return value;
}

// Reads one field's payload after its tag; false on truncation or a wire type this path does not take
// (groups, 6, 7).
bool readPayload(const uint8_t*& p, const uint8_t* end, uint32_t wireType, uint64_t* value,
                 const uint8_t** data, uint32_t* size)
{
    switch (wireType) {
    case WireFormatLite::WIRETYPE_VARINT:
        return readVarint(p, end, value);
    case WireFormatLite::WIRETYPE_FIXED64:
        if (end - p < 8)
            return false;
        *value = readLittleEndian(p, 8);
        p += 8;
        return true;
    case WireFormatLite::WIRETYPE_FIXED32:
        if (end - p < 4)
            return false;
        *value = readLittleEndian(p, 4);
        p += 4;
        return true;
    case WireFormatLite::WIRETYPE_LENGTH_DELIMITED: {
        uint64_t length = 0;
        if (!readVarint(p, end, &length, 5) || length > uint64_t(end - p) || length > INT32_MAX)
            return false;
        *data = p;
        *size = uint32_t(length);
        p += length;
        return true;
    }
    default:
        return false;
    }
}

bool readTag(const uint8_t*& p, const uint8_t* end, uint32_t* number, uint32_t* wireType)
{
    uint64_t tag = 0;
    if (!readVarint(p, end, &tag, 5) || tag > UINT32_MAX)
        return false;
    *number = uint32_t(tag >> 3);
    *wireType = uint32_t(tag & 7);
    return *number != 0;
}

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF (what protobuf requires of proto3
// strings).
bool validUtf8(const uint8_t* p, size_t size)
{
    const uint8_t* const end = p + size;
    while (p != end) {
        const uint8_t c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra = 0;
        uint32_t min = 0;
        uint32_t cp = 0;
        if (c >= 0xc2 && c <= 0xdf) {
            extra = 1;
            min = 0x80;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            extra = 2;
            min = 0x800;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3;
            min = 0x10000;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += extra + 1;
    }
    return true;
}

constexpr char kHex[] = "0123456789abcdef";

void appendUnicodeEscape(std::string& out, uint32_t unit)
{
    const char escape[6] = {'\\',
                            'u',
                            kHex[(unit >> 12) & 0xf],
                            kHex[(unit >> 8) & 0xf],
                            kHex[(unit >> 4) & 0xf],
                            kHex[unit & 0xf]};
    out.append(escape, 6);
}

// The code points protobuf 3.21's JsonEscaping writes as \uXXXX besides ASCII controls, '"', '\\', '<', '>'
// (util/internal/json_escaping.cc): C1 controls and invisible format characters.
bool escapedCodePoint(uint32_t cp)
{
    if (cp < 0xa0)
        return cp >= 0x7f;
    switch (cp) {
    case 0xad:
    case 0x6dd:
    case 0x70f:
    case 0x17b4:
    case 0x17b5:
    case 0xfeff:
    case 0xfff9:
    case 0xfffa:
    case 0xfffb:
    case 0xe0001:
        return true;
    default:
        return (cp >= 0x600 && cp <= 0x603) || (cp >= 0x200b && cp <= 0x200f) ||
               (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
               (cp >= 0x206a && cp <= 0x206f) || (cp >= 0x1d173 && cp <= 0x1d17a) ||
               (cp >= 0xe0020 && cp <= 0xe007f);
    }
}

// A JSON string as protobuf 3.21 writes it; the text is valid UTF-8 (checked when read).
void appendJsonString(std::string& out, const uint8_t* p, size_t size)
{
    out += '"';
    const uint8_t* const end = p + size;
    const uint8_t* run = p; // start of the bytes copied unchanged
    while (p != end) {
        const uint8_t c = *p;
        if (c < 0x80) {
            if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != 0x7f) {
                ++p;
                continue;
            }
            out.append(reinterpret_cast<const char*>(run), size_t(p - run));
            switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                appendUnicodeEscape(out, c);
            }
            run = ++p;
            continue;
        }
        const int length = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        uint32_t cp = c & (0x7f >> length);
        for (int i = 1; i < length; ++i)
            cp = (cp << 6) | (p[i] & 0x3f);
        if (escapedCodePoint(cp)) {
            out.append(reinterpret_cast<const char*>(run), size_t(p - run));
            if (cp >= 0x10000) {
                appendUnicodeEscape(out, 0xd800 + ((cp - 0x10000) >> 10));
                appendUnicodeEscape(out, 0xdc00 + ((cp - 0x10000) & 0x3ff));
            } else {
                appendUnicodeEscape(out, cp);
            }
            run = p + length;
        }
        p += length;
    }
    out.append(reinterpret_cast<const char*>(run), size_t(p - run));
    out += '"';
}

// Standard alphabet with padding, like protobuf's Base64Escape.
void appendBase64(std::string& out, const uint8_t* p, size_t size)
{
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out += '"';
    const size_t start = out.size();
    out.resize(start + (size + 2) / 3 * 4);
    char* o = out.data() + start;
    size_t i = 0;
    for (; i + 3 <= size; i += 3) {
        const uint32_t v = uint32_t(p[i]) << 16 | uint32_t(p[i + 1]) << 8 | p[i + 2];
        *o++ = kAlphabet[v >> 18];
        *o++ = kAlphabet[(v >> 12) & 63];
        *o++ = kAlphabet[(v >> 6) & 63];
        *o++ = kAlphabet[v & 63];
    }
    if (size - i == 1) {
        const uint32_t v = uint32_t(p[i]) << 16;
        *o++ = kAlphabet[v >> 18];
        *o++ = kAlphabet[(v >> 12) & 63];
        *o++ = '=';
        *o++ = '=';
    } else if (size - i == 2) {
        const uint32_t v = uint32_t(p[i]) << 16 | uint32_t(p[i + 1]) << 8;
        *o++ = kAlphabet[v >> 18];
        *o++ = kAlphabet[(v >> 12) & 63];
        *o++ = kAlphabet[(v >> 6) & 63];
        *o++ = '=';
    }
    out += '"';
}

template<typename Int> void appendInteger(std::string& out, Int value, bool quoted)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (quoted)
        out += '"';
    out.append(buffer, result.ptr);
    if (quoted)
        out += '"';
}

bool appendNonFinite(std::string& out, double value)
{
    if (std::isnan(value))
        out += "\"NaN\"";
    else if (std::isinf(value))
        out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    else
        return false;
    return true;
}

// protobuf's SimpleDtoa: "%.15g" unless that does not read back as the same double, then "%.17g". to_chars
// with a precision is specified as printf in the C locale; from_chars reads back exactly as strtod does.
void appendDouble(std::string& out, double value)
{
    if (appendNonFinite(out, value))
        return;
    char buffer[40];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 15);
    double back = 0;
    if (std::from_chars(buffer, result.ptr, back).ec != std::errc() || back != value)
        result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 17);
    out.append(buffer, result.ptr);
}

// protobuf's SimpleFtoa: "%.6g", else "%.9g". It reads back with strtof and treats a range error as a
// mismatch, which glibc reports for some subnormals: those are declined.
bool appendFloat(std::string& out, float value)
{
    if (appendNonFinite(out, value))
        return true;
    if (std::fpclassify(value) == FP_SUBNORMAL)
        return false;
    char buffer[32];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 6);
    float back = 0;
    if (std::from_chars(buffer, result.ptr, back).ec != std::errc() || back != value)
        result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 9);
    out.append(buffer, result.ptr);
    return true;
}

// Types whose JSON this path knows: proto3 (no required fields, no defaults, open enums), no extensions, not
// a well-known type with a JSON form of its own.
bool eligible(const gp::Descriptor* type)
{
    const gp::FileDescriptor* file = type->file();
    return file->syntax() == gp::FileDescriptor::SYNTAX_PROTO3 && file->package() != "google.protobuf" &&
           type->extension_range_count() == 0;
}

uint32_t expectedWireType(const gp::FieldDescriptor* field)
{
    return WireFormatLite::WireTypeForFieldType(static_cast<WireFormatLite::FieldType>(field->type()));
}

bool is32Bit(gp::FieldDescriptor::Type type)
{
    switch (type) {
    case gp::FieldDescriptor::TYPE_INT32:
    case gp::FieldDescriptor::TYPE_SINT32:
    case gp::FieldDescriptor::TYPE_UINT32:
    case gp::FieldDescriptor::TYPE_ENUM:
    case gp::FieldDescriptor::TYPE_FIXED32:
    case gp::FieldDescriptor::TYPE_SFIXED32:
    case gp::FieldDescriptor::TYPE_FLOAT:
        return true;
    default:
        return false;
    }
}

enum class KeyKind
{
    String,
    Signed,
    Unsigned
};

KeyKind keyKind(gp::FieldDescriptor::Type type)
{
    switch (type) {
    case gp::FieldDescriptor::TYPE_STRING:
        return KeyKind::String;
    case gp::FieldDescriptor::TYPE_INT32:
    case gp::FieldDescriptor::TYPE_SINT32:
    case gp::FieldDescriptor::TYPE_SFIXED32:
    case gp::FieldDescriptor::TYPE_INT64:
    case gp::FieldDescriptor::TYPE_SINT64:
    case gp::FieldDescriptor::TYPE_SFIXED64:
        return KeyKind::Signed;
    default:
        return KeyKind::Unsigned;
    }
}

// A map key as the message holds it: integers at their declared width (signed ones sign-extended), bools 0/1.
uint64_t normalizeKey(gp::FieldDescriptor::Type type, uint64_t wire)
{
    switch (type) {
    case gp::FieldDescriptor::TYPE_INT32:
    case gp::FieldDescriptor::TYPE_SFIXED32:
        return uint64_t(int64_t(int32_t(uint32_t(wire))));
    case gp::FieldDescriptor::TYPE_SINT32:
        return uint64_t(int64_t(WireFormatLite::ZigZagDecode32(uint32_t(wire))));
    case gp::FieldDescriptor::TYPE_SINT64:
        return uint64_t(WireFormatLite::ZigZagDecode64(wire));
    case gp::FieldDescriptor::TYPE_UINT32:
    case gp::FieldDescriptor::TYPE_FIXED32:
        return uint32_t(wire);
    case gp::FieldDescriptor::TYPE_BOOL:
        return wire != 0;
    default:
        return wire;
    }
}

} // namespace

std::optional<QByteArray> ProtoJsonPrinter::print(const gp::Descriptor* type, QByteArrayView binary)
{
    if (!type)
        return std::nullopt;
    ProtoJsonPrinter printer;
    printer.m_out.reserve(size_t(binary.size()) * 2 + 16);
    if (!printer.printMessage(type, reinterpret_cast<const uint8_t*>(binary.data()), size_t(binary.size()),
                              0))
        return std::nullopt;
    return QByteArray(printer.m_out.data(), qsizetype(printer.m_out.size()));
}

bool ProtoJsonPrinter::printMessage(const gp::Descriptor* type, const uint8_t* data, size_t size, int depth)
{
    if (depth > kMaxDepth || !eligible(type))
        return false;

    // Gather the known fields' occurrences; unknown fields are skipped (they must still be well-formed).
    const size_t begin = m_records.size();
    const uint8_t* p = data;
    const uint8_t* const end = data + size;
    uint32_t seq = 0;
    uint32_t lastNumber = 0;
    bool sorted = true;
    while (p != end) {
        Record record{nullptr, 0, seq++, 0, 0, nullptr, 0};
        if (!readTag(p, end, &record.number, &record.wireType) ||
            !readPayload(p, end, record.wireType, &record.value, &record.data, &record.size))
            return false;
        const gp::FieldDescriptor* field = type->FindFieldByNumber(int(record.number));
        if (!field)
            continue;
        // A known number with another wire type is an unknown field to protobuf, which its printer then
        // misreads: not this path's business. Packable lists come either way.
        if (record.wireType != expectedWireType(field) &&
            !(record.wireType == WireFormatLite::WIRETYPE_LENGTH_DELIMITED && field->is_packable()))
            return false;
        // Every occurrence counts, even one that a later one replaces: protobuf refuses the whole message.
        if (field->type() == gp::FieldDescriptor::TYPE_STRING && !validUtf8(record.data, record.size))
            return false;
        record.field = field;
        sorted = sorted && record.number >= lastNumber;
        lastNumber = record.number;
        m_records.push_back(record);
    }
    const size_t stop = m_records.size();
    // The slow path prints a re-serialization: fields in number order, each field's occurrences in wire
    // order.
    if (!sorted) {
        std::sort(m_records.begin() + std::ptrdiff_t(begin), m_records.end(),
                  [](const Record& a, const Record& b) {
                      return a.number != b.number ? a.number < b.number : a.seq < b.seq;
                  });
    }

    // The member of each oneof that occurs last on the wire is the one set.
    struct Winner
    {
        const gp::OneofDescriptor* oneof;
        const gp::FieldDescriptor* field;
        uint32_t seq;
    };
    std::array<Winner, 8> winners;
    size_t winnerCount = 0;
    for (size_t i = begin; i < stop; ++i) {
        const Record& record = m_records[i];
        const gp::OneofDescriptor* oneof = record.field->real_containing_oneof();
        if (!oneof)
            continue;
        auto winner = std::find_if(winners.begin(), winners.begin() + winnerCount,
                                   [&](const Winner& w) { return w.oneof == oneof; });
        if (winner == winners.begin() + winnerCount) {
            if (winnerCount == winners.size())
                return false;
            *winner = Winner{oneof, record.field, record.seq};
            ++winnerCount;
        } else if (record.seq > winner->seq) {
            winner->field = record.field;
            winner->seq = record.seq;
        }
    }

    m_out += '{';
    bool first = true;
    for (size_t i = begin; i < stop;) {
        const gp::FieldDescriptor* field = m_records[i].field;
        size_t next = i + 1;
        while (next < stop && m_records[next].field == field)
            ++next;
        const size_t from = i;
        i = next;

        const size_t mark = m_out.size();
        const bool wasFirst = first;
        auto writeKey = [&] {
            if (!first)
                m_out += ',';
            first = false;
            m_out += '"';
            m_out += field->name();
            m_out += "\":";
        };

        if (field->is_map()) {
            writeKey();
            if (!printMap(field, from, next, depth))
                return false;
            continue;
        }
        if (field->is_repeated()) {
            writeKey();
            const size_t before = m_out.size();
            if (!printRepeated(field, from, next, depth))
                return false;
            if (m_out.size() == before + 2) { // "[]": a packed list of no elements sets nothing
                m_out.resize(mark);
                first = wasFirst;
            }
            continue;
        }
        const bool isMessage = field->type() == gp::FieldDescriptor::TYPE_MESSAGE;
        if (isMessage && next - from > 1)
            return false; // protobuf merges the occurrences
        if (const gp::OneofDescriptor* oneof = field->real_containing_oneof()) {
            const auto winner = std::find_if(winners.begin(), winners.begin() + winnerCount,
                                             [&](const Winner& w) { return w.oneof == oneof; });
            if (winner->field != field) {
                // Replaced by a later member, but it must still parse.
                if (isMessage) {
                    const Record record = m_records[from];
                    if (!printMessage(field->message_type(), record.data, record.size, depth + 1))
                        return false;
                    m_out.resize(mark);
                }
                continue;
            }
        }
        const Record record = m_records[next - 1]; // the last occurrence wins
        if (!field->has_presence()) {
            // Implicit presence: a zero value is not serialized, so not printed (-0.0 is not zero bits).
            const bool zero = record.wireType == WireFormatLite::WIRETYPE_LENGTH_DELIMITED ? record.size == 0
                              : is32Bit(field->type()) ? uint32_t(record.value) == 0
                                                       : record.value == 0;
            if (zero)
                continue;
        }
        writeKey();
        if (!printValue(field, record, depth))
            return false;
    }
    m_out += '}';
    m_records.resize(begin);
    return true;
}

bool ProtoJsonPrinter::printRepeated(const gp::FieldDescriptor* field, size_t begin, size_t end, int depth)
{
    m_out += '[';
    bool first = true;
    const uint32_t elementWireType = expectedWireType(field);
    for (size_t i = begin; i < end; ++i) {
        const Record record = m_records[i];
        if (record.wireType == WireFormatLite::WIRETYPE_LENGTH_DELIMITED && field->is_packable()) {
            const uint8_t* p = record.data;
            const uint8_t* const stop = p + record.size;
            while (p != stop) {
                uint64_t value = 0;
                const uint8_t* unusedData = nullptr;
                uint32_t unusedSize = 0;
                if (!readPayload(p, stop, elementWireType, &value, &unusedData, &unusedSize))
                    return false;
                if (!first)
                    m_out += ',';
                first = false;
                if (!printScalar(field, value))
                    return false;
            }
            continue;
        }
        if (!first)
            m_out += ',';
        first = false;
        if (!printValue(field, record, depth))
            return false;
    }
    m_out += ']';
    return true;
}

bool ProtoJsonPrinter::readEntry(const gp::FieldDescriptor* keyField, const gp::FieldDescriptor* valueField,
                                 const Record& record, MapEntry* entry)
{
    const uint8_t* p = record.data;
    const uint8_t* const end = p + record.size;
    uint32_t seq = 0;
    while (p != end) {
        Record r{nullptr, 0, seq++, 0, 0, nullptr, 0};
        if (!readTag(p, end, &r.number, &r.wireType) ||
            !readPayload(p, end, r.wireType, &r.value, &r.data, &r.size))
            return false;
        const gp::FieldDescriptor* field = r.number == 1 ? keyField : r.number == 2 ? valueField : nullptr;
        if (!field)
            continue;
        if (r.wireType != expectedWireType(field))
            return false;
        if (field->type() == gp::FieldDescriptor::TYPE_STRING && !validUtf8(r.data, r.size))
            return false;
        r.field = field;
        if (field == keyField) {
            entry->keyData = r.data;
            entry->keySize = r.size;
            entry->key = normalizeKey(keyField->type(), r.value);
        } else {
            if (entry->hasValue && field->type() == gp::FieldDescriptor::TYPE_MESSAGE)
                return false; // protobuf merges the occurrences
            entry->value = r;
            entry->hasValue = true;
        }
    }
    return true;
}

bool ProtoJsonPrinter::printMap(const gp::FieldDescriptor* field, size_t begin, size_t end, int depth)
{
    // An entry is a message of its own: a level deeper.
    if (depth + 1 > kMaxDepth)
        return false;
    const gp::Descriptor* entryType = field->message_type();
    const gp::FieldDescriptor* keyField = entryType->FindFieldByNumber(1);
    const gp::FieldDescriptor* valueField = entryType->FindFieldByNumber(2);
    if (!keyField || !valueField)
        return false;
    const KeyKind kind = keyKind(keyField->type());

    const size_t entriesBegin = m_entries.size();
    for (size_t i = begin; i < end; ++i) {
        MapEntry entry;
        if (!readEntry(keyField, valueField, m_records[i], &entry))
            return false;
        m_entries.push_back(entry);
    }
    // The slow path sorts by key (strings bytewise, integers by value, false before true). With a key twice
    // it prints both, as invalid JSON: left to it.
    auto less = [kind](const MapEntry& a, const MapEntry& b) {
        switch (kind) {
        case KeyKind::String:
            return std::string_view(reinterpret_cast<const char*>(a.keyData), a.keySize) <
                   std::string_view(reinterpret_cast<const char*>(b.keyData), b.keySize);
        case KeyKind::Signed:
            return int64_t(a.key) < int64_t(b.key);
        case KeyKind::Unsigned:
            return a.key < b.key;
        }
        return false;
    };
    const auto first = m_entries.begin() + std::ptrdiff_t(entriesBegin);
    std::sort(first, m_entries.end(), less);
    if (std::adjacent_find(first, m_entries.end(), [&](const MapEntry& a, const MapEntry& b) {
            return !less(a, b) && !less(b, a);
        }) != m_entries.end())
        return false;

    m_out += '{';
    const size_t entriesEnd = m_entries.size();
    for (size_t i = entriesBegin; i < entriesEnd; ++i) {
        const MapEntry entry = m_entries[i];
        if (i != entriesBegin)
            m_out += ',';
        if (kind == KeyKind::String) {
            appendJsonString(m_out, entry.keyData, entry.keySize);
        } else if (keyField->type() == gp::FieldDescriptor::TYPE_BOOL) {
            m_out += entry.key ? "\"true\"" : "\"false\"";
        } else if (kind == KeyKind::Signed) {
            appendInteger(m_out, int64_t(entry.key), true);
        } else {
            appendInteger(m_out, entry.key, true);
        }
        m_out += ':';
        if (entry.hasValue) {
            if (!printValue(valueField, entry.value, depth + 1))
                return false;
        } else if (valueField->type() == gp::FieldDescriptor::TYPE_MESSAGE) {
            if (!printMessage(valueField->message_type(), nullptr, 0, depth + 2))
                return false;
        } else if (valueField->type() == gp::FieldDescriptor::TYPE_STRING ||
                   valueField->type() == gp::FieldDescriptor::TYPE_BYTES) {
            m_out += "\"\"";
        } else if (!printScalar(valueField, 0)) {
            return false;
        }
    }
    m_out += '}';
    m_entries.resize(entriesBegin);
    return true;
}

bool ProtoJsonPrinter::printValue(const gp::FieldDescriptor* field, const Record& record, int depth)
{
    switch (field->type()) {
    case gp::FieldDescriptor::TYPE_MESSAGE:
        return printMessage(field->message_type(), record.data, record.size, depth + 1);
    case gp::FieldDescriptor::TYPE_STRING:
        appendJsonString(m_out, record.data, record.size);
        return true;
    case gp::FieldDescriptor::TYPE_BYTES:
        appendBase64(m_out, record.data, record.size);
        return true;
    default:
        return printScalar(field, record.value);
    }
}

bool ProtoJsonPrinter::printScalar(const gp::FieldDescriptor* field, uint64_t value)
{
    switch (field->type()) {
    case gp::FieldDescriptor::TYPE_INT32:
    case gp::FieldDescriptor::TYPE_SFIXED32:
        appendInteger(m_out, int32_t(uint32_t(value)), false);
        return true;
    case gp::FieldDescriptor::TYPE_SINT32:
        appendInteger(m_out, WireFormatLite::ZigZagDecode32(uint32_t(value)), false);
        return true;
    case gp::FieldDescriptor::TYPE_UINT32:
    case gp::FieldDescriptor::TYPE_FIXED32:
        appendInteger(m_out, uint32_t(value), false);
        return true;
    case gp::FieldDescriptor::TYPE_INT64:
    case gp::FieldDescriptor::TYPE_SFIXED64:
        appendInteger(m_out, int64_t(value), true);
        return true;
    case gp::FieldDescriptor::TYPE_SINT64:
        appendInteger(m_out, WireFormatLite::ZigZagDecode64(value), true);
        return true;
    case gp::FieldDescriptor::TYPE_UINT64:
    case gp::FieldDescriptor::TYPE_FIXED64:
        appendInteger(m_out, value, true);
        return true;
    case gp::FieldDescriptor::TYPE_BOOL:
        m_out += value ? "true" : "false";
        return true;
    case gp::FieldDescriptor::TYPE_DOUBLE:
        appendDouble(m_out, WireFormatLite::DecodeDouble(value));
        return true;
    case gp::FieldDescriptor::TYPE_FLOAT:
        return appendFloat(m_out, WireFormatLite::DecodeFloat(uint32_t(value)));
    case gp::FieldDescriptor::TYPE_ENUM: {
        const gp::EnumDescriptor* enumType = field->enum_type();
        // google.protobuf.NullValue prints as null; with aliases, which name wins is protobuf's choice.
        if (enumType->file()->package() == "google.protobuf" || enumType->options().allow_alias())
            return false;
        const int32_t number = int32_t(uint32_t(value));
        if (const gp::EnumValueDescriptor* named = enumType->FindValueByNumber(number)) {
            m_out += '"';
            m_out += named->name();
            m_out += '"';
        } else {
            appendInteger(m_out, number, false); // an open enum keeps numbers it does not know
        }
        return true;
    }
    default:
        return false;
    }
}

} // namespace mmf
