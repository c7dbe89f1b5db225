// The studio's Submit page against a real mmf-server (embedded Redis) and a real echo worker: the echo form
// has an editor for every field kind, bad input is flagged before anything is sent, and a submitted task
// shows its live log lines and its rendered result; a long task can be cancelled.
#include "ServerFixture.h"
#include "StudioStack.h"
#include "core/ApiClient.h"
#include "core/DictionaryModel.h"
#include "core/EventStream.h"
#include "core/LanguageManager.h"
#include "core/ModelListModel.h"
#include "core/Session.h"
#include "core/StudioContext.h"
#include "core/TaskListModel.h"
#include "gui/DictionaryPage.h"
#include "gui/LogView.h"
#include "gui/MainWindow.h"
#include "gui/ModelsPage.h"
#include "gui/RequestForm.h"
#include "gui/ResultView.h"
#include "gui/SubmitPage.h"
#include "gui/TasksPage.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QGroupBox>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QtCharts/QChartView>
#include <csignal>

using namespace mmf;
using namespace mmf::studio;

class TestStudioSubmit : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void echoFormHasAnEditorForEveryFieldKind_data();
    void echoFormHasAnEditorForEveryFieldKind();
    void badInputIsFlaggedBeforeSending_data();
    void badInputIsFlaggedBeforeSending();
    void jsonViewCopiesAndAppliesTheRequest();
    void helpLinkOpensTheFieldInTheDictionary();
    void formFollowsALanguageSwitchKeepingItsValues();
    void submitShowsLogLinesAndResult();
    void runningTaskCanBeCancelled();
    void historyShowsLogAndResultAgainAndResubmits();
    void modelsPageListsTheLiveModel();
    void failsGracefullyWhenTheModelAndTheServerGo();

private:
    template<class T> T* child(const QString& name)
    {
        T* widget = m_window->findChild<T*>(name);
        if (!widget)
            qWarning() << "no widget" << name;
        return widget;
    }
    void resetForm();
    void grab(const QString& name);

    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<WorkerFixture> m_worker;
    std::unique_ptr<StudioStack> m_studio;
    MainWindow* m_window = nullptr; // m_studio's
    std::unique_ptr<QAbstractItemModelTester> m_modelsTester;
    SubmitPage* m_page = nullptr;
    QString m_succeededTask;
};

