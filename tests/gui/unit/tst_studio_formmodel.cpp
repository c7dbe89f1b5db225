// The descriptor → form description of mmf_studio_core, on the echo model's request (every protobuf field
// kind), and the checks the editors apply to typed text before anything is sent.
#include "core/ApiClient.h"
#include "core/FormModel.h"
#include "schema/DescriptorSet.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace mmf;
using namespace mmf::studio;

namespace {

const FormField* find(const std::vector<FormField>& fields, const QString& name)
{
    for (const FormField& field : fields) {
        if (field.name == name)
            return &field;
    }
    return nullptr;
}

FormField scalar(FormField::Kind kind, std::optional<double> min = {}, std::optional<double> max = {})
{
    FormField field;
    field.name = QStringLiteral("x");
    field.label = QStringLiteral("X");
    field.kind = kind;
    field.ui.min = min;
    field.ui.max = max;
    return field;
}

} // namespace

class TestStudioFormModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void describesEveryFieldKind_data();
    void describesEveryFieldKind();
    void keepsCommentsAndUiHints();
    void groupsOneofAndMaps();
    void parseScalar_data();
    void parseScalar();
    void errorCodeNames_data();
    void errorCodeNames();
    void checkAppliesRangesAndRequired_data();
    void checkAppliesRangesAndRequired();
    void examplesBuildARequest();

private:
    std::vector<FormField> m_echo;
};

void TestStudioFormModel::initTestCase()
{
    const auto set = DescriptorSet::builtin();
    QVERIFY(set);
    const auto* type = set->findMessage(u"mmf.models.EchoRequest");
    QVERIFY(type);
    m_echo = FormModel::describe(type);
    QVERIFY(!m_echo.empty());
}

void TestStudioFormModel::describesEveryFieldKind_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("repeated");
    QTest::addColumn<bool>("presence");
    QTest::newRow("string") << "text" << int(FormField::String) << false << false;
    QTest::newRow("int32") << "delay_ms" << int(FormField::Int32) << false << false;
    QTest::newRow("timestamp") << "fail_until" << int(FormField::Timestamp) << false << false;
    QTest::newRow("bool") << "always_throw" << int(FormField::Bool) << false << false;
    QTest::newRow("double") << "f_double" << int(FormField::Double) << false << false;
    QTest::newRow("float") << "f_float" << int(FormField::Float) << false << false;
    QTest::newRow("int64") << "f_int64" << int(FormField::Int64) << false << false;
    QTest::newRow("uint32") << "f_uint32" << int(FormField::UInt32) << false << false;
    QTest::newRow("uint64") << "f_uint64" << int(FormField::UInt64) << false << false;
    QTest::newRow("sint32") << "f_sint32" << int(FormField::Int32) << false << false;
    QTest::newRow("sint64") << "f_sint64" << int(FormField::Int64) << false << false;
    QTest::newRow("fixed32") << "f_fixed32" << int(FormField::UInt32) << false << false;
    QTest::newRow("fixed64") << "f_fixed64" << int(FormField::UInt64) << false << false;
    QTest::newRow("sfixed32") << "f_sfixed32" << int(FormField::Int32) << false << false;
    QTest::newRow("sfixed64") << "f_sfixed64" << int(FormField::Int64) << false << false;
    QTest::newRow("bytes") << "f_bytes" << int(FormField::Bytes) << false << false;
    QTest::newRow("enum") << "color" << int(FormField::Enum) << false << false;
    QTest::newRow("message") << "point" << int(FormField::Message) << false << false;
    QTest::newRow("repeated string") << "tags" << int(FormField::String) << true << false;
    QTest::newRow("repeated message") << "points" << int(FormField::Message) << true << false;
    QTest::newRow("map") << "counts" << int(FormField::Message) << true << false;
    QTest::newRow("oneof") << "choice" << int(FormField::Oneof) << false << false;
    QTest::newRow("optional string") << "note" << int(FormField::String) << false << true;
    QTest::newRow("optional double") << "score" << int(FormField::Double) << false << true;
    QTest::newRow("repeated double") << "values" << int(FormField::Double) << true << false;
}

