#include "schema/ProtoJsonParser.h"

#include "core/HexDigit.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace gp = google::protobuf;
using WireFormatLite = gp::internal::WireFormatLite;

namespace mmf {

namespace {

bool isWhitespace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// See ProtoJsonPrinter: proto3, no extensions, not a well-known type (those have JSON forms of their own).
bool eligible(const gp::Descriptor* type)
{
    const gp::FileDescriptor* file = type->file();
    return file->syntax() == gp::FileDescriptor::SYNTAX_PROTO3 && file->package() != "google.protobuf" &&
           type->extension_range_count() == 0;
}

// protobuf's converter looks a key up among the json names first, then among the proto names.
const gp::FieldDescriptor* findField(const gp::Descriptor* type, std::string_view key)
{
    const gp::FieldDescriptor* byJsonName = nullptr;
    const gp::FieldDescriptor* byName = nullptr;
    int jsonHits = 0;
    for (int i = 0, n = type->field_count(); i < n; ++i) {
        const gp::FieldDescriptor* field = type->field(i);
        if (field->json_name() == key) {
            byJsonName = field;
            ++jsonHits;
        }
        if (field->name() == key)
            byName = field;
    }
    if (jsonHits > 1)
        return nullptr;
    return byJsonName ? byJsonName : byName;
}

// A decimal integer in JSON's form (no '+', no leading zeros), not "-0" (protobuf reads some spellings of it
// as a double). Out of the 64-bit range: false.
bool parseInteger(std::string_view text, bool* negative, uint64_t* magnitude, int64_t* value)
{
    const char* p = text.data();
    const char* const end = p + text.size();
    *negative = p != end && *p == '-';
    const char* digits = *negative ? p + 1 : p;
    if (digits == end || (*digits == '0' && end - digits > 1) || (*negative && *digits == '0'))
        return false;
    for (const char* d = digits; d != end; ++d) {
        if (!isDigit(*d))
            return false;
    }
    if (*negative) {
        const auto result = std::from_chars(p, end, *value);
        return result.ec == std::errc() && result.ptr == end;
    }
    const auto result = std::from_chars(p, end, *magnitude);
    return result.ec == std::errc() && result.ptr == end;
}

// The wire value of an integer field (or enum), or false when out of the type's range.
bool integerWire(gp::FieldDescriptor::Type type, bool negative, uint64_t magnitude, int64_t value,
                 uint64_t* wire)
{
    // The value as int64 (when it fits) and as uint64 (when non-negative).
    const bool fitsInt64 = negative || magnitude <= uint64_t(INT64_MAX);
    const int64_t signedValue = negative ? value : int64_t(magnitude);
    switch (type) {
    case gp::FieldDescriptor::TYPE_INT32:
    case gp::FieldDescriptor::TYPE_ENUM:
    case gp::FieldDescriptor::TYPE_SINT32:
    case gp::FieldDescriptor::TYPE_SFIXED32: {
        if (!fitsInt64 || signedValue < INT32_MIN || signedValue > INT32_MAX)
            return false;
        const int32_t v = int32_t(signedValue);
        *wire = type == gp::FieldDescriptor::TYPE_SINT32     ? WireFormatLite::ZigZagEncode32(v)
                : type == gp::FieldDescriptor::TYPE_SFIXED32 ? uint32_t(v)
                                                             : uint64_t(int64_t(v));
        return true;
    }
    case gp::FieldDescriptor::TYPE_UINT32:
    case gp::FieldDescriptor::TYPE_FIXED32:
        if (negative || magnitude > UINT32_MAX)
            return false;
        *wire = magnitude;
        return true;
    case gp::FieldDescriptor::TYPE_INT64:
    case gp::FieldDescriptor::TYPE_SFIXED64:
    case gp::FieldDescriptor::TYPE_SINT64:
        if (!fitsInt64)
            return false;
        *wire = type == gp::FieldDescriptor::TYPE_SINT64 ? WireFormatLite::ZigZagEncode64(signedValue)
                                                         : uint64_t(signedValue);
        return true;
    case gp::FieldDescriptor::TYPE_UINT64:
    case gp::FieldDescriptor::TYPE_FIXED64:
        if (negative)
            return false;
        *wire = magnitude;
        return true;
    default:
        return false;
    }
}

bool isFloatingPoint(gp::FieldDescriptor::Type type)
{
    return type == gp::FieldDescriptor::TYPE_DOUBLE || type == gp::FieldDescriptor::TYPE_FLOAT;
}

// The wire value of "NaN", "Infinity" or "-Infinity".
bool specialWire(gp::FieldDescriptor::Type type, std::string_view text, uint64_t* wire)
{
    double value = 0;
    if (text == "NaN")
        value = std::numeric_limits<double>::quiet_NaN();
    else if (text == "Infinity")
        value = std::numeric_limits<double>::infinity();
    else if (text == "-Infinity")
        value = -std::numeric_limits<double>::infinity();
    else
        return false;
    *wire = type == gp::FieldDescriptor::TYPE_DOUBLE ? WireFormatLite::EncodeDouble(value)
                                                     : WireFormatLite::EncodeFloat(float(value));
    return true;
}

int base64Value(char c, bool urlSafe)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (urlSafe ? '-' : '+'))
        return 62;
    if (c == (urlSafe ? '_' : '/'))
        return 63;
    return -1;
}

