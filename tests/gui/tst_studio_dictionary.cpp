// The glossary: DictionaryModel flattens echo's descriptors (paths, types, allowed values, comments), the
// filter searches them, and DictionaryPage loads every model from a real server and shows one field on
// request.
#include "ServerFixture.h"

#include "core/ApiClient.h"
#include "core/DictionaryFilterModel.h"
#include "core/DictionaryModel.h"
#include "core/EventStream.h"
#include "core/Session.h"
#include "core/StudioContext.h"
#include "gui/DictionaryPage.h"
#include "schema/DescriptorSet.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QAbstractItemModelTester>
#include <QTest>
#include <QTextBrowser>

using namespace mmf;
using namespace mmf::studio;

namespace {

QJsonObject echoJson()
{
    const auto set = DescriptorSet::builtin();
    return QJsonObject{{"name", "echo"},
                       {"descriptor_set", QString::fromLatin1(set->serialized().toBase64())},
                       {"request_type", "mmf.models.EchoRequest"},
                       {"response_type", "mmf.models.EchoResponse"}};
}

} // namespace

class TestStudioDictionary : public QObject
{
    Q_OBJECT

private slots:
    void entries_data();
    void entries();
    void rejectsBadDescriptors();
    void filter();
    void replacesAModel();
    void pageLoadsFromServer();
};

void TestStudioDictionary::entries_data()
{
    QTest::addColumn<int>("part");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("allowed");
    QTest::addColumn<QString>("description");
    const int req = DictionaryEntry::Request;
    const int resp = DictionaryEntry::Response;
    QTest::newRow("string") << req << "text"
                            << "string"
                            << ""
                            << "Text to send back.";
    QTest::newRow("min/max/unit") << req << "delay_ms"
                                  << "int32"
                                  << "from 0 to 3600000; unit: ms"
                                  << "Milliseconds to wait before answering";
    QTest::newRow("enum") << req << "color"
                          << "enum Color"
                          << "COLOR_UNSPECIFIED, RED, GREEN, BLUE"
                          << "A colour.";
    QTest::newRow("nested") << req << "point.x"
                            << "double"
                            << ""
                            << "Horizontal coordinate.";
    QTest::newRow("repeated message") << req << "points"
                                      << "repeated Point"
                                      << ""
                                      << "A list of points.";
    QTest::newRow("repeated nested") << req << "points.label"
                                     << "string"
                                     << ""
                                     << "A label for the point.";
    QTest::newRow("map") << req << "counts"
                         << "map<string, int32>"
                         << ""
                         << "Counts by name.";
    QTest::newRow("oneof") << req << "choice_number"
                           << "int64"
                           << "a string in JSON; one of “choice”: set at most one"
                           << "A numeric choice.";
    QTest::newRow("optional") << req << "note"
                              << "optional string"
                              << ""
                              << "may be left out";
    QTest::newRow("timestamp") << req << "at"
                               << "Timestamp"
                               << "RFC 3339 time"
                               << "A moment in time.";
    QTest::newRow("bytes") << req << "f_bytes"
                           << "bytes"
                           << "base64 in JSON"
                           << "Raw bytes";
    QTest::newRow("response") << resp << "attempt"
                              << "int32"
                              << ""
                              << "Which attempt answered";
    QTest::newRow("response nested") << resp << "request.text"
                                     << "string"
                                     << ""
                                     << "Text to send back.";
}

void TestStudioDictionary::entries()
{
    QFETCH(int, part);
    QFETCH(QString, path);
    QFETCH(QString, type);
    QFETCH(QString, allowed);
    QFETCH(QString, description);
    DictionaryModel model;
    QVERIFY(model.setModelFromJson(echoJson()).ok());
    const int row = model.rowOf(QStringLiteral("echo"), DictionaryEntry::Part(part), path);
    QVERIFY2(row >= 0, qPrintable(path));
    const DictionaryEntry& e = model.entry(row);
    QCOMPARE(e.type, type);
    if (allowed.isEmpty())
        QVERIFY2(DictionaryModel::allowedText(e).isEmpty() || e.type == QLatin1String("bool"),
                 qPrintable(DictionaryModel::allowedText(e)));
    else
        QVERIFY2(DictionaryModel::allowedText(e).contains(allowed),
                 qPrintable(DictionaryModel::allowedText(e)));
    QVERIFY2(e.description.contains(description), qPrintable(e.description));
    // The table shows the same in its columns.
    QCOMPARE(model.index(row, DictionaryModel::PathColumn).data().toString(), path);
    QCOMPARE(model.index(row, DictionaryModel::DescriptionColumn).data().toString(), e.description);
}

void TestStudioDictionary::rejectsBadDescriptors()
{
    DictionaryModel model;
    QJsonObject json = echoJson();
    json.insert("descriptor_set", QStringLiteral("bm90IGEgZGVzY3JpcHRvciBzZXQ="));
    QVERIFY(!model.setModelFromJson(json).ok());
    QCOMPARE(model.rowCount(), 0);
}