void TestStudioSubmit::initTestCase()
{
    m_server = std::make_unique<ServerFixture>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    const QByteArray workerToken =
        m_server->issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    const QByteArray userToken = m_server->issueToken(QStringLiteral("alice"), QStringLiteral("default"),
                                                      QStringLiteral("score,read"));
    QVERIFY(!workerToken.isEmpty());
    QVERIFY(!userToken.isEmpty());

    m_studio = std::make_unique<StudioStack>();
    QVERIFY(m_studio->isValid());
    m_studio->session().useToken(m_server->url(), userToken, QStringLiteral("alice"));

    m_window = m_studio->makeWindow();
    m_modelsTester = std::make_unique<QAbstractItemModelTester>(
        &m_window->models(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(m_studio->showWindow());

    // The worker registers after the window listed the models: the stats push brings it in.
    m_worker = std::make_unique<WorkerFixture>(QStringLiteral("echo"), m_server->url(), workerToken);
    QVERIFY(m_worker->start());
    QVERIFY2(m_worker->waitForReady(), m_worker->output().constData());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->models().rowOf(QStringLiteral("echo")) >= 0, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(m_studio->events().isOpen(), 10000);

    m_window->showPage(QStringLiteral("submit"));
    m_page = m_window->submitPage();
    QSignalSpy loaded(m_page, &SubmitPage::schemaLoaded);
    m_page->selectModel(QStringLiteral("echo"));
    QTRY_VERIFY_WITH_TIMEOUT(m_page->isSchemaLoaded(), 15000);
}

void TestStudioSubmit::cleanupTestCase()
{
    m_modelsTester.reset();
    m_window = nullptr;
    m_studio.reset();
    m_worker.reset();
    if (m_server)
        m_server->stop();
}

void TestStudioSubmit::grab(const QString& name)
{
    const QString dir = qEnvironmentVariable("MMF_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        m_window->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

void TestStudioSubmit::resetForm()
{
    m_page->form()->clear();
}

void TestStudioSubmit::echoFormHasAnEditorForEveryFieldKind_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("className");
    QTest::newRow("string, multiline") << "field_text"
                                       << "QPlainTextEdit";
    QTest::newRow("int32 with range") << "field_delay_ms"
                                      << "QSpinBox";
    QTest::newRow("timestamp") << "field_fail_until"
                               << "QDateTimeEdit";
    QTest::newRow("timestamp left empty") << "set_fail_until"
                                          << "QCheckBox";
    QTest::newRow("bool") << "field_always_throw"
                          << "QCheckBox";
    QTest::newRow("string") << "field_fail_with"
                            << "QLineEdit";
    QTest::newRow("double") << "field_f_double"
                            << "QLineEdit";
    QTest::newRow("float") << "field_f_float"
                           << "QLineEdit";
    QTest::newRow("int32") << "field_f_int32"
                           << "QSpinBox";
    QTest::newRow("int64") << "field_f_int64"
                           << "QLineEdit";
    QTest::newRow("uint32") << "field_f_uint32"
                            << "QLineEdit";
    QTest::newRow("uint64") << "field_f_uint64"
                            << "QLineEdit";
    QTest::newRow("sint32") << "field_f_sint32"
                            << "QSpinBox";
    QTest::newRow("sint64") << "field_f_sint64"
                            << "QLineEdit";
    QTest::newRow("fixed32") << "field_f_fixed32"
                             << "QLineEdit";
    QTest::newRow("fixed64") << "field_f_fixed64"
                             << "QLineEdit";
    QTest::newRow("sfixed32") << "field_f_sfixed32"
                              << "QSpinBox";
    QTest::newRow("sfixed64") << "field_f_sfixed64"
                              << "QLineEdit";
    QTest::newRow("bool flag") << "field_f_bool"
                               << "QCheckBox";
    QTest::newRow("bytes from a file") << "choose_f_bytes"
                                       << "QPushButton";
    QTest::newRow("bytes preview") << "preview_f_bytes"
                                   << "QLabel";
    QTest::newRow("enum") << "field_color"
                          << "QComboBox";
    QTest::newRow("nested message") << "field_point"
                                    << "QGroupBox";
    QTest::newRow("nested field") << "field_point.x"
                                  << "QLineEdit";
    QTest::newRow("repeated string") << "add_tags"
                                     << "QToolButton";
    QTest::newRow("repeated message") << "add_points"
                                      << "QToolButton";
    QTest::newRow("map") << "add_counts"
                         << "QToolButton";
    QTest::newRow("oneof") << "field_choice"
                           << "QComboBox";
    QTest::newRow("optional string") << "set_note"
                                     << "QCheckBox";
    QTest::newRow("optional double") << "set_score"
                                     << "QCheckBox";
    QTest::newRow("timestamp at") << "field_at"
                                  << "QDateTimeEdit";
    QTest::newRow("repeated double") << "add_values"
                                     << "QToolButton";
}

void TestStudioSubmit::echoFormHasAnEditorForEveryFieldKind()
{
    QFETCH(QString, name);
    QFETCH(QString, className);
    QWidget* widget = m_page->form()->findChild<QWidget*>(name);
    QVERIFY2(widget, qPrintable(name));
    QVERIFY2(widget->inherits(className.toLatin1().constData()), widget->metaObject()->className());

    if (name == QLatin1String("field_delay_ms")) {
        auto* spin = qobject_cast<QSpinBox*>(widget);
        QCOMPARE(spin->minimum(), 0);
        QCOMPARE(spin->maximum(), 3600000);
        QCOMPARE(spin->suffix(), QStringLiteral(" ms"));
        // Help text from the field's comment.
        QVERIFY(spin->toolTip().startsWith(QLatin1String("Milliseconds to wait")));
    } else if (name == QLatin1String("field_color")) {
        auto* combo = qobject_cast<QComboBox*>(widget);
        QCOMPARE(combo->count(), 4);
        QCOMPARE(combo->itemText(1), QStringLiteral("RED"));
    } else if (name == QLatin1String("field_choice")) {
        QCOMPARE(qobject_cast<QComboBox*>(widget)->count(), 4); // none + three members
    } else if (name == QLatin1String("add_counts")) {
        // A map row has a key and a value editor, and can be removed again.
        QTest::mouseClick(qobject_cast<QToolButton*>(widget), Qt::LeftButton);
        QTRY_VERIFY(m_page->form()->findChild<QLineEdit*>(QStringLiteral("field_counts[0].key")));
        QVERIFY(m_page->form()->findChild<QSpinBox*>(QStringLiteral("field_counts[0].value")));
        auto* remove = m_page->form()->findChild<QToolButton*>(QStringLiteral("remove_counts[0]"));
        QVERIFY(remove);
        QTest::mouseClick(remove, Qt::LeftButton);
        QTRY_VERIFY(
            !m_page->form()->findChild<QLineEdit*>(QStringLiteral("field_counts[0].key")) ||
            !m_page->form()->findChild<QLineEdit*>(QStringLiteral("field_counts[0].key"))->isVisible());
        QVERIFY(!m_page->form()->value()->contains(QLatin1String("counts")));
    }
}

void TestStudioSubmit::badInputIsFlaggedBeforeSending_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("text");
    QTest::newRow("letters in int64") << "f_int64"
                                      << "12x";
    QTest::newRow("int64 overflow") << "f_int64"
                                    << "9223372036854775808";
    QTest::newRow("negative uint64") << "f_uint64"
                                     << "-1";
    QTest::newRow("uint32 overflow") << "f_uint32"
                                     << "4294967296";
    QTest::newRow("not a double") << "f_double"
                                  << "1.2.3";
    QTest::newRow("float overflow") << "f_float"
                                    << "1e40";
    QTest::newRow("nested double") << "point.y"
                                   << "north";
}

void TestStudioSubmit::badInputIsFlaggedBeforeSending()
{
    QFETCH(QString, field);
    QFETCH(QString, text);
    resetForm();
    const QString taskBefore = m_page->currentTaskId();
    const int tasksBefore = m_window->tasks().rowCount();
    auto* edit = m_page->form()->findChild<QLineEdit*>(QStringLiteral("field_") + field);
    QVERIFY(edit);
    edit->clear();
    QTest::keyClicks(edit, text);
    // Flagged as typed.
    QVERIFY(edit->property("invalid").toBool());
    QVERIFY(!edit->toolTip().isEmpty());
    QVERIFY(m_page->form()->invalidPaths().contains(field));

    auto* submit = child<QPushButton>(QStringLiteral("submitButton"));
    QVERIFY(submit->isEnabled());
    QTest::mouseClick(submit, Qt::LeftButton);
    auto* validation = child<QLabel>(QStringLiteral("validationLabel"));
    QVERIFY(validation->isVisible());
    QVERIFY2(validation->text().contains(field), qPrintable(validation->text()));
    grab(QStringLiteral("bad-input"));
    // Nothing was sent.
    QCOMPARE(m_page->currentTaskId(), taskBefore);
    QCOMPARE(m_window->tasks().rowCount(), tasksBefore);

    edit->clear();
    QTest::keyClicks(edit, QStringLiteral("7"));
    QVERIFY(!edit->property("invalid").toBool());
    QVERIFY(m_page->form()->value().ok());
}

void TestStudioSubmit::jsonViewCopiesAndAppliesTheRequest()
{
    resetForm();
    child<QSpinBox>(QStringLiteral("field_log_lines"))->setValue(4);
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_f_sint64")),
                     QStringLiteral("-9223372036854775808"));
    auto* tabs = child<QTabWidget>(QStringLiteral("requestTabs"));
    tabs->setCurrentIndex(1);
    auto* json = child<QPlainTextEdit>(QStringLiteral("jsonEdit"));
    const QJsonObject shown = QJsonDocument::fromJson(json->toPlainText().toUtf8()).object();
    QCOMPARE(shown.value(QLatin1String("log_lines")).toInt(), 4);
    QCOMPARE(shown.value(QLatin1String("f_sint64")).toString(), QStringLiteral("-9223372036854775808"));

    // A pasted request that does not fit the message is refused with the field named.
    json->setPlainText(QStringLiteral(R"({"log_lines": 2, "no_such_field": 1})"));
    QTest::mouseClick(child<QPushButton>(QStringLiteral("applyJsonButton")), Qt::LeftButton);
    auto* validation = child<QLabel>(QStringLiteral("validationLabel"));
    QVERIFY(validation->isVisible());
    QVERIFY2(validation->text().contains(QStringLiteral("no_such_field")), qPrintable(validation->text()));
    QCOMPARE(tabs->currentIndex(), 1);

    json->setPlainText(QStringLiteral(
        R"({"log_lines": 2, "text": "from json", "color": "BLUE", "points": [{"x": 1}, {"y": 2}]})"));
    QTest::mouseClick(child<QPushButton>(QStringLiteral("applyJsonButton")), Qt::LeftButton);
    QCOMPARE(tabs->currentIndex(), 0);
    QCOMPARE(child<QSpinBox>(QStringLiteral("field_log_lines"))->value(), 2);
    QCOMPARE(child<QPlainTextEdit>(QStringLiteral("field_text"))->toPlainText(), QStringLiteral("from json"));
    QCOMPARE(child<QComboBox>(QStringLiteral("field_color"))->currentText(), QStringLiteral("BLUE"));
    QCOMPARE(child<QLineEdit>(QStringLiteral("field_points[1].y"))->text(), QStringLiteral("2"));
    QCOMPARE(child<QLineEdit>(QStringLiteral("field_f_sint64"))->text(), QString());
    const Result<QJsonObject> value = m_page->form()->value();
    QVERIFY(value.ok());
    QCOMPARE(value->value(QLatin1String("points")).toArray().size(), 2);
}

void TestStudioSubmit::helpLinkOpensTheFieldInTheDictionary()
{
    resetForm();
    auto* help = m_page->form()->findChild<QLabel*>(QStringLiteral("help_delay_ms"));
    QVERIFY(help);
    QVERIFY(help->text().startsWith(QLatin1String("Milliseconds to wait")));
    QVERIFY(help->text().contains(QLatin1String("href=\"field:delay_ms\"")));
    // Following the link (what a click on it emits) brings the glossary up on that very field.
    emit help->linkActivated(QStringLiteral("field:delay_ms"));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->currentPage(), QStringLiteral("dictionary"), 15000);
    auto* dictionary = m_window->findChild<DictionaryPage*>();
    QVERIFY(dictionary);
    auto* table = dictionary->findChild<QTableView*>(QStringLiteral("dictionaryTable"));
    QVERIFY(table);
    const QModelIndex current = table->currentIndex();
    QVERIFY(current.isValid());
    QCOMPARE(current.siblingAtColumn(DictionaryModel::PathColumn).data().toString(),
             QStringLiteral("delay_ms"));
    m_window->showPage(QStringLiteral("submit"));
}

