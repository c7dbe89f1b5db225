// DescriptorSet: the embedded set with comments, building pools from sets in any order, subsets for workers,
// hostile or broken sets refused with the file named, and the canonical hash (comments do not count).
#include "ProtocCompiler.h"
#include "schema/DescriptorSet.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/message.h>

#include <QtTest>

#include <algorithm>

using namespace mmf;
namespace gp = google::protobuf;

namespace {

gp::FileDescriptorSet builtinFiles()
{
    gp::FileDescriptorSet set;
    const QByteArray bytes = DescriptorSet::builtin()->serialized();
    set.ParseFromArray(bytes.constData(), int(bytes.size()));
    return set;
}

QByteArray serialize(const gp::FileDescriptorSet& set)
{
    return QByteArray::fromStdString(set.SerializeAsString());
}

gp::FileDescriptorSet without(gp::FileDescriptorSet set, const std::string& fileName)
{
    auto* files = set.mutable_file();
    files->erase(std::remove_if(files->begin(), files->end(),
                                [&](const gp::FileDescriptorProto& f) { return f.name() == fileName; }),
                 files->end());
    return set;
}

gp::FileDescriptorProto* findFile(gp::FileDescriptorSet& set, const std::string& name)
{
    for (auto& file : *set.mutable_file()) {
        if (file.name() == name)
            return &file;
    }
    return nullptr;
}

gp::FileDescriptorProto simpleFile(const std::string& name, const std::string& package,
                                   const std::string& message)
{
    gp::FileDescriptorProto file;
    file.set_name(name);
    file.set_package(package);
    file.set_syntax("proto3");
    auto* type = file.add_message_type();
    type->set_name(message);
    auto* field = type->add_field();
    field->set_name("value");
    field->set_number(1);
    field->set_type(gp::FieldDescriptorProto::TYPE_STRING);
    field->set_label(gp::FieldDescriptorProto::LABEL_OPTIONAL);
    return file;
}

QStringList fileNames(const QByteArray& serializedSet)
{
    gp::FileDescriptorSet set;
    set.ParseFromArray(serializedSet.constData(), int(serializedSet.size()));
    QStringList names;
    for (const auto& file : set.file())
        names.append(QString::fromStdString(file.name()));
    return names;
}

const char* kHashBase = R"(syntax = "proto3";
package h;
// A thing.
message Thing {
  // The count.
  int32 count = 1;
  string name = 2;
}
)";

} // namespace

