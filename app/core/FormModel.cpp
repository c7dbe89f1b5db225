#include "core/FormModel.h"

#include "mmf/options.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cfloat>
#include <cmath>
#include <limits>

namespace gp = google::protobuf;

namespace mmf::studio {

namespace {

// The (mmf.ui) option: a known extension when the pool knows options.proto's generated code, else unknown
// bytes that re-parsing with the linked generated type recovers (as JsonSchema does).
std::optional<mmf::UiOptions> uiOptionsOf(const gp::FieldDescriptor* field)
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

QString helpOf(const gp::FieldDescriptor* field)
{
    gp::SourceLocation location;
    if (!field->GetSourceLocation(&location))
        return {};
    QStringList lines = QString::fromStdString(location.leading_comments).split(QLatin1Char('\n'));
    for (QString& line : lines)
        line = line.trimmed();
    lines.removeAll(QString());
    return lines.join(QLatin1Char(' '));
}

bool isWrapper(const std::string& name)
{
    static const char* const kWrappers[] = {
        "google.protobuf.DoubleValue", "google.protobuf.FloatValue",  "google.protobuf.Int64Value",
        "google.protobuf.UInt64Value", "google.protobuf.Int32Value",  "google.protobuf.UInt32Value",
        "google.protobuf.BoolValue",   "google.protobuf.StringValue", "google.protobuf.BytesValue",
    };
    for (const char* wrapper : kWrappers) {
        if (name == wrapper)
            return true;
    }
    return false;
}

FormField::Kind scalarKind(const gp::FieldDescriptor* field)
{
    switch (field->cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_INT32:
        return FormField::Int32;
    case gp::FieldDescriptor::CPPTYPE_INT64:
        return FormField::Int64;
    case gp::FieldDescriptor::CPPTYPE_UINT32:
        return FormField::UInt32;
    case gp::FieldDescriptor::CPPTYPE_UINT64:
        return FormField::UInt64;
    case gp::FieldDescriptor::CPPTYPE_DOUBLE:
        return FormField::Double;
    case gp::FieldDescriptor::CPPTYPE_FLOAT:
        return FormField::Float;
    case gp::FieldDescriptor::CPPTYPE_BOOL:
        return FormField::Bool;
    case gp::FieldDescriptor::CPPTYPE_ENUM:
        return FormField::Enum;
    case gp::FieldDescriptor::CPPTYPE_STRING:
        return field->type() == gp::FieldDescriptor::TYPE_BYTES ? FormField::Bytes : FormField::String;
    case gp::FieldDescriptor::CPPTYPE_MESSAGE:
        return FormField::Message;
    }
    return FormField::String;
}

FormField describeField(const gp::FieldDescriptor* field, int depth);

std::vector<FormField> describeMessage(const gp::Descriptor* type, int depth)
{
    std::vector<FormField> fields;
    for (int i = 0; i < type->field_count(); ++i) {
        const gp::FieldDescriptor* field = type->field(i);
        if (const gp::OneofDescriptor* oneof = field->real_containing_oneof()) {
            if (oneof->field(0) != field)
                continue; // the group stands where its first member is
            FormField group;
            group.kind = FormField::Oneof;
            group.name = QString::fromStdString(oneof->name());
            group.label = FormModel::labelFor(group.name);
            gp::SourceLocation location;
            if (oneof->GetSourceLocation(&location))
                group.help = QString::fromStdString(location.leading_comments).simplified();
            for (int m = 0; m < oneof->field_count(); ++m)
                group.children.push_back(describeField(oneof->field(m), depth));
            fields.push_back(std::move(group));
            continue;
        }
        fields.push_back(describeField(field, depth));
    }
    return fields;
}

FormField describeField(const gp::FieldDescriptor* field, int depth)
{
    FormField out;
    out.descriptor = field;
    out.name = QString::fromStdString(field->name());
    out.label = FormModel::labelFor(out.name);
    out.help = helpOf(field);
    out.repeated = field->is_repeated();
    out.hasPresence = field->has_optional_keyword();
    out.ui.example = QJsonValue(QJsonValue::Undefined);
    if (const auto ui = uiOptionsOf(field)) {
        out.ui.widget = int(ui->widget());
        if (ui->has_min())
            out.ui.min = ui->min();
        if (ui->has_max())
            out.ui.max = ui->max();
        out.ui.unit = QString::fromStdString(ui->unit());
        for (const std::string& label : ui->labels())
            out.ui.labels.append(QString::fromStdString(label));
        out.ui.required = ui->required();
        out.ui.columns = int(ui->columns());
        if (!ui->example().empty()) {
            const QJsonDocument parsed =
                QJsonDocument::fromJson("[" + QByteArray::fromStdString(ui->example()) + "]");
            if (parsed.isArray() && parsed.array().size() == 1)
                out.ui.example = parsed.array().at(0);
        }
    }
    out.kind = scalarKind(field);
    if (out.kind == FormField::Enum) {
        const gp::EnumDescriptor* type = field->enum_type();
        out.typeName = QString::fromStdString(type->full_name());
        for (int i = 0; i < type->value_count(); ++i)
            out.enumValues.append(QString::fromStdString(type->value(i)->name()));
    }
    if (out.kind != FormField::Message)
        return out;

    const gp::Descriptor* type = field->message_type();
    out.typeName = QString::fromStdString(type->full_name());
    if (field->is_map()) {
        out.isMap = true;
        FormField key = describeField(type->map_key(), depth);
        FormField value = describeField(type->map_value(), depth);
        key.help.clear();
        value.help.clear();
        key.ui = out.ui;
        value.ui = out.ui;
        out.children.push_back(std::move(key));
        out.children.push_back(std::move(value));
        return out;
    }
    const std::string& name = type->full_name();
    if (name == "google.protobuf.Timestamp") {
        out.kind = FormField::Timestamp;
    } else if (name == "google.protobuf.Duration") {
        out.kind = FormField::Duration;
    } else if (isWrapper(name)) {
        out.kind = scalarKind(type->field(0));
        out.hasPresence = !out.repeated;
    } else if (name.rfind("google.protobuf.", 0) == 0 || depth <= 0) {
        out.kind = FormField::Json;
    } else {
        out.children = describeMessage(type, depth - 1);
    }
    return out;
}

Error fieldError(const FormField& field, QString message)
{
    return Error::invalidArgument(std::move(message), field.name);
}

// The member of a request object holding a field: protobuf JSON accepts the proto name and the JSON name.
QJsonValue memberOf(const QJsonObject& object, const FormField& field)
{
    const QJsonValue value = object.value(field.name);
    if (!value.isUndefined() || !field.descriptor)
        return value;
    return object.value(QString::fromStdString(field.descriptor->json_name()));
}

double numberOf(const QJsonValue& value)
{
    return value.isString() ? value.toString().toDouble() : value.toDouble();
}

std::optional<Error> checkValue(const FormField& field, const QJsonValue& value, const QString& path);

std::optional<Error> checkFields(const std::vector<FormField>& fields, const QJsonObject& object,
                                 const QString& prefix)
{
    for (const FormField& field : fields) {
        if (field.kind == FormField::Oneof) {
            if (auto error = checkFields(field.children, object, prefix))
                return error;
            continue;
        }
        const QString path = prefix + field.name;
        const QJsonValue value = memberOf(object, field);
        const bool empty = value.isUndefined() || value.isNull() ||
                           (value.isString() && value.toString().isEmpty()) ||
                           (value.isArray() && value.toArray().isEmpty()) ||
                           (value.isObject() && field.isMap && value.toObject().isEmpty());
        if (field.ui.required && empty) {
            Error error = Error::invalidArgument(FormModel::tr("%1 is required.").arg(field.label), path);
            return error;
        }
        if (value.isUndefined() || value.isNull())
            continue;
        if (field.isMap) {
            const QJsonObject map = value.toObject();
            for (auto it = map.begin(); it != map.end(); ++it) {
                if (auto error = checkValue(field.children[1], it.value(),
                                            path + QStringLiteral("[%1]").arg(it.key())))
                    return error;
            }
        } else if (field.repeated) {
            const QJsonArray list = value.toArray();
            for (qsizetype i = 0; i < list.size(); ++i) {
                if (auto error = checkValue(field, list.at(i), path + QStringLiteral("[%1]").arg(i)))
                    return error;
            }
        } else if (auto error = checkValue(field, value, path)) {
            return error;
        }
    }
    return std::nullopt;
}

std::optional<Error> checkValue(const FormField& field, const QJsonValue& value, const QString& path)
{
    if (field.kind == FormField::Message && !field.isMap)
        return checkFields(field.children, value.toObject(), path + QLatin1Char('.'));
    if (!field.isNumber() || (!field.ui.min && !field.ui.max))
        return std::nullopt;
    const double number = numberOf(value);
    if (field.ui.min && number < *field.ui.min)
        return Error::invalidArgument(FormModel::tr("%1 must be at least %2.")
                                          .arg(field.label, QString::number(*field.ui.min, 'g', 16)),
                                      path);
    if (field.ui.max && number > *field.ui.max)
        return Error::invalidArgument(
            FormModel::tr("%1 must be at most %2.").arg(field.label, QString::number(*field.ui.max, 'g', 16)),
            path);
    return std::nullopt;
}

} // namespace

Result<void> FormModel::check(const std::vector<FormField>& fields, const QJsonObject& request)
{
    if (auto error = checkFields(fields, request, {}))
        return *error;
    return {};
}

QJsonObject FormModel::example(const std::vector<FormField>& fields)
{
    QJsonObject out;
    for (const FormField& field : fields) {
        if (field.kind == FormField::Oneof) {
            const QJsonObject member = example(field.children);
            if (!member.isEmpty()) // one member only
                out.insert(member.begin().key(), member.begin().value());
            continue;
        }
        // A default-constructed hint holds null: no example either.
        if (!field.ui.example.isUndefined() && !field.ui.example.isNull()) {
            out.insert(field.name, field.ui.example);
        } else if (field.kind == FormField::Message && !field.repeated && !field.isMap) {
            const QJsonObject nested = example(field.children);
            if (!nested.isEmpty())
                out.insert(field.name, nested);
        }
    }
    return out;
}

std::vector<FormField> FormModel::describe(const gp::Descriptor* type, int maxDepth)
{
    if (!type)
        return {};
    return describeMessage(type, maxDepth);
}

QString FormModel::labelFor(const QString& protoName)
{
    QString label = protoName;
    label.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!label.isEmpty())
        label[0] = label[0].toUpper();
    return label;
}