void TestStudioSubmit::formFollowsALanguageSwitchKeepingItsValues()
{
    resetForm();
    auto* delay = m_page->form()->findChild<QSpinBox*>(QStringLiteral("field_delay_ms"));
    QVERIFY(delay);
    delay->setValue(1234);
    auto* help = m_page->form()->findChild<QLabel*>(QStringLiteral("help_delay_ms"));
    QVERIFY(help && help->text().contains(QLatin1String(">Dictionary<")));
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("lang.ini")), QSettings::IniFormat);
    {
        LanguageManager languages(settings);
        QVERIFY(languages.setLanguage(QStringLiteral("ru")));
        // The editors are made again in Russian, holding what was typed.
        QTRY_VERIFY_WITH_TIMEOUT(m_page->form()->findChild<QLabel*>(QStringLiteral("help_delay_ms")) &&
                                     m_page->form()
                                         ->findChild<QLabel*>(QStringLiteral("help_delay_ms"))
                                         ->text()
                                         .contains(QStringLiteral(">Словарь<")),
                                 5000);
        QCOMPARE(m_page->form()->findChild<QSpinBox*>(QStringLiteral("field_delay_ms"))->value(), 1234);
        QVERIFY(languages.setLanguage(QStringLiteral("en")));
    }
    QTRY_VERIFY_WITH_TIMEOUT(m_page->form()->findChild<QLabel*>(QStringLiteral("help_delay_ms")) &&
                                 m_page->form()
                                     ->findChild<QLabel*>(QStringLiteral("help_delay_ms"))
                                     ->text()
                                     .contains(QLatin1String(">Dictionary<")),
                             5000);
    QCOMPARE(m_page->form()->findChild<QSpinBox*>(QStringLiteral("field_delay_ms"))->value(), 1234);
    resetForm();
}