void TestStudioFormModel::describesEveryFieldKind()
{
    QFETCH(QString, name);
    QFETCH(int, kind);
    QFETCH(bool, repeated);
    QFETCH(bool, presence);
    const FormField* field = find(m_echo, name);
    QVERIFY2(field, qPrintable(name));
    QCOMPARE(int(field->kind), kind);
    QCOMPARE(field->repeated, repeated);
    QCOMPARE(field->hasPresence, presence);
    QVERIFY(!field->label.isEmpty());
}

void TestStudioFormModel::keepsCommentsAndUiHints()
{
    const FormField* delay = find(m_echo, QStringLiteral("delay_ms"));
    QVERIFY(delay);
    QVERIFY2(delay->help.startsWith(QLatin1String("Milliseconds to wait")), qPrintable(delay->help));
    QCOMPARE(delay->label, QStringLiteral("Delay ms"));
    QCOMPARE(delay->ui.min.value_or(-1), 0.0);
    QCOMPARE(delay->ui.max.value_or(-1), 3600000.0);
    QCOMPARE(delay->ui.unit, QStringLiteral("ms"));
    QCOMPARE(find(m_echo, QStringLiteral("text"))->ui.widget, int(UiHints::Multiline));
    QCOMPARE(find(m_echo, QStringLiteral("f_bytes"))->ui.widget, int(UiHints::Image));
    QCOMPARE(find(m_echo, QStringLiteral("values"))->ui.widget, int(UiHints::BarChart));
    const FormField* color = find(m_echo, QStringLiteral("color"));
    QCOMPARE(color->enumValues, (QStringList{"COLOR_UNSPECIFIED", "RED", "GREEN", "BLUE"}));
    const FormField* point = find(m_echo, QStringLiteral("point"));
    QCOMPARE(point->children.size(), size_t(3));
    QCOMPARE(point->children[0].name, QStringLiteral("x"));
    QCOMPARE(point->children[0].help, QStringLiteral("Horizontal coordinate."));
}

void TestStudioFormModel::groupsOneofAndMaps()
{
    const FormField* choice = find(m_echo, QStringLiteral("choice"));
    QVERIFY(choice);
    QCOMPARE(choice->children.size(), size_t(3));
    QCOMPARE(choice->children[0].name, QStringLiteral("choice_text"));
    QCOMPARE(int(choice->children[1].kind), int(FormField::Int64));
    QCOMPARE(int(choice->children[2].kind), int(FormField::Message));
    // Members are not listed again at the top level.
    QVERIFY(!find(m_echo, QStringLiteral("choice_text")));
    const FormField* counts = find(m_echo, QStringLiteral("counts"));
    QVERIFY(counts->isMap);
    QCOMPARE(counts->children.size(), size_t(2));
    QCOMPARE(int(counts->children[0].kind), int(FormField::String));
    QCOMPARE(int(counts->children[1].kind), int(FormField::Int32));
}