QString FormModel::minimumOf(const FormField& field)
{
    switch (field.kind) {
    case FormField::Int32:
        return QString::number(std::numeric_limits<qint32>::min());
    case FormField::Int64:
        return QString::number(std::numeric_limits<qint64>::min());
    case FormField::UInt32:
    case FormField::UInt64:
        return QStringLiteral("0");
    default:
        return {};
    }
}

QString FormModel::maximumOf(const FormField& field)
{
    switch (field.kind) {
    case FormField::Int32:
        return QString::number(std::numeric_limits<qint32>::max());
    case FormField::Int64:
        return QString::number(std::numeric_limits<qint64>::max());
    case FormField::UInt32:
        return QString::number(std::numeric_limits<quint32>::max());
    case FormField::UInt64:
        return QString::number(std::numeric_limits<quint64>::max());
    default:
        return {};
    }
}

Result<QJsonValue> FormModel::parseScalar(const FormField& field, const QString& input)
{
    const QString text =
        field.kind == FormField::String || field.kind == FormField::Json ? input : input.trimmed();
    if (text.isEmpty() && field.kind != FormField::String)
        return QJsonValue(QJsonValue::Undefined);

    auto checkHints = [&](double value) -> std::optional<Error> {
        if (field.ui.min && value < *field.ui.min)
            return fieldError(field, tr("%1 must be at least %2.").arg(field.label).arg(*field.ui.min));
        if (field.ui.max && value > *field.ui.max)
            return fieldError(field, tr("%1 must be at most %2.").arg(field.label).arg(*field.ui.max));
        return std::nullopt;
    };
    auto outOfRange = [&] {
        return fieldError(field, tr("%1 must be a whole number from %2 to %3.")
                                     .arg(field.label, minimumOf(field), maximumOf(field)));
    };

    switch (field.kind) {
    case FormField::Int32:
    case FormField::Int64: {
        bool ok = false;
        const qlonglong value = text.toLongLong(&ok);
        if (!ok || (field.kind == FormField::Int32 && (value < std::numeric_limits<qint32>::min() ||
                                                       value > std::numeric_limits<qint32>::max())))
            return outOfRange();
        if (auto error = checkHints(double(value)))
            return *error;
        return field.kind == FormField::Int64 ? QJsonValue(QString::number(value))
                                              : QJsonValue(double(value));
    }
    case FormField::UInt32:
    case FormField::UInt64: {
        bool ok = false;
        const qulonglong value = text.startsWith(QLatin1Char('-')) ? 0 : text.toULongLong(&ok);
        if (!ok || (field.kind == FormField::UInt32 && value > std::numeric_limits<quint32>::max()))
            return outOfRange();
        if (auto error = checkHints(double(value)))
            return *error;
        return field.kind == FormField::UInt64 ? QJsonValue(QString::number(value))
                                               : QJsonValue(double(value));
    }
    case FormField::Float:
    case FormField::Double: {
        bool ok = false;
        const double value = text.toDouble(&ok);
        if (!ok || !std::isfinite(value))
            return fieldError(field, tr("%1 must be a number.").arg(field.label));
        if (field.kind == FormField::Float && std::abs(value) > double(FLT_MAX))
            return fieldError(field, tr("%1 is too large for a single-precision number.").arg(field.label));
        if (auto error = checkHints(value))
            return *error;
        return QJsonValue(value);
    }
    case FormField::Bool:
        if (text == QLatin1String("true") || text == QLatin1String("1"))
            return QJsonValue(true);
        if (text == QLatin1String("false") || text == QLatin1String("0"))
            return QJsonValue(false);
        return fieldError(field, tr("%1 must be true or false.").arg(field.label));
    case FormField::String:
        return QJsonValue(text);
    case FormField::Enum:
        if (!field.enumValues.contains(text))
            return fieldError(
                field,
                tr("%1 must be one of %2.").arg(field.label, field.enumValues.join(QStringLiteral(", "))));
        return QJsonValue(text);
    case FormField::Bytes: {
        const auto decoded =
            QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return fieldError(field, tr("%1 must be base64 data.").arg(field.label));
        return QJsonValue(text);
    }
    case FormField::Timestamp: {
        QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!time.isValid())
            return fieldError(field, tr("%1 must be a date and time (RFC 3339).").arg(field.label));
        return QJsonValue(time.toUTC().toString(Qt::ISODateWithMs));
    }
    case FormField::Duration: {
        static const QRegularExpression pattern(QStringLiteral("^-?\\d+(\\.\\d{1,9})?s$"));
        if (!pattern.match(text).hasMatch())
            return fieldError(field, tr("%1 must be a duration in seconds such as 1.5s.").arg(field.label));
        return QJsonValue(text);
    }
    case FormField::Json: {
        QJsonParseError error;
        const QJsonDocument document =
            QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + QByteArray("]"), &error);
        if (error.error != QJsonParseError::NoError || document.array().size() != 1)
            return fieldError(field, tr("%1 must be valid JSON.").arg(field.label));
        return document.array().at(0);
    }
    case FormField::Message:
    case FormField::Oneof:
        break;
    }
    return fieldError(field, tr("%1 cannot be entered as text.").arg(field.label));
}

QJsonValue FormModel::defaultValue(const FormField& field)
{
    switch (field.kind) {
    case FormField::Bool:
        return false;
    case FormField::Int64:
    case FormField::UInt64:
        return QStringLiteral("0");
    case FormField::Int32:
    case FormField::UInt32:
    case FormField::Float:
    case FormField::Double:
        return 0;
    case FormField::Enum:
        return field.enumValues.value(0);
    case FormField::Message:
        return QJsonObject();
    case FormField::Timestamp:
        return QStringLiteral("1970-01-01T00:00:00Z");
    case FormField::Duration:
        return QStringLiteral("0s");
    case FormField::Json:
        return QJsonValue::Null;
    default:
        return QString();
    }
}

} // namespace mmf::studio