void TestStudioSubmit::submitShowsLogLinesAndResult()
{
    resetForm();
    // A picture for the IMAGE bytes field (set through the form's JSON loading: the file dialog is modal).
    QImage image(24, 16, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(image.save(&buffer, "PNG"));
    m_page->form()->setValue({{QStringLiteral("f_bytes"), QString::fromLatin1(png.toBase64())}});
    QVERIFY(m_page->form()->findChild<QLabel*>(QStringLiteral("preview_f_bytes"))->pixmap().width() > 0);

    QTest::keyClicks(child<QPlainTextEdit>(QStringLiteral("field_text")), QStringLiteral("hello studio"));
    auto* lines = child<QSpinBox>(QStringLiteral("field_log_lines"));
    lines->setValue(3);
    child<QSpinBox>(QStringLiteral("field_delay_ms"))->setValue(300);
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_f_int64")), QStringLiteral("9007199254740993"));
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_f_uint64")),
                     QStringLiteral("18446744073709551615"));
    child<QComboBox>(QStringLiteral("field_color"))->setCurrentIndex(2);
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_point.x")), QStringLiteral("1.5"));
    QTest::mouseClick(child<QToolButton>(QStringLiteral("add_tags")), Qt::LeftButton);
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_tags[0]")), QStringLiteral("first"));
    QTest::mouseClick(child<QToolButton>(QStringLiteral("add_counts")), Qt::LeftButton);
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_counts[0].key")), QStringLiteral("apples"));
    child<QSpinBox>(QStringLiteral("field_counts[0].value"))->setValue(5);
    for (int i = 0; i < 3; ++i)
        QTest::mouseClick(child<QToolButton>(QStringLiteral("add_values")), Qt::LeftButton);
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_values[0]")), QStringLiteral("0.2"));
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_values[1]")), QStringLiteral("0.7"));
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_values[2]")), QStringLiteral("0.1"));
    child<QComboBox>(QStringLiteral("field_choice"))->setCurrentIndex(1);
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_choice_text")), QStringLiteral("picked"));
    child<QCheckBox>(QStringLiteral("set_note"))->setChecked(true); // an empty note, not None

    QSignalSpy submitted(m_page, &SubmitPage::taskSubmitted);
    QSignalSpy finished(m_page, &SubmitPage::taskFinished);
    QTest::mouseClick(child<QPushButton>(QStringLiteral("submitButton")), Qt::LeftButton);
    QVERIFY2(submitted.wait(10000), qPrintable(child<QLabel>(QStringLiteral("validationLabel"))->text()));
    const QString taskId = submitted.at(0).at(0).toString();
    QVERIFY(!taskId.isEmpty());
    m_succeededTask = taskId;

    QVERIFY(finished.count() > 0 || finished.wait(30000));
    QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("succeeded"));
    LogView* log = m_page->logView();
    QTRY_VERIFY_WITH_TIMEOUT(log->lineCount() >= 3, 10000);
    QVERIFY(log->lines().contains(QStringLiteral("line 1 of 3")));
    QVERIFY(log->lines().contains(QStringLiteral("line 3 of 3")));

    ResultView* result = m_page->resultView();
    QVERIFY(result->hasResult());
    const QJsonObject request = result->result().value(QLatin1String("request")).toObject();
    QCOMPARE(request.value(QLatin1String("text")).toString(), QStringLiteral("hello studio"));
    QCOMPARE(request.value(QLatin1String("f_int64")).toString(), QStringLiteral("9007199254740993"));
    QCOMPARE(request.value(QLatin1String("f_uint64")).toString(), QStringLiteral("18446744073709551615"));
    QCOMPARE(request.value(QLatin1String("color")).toString(), QStringLiteral("GREEN"));
    QCOMPARE(request.value(QLatin1String("choice_text")).toString(), QStringLiteral("picked"));
    QCOMPARE(request.value(QLatin1String("note")).toString(), QString());
    QVERIFY(request.contains(QLatin1String("note")));
    QVERIFY(!request.contains(QLatin1String("score"))); // left as None
    QCOMPARE(request.value(QLatin1String("counts")).toObject().value(QLatin1String("apples")).toInt(), 5);
    QCOMPARE(request.value(QLatin1String("tags")).toArray().first().toString(), QStringLiteral("first"));

    // Rendered from the response descriptor and its hints.
    auto* picture = result->findChild<QLabel*>(QStringLiteral("image_request.f_bytes"));
    QVERIFY(picture);
    QVERIFY(picture->pixmap().width() > 0);
    auto* chart = result->findChild<QChartView*>(QStringLiteral("chart_request.values"));
    QVERIFY(chart);
    if (const QString dir = qEnvironmentVariable("MMF_SCREENSHOT_DIR"); !dir.isEmpty())
        chart->grab().save(dir + QStringLiteral("/chart.png"));
    auto* int64Label = result->findChild<QLabel*>(QStringLiteral("result_request.f_int64"));
    QVERIFY(int64Label);
    QCOMPARE(int64Label->text(), QStringLiteral("9007199254740993"));
    QVERIFY(child<QLabel>(QStringLiteral("taskStatusLabel"))->text().contains(QStringLiteral("Succeeded")));
    // The history has it, finished.
    const int row = m_window->tasks().rowOf(taskId);
    QVERIFY(row >= 0);
    QTRY_COMPARE(m_window->tasks().taskAt(row).value(QLatin1String("status")).toString(),
                 QStringLiteral("succeeded"));
    grab(QStringLiteral("submit-result"));
}

