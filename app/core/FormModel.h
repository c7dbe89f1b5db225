#pragma once

#include "core/Result.h"

#include <QCoreApplication>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
} // namespace google::protobuf

namespace mmf::studio {

// The (mmf.ui) options of a field (proto/mmf/options.proto). widget uses the mmf::Widget numbers.
struct UiHints
{
    enum Widget
    {
        Default = 0,
        Image = 1,
        BarChart = 2,
        Multiline = 3,
        Slider = 4,
        Secret = 5,
        Grid = 6,
    };
    int widget = Default;
    std::optional<double> min;
    std::optional<double> max;
    QString unit;
    QStringList labels;
    bool required = false;
    int columns = 0;
    QJsonValue example; // undefined when the field has none
};

// What one editor edits. A message field has `children`; a map has children {key, value}; a oneof group is a
// field of kind Oneof whose children are its members (it stands where its first member was declared).
struct FormField
{
    enum Kind
    {
        Bool,
        Int32,
        Int64,
        UInt32,
        UInt64,
        Float,
        Double,
        String,
        Bytes,
        Enum,
        Message,
        Timestamp, // google.protobuf.Timestamp: RFC 3339 text in JSON
        Duration,  // google.protobuf.Duration: "1.5s" in JSON
        Json,      // Struct, Value, ListValue, Any, … or a type nested too deep: raw JSON text
        Oneof,
    };

    QString name;  // proto field name: the JSON key (for a oneof: the group's name)
    QString label; // "Delay ms"
    QString help;  // the field's leading comment, trimmed
    Kind kind = String;
    bool repeated = false;
    bool isMap = false;
    bool hasPresence = false; // proto3 `optional` or a wrapper type: may be left empty (None)
    QString typeName;         // message or enum full name
    QStringList enumValues;   // enum value names, in declaration order
    UiHints ui;
    std::vector<FormField> children;
    const google::protobuf::FieldDescriptor* descriptor = nullptr;

    bool isInteger() const { return kind == Int32 || kind == Int64 || kind == UInt32 || kind == UInt64; }
    bool isNumber() const { return isInteger() || kind == Float || kind == Double; }
    bool is64Bit() const { return kind == Int64 || kind == UInt64; }
};

// Pure descriptor → form description, and the checks an editor applies before anything is sent.
class FormModel
{
    Q_DECLARE_TR_FUNCTIONS(FormModel)

public:
    // The message's fields as editors see them; recursion deeper than `maxDepth` message levels becomes Json.
    static std::vector<FormField> describe(const google::protobuf::Descriptor* type, int maxDepth = 6);
    // "delay_ms" → "Delay ms".
    static QString labelFor(const QString& protoName);
    // Checks one scalar's text against the field's type, its range and (mmf.ui) min/max, and returns its
    // protobuf-JSON value (64-bit integers as strings, numbers as numbers, Timestamp as RFC 3339 UTC, Json as
    // the parsed value). Empty text is an undefined value: leave the field out (its default, or None when it
    // has presence). invalid_argument with a message a user can read and Error::field = field.name.
    static Result<QJsonValue> parseScalar(const FormField& field, const QString& text);
    // Inclusive limits of an integer kind (as text, exact for 64-bit kinds).
    // The protobuf JSON of a field's default (0, "0" for 64-bit, false, the first enum value, {} for a
    // message, the epoch for a Timestamp, "" for text and bytes): what a chosen but empty field sends and
    // what an absent number shows.
    static QJsonValue defaultValue(const FormField& field);
    static QString minimumOf(const FormField& field);
    static QString maximumOf(const FormField& field);
    // The checks the descriptor's (mmf.ui) options ask for, on a whole request as protobuf JSON (what the
    // Form tab built or the JSON tab holds): min/max of every number (elements of lists and map values too)
    // and `required` fields. The first problem as invalid_argument with Error::field = its path
    // ("points[1].x", "counts[apples]").
    static Result<void> check(const std::vector<FormField>& fields, const QJsonObject& request);
    // An example request built from the fields' (mmf.ui) examples (nested messages included); empty when
    // no field has one.
    static QJsonObject example(const std::vector<FormField>& fields);
};

} // namespace mmf::studio