// Base64 as protobuf decodes it in strict mode: the standard or the URL-safe alphabet (not mixed), padded to
// a multiple of four or not padded at all, unused bits zero. Appends the bytes to `out`.
bool decodeBase64(std::string_view text, std::string* out)
{
    size_t length = text.size();
    if (length > 0 && text[length - 1] == '=') {
        if (length % 4 != 0)
            return false;
        --length;
        if (text[length - 1] == '=')
            --length;
    }
    if (length % 4 == 1)
        return false;
    const bool urlSafe = text.substr(0, length).find_first_of("-_") != std::string_view::npos;
    const size_t start = out->size();
    out->resize(start + length / 4 * 3 + (length % 4 == 0 ? 0 : length % 4 - 1));
    char* o = out->data() + start;
    uint32_t bits = 0;
    int count = 0;
    for (size_t i = 0; i < length; ++i) {
        const int v = base64Value(text[i], urlSafe);
        if (v < 0)
            return false;
        bits = (bits << 6) | uint32_t(v);
        if (++count == 4) {
            *o++ = char(bits >> 16);
            *o++ = char(bits >> 8);
            *o++ = char(bits);
            bits = 0;
            count = 0;
        }
    }
    if (count == 2) {
        if (bits & 0xf)
            return false;
        *o++ = char(bits >> 4);
    } else if (count == 3) {
        if (bits & 0x3)
            return false;
        *o++ = char(bits >> 10);
        *o++ = char(bits >> 2);
    }
    return true;
}

bool readHex4(std::string_view text, size_t at, uint32_t* unit)
{
    if (text.size() < at + 4)
        return false;
    uint32_t value = 0;
    for (size_t i = at; i < at + 4; ++i) {
        const int digit = hexDigitValue(text[i]);
        if (digit < 0)
            return false;
        value = value << 4 | uint32_t(digit);
    }
    *unit = value;
    return true;
}