void TestStudioSubmit::runningTaskCanBeCancelled()
{
    resetForm();
    child<QSpinBox>(QStringLiteral("field_delay_ms"))->setValue(60000);
    QSignalSpy submitted(m_page, &SubmitPage::taskSubmitted);
    QSignalSpy finished(m_page, &SubmitPage::taskFinished);
    QTest::mouseClick(child<QPushButton>(QStringLiteral("submitButton")), Qt::LeftButton);
    QVERIFY(submitted.wait(10000));
    auto* cancel = child<QPushButton>(QStringLiteral("cancelButton"));
    QVERIFY(cancel->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(
        child<QLabel>(QStringLiteral("taskStatusLabel"))->text().contains(QStringLiteral("Running")), 15000);
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(finished.count() > 0 || finished.wait(30000));
    const QString status = finished.at(0).at(1).toString();
    QVERIFY2(status == QLatin1String("cancelled") || status == QLatin1String("failed"), qPrintable(status));
    QVERIFY(!cancel->isEnabled());
}

void TestStudioSubmit::historyShowsLogAndResultAgainAndResubmits()
{
    QVERIFY(!m_succeededTask.isEmpty());
    m_page->form()->clear();
    m_window->showPage(QStringLiteral("tasks"));
    auto* tasks = m_window->tasksPage();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->tasks().rowCount() >= 2 && !m_window->tasks().isLoading(), 10000);
    QVERIFY(m_window->tasks().rowOf(m_succeededTask) >= 0);
    tasks->openTask(m_succeededTask);
    auto* log = tasks->findChild<LogView*>(QStringLiteral("taskLogView"));
    auto* result = tasks->findChild<ResultView*>(QStringLiteral("taskResultView"));
    QVERIFY(log && result);
    QTRY_VERIFY_WITH_TIMEOUT(log->lineCount() == 3, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(result->hasResult(), 10000);
    QCOMPARE(
        result->result().value(QLatin1String("request")).toObject().value(QLatin1String("text")).toString(),
        QStringLiteral("hello studio"));
    QTRY_VERIFY(result->findChild<QLabel*>(QStringLiteral("image_request.f_bytes")));
    grab(QStringLiteral("tasks"));

    // Filter by status: only the cancelled one.
    auto* statusFilter = tasks->findChild<QComboBox*>(QStringLiteral("taskStatusFilter"));
    QVERIFY(statusFilter);
    statusFilter->setCurrentIndex(statusFilter->findData(QStringLiteral("cancelled")));
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->tasks().isLoading() && m_window->tasks().rowCount() == 1 &&
                                 m_window->tasks().rowOf(m_succeededTask) < 0,
                             10000);
    statusFilter->setCurrentIndex(0);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->tasks().isLoading() && m_window->tasks().rowOf(m_succeededTask) >= 0,
                             10000);

    auto* resubmit = tasks->findChild<QPushButton*>(QStringLiteral("resubmitButton"));
    QTRY_VERIFY(resubmit->isEnabled());
    QTest::mouseClick(resubmit, Qt::LeftButton);
    QCOMPARE(m_window->currentPage(), QStringLiteral("submit"));
    QTRY_COMPARE(child<QPlainTextEdit>(QStringLiteral("field_text"))->toPlainText(),
                 QStringLiteral("hello studio"));
    QCOMPARE(child<QLineEdit>(QStringLiteral("field_f_int64"))->text(), QStringLiteral("9007199254740993"));
    QCOMPARE(child<QLineEdit>(QStringLiteral("field_tags[0]"))->text(), QStringLiteral("first"));
    QVERIFY(child<QCheckBox>(QStringLiteral("set_note"))->isChecked());
    QVERIFY(!child<QCheckBox>(QStringLiteral("set_score"))->isChecked());
}

