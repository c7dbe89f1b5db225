// The exec runtime's pure parts: the JSON-lines protocol parser and the run-time .proto compiler.
#include "exec/ExecProtocol.h"
#include "exec/ProtoCompiler.h"
#include "schema/DescriptorSet.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace mmf;
using Kind = ExecProtocol::Message::Kind;

class TestExecProtocol : public QObject
{
    Q_OBJECT

private slots:
    void parsesEveryKind();
    void refusesWhatIsNotTheProtocol_data();
    void refusesWhatIsNotTheProtocol();
    void writesRequestAndCancelLines();
    void splitsLines();
    void compilesWithCommentsAndOptions();
    void importsFromProtoPath();

private:
    QString write(const QString& name, const QByteArray& text);
    QTemporaryDir m_dir;
};

QString TestExecProtocol::write(const QString& name, const QByteArray& text)
{
    const QString path = m_dir.filePath(name);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(text);
    return path;
}

void TestExecProtocol::parsesEveryKind()
{
    auto log = ExecProtocol::parseLine(R"({"id":"a","log":{"level":"warning","text":"careful"}})");
    QVERIFY(log.ok());
    QCOMPARE(int(log->kind), int(Kind::Log));
    QCOMPARE(log->id, QStringLiteral("a"));
    QCOMPARE(int(log->level), int(TaskContext::Level::Warning));
    QCOMPARE(log->text, QStringLiteral("careful"));
    QVERIFY(!log->isFinal());

    auto progress = ExecProtocol::parseLine(R"({"id":"a","progress":{"fraction":0.5,"text":"half"}})");
    QVERIFY(progress.ok());
    QCOMPARE(int(progress->kind), int(Kind::Progress));
    QCOMPARE(progress->fraction, 0.5);

    auto result = ExecProtocol::parseLine(R"({"id":"a","result":{"n":"12345678901234567"}})");
    QVERIFY(result.ok());
    QCOMPARE(int(result->kind), int(Kind::Result));
    QCOMPARE(result->resultJson, QByteArray(R"({"n":"12345678901234567"})"));
    QVERIFY(result->isFinal());

    auto error = ExecProtocol::parseLine(R"({"id":"a","error":{"code":"bad","message":"no","retry":true}})");
    QVERIFY(error.ok());
    QCOMPARE(int(error->kind), int(Kind::Error));
    QCOMPARE(error->code, QStringLiteral("bad"));
    QCOMPARE(error->message, QStringLiteral("no"));
    QVERIFY(error->retry);
    auto final = ExecProtocol::parseLine(R"({"id":"a","error":{"code":"bad","message":"no"}})");
    QVERIFY(final.ok());
    QVERIFY(!final->retry);
}

void TestExecProtocol::refusesWhatIsNotTheProtocol_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not json") << QByteArray("hello") << QStringLiteral("not a JSON object");
    QTest::newRow("array") << QByteArray("[1]") << QStringLiteral("not a JSON object");
    QTest::newRow("no id") << QByteArray(R"({"result":{}})") << QStringLiteral("\"id\"");
    QTest::newRow("number id") << QByteArray(R"({"id":1,"result":{}})") << QStringLiteral("\"id\"");
    QTest::newRow("no kind") << QByteArray(R"({"id":"a"})") << QStringLiteral("exactly one");
    QTest::newRow("two kinds") << QByteArray(R"({"id":"a","result":{},"log":{"text":"x"}})")
                               << QStringLiteral("exactly one");
    QTest::newRow("bad level") << QByteArray(R"({"id":"a","log":{"level":"loud","text":"x"}})")
                               << QStringLiteral("loud");
    QTest::newRow("fraction > 1") << QByteArray(R"({"id":"a","progress":{"fraction":2}})")
                                  << QStringLiteral("fraction");
    QTest::newRow("result not object") << QByteArray(R"({"id":"a","result":3})") << QStringLiteral("object");
    QTest::newRow("error without code")
        << QByteArray(R"({"id":"a","error":{"message":"m"}})") << QStringLiteral("code");
    QTest::newRow("retry not bool") << QByteArray(
                                           R"({"id":"a","error":{"code":"c","message":"m","retry":1}})")
                                    << QStringLiteral("retry");
}

void TestExecProtocol::refusesWhatIsNotTheProtocol()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, mentions);
    const auto parsed = ExecProtocol::parseLine(line);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error().message.contains(mentions), qPrintable(parsed.error().message));
}