void TestStudioFormModel::parseScalar_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("min");
    QTest::addColumn<double>("max");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QJsonValue>("expected");
    const double none = qQNaN();
    QTest::newRow("int32") << int(FormField::Int32) << none << none << "-42" << true << QJsonValue(-42);
    QTest::newRow("int32 too big") << int(FormField::Int32) << none << none << "2147483648" << false
                                   << QJsonValue();
    QTest::newRow("int32 letters") << int(FormField::Int32) << none << none << "12x" << false << QJsonValue();
    QTest::newRow("int32 over ui max")
        << int(FormField::Int32) << 0.0 << 3600000.0 << "3600001" << false << QJsonValue();
    QTest::newRow("int32 under ui min")
        << int(FormField::Int32) << 0.0 << 10.0 << "-1" << false << QJsonValue();
    QTest::newRow("int64 max, exact") << int(FormField::Int64) << none << none << "9223372036854775807"
                                      << true << QJsonValue("9223372036854775807");
    QTest::newRow("int64 beyond double") << int(FormField::Int64) << none << none << "9007199254740993"
                                         << true << QJsonValue("9007199254740993");
    QTest::newRow("int64 overflow") << int(FormField::Int64) << none << none << "9223372036854775808" << false
                                    << QJsonValue();
    QTest::newRow("uint32 max") << int(FormField::UInt32) << none << none << "4294967295" << true
                                << QJsonValue(4294967295.0);
    QTest::newRow("uint32 negative") << int(FormField::UInt32) << none << none << "-1" << false
                                     << QJsonValue();
    QTest::newRow("uint64 max") << int(FormField::UInt64) << none << none << "18446744073709551615" << true
                                << QJsonValue("18446744073709551615");
    QTest::newRow("uint64 negative") << int(FormField::UInt64) << none << none << "-5" << false
                                     << QJsonValue();
    QTest::newRow("double") << int(FormField::Double) << none << none << "1e-3" << true << QJsonValue(0.001);
    QTest::newRow("double junk") << int(FormField::Double) << none << none << "one" << false << QJsonValue();
    QTest::newRow("float too big") << int(FormField::Float) << none << none << "1e39" << false
                                   << QJsonValue();
    QTest::newRow("bool") << int(FormField::Bool) << none << none << "true" << true << QJsonValue(true);
    QTest::newRow("bool junk") << int(FormField::Bool) << none << none << "maybe" << false << QJsonValue();
    QTest::newRow("timestamp") << int(FormField::Timestamp) << none << none << "2026-11-26T10:00:00+01:00"
                               << true << QJsonValue("2026-11-26T09:00:00.000Z");
    QTest::newRow("timestamp junk") << int(FormField::Timestamp) << none << none << "yesterday" << false
                                    << QJsonValue();
    QTest::newRow("duration") << int(FormField::Duration) << none << none << "1.5s" << true
                              << QJsonValue("1.5s");
    QTest::newRow("duration junk") << int(FormField::Duration) << none << none << "90 minutes" << false
                                   << QJsonValue();
    QTest::newRow("bytes") << int(FormField::Bytes) << none << none << "aGk=" << true << QJsonValue("aGk=");
    QTest::newRow("bytes junk") << int(FormField::Bytes) << none << none << "not base64!" << false
                                << QJsonValue();
    QTest::newRow("json") << int(FormField::Json) << none << none << "{\"a\": 1}" << true
                          << QJsonValue(QJsonObject{{"a", 1}});
    QTest::newRow("json junk") << int(FormField::Json) << none << none << "{a:" << false << QJsonValue();
    QTest::newRow("empty is left out")
        << int(FormField::Int64) << none << none << "" << true << QJsonValue(QJsonValue::Undefined);
}

void TestStudioFormModel::parseScalar()
{
    QFETCH(int, kind);
    QFETCH(double, min);
    QFETCH(double, max);
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QJsonValue, expected);
    FormField field = scalar(FormField::Kind(kind), qIsNaN(min) ? std::nullopt : std::optional<double>(min),
                             qIsNaN(max) ? std::nullopt : std::optional<double>(max));
    const Result<QJsonValue> parsed = FormModel::parseScalar(field, text);
    QCOMPARE(parsed.ok(), ok);
    if (!ok) {
        QCOMPARE(parsed.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(parsed.error().field, QStringLiteral("x"));
        QVERIFY(parsed.error().message.startsWith(QLatin1String("X ")));
        return;
    }
    QCOMPARE(*parsed, expected);
}

void TestStudioFormModel::errorCodeNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("code");
    QTest::newRow("not_found") << "not_found" << int(ErrorCode::NotFound);
    QTest::newRow("unauthenticated") << "unauthenticated" << int(ErrorCode::Unauthenticated);
    QTest::newRow("rate_limited") << "rate_limited" << int(ErrorCode::RateLimited);
    QTest::newRow("unknown") << "something_new" << int(ErrorCode::Internal);
}