void TestStudioSubmit::modelsPageListsTheLiveModel()
{
    m_window->showPage(QStringLiteral("models"));
    auto* page = m_window->modelsPage();
    QTRY_VERIFY(page->table()->isVisible());
    page->selectModel(QStringLiteral("echo"));
    QCOMPARE(page->selectedModel(), QStringLiteral("echo"));
    const int row = m_window->models().rowOf(QStringLiteral("echo"));
    QCOMPARE(m_window->models().index(row, ModelListModel::InstancesColumn).data().toInt(), 1);
    auto* title = page->findChild<QLabel*>(QStringLiteral("schemaTitle"));
    QTRY_VERIFY_WITH_TIMEOUT(title->text().contains(QStringLiteral("mmf.models.EchoRequest")), 10000);
    grab(QStringLiteral("models"));
}

void TestStudioSubmit::failsGracefullyWhenTheModelAndTheServerGo()
{
    m_window->showPage(QStringLiteral("submit"));
    // The worker logs out: the model leaves the list (through the stats push) and the form says so.
    QVERIFY(m_worker->kill(SIGTERM));
    QCOMPARE(m_worker->waitForExit(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->models().rowOf(QStringLiteral("echo")) < 0, 15000);
    QTRY_VERIFY(!child<QPushButton>(QStringLiteral("submitButton"))->isEnabled());
    QVERIFY(child<QLabel>(QStringLiteral("formMessage"))->text().contains(QStringLiteral("no longer live")));
    m_window->showPage(QStringLiteral("models"));
    QTRY_VERIFY(child<QLabel>(QStringLiteral("modelsEmptyLabel"))->isVisible());
    QVERIFY(child<QLabel>(QStringLiteral("modelsEmptyLabel"))
                ->text()
                .contains(QStringLiteral("No models are live")));
    grab(QStringLiteral("no-models"));

    // The server goes: the status bar says the live connection is lost and being retried.
    QCOMPARE(m_server->stop(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->connectionText().contains(QStringLiteral("reconnecting")), 10000);
    bool done = false;
    ApiResult answer;
    m_studio->api().get(QStringLiteral("/api/v1/models"), this, [&](const ApiResult& result) {
        answer = result;
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
    QVERIFY(answer.networkFailure);
    QVERIFY(!m_window->isHidden());
}

QTEST_MAIN(TestStudioSubmit)
#include "tst_studio_submit.moc"
