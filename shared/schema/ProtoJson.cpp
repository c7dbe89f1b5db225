#include "schema/ProtoJson.h"

#include "schema/CachingTypeResolver.h"
#include "schema/DescriptorSet.h"
#include "schema/ProtoJsonParser.h"
#include "schema/ProtoJsonPrinter.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace gp = google::protobuf;

namespace mmf::ProtoJson {

namespace {

// Error texts echo parts of the input (values, unknown names): keep them short.
constexpr qsizetype kMaxQuoted = 80;

QString clip(std::string_view text)
{
    QString s = QString::fromUtf8(text.data(), qsizetype(text.size()));
    if (s.size() > kMaxQuoted)
        s = s.left(kMaxQuoted) + QStringLiteral("…");
    return s;
}

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

std::string joinPath(std::string_view parent, std::string_view name)
{
    std::string path(parent);
    if (!path.empty() && !name.empty())
        path += '.';
    path += name;
    return path;
}

// "TYPE_INT32" -> "int32", "type.googleapis.com/mmf.models.Color" -> "mmf.models.Color".
QString typeName(std::string_view type)
{
    if (startsWith(type, "TYPE_")) {
        return QString::fromLatin1(type.data() + 5, qsizetype(type.size() - 5)).toLower();
    }
    if (const auto slash = type.rfind('/'); slash != std::string_view::npos)
        type.remove_prefix(slash + 1);
    return clip(type);
}

// protobuf's converter reports (3.21, util/json_util.cc StatusErrorListener and json_stream_parser.cc):
//   "<message>\n<input excerpt>\n   ^"                      malformed JSON, invalid UTF-8
//   "Message too deep. Max recursion depth reached ..."      nesting bomb
//   "[(<path>) ]<name>: <message>"                           unknown or misplaced field
//   "[(<path>)]: invalid value <value> for type <type>"       wrong type, out of range, oneof set twice
//   "[(<path>)]: missing field <name>"                       proto2 required field
Error mapStatus(std::string_view status)
{
    if (const auto newline = status.find('\n'); newline != std::string_view::npos) {
        const std::string_view first = status.substr(0, newline);
        if (first.find("UTF-8") != std::string_view::npos ||
            first.find("surrogate") != std::string_view::npos)
            return Error::invalidArgument(QStringLiteral("malformed JSON: invalid UTF-8 or escape: ") +
                                          clip(first));
        return Error::invalidArgument(QStringLiteral("malformed JSON: ") + clip(first));
    }
    if (startsWith(status, "Message too deep"))
        return Error::invalidArgument(QStringLiteral("JSON nested too deeply"));

    std::string_view path;
    std::string_view rest = status;
    if (startsWith(rest, "(")) {
        // The location has no spaces (field names, indices); the first ")" followed by ":" or " " ends it.
        const auto close = rest.find(')');
        if (close != std::string_view::npos) {
            path = rest.substr(1, close - 1);
            rest.remove_prefix(close + 1);
        }
    }

    constexpr std::string_view kInvalid = ": invalid value ";
    constexpr std::string_view kMissing = ": missing field ";
    if (startsWith(rest, kInvalid)) {
        rest.remove_prefix(kInvalid.size());
        std::string_view value = rest;
        std::string_view type;
        if (const auto at = rest.rfind(" for type "); at != std::string_view::npos) {
            value = rest.substr(0, at);
            type = rest.substr(at + 10);
        }
        if (type == "oneof") {
            // "oneof field 'choice' is already set. Cannot set 'choice_number'"
            std::string_view oneof, member;
            if (const auto a = value.find('\''); a != std::string_view::npos) {
                const auto b = value.find('\'', a + 1);
                if (b != std::string_view::npos)
                    oneof = value.substr(a + 1, b - a - 1);
            }
            if (const auto c = value.rfind("Cannot set '"); c != std::string_view::npos) {
                member = value.substr(c + 12);
                if (!member.empty() && member.back() == '\'')
                    member.remove_suffix(1);
            }
            const std::string field = joinPath(path, member);
            return Error::invalidArgument(
                QStringLiteral("field \"%1\": oneof \"%2\" already has a member set; at most one may be set")
                    .arg(clip(field), clip(oneof)),
                QString::fromStdString(field));
        }
        // Messages that name the field in the text rather than in the location.
        if (startsWith(value, "Starting an object on a scalar field")) {
            const std::string field = joinPath(path, type);
            return Error::invalidArgument(
                QStringLiteral("field \"%1\": an object is not a valid value").arg(clip(field)),
                QString::fromStdString(field));
        }
        if (const auto named = value.find(" for field '"); named != std::string_view::npos) {
            std::string_view name = value.substr(named + 12);
            name = name.substr(0, name.find('\''));
            const std::string field = joinPath(path, name);
            const std::string_view what = value.substr(0, named);
            return Error::invalidArgument(
                startsWith(what, "Cannot bind a list to map")
                    ? QStringLiteral("field \"%1\": a list is not a valid value for a map").arg(clip(field))
                    : QStringLiteral("field \"%1\": %2").arg(clip(field), clip(what)),
                QString::fromStdString(field));
        }
        const QString field = QString::fromUtf8(path.data(), qsizetype(path.size()));
        // Well-known types explain themselves: "Field 'at', Invalid time format: yesterday".
        if (startsWith(value, "Field '")) {
            if (const auto comma = value.find("', "); comma != std::string_view::npos)
                value.remove_prefix(comma + 3);
            return Error::invalidArgument(
                QStringLiteral("field \"%1\": invalid %2: %3").arg(clip(path), typeName(type), clip(value)),
                field);
        }
        if (path.empty())
            return Error::invalidArgument(
                QStringLiteral("invalid value %1 for type %2").arg(clip(value), typeName(type)));
        return Error::invalidArgument(QStringLiteral("field \"%1\": invalid value %2 for type %3")
                                          .arg(clip(path), clip(value), typeName(type)),
                                      field);
    }
    if (startsWith(rest, kMissing)) {
        rest.remove_prefix(kMissing.size());
        const std::string field = joinPath(path, rest);
        return Error::invalidArgument(QStringLiteral("field \"%1\" is required").arg(clip(field)),
                                      QString::fromStdString(field));
    }

    // "[(path) ]name: message"
    if (startsWith(rest, " "))
        rest.remove_prefix(1);
    if (const auto colon = rest.rfind(": "); colon != std::string_view::npos) {
        const std::string field = joinPath(path, rest.substr(0, colon));
        const std::string_view message = rest.substr(colon + 2);
        if (startsWith(message, "Cannot find field"))
            return Error::invalidArgument(QStringLiteral("unknown field \"%1\"").arg(clip(field)),
                                          QString::fromStdString(field));
        if (startsWith(message, "Proto field is not repeating"))
            return Error::invalidArgument(
                QStringLiteral("field \"%1\": a list is not a valid value (the field is not repeated)")
                    .arg(clip(field)),
                QString::fromStdString(field));
        return Error::invalidArgument(QStringLiteral("field \"%1\": %2").arg(clip(field), clip(message)),
                                      QString::fromStdString(field));
    }
    return Error::invalidArgument(QStringLiteral("invalid JSON for the message: ") + clip(status));
}

// Well-known types have their own JSON forms (a Timestamp is a string), so only ordinary messages must be
// objects.
bool mustBeObject(const gp::Descriptor* type)
{
    return type->file()->package() != "google.protobuf";
}

// Deeper JSON than this is refused before conversion. The binary parser stops at 100 nested messages; JSON
// needs a level more for each list and map, so this leaves room for any message that can still be parsed.
constexpr int kMaxJsonDepth = 200;

// One pass over the text (strings skipped) for what protobuf 3.21's converter lets through: it flattens a
// list nested in a list into the repeated field, and it follows nesting inside a google.protobuf.Value as
// deep as it goes, yielding a binary no parser accepts.
struct Shape
{
    char first = 0; // first non-blank character
    bool tooDeep = false;
    bool nestedList = false;        // a list as an element of a list
    std::string_view nestedListKey; // the last object key before it, for the message
    bool duplicate = false;         // a key appears twice in one object (protobuf would keep the last)
    std::string_view duplicateKey;
    // Where a bare `-0` ends: protobuf 3.21 reads it as the integer 0, so a double -0.0, which it prints as
    // `-0`, would come back as +0.0 (`-0.0` and `-0e0` do stay negative).
    std::vector<qsizetype> negativeZeroEnds;
};

bool isNumberChar(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

Shape scan(QByteArrayView json)
{
    Shape shape;
    int depth = 0;
    std::array<char, kMaxJsonDepth> open; // the bracket of each enclosing container
    std::string_view lastString, lastKey;
    // The keys of each open object (a hash set, so that an object of 100,000 keys stays linear).
    std::vector<std::unordered_set<std::string_view>> keys;
    const char* data = json.data();
    const qsizetype size = json.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char c = data[i];
        switch (c) {
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            continue;
        case '"': {
            const qsizetype start = ++i;
            while (i < size && data[i] != '"')
                i += data[i] == '\\' ? 2 : 1;
            lastString = std::string_view(data + start, size_t(std::min(i, size) - start));
            break;
        }
        case ':':
            lastKey = lastString;
            if (depth > 0 && open[depth - 1] == '{' && !keys.empty() && !keys.back().insert(lastKey).second) {
                shape.duplicate = true;
                shape.duplicateKey = lastKey;
                return shape;
            }
            break;
        case '[':
        case '{':
            if (depth == kMaxJsonDepth) {
                shape.tooDeep = true;
                return shape;
            }
            if (c == '[' && depth > 0 && open[depth - 1] == '[' && !shape.nestedList) {
                shape.nestedList = true;
                shape.nestedListKey = lastKey;
            }
            open[depth++] = c;
            if (c == '{')
                keys.emplace_back();
            break;
        case ']':
        case '}':
            if (depth > 0) {
                --depth;
                if (open[depth] == '{' && !keys.empty())
                    keys.pop_back();
            }
            break;
        case '-':
            // (Not an exponent's sign: `1e-0` is 1, and `1e-0.0` would not parse; fuzz_proto_json's
            // crash-14d47749….)
            if (i + 1 < size && data[i + 1] == '0' && (i + 2 == size || !isNumberChar(data[i + 2])) &&
                (i == 0 || (data[i - 1] != 'e' && data[i - 1] != 'E')))
                shape.negativeZeroEnds.push_back(i + 2);
            break;
        default:
            break;
        }
        if (!shape.first)
            shape.first = c;
    }
    return shape;
}

// What inside a type makes protobuf's converter write bytes that do not parse (see jsonToBinary).
struct ConverterRisks
{
    bool freeForm = false; // any JSON at all may appear (google.protobuf.Value and its kin)
    bool plainMap = false; // a map whose values are not messages
};

ConverterRisks converterRisks(const gp::Descriptor* type)
{
    ConverterRisks risks;
    std::vector<const gp::Descriptor*> pending{type};
    std::unordered_set<const gp::Descriptor*> seen{type};
    while (!pending.empty() && !(risks.freeForm && risks.plainMap)) {
        const gp::Descriptor* message = pending.back();
        pending.pop_back();
        const std::string& name = message->full_name();
        if (name == "google.protobuf.Value" || name == "google.protobuf.ListValue" ||
            name == "google.protobuf.Struct" || name == "google.protobuf.Any")
            risks.freeForm = true;
        for (int i = 0; i < message->field_count(); ++i) {
            const gp::FieldDescriptor* field = message->field(i);
            const gp::Descriptor* child = field->message_type();
            if (field->is_map()) {
                const gp::FieldDescriptor* value = child->FindFieldByNumber(2);
                risks.plainMap =
                    risks.plainMap || !value || value->type() != gp::FieldDescriptor::TYPE_MESSAGE;
            }
            if (child && seen.insert(child).second)
                pending.push_back(child);
        }
    }
    return risks;
}

Error foreignType()
{
    return Error::internal(QStringLiteral("message type does not belong to the descriptor set"));
}

} // namespace

Result<QByteArray> jsonToBinary(const DescriptorSet& set, const gp::Descriptor* type, QByteArrayView json)
{
    if (!set.prototype(type))
        return foreignType();
    // The common forms take the fast path; it declines whatever it is not sure about, errors included, so
    // that protobuf's converter still decides those (and the errors are worded in one place).
    if (std::optional<QByteArray> binary = ProtoJsonParser::parse(type, json))
        return *std::move(binary);
    return jsonToBinaryByProtobuf(set, type, json);
}

Result<QByteArray> binaryToJson(const DescriptorSet& set, const gp::Descriptor* type, QByteArrayView binary)
{
    if (!set.prototype(type))
        return foreignType();
    // The fast path prints exactly what protobuf's converter prints, or declines (bad wire data, well-known
    // types, proto2, ...).
    if (std::optional<QByteArray> json = ProtoJsonPrinter::print(type, binary))
        return *std::move(json);
    return binaryToJsonByProtobuf(set, type, binary);
}

Result<QByteArray> jsonToBinaryByProtobuf(const DescriptorSet& set, const gp::Descriptor* type,
                                          QByteArrayView json)
{
    const gp::Message* prototype = set.prototype(type);
    if (!prototype)
        return foreignType();

    const Shape shape = scan(json);
    if (shape.tooDeep)
        return Error::invalidArgument(
            QStringLiteral("JSON nested too deeply (over %1 levels)").arg(kMaxJsonDepth));
    if (shape.duplicate)
        return Error::invalidArgument(
            QStringLiteral("duplicate key \"%1\" in a JSON object").arg(clip(shape.duplicateKey)));
    if (!shape.first)
        return Error::invalidArgument(QStringLiteral("malformed JSON: empty body"));
    if (mustBeObject(type) && shape.first != '{')
        return Error::invalidArgument(QStringLiteral("the body must be a JSON object"));
    const ConverterRisks risks = converterRisks(type);
    const bool freeForm = risks.freeForm;
    if (shape.nestedList && !freeForm)
        return Error::invalidArgument(
            QStringLiteral("a list inside a list (near \"%1\"): repeated fields take a flat list")
                .arg(clip(shape.nestedListKey)));

    // `-0` becomes `-0.0`: the same value for integer fields, and a double's sign survives (see Shape).
    QByteArray patched;
    if (!shape.negativeZeroEnds.empty()) {
        patched.reserve(json.size() + 2 * qsizetype(shape.negativeZeroEnds.size()));
        qsizetype from = 0;
        for (const qsizetype end : shape.negativeZeroEnds) {
            patched.append(json.sliced(from, end - from)).append(".0");
            from = end;
        }
        patched.append(json.sliced(from));
        json = patched;
    }

    // JsonToBinaryString with a cached type resolver: ~27 us for an EchoRequest-sized body here, against ~45
    // us for JsonStringToMessage on a DynamicMessage (which builds a type resolver per call and parses the
    // result). The bytes are valid but not canonical (fields set to their defaults are written, lists
    // unpacked): re-serializing through a DynamicMessage would cost ~20 us more.
    gp::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    options.case_insensitive_enum_parsing = false;
    std::string binary;
    const auto status =
        gp::util::JsonToBinaryString(set.typeResolver(), CachingTypeResolver::typeUrl(type->full_name()),
                                     gp::StringPiece(json.data(), size_t(json.size())), &binary, options);
    if (!status.ok()) {
        const auto message = status.message();
        return mapStatus(std::string_view(message.data(), message.size()));
    }

    // The converter's bytes do not always parse: inside a Value it follows the nesting as deep as it goes
    // (within kMaxJsonDepth), past what any binary parser accepts (100 nested messages), and it writes an
    // object given for a map's plain value ({"counts": {"a": {}}}, {"counts": {"a": {"value": 1}}}) as a
    // broken entry (fuzz_proto_json's crash-c29cdd5d…). Only input the fast path declined gets here.
    if (freeForm || risks.plainMap) {
        gp::Arena arena;
        if (!prototype->New(&arena)->ParsePartialFromString(binary)) {
            if (freeForm)
                return Error::invalidArgument(
                    QStringLiteral("JSON nested too deeply for a protobuf message"));
            return Error::invalidArgument(
                QStringLiteral("invalid JSON for %1: an object where a map takes plain values")
                    .arg(QString::fromStdString(type->full_name())));
        }
    }
    return QByteArray::fromStdString(binary);
}

Result<QByteArray> binaryToJsonByProtobuf(const DescriptorSet& set, const gp::Descriptor* type,
                                          QByteArrayView binary)
{
    const gp::Message* prototype = set.prototype(type);
    if (!prototype)
        return foreignType();

    // The JSON writer reads the wire format without validating it (garbage prints as "{}"), so parse first,
    // then print the message re-serialized deterministically: map entries in key order, a singular field that
    // occurs twice on the wire printed once. ~28 us for an EchoRequest (parse + MessageToJsonString: ~30 us).
    std::unique_ptr<gp::Message> message(prototype->New());
    if (!message->ParsePartialFromArray(binary.data(), int(binary.size())))
        return Error::invalidArgument(
            QStringLiteral("not a valid %1 message").arg(QString::fromStdString(type->full_name())));
    if (!message->IsInitialized())
        return Error::invalidArgument(
            QStringLiteral("%1 is missing required fields: %2")
                .arg(QString::fromStdString(type->full_name()), clip(message->InitializationErrorString())));
    std::string canonical;
    {
        gp::io::StringOutputStream stream(&canonical);
        gp::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true); // map entries sorted by key
        message->SerializePartialToCodedStream(&coded);
    }

    // Proto field names as keys; fields at their default value are left out (proto3 semantics; a field with
    // explicit presence, such as `optional`, is printed when set, even to zero); enums by name.
    gp::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    options.always_print_primitive_fields = false;
    options.always_print_enums_as_ints = false;
    options.add_whitespace = false;
    std::string json;
    const auto status = gp::util::BinaryToJsonString(
        set.typeResolver(), CachingTypeResolver::typeUrl(type->full_name()), canonical, &json, options);
    if (!status.ok()) {
        const auto text = status.message();
        return Error::invalidArgument(QStringLiteral("cannot print %1 as JSON: %2")
                                          .arg(QString::fromStdString(type->full_name()),
                                               clip(std::string_view(text.data(), text.size()))));
    }
    return QByteArray::fromStdString(json);
}

} // namespace mmf::ProtoJson