void appendUtf8(std::string* out, uint32_t cp)
{
    if (cp < 0x80) {
        out->push_back(char(cp));
    } else if (cp < 0x800) {
        out->push_back(char(0xc0 | (cp >> 6)));
        out->push_back(char(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out->push_back(char(0xe0 | (cp >> 12)));
        out->push_back(char(0x80 | ((cp >> 6) & 0x3f)));
        out->push_back(char(0x80 | (cp & 0x3f)));
    } else {
        out->push_back(char(0xf0 | (cp >> 18)));
        out->push_back(char(0x80 | ((cp >> 12) & 0x3f)));
        out->push_back(char(0x80 | ((cp >> 6) & 0x3f)));
        out->push_back(char(0x80 | (cp & 0x3f)));
    }
}

// The length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, surrogates or code points past
// U+10FFFF), or 0.
int utf8Length(const unsigned char* p, const unsigned char* end)
{
    const unsigned char c = *p;
    int extra = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if (c >= 0xc2 && c <= 0xdf) {
        extra = 1;
        cp = c & 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        extra = 2;
        cp = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        extra = 3;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (end - p <= extra)
        return 0;
    for (int i = 1; i <= extra; ++i) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return extra + 1;
}

uint32_t wireTypeOf(const gp::FieldDescriptor* field)
{
    return WireFormatLite::WireTypeForFieldType(static_cast<WireFormatLite::FieldType>(field->type()));
}

} // namespace

ProtoJsonParser::ProtoJsonParser(QByteArrayView json)
    : m_p(json.data())
    , m_end(json.data() + json.size())
{}

std::optional<QByteArray> ProtoJsonParser::parse(const gp::Descriptor* type, QByteArrayView json)
{
    if (!type)
        return std::nullopt;
    ProtoJsonParser parser(json);
    parser.m_out.reserve(size_t(json.size()));
    parser.skipWhitespace();
    if (parser.m_p == parser.m_end || *parser.m_p != '{' || !parser.parseObject(type, 1))
        return std::nullopt;
    parser.skipWhitespace();
    if (parser.m_p != parser.m_end)
        return std::nullopt;
    return QByteArray(parser.m_out.data(), qsizetype(parser.m_out.size()));
}

void ProtoJsonParser::skipWhitespace()
{
    while (m_p != m_end && isWhitespace(*m_p))
        ++m_p;
}

ProtoJsonParser::AfterItem ProtoJsonParser::afterItem(char close)
{
    skipWhitespace();
    if (m_p == m_end)
        return AfterItem::Malformed;
    if (*m_p == close) {
        ++m_p;
        return AfterItem::Closed;
    }
    if (*m_p != ',')
        return AfterItem::Malformed;
    ++m_p;
    skipWhitespace();
    return AfterItem::Another;
}

bool ProtoJsonParser::parseObject(const gp::Descriptor* type, int depth)
{
    if (depth > kMaxDepth || !eligible(type))
        return false;
    ++m_p; // '{'
    skipWhitespace();
    if (m_p != m_end && *m_p == '}') {
        ++m_p;
        return true;
    }
    // A field named twice (even once by proto name and once by json name) or a second member of a oneof: the
    // slow path decides (it refuses some, keeps the last of others).
    const int fieldCount = type->field_count();
    const int oneofCount = type->oneof_decl_count();
    if (fieldCount > 64 || oneofCount > 64)
        return false;
    uint64_t seenFields = 0;
    uint64_t seenOneofs = 0;
    while (true) {
        if (m_p == m_end || *m_p != '"')
            return false;
        std::string_view key;
        bool escaped = false;
        if (!readString(&key, &escaped) || escaped)
            return false;
        skipWhitespace();
        if (m_p == m_end || *m_p != ':')
            return false;
        ++m_p;
        skipWhitespace();
        const gp::FieldDescriptor* field = findField(type, key);
        if (!field)
            return false;
        const uint64_t fieldBit = uint64_t(1) << field->index();
        if (seenFields & fieldBit)
            return false;
        seenFields |= fieldBit;
        if (const gp::OneofDescriptor* oneof = field->real_containing_oneof()) {
            const uint64_t oneofBit = uint64_t(1) << oneof->index();
            if (seenOneofs & oneofBit)
                return false;
            seenOneofs |= oneofBit;
        }
        if (!parseField(field, depth))
            return false;
        const AfterItem next = afterItem('}');
        if (next == AfterItem::Malformed)
            return false;
        if (next == AfterItem::Closed)
            return true;
    }
}

bool ProtoJsonParser::parseField(const gp::FieldDescriptor* field, int depth)
{
    if (m_p == m_end)
        return false;
    if (field->is_map())
        return *m_p == '{' && parseMap(field, depth);
    if (field->is_repeated())
        return *m_p == '[' && parseList(field, depth);
    return parseValue(field, true, !field->has_presence(), depth);
}

bool ProtoJsonParser::parseList(const gp::FieldDescriptor* field, int depth)
{
    if (depth + 1 > kMaxDepth)
        return false;
    ++m_p; // '['
    skipWhitespace();
    const bool packed = field->is_packable();
    const size_t start = m_out.size();
    size_t mark = 0;
    if (packed) {
        writeTag(field->number(), WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
        mark = beginLength();
    }
    if (m_p != m_end && *m_p == ']') {
        ++m_p;
        m_out.resize(start);
        return true;
    }
    while (true) {
        if (m_p == m_end)
            return false;
        if (!parseValue(field, !packed, false, depth + 1))
            return false;
        const AfterItem next = afterItem(']');
        if (next == AfterItem::Malformed)
            return false;
        if (next == AfterItem::Closed)
            break;
    }
    if (packed)
        endLength(mark);
    return true;
}

bool ProtoJsonParser::parseMap(const gp::FieldDescriptor* field, int depth)
{
    if (depth + 1 > kMaxDepth)
        return false;
    const gp::Descriptor* entryType = field->message_type();
    const gp::FieldDescriptor* keyField = entryType->FindFieldByNumber(1);
    const gp::FieldDescriptor* valueField = entryType->FindFieldByNumber(2);
    if (!keyField || !valueField)
        return false;
    ++m_p; // '{'
    skipWhitespace();
    if (m_p != m_end && *m_p == '}') {
        ++m_p;
        return true;
    }
    const size_t keysBegin = m_keys.size();
    while (true) {
        if (m_p == m_end || *m_p != '"')
            return false;
        // Keys are compared decoded (integer keys are canonical, so equal numbers have equal text).
        std::string_view key;
        bool escaped = false;
        if (!readString(&key, &escaped))
            return false;
        if (escaped) {
            std::string& decoded = m_decodedKeys.emplace_back();
            if (!unescape(key, &decoded))
                return false;
            key = decoded;
        }
        skipWhitespace();
        if (m_p == m_end || *m_p != ':')
            return false;
        ++m_p;
        skipWhitespace();
        writeTag(field->number(), WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
        const size_t mark = beginLength();
        if (!parseMapKey(keyField, key) || m_p == m_end || !parseValue(valueField, true, false, depth + 1))
            return false;
        endLength(mark);
        m_keys.push_back(key);
        const AfterItem next = afterItem('}');
        if (next == AfterItem::Malformed)
            return false;
        if (next == AfterItem::Closed)
            break;
    }
    // A key twice: the slow path refuses it or keeps the last.
    const auto first = m_keys.begin() + std::ptrdiff_t(keysBegin);
    std::sort(first, m_keys.end());
    const bool unique = std::adjacent_find(first, m_keys.end()) == m_keys.end();
    m_keys.resize(keysBegin);
    return unique;
}

bool ProtoJsonParser::parseMapKey(const gp::FieldDescriptor* keyField, std::string_view key)
{
    const auto type = keyField->type();
    if (type == gp::FieldDescriptor::TYPE_STRING) {
        writeTag(1, WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
        writeVarint(key.size());
        m_out.append(key);
        return true;
    }
    uint64_t wire = 0;
    if (type == gp::FieldDescriptor::TYPE_BOOL) {
        if (key != "true" && key != "false")
            return false;
        wire = key == "true";
    } else {
        bool negative = false;
        uint64_t magnitude = 0;
        int64_t value = 0;
        if (!parseInteger(key, &negative, &magnitude, &value) ||
            !integerWire(type, negative, magnitude, value, &wire))
            return false;
    }
    const uint32_t wireType = wireTypeOf(keyField);
    writeTag(1, int(wireType));
    writeScalar(wireType, wire);
    return true;
}

bool ProtoJsonParser::parseValue(const gp::FieldDescriptor* field, bool tagged, bool omitZero, int depth)
{
    const int number = field->number();
    switch (field->type()) {
    case gp::FieldDescriptor::TYPE_MESSAGE: {
        if (*m_p != '{')
            return false;
        if (tagged)
            writeTag(number, WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
        const size_t mark = beginLength();
        if (!parseObject(field->message_type(), depth + 1))
            return false;
        endLength(mark);
        return true;
    }
    case gp::FieldDescriptor::TYPE_STRING: {
        std::string_view raw;
        bool escaped = false;
        if (*m_p != '"' || !readString(&raw, &escaped))
            return false;
        if (omitZero && raw.empty())
            return true;
        if (tagged)
            writeTag(number, WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
        if (!escaped) {
            writeVarint(raw.size());
            m_out.append(raw);
            return true;
        }
        const size_t mark = beginLength();
        if (!unescape(raw, &m_out))
            return false;
        endLength(mark);
        return true;
    }
    case gp::FieldDescriptor::TYPE_BYTES: {
        std::string_view raw;
        bool escaped = false;
        if (*m_p != '"' || !readString(&raw, &escaped))
            return false;
        if (escaped) {
            m_text.clear();
            if (!unescape(raw, &m_text))
                return false;
            raw = m_text;
        }
        const size_t start = m_out.size();
        if (tagged)
            writeTag(number, WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
        const size_t mark = beginLength();
        if (!decodeBase64(raw, &m_out))
            return false;
        if (omitZero && m_out.size() == mark + 1) {
            m_out.resize(start);
            return true;
        }
        endLength(mark);
        return true;
    }
    default:
        break;
    }

    uint64_t wire = 0;
    if (!parseNumber(field, &wire))
        return false;
    if (omitZero && wire == 0)
        return true; // all bits zero (a double -0.0 is not)
    const uint32_t wireType = wireTypeOf(field);
    if (tagged)
        writeTag(number, int(wireType));
    writeScalar(wireType, wire);
    return true;
}

// A scalar other than a string or bytes: its wire value (varint, or the fixed-width bits).
bool ProtoJsonParser::parseNumber(const gp::FieldDescriptor* field, uint64_t* wire)
{
    const auto type = field->type();
    const auto delimited = [this] {
        return m_p == m_end || isWhitespace(*m_p) || *m_p == ',' || *m_p == '}' || *m_p == ']';
    };
    if (type == gp::FieldDescriptor::TYPE_BOOL) {
        if (m_end - m_p >= 4 && std::memcmp(m_p, "true", 4) == 0) {
            m_p += 4;
            *wire = 1;
        } else if (m_end - m_p >= 5 && std::memcmp(m_p, "false", 5) == 0) {
            m_p += 5;
            *wire = 0;
        } else {
            return false;
        }
        return delimited();
    }
    if (type == gp::FieldDescriptor::TYPE_ENUM) {
        // google.protobuf.NullValue reads null; enums there are not this path's business.
        if (field->enum_type()->file()->package() == "google.protobuf")
            return false;
    }

    if (*m_p == '"') {
        std::string_view text;
        bool escaped = false;
        if (!readString(&text, &escaped) || escaped)
            return false;
        if (type == gp::FieldDescriptor::TYPE_ENUM) {
            const gp::EnumValueDescriptor* value = field->enum_type()->FindValueByName(std::string(text));
            if (!value)
                return false;
            *wire = uint64_t(int64_t(value->number()));
            return true;
        }
        if (isFloatingPoint(type))
            return specialWire(type, text, wire);
        bool negative = false;
        uint64_t magnitude = 0;
        int64_t value = 0;
        return parseInteger(text, &negative, &magnitude, &value) &&
               integerWire(type, negative, magnitude, value, wire);
    }

    // A number in JSON's grammar, followed by a delimiter.
    const char* const start = m_p;
    const char* p = m_p;
    if (p != m_end && *p == '-')
        ++p;
    if (p == m_end || !isDigit(*p))
        return false;
    if (*p == '0') {
        ++p;
    } else {
        while (p != m_end && isDigit(*p))
            ++p;
    }
    bool integer = true;
    if (p != m_end && *p == '.') {
        ++p;
        if (p == m_end || !isDigit(*p))
            return false;
        while (p != m_end && isDigit(*p))
            ++p;
        integer = false;
    }
    if (p != m_end && (*p == 'e' || *p == 'E')) {
        ++p;
        if (p != m_end && (*p == '+' || *p == '-'))
            ++p;
        if (p == m_end || !isDigit(*p))
            return false;
        while (p != m_end && isDigit(*p))
            ++p;
        integer = false;
    }
    m_p = p;
    if (!delimited())
        return false;
    const std::string_view text(start, size_t(p - start));

    if (isFloatingPoint(type)) {
        // protobuf reads integers as 64-bit integers and converts them, others with strtod; both round
        // correctly, as from_chars does. A bare -0 is read as -0.0 by the slow path (its scan() patches it).
        double value = 0;
        const auto result = std::from_chars(start, p, value);
        if (result.ec != std::errc() || result.ptr != p || !std::isfinite(value))
            return false;
        if (type == gp::FieldDescriptor::TYPE_DOUBLE) {
            *wire = WireFormatLite::EncodeDouble(value);
            return true;
        }
        // A float: an integer is converted straight to float by protobuf, exactly as here only up to 2^53;
        // past FLT_MAX protobuf has a range check of its own.
        if ((integer && std::fabs(value) > 9007199254740992.0) || std::fabs(value) > double(FLT_MAX))
            return false;
        *wire = WireFormatLite::EncodeFloat(float(value));
        return true;
    }
    if (!integer)
        return false;
    bool negative = false;
    uint64_t magnitude = 0;
    int64_t value = 0;
    if (!parseInteger(text, &negative, &magnitude, &value))
        return false;
    if (type == gp::FieldDescriptor::TYPE_ENUM) {
        // Any int32 is taken: proto3 enums are open.
        if (negative ? value < INT32_MIN : magnitude > uint64_t(INT32_MAX))
            return false;
        *wire = uint64_t(negative ? value : int64_t(magnitude));
        return true;
    }
    return integerWire(type, negative, magnitude, value, wire);
}

bool ProtoJsonParser::readString(std::string_view* raw, bool* escaped)
{
    const char* p = m_p + 1;
    *escaped = false;
    while (true) {
        if (p == m_end)
            return false;
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"')
            break;
        if (c == '\\') {
            *escaped = true;
            if (m_end - p < 2)
                return false;
            p += 2;
            continue;
        }
        if (c < 0x20)
            return false; // JSON wants control characters escaped
        if (c < 0x80) {
            ++p;
            continue;
        }
        const int length = utf8Length(reinterpret_cast<const unsigned char*>(p),
                                      reinterpret_cast<const unsigned char*>(m_end));
        if (length == 0)
            return false;
        p += length;
    }
    *raw = std::string_view(m_p + 1, size_t(p - m_p - 1));
    m_p = p + 1;
    return true;
}

bool ProtoJsonParser::unescape(std::string_view raw, std::string* out)
{
    size_t i = 0;
    while (i < raw.size()) {
        const size_t backslash = raw.find('\\', i);
        if (backslash == std::string_view::npos) {
            out->append(raw.substr(i));
            return true;
        }
        out->append(raw.substr(i, backslash - i));
        i = backslash + 1;
        if (i >= raw.size())
            return false;
        const char c = raw[i++];
        switch (c) {
        case '"':
        case '\\':
        case '/':
            out->push_back(c);
            break;
        case 'b':
            out->push_back('\b');
            break;
        case 'f':
            out->push_back('\f');
            break;
        case 'n':
            out->push_back('\n');
            break;
        case 'r':
            out->push_back('\r');
            break;
        case 't':
            out->push_back('\t');
            break;
        case 'u': {
            uint32_t unit = 0;
            if (!readHex4(raw, i, &unit))
                return false;
            i += 4;
            if (unit >= 0xdc00 && unit <= 0xdfff)
                return false; // a low surrogate alone
            if (unit >= 0xd800 && unit <= 0xdbff) {
                uint32_t low = 0;
                if (raw.substr(i, 2) != "\\u" || !readHex4(raw, i + 2, &low) || low < 0xdc00 || low > 0xdfff)
                    return false;
                i += 6;
                unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
            }
            appendUtf8(out, unit);
            break;
        }
        default:
            return false;
        }
    }
    return true;
}

void ProtoJsonParser::writeVarint(uint64_t value)
{
    uint8_t buffer[10];
    const uint8_t* end = gp::io::CodedOutputStream::WriteVarint64ToArray(value, buffer);
    m_out.append(reinterpret_cast<const char*>(buffer), size_t(end - buffer));
}

void ProtoJsonParser::writeScalar(uint32_t wireType, uint64_t wire)
{
    if (wireType == WireFormatLite::WIRETYPE_VARINT) {
        writeVarint(wire);
        return;
    }
    const size_t at = m_out.size();
    const int bytes = wireType == WireFormatLite::WIRETYPE_FIXED32 ? 4 : 8;
    m_out.resize(at + size_t(bytes));
    for (int i = 0; i < bytes; ++i)
        m_out[at + size_t(i)] = char(wire >> (8 * i)); // little-endian, as the wire format
}

void ProtoJsonParser::writeTag(int number, int wireType)
{
    writeVarint(WireFormatLite::MakeTag(number, static_cast<WireFormatLite::WireType>(wireType)));
}

// A length-delimited payload gets one byte for its length; endLength widens it when the payload needs more
// (rare: most nested messages are under 128 bytes, and moving the bytes costs less than sizing them first).
size_t ProtoJsonParser::beginLength()
{
    m_out.push_back('\0');
    return m_out.size() - 1;
}

void ProtoJsonParser::endLength(size_t mark)
{
    const size_t length = m_out.size() - mark - 1;
    if (length < 0x80) {
        m_out[mark] = char(length);
        return;
    }
    uint8_t buffer[10];
    const uint8_t* end = gp::io::CodedOutputStream::WriteVarint64ToArray(length, buffer);
    const size_t bytes = size_t(end - buffer);
    m_out.insert(mark + 1, bytes - 1, '\0');
    std::memcpy(m_out.data() + mark, buffer, bytes);
}

} // namespace mmf
