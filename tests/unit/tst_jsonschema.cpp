// JsonSchema: the schema of EchoRequest (types, comments, UI hints, enums, oneof), recursive and fanning-out
// types, well-known types, and - when python3-jsonschema is installed - that validators accept what ProtoJson
// accepts and refuse what it refuses.
#include "ProtocCompiler.h"
#include "schema/DescriptorSet.h"
#include "schema/JsonSchema.h"
#include "schema/ProtoJson.h"

#include <google/protobuf/descriptor.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace mmf;
namespace gp = google::protobuf;

namespace {

QJsonObject json(const char* text)
{
    return QJsonDocument::fromJson(text).object();
}

// Every key of `expected` is in `actual` with an equal value; objects compare as subsets, recursively.
bool containsSubset(const QJsonValue& actual, const QJsonValue& expected, const QString& where, QString* why)
{
    if (expected.isObject() && actual.isObject()) {
        const QJsonObject a = actual.toObject();
        const QJsonObject e = expected.toObject();
        for (auto it = e.begin(); it != e.end(); ++it) {
            if (!a.contains(it.key())) {
                *why = where + "." + it.key() + " is missing";
                return false;
            }
            if (!containsSubset(a.value(it.key()), it.value(), where + "." + it.key(), why))
                return false;
        }
        return true;
    }
    if (actual != expected) {
        *why = where + " is " +
               QString::fromUtf8(QJsonDocument(QJsonArray{actual}).toJson(QJsonDocument::Compact)) +
               ", expected " +
               QString::fromUtf8(QJsonDocument(QJsonArray{expected}).toJson(QJsonDocument::Compact));
        return false;
    }
    return true;
}

// Collects every "$ref" in a schema.
void collectRefs(const QJsonValue& value, QStringList* refs)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() == "$ref")
                refs->append(it.value().toString());
            else
                collectRefs(it.value(), refs);
        }
    } else if (value.isArray()) {
        for (const QJsonValue& item : value.toArray())
            collectRefs(item, refs);
    }
}

// Exit 0: valid, 3: invalid, 77: no jsonschema module.
// Reads the schema and a JSON list of instances; prints a JSON list of booleans (valid or not). Exit 77: no
// jsonschema module.
const char* kValidate = R"(import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit(77)
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
print(json.dumps([validator.is_valid(i) for i in json.load(open(sys.argv[2]))]))
)";

const char* kRuntimeUi = R"(syntax = "proto3";
package u;
import "mmf/options.proto";
message M { repeated float p = 1 [(mmf.ui) = {widget: BAR_CHART, labels: ["a", "b"], min: 0, max: 1}]; }
)";

const char* kRecursive = R"(syntax = "proto3";
package r;
// A tree node.
message Node {
  string name = 1;
  // The first child.
  Node child = 2;
  repeated Node kids = 3;
  map<string, Node> by_name = 4;
  Leaf leaf = 5;
}
message Leaf { int32 v = 1; }
message A { B b = 1; }
message B { A a = 1; string s = 2; }
message Holder { A a = 1; }
)";

const char* kWellKnown = R"(syntax = "proto3";
package w;
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/wrappers.proto";
message W {
  google.protobuf.Duration d = 1;
  google.protobuf.Struct s = 2;
  google.protobuf.Value v = 3;
  google.protobuf.ListValue l = 4;
  google.protobuf.Int64Value i64 = 5;
  google.protobuf.BoolValue b = 6;
  google.protobuf.StringValue str = 7;
  google.protobuf.Any any = 8;
  google.protobuf.FieldMask mask = 9;
  google.protobuf.Empty empty = 10;
  google.protobuf.BytesValue bytes = 11;
  google.protobuf.NullValue null_value = 12;
  map<int64, string> by_id = 13;
  map<bool, int32> flags = 14;
}
)";

} // namespace

