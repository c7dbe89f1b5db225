#include "schema/JsonSchema.h"

#include "mmf/options.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/util/json_util.h>

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <optional>
#include <unordered_set>
#include <vector>

namespace gp = google::protobuf;

namespace mmf::JsonSchema {

namespace {

// Message types are inlined where they are used (what form builders and API docs read most easily) until one
// of these bounds is hit; after that, and for recursive types, they go to "$defs" once and are referenced.
// The budget keeps the size linear when types fan out (A has two B fields, B two C fields, ...).
constexpr size_t kMaxInlineDepth = 16;
constexpr int kInlineBudget = 256;

QString qs(const std::string& s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// Leading comment (else trailing), one space of "// " indentation and blank edges removed.
template<class D> QString describe(const D* descriptor)
{
    gp::SourceLocation location;
    if (!descriptor->GetSourceLocation(&location))
        return {};
    const std::string& raw =
        !location.leading_comments.empty() ? location.leading_comments : location.trailing_comments;
    QStringList lines;
    for (const QString& line : qs(raw).split(QLatin1Char('\n')))
        lines.append(line.trimmed());
    while (!lines.isEmpty() && lines.first().isEmpty())
        lines.removeFirst();
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines.join(QLatin1Char('\n'));
}

// The (mmf.ui) option. Descriptors built at run time keep it as a known extension when this binary links
// options.pb.cc (it does: this file uses it) and as unknown bytes otherwise; re-parsing covers both.
std::optional<mmf::UiOptions> uiOptions(const gp::FieldDescriptor* field)
{
    const gp::FieldOptions& options = field->options();
    if (options.HasExtension(mmf::ui))
        return options.GetExtension(mmf::ui);
    if (options.unknown_fields().empty())
        return std::nullopt;
    gp::FieldOptions reparsed;
    if (!reparsed.ParseFromString(options.SerializeAsString()) || !reparsed.HasExtension(mmf::ui))
        return std::nullopt;
    return reparsed.GetExtension(mmf::ui);
}

QJsonObject uiJson(const mmf::UiOptions& ui)
{
    gp::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    std::string json;
    if (!gp::util::MessageToJsonString(ui, &json, options).ok())
        return {};
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
}

bool isNumeric(gp::FieldDescriptor::CppType type)
{
    switch (type) {
    case gp::FieldDescriptor::CPPTYPE_INT32:
    case gp::FieldDescriptor::CPPTYPE_INT64:
    case gp::FieldDescriptor::CPPTYPE_UINT32:
    case gp::FieldDescriptor::CPPTYPE_UINT64:
    case gp::FieldDescriptor::CPPTYPE_DOUBLE:
    case gp::FieldDescriptor::CPPTYPE_FLOAT:
        return true;
    default:
        return false;
    }
}

QJsonObject int64Schema(bool isUnsigned)
{
    // The JSON mapping prints 64-bit integers as strings (doubles lose precision) and accepts numbers too.
    QJsonObject s{{"type", QJsonArray{"string", "integer"}},
                  {"format", isUnsigned ? "uint64" : "int64"},
                  {"pattern", isUnsigned ? "^[0-9]+$" : "^-?[0-9]+$"}};
    if (isUnsigned)
        s.insert("minimum", 0);
    return s;
}

QJsonObject enumSchema(const gp::EnumDescriptor* type)
{
    if (type->full_name() == "google.protobuf.NullValue")
        return {{"type", "null"}};
    // Names are what the converter prints; it also accepts the numbers.
    QJsonArray names;
    for (int i = 0; i < type->value_count(); ++i)
        names.append(qs(type->value(i)->name()));
    return {{"type", "string"}, {"enum", names}};
}

class Builder
{
public:
    explicit Builder(QString refPrefix)
        : m_refPrefix(std::move(refPrefix))
    {}

    QJsonObject root(const gp::Descriptor* type)
    {
        QJsonObject schema;
        if (auto known = wellKnown(type)) {
            schema = *known;
        } else {
            m_stack.assign(1, type);
            schema = messageBody(type);
        }
        schema.insert("title", qs(type->full_name()));
        const QString description = describe(type);
        if (!description.isEmpty())
            schema.insert("description", description);

        QJsonObject defs;
        while (!m_pending.empty()) {
            const gp::Descriptor* def = m_pending.back();
            m_pending.pop_back();
            m_stack.assign(1, def);
            QJsonObject body = messageBody(def);
            body.insert("title", qs(def->full_name()));
            const QString defDescription = describe(def);
            if (!defDescription.isEmpty())
                body.insert("description", defDescription);
            defs.insert(qs(def->full_name()), body);
        }
        if (!defs.isEmpty())
            schema.insert("$defs", defs);
        schema.insert("$schema", "https://json-schema.org/draft/2020-12/schema");
        return schema;
    }

private:
    std::optional<QJsonObject> wellKnown(const gp::Descriptor* type)
    {
        if (type->file()->package() != "google.protobuf")
            return std::nullopt;
        const std::string& name = type->name();
        if (name == "Timestamp")
            return QJsonObject{{"type", "string"}, {"format", "date-time"}};
        if (name == "Duration")
            return QJsonObject{{"type", "string"}, {"pattern", "^-?[0-9]+(\\.[0-9]{1,9})?s$"}};
        if (name == "FieldMask")
            return QJsonObject{{"type", "string"}};
        if (name == "Struct")
            return QJsonObject{{"type", "object"}};
        if (name == "Value")
            return QJsonObject{}; // any JSON value
        if (name == "ListValue")
            return QJsonObject{{"type", "array"}};
        if (name == "Any")
            return QJsonObject{{"type", "object"},
                               {"properties", QJsonObject{{"@type", QJsonObject{{"type", "string"}}}}},
                               {"required", QJsonArray{"@type"}}};
        static const std::unordered_set<std::string> wrappers{"DoubleValue", "FloatValue",  "Int64Value",
                                                              "UInt64Value", "Int32Value",  "UInt32Value",
                                                              "BoolValue",   "StringValue", "BytesValue"};
        if (wrappers.count(name) && type->field_count() == 1)
            return valueSchema(type->field(0));
        return std::nullopt;
    }

    // The schema of one value of the field (an element, for a repeated field).
    QJsonObject valueSchema(const gp::FieldDescriptor* field)
    {
        using F = gp::FieldDescriptor;
        switch (field->type()) {
        case F::TYPE_DOUBLE:
            return {{"type", "number"}, {"format", "double"}};
        case F::TYPE_FLOAT:
            return {{"type", "number"}, {"format", "float"}};
        case F::TYPE_INT64:
        case F::TYPE_SINT64:
        case F::TYPE_SFIXED64:
            return int64Schema(false);
        case F::TYPE_UINT64:
        case F::TYPE_FIXED64:
            return int64Schema(true);
        case F::TYPE_INT32:
        case F::TYPE_SINT32:
        case F::TYPE_SFIXED32:
            return {{"type", "integer"},
                    {"format", "int32"},
                    {"minimum", -2147483648.0},
                    {"maximum", 2147483647}};
        case F::TYPE_UINT32:
        case F::TYPE_FIXED32:
            return {{"type", "integer"}, {"format", "uint32"}, {"minimum", 0}, {"maximum", 4294967295.0}};
        case F::TYPE_BOOL:
            return {{"type", "boolean"}};
        case F::TYPE_STRING:
            return {{"type", "string"}};
        case F::TYPE_BYTES:
            return {{"type", "string"}, {"contentEncoding", "base64"}};
        case F::TYPE_ENUM:
            return enumSchema(field->enum_type());
        case F::TYPE_MESSAGE:
        case F::TYPE_GROUP:
            return messageSchema(field->message_type());
        }
        return {};
    }

    QJsonObject mapSchema(const gp::FieldDescriptor* field)
    {
        const gp::Descriptor* entry = field->message_type();
        QJsonObject schema{{"type", "object"}, {"additionalProperties", valueSchema(entry->map_value())}};
        // Keys are always strings in JSON; integer and bool keys are written as their text.
        switch (entry->map_key()->cpp_type()) {
        case gp::FieldDescriptor::CPPTYPE_INT32:
        case gp::FieldDescriptor::CPPTYPE_INT64:
            schema.insert("propertyNames", QJsonObject{{"pattern", "^-?[0-9]+$"}});
            break;
        case gp::FieldDescriptor::CPPTYPE_UINT32:
        case gp::FieldDescriptor::CPPTYPE_UINT64:
            schema.insert("propertyNames", QJsonObject{{"pattern", "^[0-9]+$"}});
            break;
        case gp::FieldDescriptor::CPPTYPE_BOOL:
            schema.insert("propertyNames", QJsonObject{{"enum", QJsonArray{"true", "false"}}});
            break;
        default:
            break;
        }
        return schema;
    }

    QJsonObject fieldSchema(const gp::FieldDescriptor* field)
    {
        QJsonObject schema;
        if (field->is_map())
            schema = mapSchema(field);
        else if (field->is_repeated())
            schema = QJsonObject{{"type", "array"}, {"items", valueSchema(field)}};
        else
            schema = valueSchema(field);

        const QString description = describe(field);
        if (!description.isEmpty())
            schema.insert("description", description);
        if (field->options().deprecated())
            schema.insert("deprecated", true);

        if (const auto ui = uiOptions(field)) {
            schema.insert("x-mmf-ui", uiJson(*ui));
            // The UI's bounds are the accepted range: say so to validators too.
            if (isNumeric(field->cpp_type()) && !field->is_map() && (ui->has_min() || ui->has_max())) {
                QJsonObject target = field->is_repeated() ? schema.value("items").toObject() : schema;
                if (ui->has_min())
                    target.insert("minimum", ui->min());
                if (ui->has_max())
                    target.insert("maximum", ui->max());
                if (field->is_repeated())
                    schema.insert("items", target);
                else
                    schema = target;
            }
        }
        return schema;
    }

    QJsonObject messageSchema(const gp::Descriptor* type)
    {
        if (auto known = wellKnown(type))
            return *known;
        const bool recursive = std::find(m_stack.begin(), m_stack.end(), type) != m_stack.end();
        if (recursive || m_stack.size() >= kMaxInlineDepth || m_inlineBudget <= 0) {
            if (m_queued.insert(type).second)
                m_pending.push_back(type);
            return {{"$ref", m_refPrefix + qs(type->full_name())}};
        }
        --m_inlineBudget;
        m_stack.push_back(type);
        QJsonObject schema = messageBody(type);
        m_stack.pop_back();
        return schema;
    }

    QJsonObject messageBody(const gp::Descriptor* type)
    {
        QJsonObject properties;
        QJsonArray required;
        for (int i = 0; i < type->field_count(); ++i) {
            const gp::FieldDescriptor* field = type->field(i);
            properties.insert(qs(field->name()), fieldSchema(field));
            if (field->is_required())
                required.append(qs(field->name()));
        }
        QJsonObject schema{{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
        if (!required.isEmpty())
            schema.insert("required", required);

        // Oneof groups: listed under "x-oneof", and "dependentSchemas" lets a validator refuse two members at
        // once (each member, when present, forbids the others). proto3 `optional` fields are not groups.
        QJsonObject oneofs;
        QJsonObject dependent;
        for (int i = 0; i < type->real_oneof_decl_count(); ++i) {
            const gp::OneofDescriptor* oneof = type->oneof_decl(i);
            QJsonArray members;
            for (int j = 0; j < oneof->field_count(); ++j)
                members.append(qs(oneof->field(j)->name()));
            oneofs.insert(qs(oneof->name()), members);
            if (oneof->field_count() < 2)
                continue;
            for (int j = 0; j < oneof->field_count(); ++j) {
                QJsonArray others;
                for (int k = 0; k < oneof->field_count(); ++k) {
                    if (k != j)
                        others.append(QJsonObject{{"required", QJsonArray{qs(oneof->field(k)->name())}}});
                }
                dependent.insert(qs(oneof->field(j)->name()),
                                 QJsonObject{{"not", QJsonObject{{"anyOf", others}}}});
            }
        }
        if (!oneofs.isEmpty())
            schema.insert("x-oneof", oneofs);
        if (!dependent.isEmpty())
            schema.insert("dependentSchemas", dependent);
        return schema;
    }

    QString m_refPrefix;
    std::vector<const gp::Descriptor*> m_stack; // message types being inlined, outermost first
    std::vector<const gp::Descriptor*> m_pending;
    std::unordered_set<const gp::Descriptor*> m_queued;
    int m_inlineBudget = kInlineBudget;
};

} // namespace

QJsonObject forMessage(const gp::Descriptor* type)
{
    return forMessage(type, QStringLiteral("#/$defs/"));
}

QJsonObject forMessage(const gp::Descriptor* type, const QString& refPrefix)
{
    if (!type)
        return {};
    return Builder(refPrefix).root(type);
}

} // namespace mmf::JsonSchema