void TestStudioDictionary::filter()
{
    DictionaryModel model;
    QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setModelFromJson(echoJson()).ok());
    QJsonObject other = echoJson();
    other.insert("name", "zecho");
    QVERIFY(model.setModelFromJson(other).ok());
    QCOMPARE(model.models(), (QStringList{"echo", "zecho"}));

    DictionaryFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester filterTester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(filter.rowCount(), model.rowCount());
    filter.setModelName("echo");
    QCOMPARE(filter.rowCount(), model.rowCount() / 2);
    // Every word must match somewhere, case-insensitively.
    filter.setSearchText("HORIZONTAL coordinate");
    QVERIFY(filter.rowCount() > 0);
    for (int row = 0; row < filter.rowCount(); ++row) {
        QCOMPARE(filter.index(row, DictionaryModel::ModelColumn).data().toString(), QStringLiteral("echo"));
        QVERIFY(filter.index(row, DictionaryModel::PathColumn).data().toString().endsWith(".x"));
    }
    filter.setSearchText("horizontal nonsense");
    QCOMPARE(filter.rowCount(), 0);
    filter.setSearchText("green");
    QVERIFY(filter.rowCount() >= 1); // the colour field, by its allowed values
    filter.setSearchText({});
    filter.setModelName({});
    QCOMPARE(filter.rowCount(), model.rowCount());
}

void TestStudioDictionary::replacesAModel()
{
    DictionaryModel model;
    QVERIFY(model.setModelFromJson(echoJson()).ok());
    const int rows = model.rowCount();
    QVERIFY(rows > 30);
    QVERIFY(model.setModelFromJson(echoJson()).ok());
    QCOMPARE(model.rowCount(), rows);
    model.removeModel("echo");
    QCOMPARE(model.rowCount(), 0);
}

void TestStudioDictionary::pageLoadsFromServer()
{
    ServerFixture server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QByteArray token = server.issueToken("dict", "default", "score,read,serve");
    QVERIFY(!token.isEmpty());
    WorkerFixture worker("echo", server.url(), token);
    QVERIFY(worker.start());
    QVERIFY2(worker.waitForReady(), worker.output().constData());

    QTemporaryDir dir;
    QSettings settings(dir.filePath("studio.ini"), QSettings::IniFormat);
    ApiClient api;
    Session session(api, settings);
    EventStream events(api);
    StudioContext context{api, session, events, settings};
    session.useToken(server.url(), token, "dict");

    DictionaryPage page(context);
    page.resize(1000, 700);
    QSignalSpy loaded(&page, &DictionaryPage::loaded);
    page.show();
    QVERIFY(loaded.wait(15000));

    auto* table = page.findChild<QTableView*>("dictionaryTable");
    auto* search = page.findChild<QLineEdit*>("dictionarySearch");
    auto* combo = page.findChild<QComboBox*>("dictionaryModelCombo");
    auto* details = page.findChild<QTextBrowser*>("dictionaryDetails");
    QVERIFY(table && search && combo && details);
    QVERIFY(page.dictionary().models().contains("echo"));
    QVERIFY(combo->findData("echo") >= 0);
    const int all = table->model()->rowCount();
    QVERIFY(all > 30);

    // echo's fields with their comments are listed.
    const int textRow = page.dictionary().rowOf("echo", "text");
    QVERIFY(textRow >= 0);
    QCOMPARE(page.dictionary().index(textRow, DictionaryModel::DescriptionColumn).data().toString(),
             QStringLiteral("Text to send back."));

    QTest::keyClicks(search, "milliseconds wait");
    QTRY_VERIFY(table->model()->rowCount() < all);
    QVERIFY(table->model()->rowCount() >= 1);
    QCOMPARE(table->model()->index(0, DictionaryModel::PathColumn).data().toString(),
             QStringLiteral("delay_ms"));

    // The form's help link: showField clears the search, selects the row and says so.
    QSignalSpy shown(&page, &DictionaryPage::fieldShown);
    page.showField("echo", "point.y");
    QCOMPARE(shown.count(), 1);
    QVERIFY(search->text().isEmpty());
    QCOMPARE(table->currentIndex().siblingAtColumn(DictionaryModel::PathColumn).data().toString(),
             QStringLiteral("point.y"));
    QVERIFY2(details->toPlainText().contains("Vertical coordinate."), qPrintable(details->toPlainText()));

    // The form's own paths: indices dropped, map parts mapped, unknown tails fall back to the parent.
    const QList<QPair<QString, QString>> formPaths = {{"points[1].label", "points.label"},
                                                      {"counts[0].value", "counts"},
                                                      {"counts[2].key", "counts"},
                                                      {"point.nope", "point"}};
    for (const auto& [formPath, listed] : formPaths) {
        page.showField("echo", formPath);
        QCOMPARE(table->currentIndex().siblingAtColumn(DictionaryModel::PathColumn).data().toString(),
                 listed);
    }
    QCOMPARE(shown.count(), 1 + formPaths.size());

    // An unknown field: no signal, nothing selected changes.
    page.showField("echo", "no.such.field");
    QTRY_VERIFY(!page.isLoading());
    QCOMPARE(shown.count(), 1 + formPaths.size());
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestStudioDictionary test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_studio_dictionary.moc"