class TestJsonSchema : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_set = DescriptorSet::builtin();
        QVERIFY(m_set);
        m_echo = m_set->findMessage(u"mmf.models.EchoRequest");
        QVERIFY(m_echo);
        m_schema = JsonSchema::forMessage(m_echo);
        m_properties = m_schema.value("properties").toObject();
    }

    void rootShape()
    {
        QCOMPARE(m_schema.value("$schema").toString(),
                 QString("https://json-schema.org/draft/2020-12/schema"));
        QCOMPARE(m_schema.value("title").toString(), QString("mmf.models.EchoRequest"));
        QCOMPARE(m_schema.value("type").toString(), QString("object"));
        QCOMPARE(m_schema.value("additionalProperties"), QJsonValue(false));
        QCOMPARE(m_schema.value("description").toString(),
                 QString("What to echo, and how to behave while doing it."));
        QVERIFY2(!m_schema.contains("required"), "proto3 fields, optional ones included, are never required");
        QVERIFY2(!m_schema.contains("$defs"), "EchoRequest has no recursive types");
        QVERIFY(JsonSchema::forMessage(nullptr).isEmpty());
    }

    void everyFieldHasAProperty()
    {
        QCOMPARE(m_properties.size(), m_echo->field_count());
        for (int i = 0; i < m_echo->field_count(); ++i)
            QVERIFY2(m_properties.contains(QString::fromStdString(m_echo->field(i)->name())),
                     m_echo->field(i)->name().c_str());
    }

    void fieldSchemas_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("string") << "text" << QByteArray(R"({"type": "string"})");
        QTest::newRow("int32 with ui bounds")
            << "delay_ms" << QByteArray(R"({"type": "integer", "minimum": 0, "maximum": 3600000})");
        QTest::newRow("timestamp") << "fail_until"
                                   << QByteArray(R"({"type": "string", "format": "date-time"})");
        QTest::newRow("bool") << "always_throw" << QByteArray(R"({"type": "boolean"})");
        QTest::newRow("double") << "f_double" << QByteArray(R"({"type": "number", "format": "double"})");
        QTest::newRow("float") << "f_float" << QByteArray(R"({"type": "number", "format": "float"})");
        QTest::newRow("int32")
            << "f_int32"
            << QByteArray(R"({"type": "integer", "minimum": -2147483648, "maximum": 2147483647})");
        QTest::newRow("int64")
            << "f_int64"
            << QByteArray(R"({"type": ["string", "integer"], "pattern": "^-?[0-9]+$", "format": "int64"})");
        QTest::newRow("uint32") << "f_uint32"
                                << QByteArray(R"({"type": "integer", "minimum": 0, "maximum": 4294967295})");
        QTest::newRow("uint64") << "f_uint64"
                                << QByteArray(R"({"type": ["string", "integer"], "pattern": "^[0-9]+$"})");
        QTest::newRow("sint32") << "f_sint32" << QByteArray(R"({"type": "integer", "format": "int32"})");
        QTest::newRow("sint64") << "f_sint64"
                                << QByteArray(R"({"type": ["string", "integer"], "pattern": "^-?[0-9]+$"})");
        QTest::newRow("fixed32") << "f_fixed32" << QByteArray(R"({"type": "integer", "format": "uint32"})");
        QTest::newRow("fixed64") << "f_fixed64"
                                 << QByteArray(R"({"type": ["string", "integer"], "pattern": "^[0-9]+$"})");
        QTest::newRow("sfixed32") << "f_sfixed32" << QByteArray(R"({"type": "integer", "format": "int32"})");
        QTest::newRow("sfixed64") << "f_sfixed64"
                                  << QByteArray(R"({"type": ["string", "integer"], "format": "int64"})");
        QTest::newRow("bool 2") << "f_bool" << QByteArray(R"({"type": "boolean"})");
        QTest::newRow("bytes") << "f_bytes"
                               << QByteArray(R"({"type": "string", "contentEncoding": "base64"})");
        QTest::newRow("enum")
            << "color"
            << QByteArray(R"({"type": "string", "enum": ["COLOR_UNSPECIFIED", "RED", "GREEN", "BLUE"]})");
        QTest::newRow("message") << "point"
                                 << QByteArray(
                                        R"({"type": "object", "additionalProperties": false, "properties": {)"
                                        R"("x": {"type": "number", "description": "Horizontal coordinate."},)"
                                        R"("y": {"type": "number"}, "label": {"type": "string"}}})");
        QTest::newRow("repeated string")
            << "tags" << QByteArray(R"({"type": "array", "items": {"type": "string"}})");
        QTest::newRow("repeated message")
            << "points"
            << QByteArray(R"({"type": "array", "items": {"type": "object", "properties": {"x": {}}}})");
        QTest::newRow("map") << "counts"
                             << QByteArray(
                                    R"({"type": "object", "additionalProperties": {"type": "integer"}})");
        QTest::newRow("oneof string") << "choice_text" << QByteArray(R"({"type": "string"})");
        QTest::newRow("oneof int64") << "choice_number" << QByteArray(R"({"type": ["string", "integer"]})");
        QTest::newRow("oneof message") << "choice_point" << QByteArray(R"({"type": "object"})");
        QTest::newRow("optional string") << "note" << QByteArray(R"({"type": "string"})");
        QTest::newRow("optional double") << "score" << QByteArray(R"({"type": "number"})");
        QTest::newRow("timestamp 2") << "at" << QByteArray(R"({"type": "string", "format": "date-time"})");
        QTest::newRow("repeated double")
            << "values" << QByteArray(R"({"type": "array", "items": {"type": "number"}})");
    }
    void fieldSchemas()
    {
        QFETCH(QString, field);
        QFETCH(QByteArray, expected);
        const QJsonDocument expectedDocument = QJsonDocument::fromJson(expected);
        QVERIFY(expectedDocument.isObject());
        QString why;
        QVERIFY2(containsSubset(m_properties.value(field), expectedDocument.object(), field, &why),
                 qPrintable(why));
    }

    void descriptionsComeFromComments_data()
    {
        QTest::addColumn<QStringList>("path");
        QTest::addColumn<QString>("description");
        QTest::newRow("text") << QStringList{"text"} << "Text to send back.";
        QTest::newRow("int64") << QStringList{"f_int64"} << "A 64-bit signed integer (a string in JSON).";
        QTest::newRow("message field") << QStringList{"point"} << "A point.";
        QTest::newRow("nested field") << QStringList{"point", "x"} << "Horizontal coordinate.";
        QTest::newRow("timestamp field") << QStringList{"fail_until"}
                                         << "When set, the handler throws (an unexpected error, so the "
                                            "attempt is retried) while the time is "
                                            "before this.";
    }
    void descriptionsComeFromComments()
    {
        QFETCH(QStringList, path);
        QFETCH(QString, description);
        QJsonObject node = m_properties.value(path.first()).toObject();
        for (qsizetype i = 1; i < path.size(); ++i)
            node = node.value("properties").toObject().value(path.at(i)).toObject();
        QCOMPARE(node.value("description").toString(), description);
    }

    void uiHints_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QByteArray>("ui");
        // echo's fields carry an example request ((mmf.ui) example, JSON text) beside their widget hints.
        QTest::newRow("multiline text")
            << "text" << QByteArray("{\"widget\": \"MULTILINE\", \"example\": \"\\\"hello\\\"\"}");
        QTest::newRow("image bytes") << "f_bytes" << QByteArray(R"({"widget": "IMAGE"})");
        QTest::newRow("bar chart") << "values" << QByteArray(R"({"widget": "BAR_CHART"})");
        QTest::newRow("bounds and unit")
            << "delay_ms" << QByteArray(R"({"min": 0, "max": 3600000, "unit": "ms", "example": "500"})");
        QTest::newRow("no hint") << "f_int32" << QByteArray();
    }
    void uiHints()
    {
        QFETCH(QString, field);
        QFETCH(QByteArray, ui);
        const QJsonObject property = m_properties.value(field).toObject();
        if (ui.isEmpty()) {
            QVERIFY(!property.contains("x-mmf-ui"));
            return;
        }
        QCOMPARE(property.value("x-mmf-ui").toObject(), QJsonDocument::fromJson(ui).object());
    }

    void uiHintsFromARuntimeOnlySet()
    {
        // A set edited at run time (no generated code knows this option's field) still yields the hint.
        QString error;
        const QByteArray bytes = ProtocCompiler::compile(QString::fromLatin1(kRuntimeUi), &error);
        if (bytes.isEmpty() && error == "protoc not found")
            QSKIP("protoc is not installed");
        QVERIFY2(!bytes.isEmpty(), qPrintable(error));
        const auto set = DescriptorSet::fromSerialized(bytes);
        QVERIFY(set.ok());
        const QJsonObject p = JsonSchema::forMessage(set.value()->findMessage(u"u.M"))
                                  .value("properties")
                                  .toObject()
                                  .value("p")
                                  .toObject();
        QCOMPARE(p.value("x-mmf-ui").toObject(),
                 json(R"({"widget": "BAR_CHART", "labels": ["a", "b"], "min": 0, "max": 1})"));
        QCOMPARE(p.value("items").toObject(),
                 json(R"({"type": "number", "format": "float", "minimum": 0, "maximum": 1})"));
    }

    void oneofAllowsOneMember()
    {
        QCOMPARE(m_schema.value("x-oneof").toObject(),
                 json(R"({"choice": ["choice_text", "choice_number", "choice_point"]})"));
        const QJsonObject dependent = m_schema.value("dependentSchemas").toObject();
        QCOMPARE(dependent.keys(), (QStringList{"choice_number", "choice_point", "choice_text"}));
        QCOMPARE(
            dependent.value("choice_text").toObject(),
            json(R"({"not": {"anyOf": [{"required": ["choice_number"]}, {"required": ["choice_point"]}]}})"));
    }

    void recursiveTypesGoToDefs()
    {
        QString error;
        const QByteArray bytes = ProtocCompiler::compile(QString::fromLatin1(kRecursive), &error);
        if (bytes.isEmpty() && error == "protoc not found")
            QSKIP("protoc is not installed");
        QVERIFY2(!bytes.isEmpty(), qPrintable(error));
        const auto set = DescriptorSet::fromSerialized(bytes);
        QVERIFY(set.ok());

        const QJsonObject node = JsonSchema::forMessage(set.value()->findMessage(u"r.Node"));
        const QJsonObject properties = node.value("properties").toObject();
        QCOMPARE(properties.value("child").toObject(),
                 (QJsonObject{{"$ref", "#/$defs/r.Node"}, {"description", "The first child."}}));
        QCOMPARE(properties.value("kids").toObject().value("items").toObject(),
                 (QJsonObject{{"$ref", "#/$defs/r.Node"}}));
        QCOMPARE(properties.value("by_name").toObject().value("additionalProperties").toObject(),
                 (QJsonObject{{"$ref", "#/$defs/r.Node"}}));
        QCOMPARE(properties.value("leaf").toObject().value("type").toString(), QString("object"));
        const QJsonObject defs = node.value("$defs").toObject();
        QCOMPARE(defs.keys(), (QStringList{"r.Node"}));
        QCOMPARE(defs.value("r.Node").toObject().value("description").toString(), QString("A tree node."));
        QVERIFY(defs.value("r.Node").toObject().value("properties").toObject().contains("leaf"));

        // Mutual recursion below the root: A is inlined once, then referenced.
        const QJsonObject holder = JsonSchema::forMessage(set.value()->findMessage(u"r.Holder"));
        const QJsonObject a = holder.value("properties").toObject().value("a").toObject();
        const QJsonObject b = a.value("properties").toObject().value("b").toObject();
        QCOMPARE(b.value("properties").toObject().value("a").toObject(),
                 (QJsonObject{{"$ref", "#/$defs/r.A"}}));
        QCOMPARE(holder.value("$defs").toObject().keys(), (QStringList{"r.A"}));

        const QJsonObject embedded =
            JsonSchema::forMessage(set.value()->findMessage(u"r.Node"), "#/components/schemas/");
        QCOMPARE(embedded.value("properties").toObject().value("child").toObject().value("$ref").toString(),
                 QString("#/components/schemas/r.Node"));
        QVERIFY(embedded.value("$defs").toObject().contains("r.Node"));
    }

    void fanOutStaysSmall()
    {
        // T0 has two T1 fields, T1 two T2 fields, ...: inlining everything would take 2^40 copies.
        QString text = "syntax = \"proto3\";\npackage f;\n";
        for (int i = 0; i < 40; ++i)
            text += QString("message T%1 { T%2 a = 1; T%2 b = 2; }\n").arg(i).arg(i + 1);
        text += "message T40 { int32 v = 1; }\n";
        QString error;
        const QByteArray bytes = ProtocCompiler::compile(text, &error);
        if (bytes.isEmpty() && error == "protoc not found")
            QSKIP("protoc is not installed");
        QVERIFY2(!bytes.isEmpty(), qPrintable(error));
        const auto set = DescriptorSet::fromSerialized(bytes);
        QVERIFY(set.ok());
        const QJsonObject schema = JsonSchema::forMessage(set.value()->findMessage(u"f.T0"));
        const QByteArray serialized = QJsonDocument(schema).toJson(QJsonDocument::Compact);
        QVERIFY2(serialized.size() < 512 * 1024, QByteArray::number(serialized.size()).constData());
        // Every reference resolves.
        QStringList refs;
        collectRefs(schema, &refs);
        QVERIFY(!refs.isEmpty());
        const QJsonObject defs = schema.value("$defs").toObject();
        for (const QString& ref : refs)
            QVERIFY2(defs.contains(ref.mid(QString("#/$defs/").size())), qPrintable(ref));
    }

    void wellKnownTypes_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("Duration") << "d"
                                  << QByteArray(
                                         R"({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,9})?s$"})");
        QTest::newRow("Struct") << "s" << QByteArray(R"({"type": "object"})");
        QTest::newRow("Value is anything") << "v" << QByteArray(R"({})");
        QTest::newRow("ListValue") << "l" << QByteArray(R"({"type": "array"})");
        QTest::newRow("Int64Value") << "i64"
                                    << QByteArray(R"({"type": ["string", "integer"], "format": "int64"})");
        QTest::newRow("BoolValue") << "b" << QByteArray(R"({"type": "boolean"})");
        QTest::newRow("StringValue") << "str" << QByteArray(R"({"type": "string"})");
        QTest::newRow("BytesValue") << "bytes"
                                    << QByteArray(R"({"type": "string", "contentEncoding": "base64"})");
        QTest::newRow("Any") << "any" << QByteArray(R"({"type": "object", "required": ["@type"]})");
        QTest::newRow("FieldMask") << "mask" << QByteArray(R"({"type": "string"})");
        QTest::newRow("Empty") << "empty"
                               << QByteArray(R"({"type": "object", "additionalProperties": false})");
        QTest::newRow("NullValue") << "null_value" << QByteArray(R"({"type": "null"})");
        QTest::newRow("map with int64 keys")
            << "by_id" << QByteArray(R"({"type": "object", "propertyNames": {"pattern": "^-?[0-9]+$"}})");
        QTest::newRow("map with bool keys")
            << "flags" << QByteArray(R"({"type": "object", "propertyNames": {"enum": ["true", "false"]}})");
    }
    void wellKnownTypes()
    {
        QFETCH(QString, field);
        QFETCH(QByteArray, expected);
        QString error;
        const QByteArray bytes = ProtocCompiler::compile(QString::fromLatin1(kWellKnown), &error);
        if (bytes.isEmpty() && error == "protoc not found")
            QSKIP("protoc is not installed");
        QVERIFY2(!bytes.isEmpty(), qPrintable(error));
        const auto set = DescriptorSet::fromSerialized(bytes);
        QVERIFY(set.ok());
        const QJsonObject properties =
            JsonSchema::forMessage(set.value()->findMessage(u"w.W")).value("properties").toObject();
        QVERIFY(properties.contains(field));
        const QJsonObject actual = properties.value(field).toObject();
        const QJsonObject wanted = QJsonDocument::fromJson(expected).object();
        if (wanted.isEmpty()) {
            QVERIFY2(actual.isEmpty(), QJsonDocument(actual).toJson().constData());
            return;
        }
        QString why;
        QVERIFY2(containsSubset(actual, wanted, field, &why), qPrintable(why));
    }

    // A real validator agrees with ProtoJson on what is valid (python3-jsonschema, Draft 2020-12).
    void validatorAgreesWithProtoJson_data()
    {
        QTest::addColumn<QByteArray>("instance");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("protoJsonValid");
        m_validatorInstances.clear();
        const auto row = [this](const char* name, const QByteArray& instance, bool valid,
                                bool protoJsonValid) {
            QTest::newRow(name) << instance << valid << protoJsonValid;
            m_validatorInstances.append(instance);
        };
        row("full request",
            R"({"text": "hi", "f_int64": "-12", "f_uint64": 12, "f_bytes": "aGVsbG8=", "color": "RED",)"
            R"("point": {"x": 1}, "points": [{"y": 2}], "counts": {"a": 1}, "choice_point": {"label": "p"},)"
            R"("note": "", "at": "2024-01-01T00:00:00Z", "values": [0.5]})",
            true, true);
        row("int64 as a number", R"({"f_int64": 12, "choice_number": -3})", true, true);
        row("unknown field", R"({"nope": 1})", false, false);
        row("unknown nested field", R"({"point": {"nope": 1}})", false, false);
        row("two oneof members", R"({"choice_text": "a", "choice_number": "1"})", false, false);
        row("string for int32", R"({"f_int32": "x"})", false, false);
        row("int64 not digits", R"({"f_int64": "12a"})", false, false);
        row("unknown enum name", R"({"color": "PURPLE"})", false, false);
        row("int32 out of range", R"({"f_int32": 3000000000})", false, false);
        row("map value of the wrong type", R"({"counts": {"a": "x"}})", false, false);
        row("wrong type in a list", R"({"points": [{"x": 1, "label": 2}]})", false, false);
        // The schema states the (mmf.ui) bounds; ProtoJson converts types only and does not enforce them.
        row("below the ui minimum", R"({"delay_ms": -1})", false, true);
    }
    void validatorAgreesWithProtoJson()
    {
        QFETCH(QByteArray, instance);
        QFETCH(bool, valid);
        QFETCH(bool, protoJsonValid);
        QCOMPARE(ProtoJson::jsonToBinary(*m_set, m_echo, instance).ok(), protoJsonValid);

        // One python3 run validates every row's instance (starting python per row is slow).
        if (m_validated.isEmpty()) {
            const QString python = QStandardPaths::findExecutable("python3");
            if (python.isEmpty())
                QSKIP("python3 is not installed");
            QJsonArray instances;
            for (const QByteArray& text : m_validatorInstances)
                instances.append(QJsonDocument::fromJson(text).object());
            QTemporaryDir dir;
            QFile schemaFile(dir.filePath("schema.json"));
            QFile instancesFile(dir.filePath("instances.json"));
            QVERIFY(schemaFile.open(QIODevice::WriteOnly) && instancesFile.open(QIODevice::WriteOnly));
            schemaFile.write(QJsonDocument(m_schema).toJson());
            instancesFile.write(QJsonDocument(instances).toJson());
            schemaFile.close();
            instancesFile.close();
            QProcess process;
            process.start(python, {"-c", QString::fromLatin1(kValidate), schemaFile.fileName(),
                                   instancesFile.fileName()});
            QVERIFY(process.waitForFinished(60000));
            if (process.exitCode() == 77)
                QSKIP("python3-jsonschema is not installed");
            QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
            const QJsonArray results = QJsonDocument::fromJson(process.readAllStandardOutput()).array();
            QCOMPARE(results.size(), m_validatorInstances.size());
            for (qsizetype i = 0; i < results.size(); ++i)
                m_validated.insert(m_validatorInstances.at(i), results.at(i).toBool());
        }
        QVERIFY(m_validated.contains(instance));
        QCOMPARE(m_validated.value(instance), valid);
    }

private:
    std::shared_ptr<const DescriptorSet> m_set;
    const gp::Descriptor* m_echo = nullptr;
    QJsonObject m_schema;
    QJsonObject m_properties;
    QByteArrayList m_validatorInstances; // every row's instance, filled by the _data function
    QHash<QByteArray, bool> m_validated;
};

QTEST_GUILESS_MAIN(TestJsonSchema)
#include "tst_jsonschema.moc"