class TestDescriptorSet : public QObject
{
    Q_OBJECT

private slots:
    void builtinFindsTypesWithComments_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("comment");
        QTest::newRow("echo request text") << "mmf.models.EchoRequest"
                                           << "text"
                                           << "Text to send back.";
        QTest::newRow("echo request bytes") << "mmf.models.EchoRequest"
                                            << "f_bytes"
                                            << "Raw bytes (base64 in JSON)";
        QTest::newRow("echo response") << "mmf.models.EchoResponse"
                                       << "instance"
                                       << "Name of the instance";
        QTest::newRow("nested point") << "mmf.models.Point"
                                      << "x"
                                      << "Horizontal coordinate.";
        QTest::newRow("well-known timestamp") << "google.protobuf.Timestamp"
                                              << "seconds"
                                              << "Represents seconds";
    }
    void builtinFindsTypesWithComments()
    {
        QFETCH(QString, type);
        QFETCH(QString, field);
        QFETCH(QString, comment);
        const auto set = DescriptorSet::builtin();
        QVERIFY(set);
        const gp::Descriptor* descriptor = set->findMessage(type);
        QVERIFY2(descriptor, qPrintable(type));
        const gp::FieldDescriptor* fieldDescriptor = descriptor->FindFieldByName(field.toStdString());
        QVERIFY(fieldDescriptor);
        gp::SourceLocation location;
        QVERIFY(fieldDescriptor->GetSourceLocation(&location));
        const QString leading = QString::fromStdString(location.leading_comments);
        QVERIFY2(leading.contains(comment), qPrintable(leading));
    }

    void builtinIsBuiltOnce()
    {
        const auto a = DescriptorSet::builtin();
        const auto b = DescriptorSet::builtin();
        QVERIFY(a);
        QCOMPARE(a.get(), b.get());
        QVERIFY(!a->findMessage(u"mmf.models.NoSuchType"));
    }

    void prototypeBelongsToTheSet()
    {
        const auto set = DescriptorSet::builtin();
        const gp::Descriptor* echo = set->findMessage(u"mmf.models.EchoRequest");
        const gp::Message* prototype = set->prototype(echo);
        QVERIFY(prototype);
        QCOMPARE(prototype->GetDescriptor(), echo);
        QVERIFY(!set->prototype(nullptr));
        // A type from another pool is refused, not mixed in.
        const auto other = DescriptorSet::fromSerialized(set->serialized());
        QVERIFY(other.ok());
        QVERIFY(!set->prototype(other.value()->findMessage(u"mmf.models.EchoRequest")));
    }

    void subsetRoundTrip_data()
    {
        QTest::addColumn<QStringList>("types");
        QTest::addColumn<QStringList>("files");
        QTest::newRow("echo request")
            << QStringList{"mmf.models.EchoRequest"}
            << QStringList{"google/protobuf/descriptor.proto", "google/protobuf/timestamp.proto",
                           "mmf/options.proto", "mmf/models/echo.proto"};
        QTest::newRow("request and response")
            << QStringList{"mmf.models.EchoRequest", "mmf.models.EchoResponse"}
            << QStringList{"google/protobuf/descriptor.proto", "google/protobuf/timestamp.proto",
                           "mmf/options.proto", "mmf/models/echo.proto"};
        QTest::newRow("an enum") << QStringList{"mmf.Widget"}
                                 << QStringList{"google/protobuf/descriptor.proto", "mmf/options.proto"};
        QTest::newRow("well-known type alone")
            << QStringList{"google.protobuf.Timestamp"} << QStringList{"google/protobuf/timestamp.proto"};
    }
    void subsetRoundTrip()
    {
        QFETCH(QStringList, types);
        QFETCH(QStringList, files);
        const auto set = DescriptorSet::builtin();
        const auto subset = set->subsetFor(types);
        QVERIFY2(subset.ok(), qPrintable(subset.ok() ? QString() : subset.error().message));
        QCOMPARE(fileNames(subset.value()), files);

        const auto rebuilt = DescriptorSet::fromSerialized(subset.value());
        QVERIFY2(rebuilt.ok(), qPrintable(rebuilt.ok() ? QString() : rebuilt.error().message));
        for (const QString& type : types) {
            const gp::Descriptor* message = rebuilt.value()->findMessage(type);
            if (!message)
                continue; // an enum
            // Comments survive the subset.
            gp::SourceLocation location;
            QVERIFY(message->GetSourceLocation(&location));
            QVERIFY(!location.leading_comments.empty());
        }
        // The subset of a subset is itself.
        QCOMPARE(rebuilt.value()->subsetFor(types).value(), subset.value());
    }

    void subsetOfUnknownTypeFails()
    {
        const auto subset =
            DescriptorSet::builtin()->subsetFor({"mmf.models.EchoRequest", "mmf.models.Nope"});
        QVERIFY(!subset.ok());
        QCOMPARE(subset.error().code, ErrorCode::InvalidArgument);
        QVERIFY(subset.error().message.contains("mmf.models.Nope"));
    }

    void brokenSetsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("mentions");

        const gp::FileDescriptorSet base = builtinFiles();
        QTest::newRow("garbage") << QByteArray("\xff\xff\xff\xff\x0f", 5)
                                 << "not a serialized FileDescriptorSet";
        QTest::newRow("empty") << QByteArray() << "no files";
        QTest::newRow("over 16 MiB") << QByteArray(16 * 1024 * 1024 + 1, '\0') << "16 MiB";
        QTest::newRow("missing dependency")
            << serialize(without(base, "mmf/options.proto")) << "mmf/options.proto\", which the set does not";

        gp::FileDescriptorSet duplicateSymbol = base;
        *duplicateSymbol.add_file() = simpleFile("dup/point.proto", "mmf.models", "Point");
        QTest::newRow("duplicate symbol") << serialize(duplicateSymbol) << "dup/point.proto";

        gp::FileDescriptorSet cycle;
        auto a = simpleFile("cycle/a.proto", "ca", "A");
        a.add_dependency("cycle/b.proto");
        auto b = simpleFile("cycle/b.proto", "cb", "B");
        b.add_dependency("cycle/a.proto");
        *cycle.add_file() = a;
        *cycle.add_file() = b;
        QTest::newRow("import cycle") << serialize(cycle) << "import cycle";

        gp::FileDescriptorSet undefined;
        auto broken = simpleFile("broken/undefined.proto", "u", "U");
        auto* field = broken.mutable_message_type(0)->add_field();
        field->set_name("other");
        field->set_number(2);
        field->set_type_name(".u.Missing");
        field->set_label(gp::FieldDescriptorProto::LABEL_OPTIONAL);
        *undefined.add_file() = broken;
        QTest::newRow("undefined type") << serialize(undefined) << "broken/undefined.proto";

        gp::FileDescriptorSet twice;
        *twice.add_file() = simpleFile("twice.proto", "t", "A");
        *twice.add_file() = simpleFile("twice.proto", "t", "B");
        QTest::newRow("same file, two contents") << serialize(twice) << "twice.proto";

        gp::FileDescriptorSet nameless;
        *nameless.add_file() = simpleFile("", "n", "N");
        QTest::newRow("file without a name") << serialize(nameless) << "no name";
    }
    void brokenSetsAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, mentions);
        const auto set = DescriptorSet::fromSerialized(bytes);
        QVERIFY(!set.ok());
        QCOMPARE(set.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(set.error().message.contains(mentions), qPrintable(set.error().message));
    }

    void fileOrderDoesNotMatter()
    {
        gp::FileDescriptorSet reversed = builtinFiles();
        std::reverse(reversed.mutable_file()->begin(), reversed.mutable_file()->end());
        const auto set = DescriptorSet::fromSerialized(serialize(reversed));
        QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.error().message));
        QVERIFY(set.value()->findMessage(u"mmf.models.EchoRequest"));
        QCOMPARE(set.value()->canonicalHash(), DescriptorSet::builtin()->canonicalHash());
    }

    void identicalDuplicateFilesAreMerged()
    {
        gp::FileDescriptorSet doubled = builtinFiles();
        *doubled.add_file() = *findFile(doubled, "mmf/options.proto");
        const auto set = DescriptorSet::fromSerialized(serialize(doubled));
        QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.error().message));
        QCOMPARE(set.value()->canonicalHash(), DescriptorSet::builtin()->canonicalHash());
    }

    void missingWellKnownFileComesFromTheLibrary()
    {
        // A set made without --include_imports still builds when all it lacks is google/protobuf/*.proto.
        const gp::FileDescriptorSet partial = without(builtinFiles(), "google/protobuf/timestamp.proto");
        const auto set = DescriptorSet::fromSerialized(serialize(partial));
        QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.error().message));
        QVERIFY(set.value()->findMessage(u"google.protobuf.Timestamp"));
        QVERIFY(fileNames(set.value()->subsetFor({"mmf.models.EchoRequest"}).value())
                    .contains("google/protobuf/timestamp.proto"));
    }

    void canonicalHashIsHexSha256()
    {
        const QByteArray hash = DescriptorSet::builtin()->canonicalHash();
        QCOMPARE(hash.size(), 64);
        QVERIFY(QByteArray::fromHex(hash).toHex() == hash);
        const auto again = DescriptorSet::fromSerialized(DescriptorSet::builtin()->serialized());
        QCOMPARE(again.value()->canonicalHash(), hash);
    }

    void canonicalHashIgnoresComments_data()
    {
        QTest::addColumn<QString>("edited");
        QTest::addColumn<bool>("sameHash");
        const QString base = QString::fromLatin1(kHashBase);
        QTest::newRow("unchanged") << base << true;
        QTest::newRow("comment edited") << QString(base).replace("The count.", "How many there are.") << true;
        QTest::newRow("comment added and lines moved")
            << QString(base).replace("  string name = 2;",
                                     "\n\n  // The name.\n  string name = 2; // trailing")
            << true;
        QTest::newRow("field type changed") << QString(base).replace("int32 count", "int64 count") << false;
        QTest::newRow("field renamed") << QString(base).replace("count", "total") << false;
        QTest::newRow("field renumbered") << QString(base).replace("name = 2", "name = 3") << false;
        QTest::newRow("ui option added")
            << QString(base)
                   .replace("package h;", "package h;\nimport \"mmf/options.proto\";")
                   .replace("count = 1;", "count = 1 [(mmf.ui) = {min: 0}];")
            << false;
    }
    void canonicalHashIgnoresComments()
    {
        QFETCH(QString, edited);
        QFETCH(bool, sameHash);
        QString error;
        const QByteArray baseBytes = ProtocCompiler::compile(QString::fromLatin1(kHashBase), &error);
        if (baseBytes.isEmpty() && error == "protoc not found")
            QSKIP("protoc is not installed");
        QVERIFY2(!baseBytes.isEmpty(), qPrintable(error));
        const QByteArray editedBytes = ProtocCompiler::compile(edited, &error);
        QVERIFY2(!editedBytes.isEmpty(), qPrintable(error));

        const auto a = DescriptorSet::fromSerialized(baseBytes);
        const auto b = DescriptorSet::fromSerialized(editedBytes);
        QVERIFY(a.ok());
        QVERIFY(b.ok());
        QCOMPARE(a.value()->canonicalHash() == b.value()->canonicalHash(), sameHash);
    }

    void canonicalHashOfEditedDescriptors()
    {
        // The same checks on the embedded set, edited as a FileDescriptorSet.
        const QByteArray original = DescriptorSet::builtin()->canonicalHash();

        gp::FileDescriptorSet comments = builtinFiles();
        auto* echo = findFile(comments, "mmf/models/echo.proto");
        QVERIFY(echo && echo->source_code_info().location_size() > 0);
        for (auto& location : *echo->mutable_source_code_info()->mutable_location())
            location.set_leading_comments(" rewritten\n");
        QCOMPARE(DescriptorSet::fromSerialized(serialize(comments)).value()->canonicalHash(), original);

        gp::FileDescriptorSet retyped = builtinFiles();
        auto* request = findFile(retyped, "mmf/models/echo.proto")->mutable_message_type(1);
        QCOMPARE(request->name(), std::string("EchoRequest"));
        for (auto& field : *request->mutable_field()) {
            if (field.name() == "f_int32")
                field.set_type(gp::FieldDescriptorProto::TYPE_INT64);
        }
        const auto changed = DescriptorSet::fromSerialized(serialize(retyped));
        QVERIFY(changed.ok());
        QVERIFY(changed.value()->canonicalHash() != original);
    }
};

QTEST_GUILESS_MAIN(TestDescriptorSet)
#include "tst_descriptorset.moc"