void TestStudioFormModel::errorCodeNames()
{
    QFETCH(QString, name);
    QFETCH(int, code);
    QCOMPARE(int(errorCodeFromName(name)), code);
}

void TestStudioFormModel::checkAppliesRangesAndRequired_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("request");
    QTest::addColumn<QString>("field"); // empty: accepted
    QTest::newRow("in range") << "mmf.models.EchoRequest"
                              << R"({"delay_ms": 3600000})"
                              << "";
    QTest::newRow("over the max") << "mmf.models.EchoRequest"
                                  << R"({"delay_ms": 99999999})"
                                  << "delay_ms";
    QTest::newRow("under the min") << "mmf.models.EchoRequest"
                                   << R"({"log_lines": -1})"
                                   << "log_lines";
    QTest::newRow("JSON name") << "mmf.models.EchoRequest"
                               << R"({"delayMs": 3600001})"
                               << "delay_ms";
    QTest::newRow("required missing") << "mmf.models.CalcRequest"
                                      << R"({"op_delay_ms": 5})"
                                      << "expression";
    QTest::newRow("required empty") << "mmf.models.CalcRequest"
                                    << R"({"expression": ""})"
                                    << "expression";
    QTest::newRow("required given") << "mmf.models.CalcRequest"
                                    << R"({"expression": "1+1"})"
                                    << "";
    QTest::newRow("list element, in a oneof member") << "mmf.models.DigitsRequest"
                                                     << R"({"pixels": {"values": [0, 16, 17]}})"
                                                     << "pixels.values[2]";
    QTest::newRow("required list in a chosen member") << "mmf.models.DigitsRequest"
                                                      << R"({"pixels": {}})"
                                                      << "pixels.values";
    QTest::newRow("other member chosen") << "mmf.models.DigitsRequest"
                                         << R"({"image": "iVBO"})"
                                         << "";
}

void TestStudioFormModel::checkAppliesRangesAndRequired()
{
    QFETCH(QString, type);
    QFETCH(QString, request);
    QFETCH(QString, field);
    const auto set = DescriptorSet::builtin();
    const auto* message = set->findMessage(type);
    QVERIFY(message);
    const Result<void> checked =
        FormModel::check(FormModel::describe(message), QJsonDocument::fromJson(request.toUtf8()).object());
    if (field.isEmpty()) {
        QVERIFY2(checked.ok(), checked.ok() ? "" : qPrintable(checked.error().message));
        return;
    }
    QVERIFY(!checked.ok());
    QCOMPARE(checked.error().field, field);
    QCOMPARE(checked.error().code, ErrorCode::InvalidArgument);
}

void TestStudioFormModel::examplesBuildARequest()
{
    const auto set = DescriptorSet::builtin();
    const QJsonObject calc =
        FormModel::example(FormModel::describe(set->findMessage(u"mmf.models.CalcRequest")));
    QCOMPARE(calc.value(QLatin1String("expression")).toString(), QStringLiteral("(1+2)*(3+4)"));
    QCOMPARE(calc.value(QLatin1String("op_delay_ms")).toInt(), 200);
    const QJsonObject digits =
        FormModel::example(FormModel::describe(set->findMessage(u"mmf.models.DigitsRequest")));
    QCOMPARE(digits.value(QLatin1String("pixels")).toObject().value(QLatin1String("values")).toArray().size(),
             64);
    QVERIFY(!digits.contains(QLatin1String("image"))); // one member of the oneof
    // What the examples build passes the checks.
    QVERIFY(
        FormModel::check(FormModel::describe(set->findMessage(u"mmf.models.DigitsRequest")), digits).ok());
    const std::vector<FormField> response =
        FormModel::describe(set->findMessage(u"mmf.models.DigitsResponse"));
    const FormField* pixels = find(response, QStringLiteral("pixels"));
    QVERIFY(pixels);
    QCOMPARE(pixels->ui.widget, int(UiHints::Grid));
    QCOMPARE(pixels->ui.columns, 8);
}

QTEST_GUILESS_MAIN(TestStudioFormModel)
#include "tst_studio_formmodel.moc"