void TestExecProtocol::writesRequestAndCancelLines()
{
    QCOMPARE(ExecProtocol::requestLine(QStringLiteral("t\"1"), R"({"x":1})"),
             QByteArray("{\"id\":\"t\\\"1\",\"request\":{\"x\":1}}\n"));
    QCOMPARE(ExecProtocol::cancelLine(QStringLiteral("t1")), QByteArray("{\"id\":\"t1\",\"cancel\":true}\n"));
}

void TestExecProtocol::splitsLines()
{
    QByteArray buffer("one\r\n\n  \ntwo\npart");
    QCOMPARE(ExecProtocol::takeLines(buffer, false), (QList<QByteArray>{"one", "two"}));
    QCOMPARE(buffer, QByteArray("part"));
    buffer += "ial";
    QCOMPARE(ExecProtocol::takeLines(buffer, true), (QList<QByteArray>{"partial"}));
    QVERIFY(buffer.isEmpty());
    // A partial line over the bound is given out as one, so a process that never writes a newline cannot grow
    // the buffer without end.
    buffer = QByteArray(10, 'x');
    QCOMPARE(ExecProtocol::takeLines(buffer, false, 8), (QList<QByteArray>{QByteArray(10, 'x')}));
}

void TestExecProtocol::compilesWithCommentsAndOptions()
{
    const QString path = write(QStringLiteral("model.proto"), R"(syntax = "proto3";
package p;
import "mmf/options.proto";
// The request.
message Request {
  // How many things.
  optional int32 count = 1 [(mmf.ui) = {min: 0, max: 9}];
}
message Response { repeated double p = 1 [(mmf.ui) = {widget: BAR_CHART}]; }
)");
    Result<QByteArray> compiled = ProtoCompiler::compile(path, {});
    QVERIFY2(compiled.ok(), compiled.ok() ? "" : qPrintable(compiled.error().message));
    google::protobuf::FileDescriptorSet files;
    QVERIFY(files.ParseFromArray(compiled->constData(), int(compiled->size())));
    // Dependencies first, the given file last.
    QCOMPARE(QString::fromStdString(files.file(files.file_size() - 1).name()), QStringLiteral("model.proto"));
    QVERIFY(files.file(files.file_size() - 1).has_source_code_info());

    auto set = DescriptorSet::fromSerialized(*compiled);
    QVERIFY(set.ok());
    const auto* request = (*set)->findMessage(QStringLiteral("p.Request"));
    QVERIFY(request);
    google::protobuf::SourceLocation location;
    QVERIFY(request->field(0)->GetSourceLocation(&location));
    QCOMPARE(QString::fromStdString(location.leading_comments), QStringLiteral(" How many things.\n"));
    QVERIFY(request->field(0)->has_optional_keyword());
    // The (mmf.ui) option is kept (as an extension of the set's own options.proto).
    QVERIFY(request->field(0)->options().ByteSizeLong() > 0);
}

void TestExecProtocol::importsFromProtoPath()
{
    write(QStringLiteral("root/lib/common.proto"),
          "syntax = \"proto3\";\npackage lib;\nmessage Thing { string a = 1; }\n");
    const QString path = write(QStringLiteral("root/app/model.proto"),
                               "syntax = \"proto3\";\npackage app;\nimport \"lib/common.proto\";\n"
                               "message Request { lib.Thing thing = 1; }\n");
    Result<QByteArray> compiled = ProtoCompiler::compile(path, {m_dir.filePath(QStringLiteral("root"))});
    QVERIFY2(compiled.ok(), compiled.ok() ? "" : qPrintable(compiled.error().message));
    google::protobuf::FileDescriptorSet files;
    QVERIFY(files.ParseFromArray(compiled->constData(), int(compiled->size())));
    QCOMPARE(files.file_size(), 2);
    QCOMPARE(QString::fromStdString(files.file(0).name()), QStringLiteral("lib/common.proto"));
    QCOMPARE(QString::fromStdString(files.file(1).name()), QStringLiteral("app/model.proto"));

    // Without the root, the import is missing: the error names the file and line.
    Result<QByteArray> missing = ProtoCompiler::compile(path, {});
    QVERIFY(!missing.ok());
    QVERIFY2(missing.error().message.contains(QStringLiteral("model.proto:3:")),
             qPrintable(missing.error().message));
}

QTEST_GUILESS_MAIN(TestExecProtocol)
#include "tst_execprotocol.moc"
