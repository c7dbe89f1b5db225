// What a first day with the studio showed (issue 20), each against a real mmf-server (embedded Redis) and
// real echo, calc, arith and digits workers, through the real widgets: the JSON tab keeps its text and points
// at the error, the descriptor's ranges and required fields are checked in both tabs before anything is sent,
// a spin box says when typed text is out of range, retries show live, a failed task's result pane says why,
// a model switch keeps each model's values and clears the task pane, the history shows the request and
// groups sub-tasks under their parent, digits' picker and pixel grid, a result image can be saved and
// enlarged, a language switch retranslates what is on screen, dead letters show the login, and signing in as
// someone else leaves nothing of the previous user on any page.
#include "ServerFixture.h"
#include "StudioStack.h"
#include "TestHttpClient.h"
#include "core/ApiClient.h"
#include "core/DictionaryModel.h"
#include "core/EventStream.h"
#include "core/LanguageManager.h"
#include "core/ModelListModel.h"
#include "core/Session.h"
#include "core/StudioContext.h"
#include "core/TaskFollower.h"
#include "core/TaskListModel.h"
#include "gui/DictionaryPage.h"
#include "gui/LogView.h"
#include "gui/MainWindow.h"
#include "gui/ModelDetailsPage.h"
#include "gui/RequestForm.h"
#include "gui/ResultView.h"
#include "gui/SubmitPage.h"
#include "gui/TasksPage.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
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
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

using namespace mmf;
using namespace mmf::studio;

namespace {
constexpr char kAdminPassword[] = "correct horse battery staple";
}

class TestStudioFirstDay : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void firstDictionaryLinkSelectsItsField();
    void jsonTabKeepsItsTextAndPointsAtTheError();
    void rangeAndRequiredAreCheckedInBothTabs_data();
    void rangeAndRequiredAreCheckedInBothTabs();
    void spinBoxSaysWhenTextIsOutOfRange();
    void formDoesNotMoveWhenAFieldIsFlagged();
    void failedTaskResultPaneSaysWhy();
    void retriesShowLive();
    void modelSwitchKeepsValuesAndClearsTheTaskPane();
    void historyShowsTheRequestAndSubTasksUnderTheirParent();
    void bulkCancelOfSelectedTasks();
    void resultImageCanBeSavedAndEnlarged();
    void digitsPickerAndPixelGrid();
    void languageSwitchRetranslatesWhatIsOnScreen();
    void deadLettersShowTheLogin();
    void accountSwitchClearsEveryPage();

private:
    template<class T> T* child(const QString& name)
    {
        T* widget = m_window->findChild<T*>(name);
        if (!widget)
            qWarning() << "no widget" << name;
        return widget;
    }
    bool choose(const QString& model);
    // Submits what the page holds and waits for its end; the final status.
    QString submitAndWait(int timeoutMs = 30000);
    void useJsonTab(const QString& text);
    QJsonObject getTask(const QString& taskId);

    std::unique_ptr<ServerFixture> m_server;
    std::vector<std::unique_ptr<WorkerFixture>> m_workers;
    QByteArray m_aliceToken;
    std::unique_ptr<StudioStack> m_studio;
    MainWindow* m_window = nullptr; // m_studio's
    std::unique_ptr<QAbstractItemModelTester> m_tasksTester;
    SubmitPage* m_page = nullptr;
    QString m_calcTask;
};

void TestStudioFirstDay::initTestCase()
{
    m_server = std::make_unique<ServerFixture>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QVERIFY2(m_server->createAdmin(QStringLiteral("demo"), QByteArray(kAdminPassword)),
             qPrintable(m_server->errorString()));
    const QByteArray workerToken =
        m_server->issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    m_aliceToken = m_server->issueToken(QStringLiteral("alice"), QStringLiteral("default"),
                                        QStringLiteral("score,read"));
    QVERIFY(!workerToken.isEmpty() && !m_aliceToken.isEmpty());
    for (const char* model : {"echo", "calc", "arith", "digits"}) {
        m_workers.push_back(
            std::make_unique<WorkerFixture>(QString::fromLatin1(model), m_server->url(), workerToken));
        QVERIFY(m_workers.back()->start());
    }
    for (const auto& worker : m_workers)
        QVERIFY2(worker->waitForReady(), worker->output().constData());

    m_studio = std::make_unique<StudioStack>();
    QVERIFY(m_studio->isValid());
    m_window = m_studio->makeWindow();
    QVERIFY(m_studio->showWindow());
    m_tasksTester = std::make_unique<QAbstractItemModelTester>(
        &m_window->tasks(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    // Signed in as a real account (the admin), so dead letters carry its user id and login.
    QSignalSpy signedIn(&m_studio->session(), &Session::signedIn);
    m_studio->session().signIn(m_server->url(), QStringLiteral("demo"), QString::fromLatin1(kAdminPassword));
    QVERIFY(signedIn.wait(15000));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->models().rowOf(QStringLiteral("digits")) >= 0, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(m_studio->events().isOpen(), 10000);

    // Quick retries for echo: a failed attempt is tried again 1.5 s later, six attempts in all.
    TestHttpClient admin(m_server->url(), m_studio->api().accessToken());
    const auto patched = admin.send(
        "PATCH", QStringLiteral("/api/v1/models/echo"),
        R"({"retry": {"max_attempts": 6, "backoff_initial_ms": 1500, "backoff_factor": 1, "backoff_max_ms": 1500}})",
        {{"Content-Type", "application/json"}}, 15000);
    QVERIFY2(patched.status == 200, patched.body.constData());

    m_window->showPage(QStringLiteral("submit"));
    m_page = m_window->submitPage();
}

void TestStudioFirstDay::cleanupTestCase()
{
    m_tasksTester.reset();
    m_window = nullptr;
    m_studio.reset();
    m_workers.clear();
    if (m_server)
        m_server->stop();
}

bool TestStudioFirstDay::choose(const QString& model)
{
    m_window->showPage(QStringLiteral("submit"));
    const bool already = m_page->isSchemaLoaded() && m_page->currentModel() == model;
    QSignalSpy loaded(m_page, &SubmitPage::schemaLoaded);
    m_page->selectModel(model);
    if (!already) {
        const bool seen = QTest::qWaitFor(
            [&] {
                for (const QList<QVariant>& args : std::as_const(loaded))
                    if (args.at(0).toString() == model)
                        return true;
                return false;
            },
            15000);
        if (!seen)
            return false;
    }
    child<QTabWidget>(QStringLiteral("requestTabs"))->setCurrentIndex(0);
    return m_page->isSchemaLoaded() && m_page->currentModel() == model;
}

QString TestStudioFirstDay::submitAndWait(int timeoutMs)
{
    QSignalSpy submitted(m_page, &SubmitPage::taskSubmitted);
    QSignalSpy finished(m_page, &SubmitPage::taskFinished);
    QTest::mouseClick(child<QPushButton>(QStringLiteral("submitButton")), Qt::LeftButton);
    if (!submitted.wait(10000)) {
        qWarning() << "not submitted:" << child<QLabel>(QStringLiteral("validationLabel"))->text();
        return {};
    }
    if (finished.isEmpty() && !finished.wait(timeoutMs))
        return {};
    return finished.at(0).at(1).toString();
}

void TestStudioFirstDay::useJsonTab(const QString& text)
{
    child<QTabWidget>(QStringLiteral("requestTabs"))->setCurrentIndex(1);
    child<QPlainTextEdit>(QStringLiteral("jsonEdit"))->setPlainText(text);
}

QJsonObject TestStudioFirstDay::getTask(const QString& taskId)
{
    TestHttpClient client(m_server->url(), m_studio->api().accessToken());
    return client.get(QStringLiteral("/api/v1/tasks/") + taskId).json();
}

// The first help link after sign-in selected nothing (the second did).
void TestStudioFirstDay::firstDictionaryLinkSelectsItsField()
{
    QVERIFY(choose(QStringLiteral("echo")));
    auto* help = m_page->form()->findChild<QLabel*>(QStringLiteral("help_log_lines"));
    QVERIFY(help);
    emit help->linkActivated(QStringLiteral("field:log_lines"));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->currentPage(), QStringLiteral("dictionary"), 15000);
    auto* table =
        m_window->findChild<DictionaryPage*>()->findChild<QTableView*>(QStringLiteral("dictionaryTable"));
    QTRY_VERIFY(table->currentIndex().isValid());
    QCOMPARE(table->currentIndex().siblingAtColumn(DictionaryModel::PathColumn).data().toString(),
             QStringLiteral("log_lines"));
    QCOMPARE(table->currentIndex().siblingAtColumn(DictionaryModel::ModelColumn).data().toString(),
             QStringLiteral("echo"));
}

void TestStudioFirstDay::jsonTabKeepsItsTextAndPointsAtTheError()
{
    QVERIFY(choose(QStringLiteral("echo")));
    const QString before = m_page->currentTaskId();
    const QString broken = QStringLiteral("{\n  \"log_lines\": 2,\n  \"text\": hello\n}");
    useJsonTab(broken);
    auto* tabs = child<QTabWidget>(QStringLiteral("requestTabs"));
    auto* json = child<QPlainTextEdit>(QStringLiteral("jsonEdit"));
    auto* validation = child<QLabel>(QStringLiteral("validationLabel"));
    QTest::mouseClick(child<QPushButton>(QStringLiteral("submitButton")), Qt::LeftButton);
    QCOMPARE(tabs->currentIndex(), 1);     // not thrown out to the form
    QCOMPARE(json->toPlainText(), broken); // the text to fix is still there
    QVERIFY(validation->isVisible());
    QVERIFY2(validation->text().contains(QStringLiteral("line 3, column 11")),
             qPrintable(validation->text()));
    QVERIFY2(!validation->text().contains(QStringLiteral("invalid termination")),
             qPrintable(validation->text()));
    QCOMPARE(json->textCursor().blockNumber(), 2); // the cursor is on the line at fault
    QCOMPARE(m_page->currentTaskId(), before);

    // A field the request does not have: named, and the JSON tab stays as it was.
    const QString unknown = QStringLiteral("{\"log_lines\": 2, \"no_such_field\": 1}");
    json->setPlainText(unknown);
    QTest::mouseClick(child<QPushButton>(QStringLiteral("submitButton")), Qt::LeftButton);
    QCOMPARE(tabs->currentIndex(), 1);
    QCOMPARE(json->toPlainText(), unknown);
    QVERIFY2(validation->text().contains(QStringLiteral("no_such_field")), qPrintable(validation->text()));
    QCOMPARE(m_page->currentTaskId(), before);
    // Fixed in place, it is sent from the JSON tab.
    json->setPlainText(QStringLiteral("{\"log_lines\": 1, \"text\": \"from the JSON tab\"}"));
    QCOMPARE(submitAndWait(), QStringLiteral("succeeded"));
    QCOMPARE(tabs->currentIndex(), 1);
    QCOMPARE(m_page->resultView()
                 ->result()
                 .value(QLatin1String("request"))
                 .toObject()
                 .value(QLatin1String("text"))
                 .toString(),
             QStringLiteral("from the JSON tab"));
}

void TestStudioFirstDay::rangeAndRequiredAreCheckedInBothTabs_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("jsonTab");
    QTest::addColumn<QString>("request");
    QTest::addColumn<QString>("expected"); // in the message
    QTest::newRow("over the max, JSON tab") << "echo" << true << R"({"delay_ms": 99999999})"
                                            << "3600000";
    QTest::newRow("under the min, JSON tab") << "echo" << true << R"({"log_lines": -1})"
                                             << "log_lines";
    QTest::newRow("list element over the max, JSON tab")
        << "digits" << true << R"({"pixels": {"values": [0, 17]}})"
        << "pixels.values[1]";
    QTest::newRow("required, JSON tab") << "calc" << true << R"({"op_delay_ms": 5})"
                                        << "expression";
    QTest::newRow("required left empty, Form tab") << "calc" << false << R"({"op_delay_ms": 5})"
                                                   << "expression";
}

// An out-of-range value from the JSON tab was queued and failed in the worker; an empty calc expression was
// sent too.
void TestStudioFirstDay::rangeAndRequiredAreCheckedInBothTabs()
{
    QFETCH(QString, model);
    QFETCH(bool, jsonTab);
    QFETCH(QString, request);
    QFETCH(QString, expected);
    QVERIFY(choose(model));
    const QString before = m_page->currentTaskId();
    const int tasksBefore = m_window->tasks().rowCount();
    if (jsonTab) {
        useJsonTab(request);
    } else {
        m_page->form()->clear();
        m_page->form()->setValue(QJsonDocument::fromJson(request.toUtf8()).object());
    }
    QTest::mouseClick(child<QPushButton>(QStringLiteral("submitButton")), Qt::LeftButton);
    auto* validation = child<QLabel>(QStringLiteral("validationLabel"));
    QVERIFY(validation->isVisible());
    QVERIFY2(validation->text().contains(expected), qPrintable(validation->text()));
    QCOMPARE(child<QTabWidget>(QStringLiteral("requestTabs"))->currentIndex(), jsonTab ? 1 : 0);
    if (!jsonTab)
        QVERIFY(m_page->form()->invalidPaths().contains(QStringLiteral("expression")));
    // Nothing was sent (the check runs before the request would go out).
    QCOMPARE(m_page->currentTaskId(), before);
    QCOMPARE(m_window->tasks().rowCount(), tasksBefore);
}

// 999999999999 typed into delay_ms (0..3,600,000) left 999999 without a word.
void TestStudioFirstDay::spinBoxSaysWhenTextIsOutOfRange()
{
    QVERIFY(choose(QStringLiteral("echo")));
    m_page->form()->clear();
    auto* spin = m_page->form()->findChild<QSpinBox*>(QStringLiteral("field_delay_ms"));
    QVERIFY(spin);
    auto* message = m_page->form()->findChild<QLabel*>(QStringLiteral("range_delay_ms"));
    QVERIFY(message);
    QVERIFY(message->isHidden());
    spin->selectAll();
    QTest::keyClicks(spin, QStringLiteral("999999999999"));
    QTRY_VERIFY(message->isVisible());
    QVERIFY2(message->text().contains(QStringLiteral("3600000")), qPrintable(message->text()));
    QVERIFY(spin->value() <= 3600000);
    spin->setValue(10);
    QVERIFY(message->isHidden());
}

// The form's rows moved under the pointer when a field was flagged or clicked.
void TestStudioFirstDay::formDoesNotMoveWhenAFieldIsFlagged()
{
    QVERIFY(choose(QStringLiteral("echo")));
    m_page->form()->clear();
    auto labelPositions = [&] {
        QMap<QString, QRect> out;
        for (QLabel* label : m_page->form()->findChildren<QLabel*>())
            if (label->objectName().startsWith(QLatin1String("label_")) && label->isVisible())
                out.insert(label->objectName(), QRect(label->mapTo(m_page->form(), QPoint()), label->size()));
        return out;
    };
    // The layout settles first (the previous test showed and hid a message).
    QMap<QString, QRect> before;
    QTRY_VERIFY([&] {
        const auto now = labelPositions();
        const bool settled = now == before;
        before = now;
        return settled;
    }());
    QVERIFY(before.size() > 10);
    auto moved = [&] {
        QStringList out;
        const auto now = labelPositions();
        for (auto it = before.cbegin(); it != before.cend(); ++it)
            if (now.value(it.key()) != it.value())
                out.append(QStringLiteral("%1 %2,%3 -> %4,%5")
                               .arg(it.key())
                               .arg(it.value().y())
                               .arg(it.value().height())
                               .arg(now.value(it.key()).y())
                               .arg(now.value(it.key()).height()));
        return out.join(QStringLiteral("; "));
    };
    auto* int64 = m_page->form()->findChild<QLineEdit*>(QStringLiteral("field_f_int64"));
    auto* text = m_page->form()->findChild<QPlainTextEdit*>(QStringLiteral("field_text"));
    QTest::mouseClick(text->viewport(), Qt::LeftButton);
    QTest::mouseClick(int64, Qt::LeftButton);
    QTest::keyClicks(int64, QStringLiteral("12x"));
    QVERIFY(int64->property("invalid").toBool());
    QApplication::processEvents();
    QVERIFY2(moved().isEmpty(), qPrintable(moved()));
    int64->clear();
    QApplication::processEvents();
    QVERIFY2(moved().isEmpty(), qPrintable(moved()));
}

// A failed task's result pane said "No result yet. Submit a task to see its result here." under the failure.
void TestStudioFirstDay::failedTaskResultPaneSaysWhy()
{
    QVERIFY(choose(QStringLiteral("echo")));
    m_page->form()->clear();
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_fail_with")), QStringLiteral("no good"));
    QCOMPARE(submitAndWait(), QStringLiteral("failed"));
    ResultView* result = m_page->resultView();
    QVERIFY(result->statusText().contains(QStringLiteral("no good")));
    QVERIFY2(!result->bodyText().contains(QStringLiteral("No result yet")), qPrintable(result->bodyText()));
    QVERIFY2(result->bodyText().contains(QStringLiteral("failed")), qPrintable(result->bodyText()));
    QVERIFY(!result->findChild<QPushButton*>(QStringLiteral("saveResultButton"))->isEnabled());
}

// A retried task showed "Queued" with an empty log through every attempt, then jumped to its end.
void TestStudioFirstDay::retriesShowLive()
{
    QVERIFY(choose(QStringLiteral("echo")));
    m_page->form()->clear();
    // Fails for five seconds: attempt 1 fails, and the next ones 1.5 s apart until one starts after it.
    const QDateTime until = QDateTime::currentDateTimeUtc().addMSecs(5000);
    m_page->form()->setValue({{QStringLiteral("fail_until"), until.toString(Qt::ISODateWithMs)}});
    QSignalSpy retries(&m_page->follower(), &TaskFollower::retryScheduled);
    QSignalSpy submitted(m_page, &SubmitPage::taskSubmitted);
    QSignalSpy finished(m_page, &SubmitPage::taskFinished);
    QTest::mouseClick(child<QPushButton>(QStringLiteral("submitButton")), Qt::LeftButton);
    QVERIFY(submitted.wait(10000));
    // While it waits for attempt 2: the attempt number, the last error and the time of the next attempt.
    QVERIFY(retries.wait(15000));
    QCOMPARE(retries.at(0).at(0).toInt(), 1);
    QVERIFY(retries.at(0).at(2).toDateTime().isValid());
    auto* status = child<QLabel>(QStringLiteral("taskStatusLabel"));
    if (finished.isEmpty()) {
        QVERIFY2(status->text().contains(QStringLiteral("attempt 2")), qPrintable(status->text()));
        QVERIFY2(status->text().contains(QStringLiteral("failing until")), qPrintable(status->text()));
    }
    const QStringList notes = m_page->logView()->notes();
    QVERIFY2(notes.join('\n').contains(QStringLiteral("Attempt 1 failed")), qPrintable(notes.join('\n')));
    QVERIFY2(notes.join('\n').contains(QStringLiteral("next attempt is due at")),
             qPrintable(notes.join('\n')));
    QVERIFY(finished.count() > 0 || finished.wait(20000));
    QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("succeeded"));
    QVERIFY(getTask(finished.at(0).at(0).toString()).value(QLatin1String("attempts")).toInt() >= 2);
}

// Switching models cleared the previous model's values while the right pane kept the previous model's task.
void TestStudioFirstDay::modelSwitchKeepsValuesAndClearsTheTaskPane()
{
    QVERIFY(choose(QStringLiteral("echo")));
    m_page->form()->clear();
    QTest::keyClicks(child<QPlainTextEdit>(QStringLiteral("field_text")), QStringLiteral("keep me"));
    QCOMPARE(submitAndWait(), QStringLiteral("succeeded"));
    QVERIFY(!m_page->currentTaskId().isEmpty());
    QVERIFY(choose(QStringLiteral("calc")));
    QVERIFY(m_page->currentTaskId().isEmpty());
    QCOMPARE(child<QLabel>(QStringLiteral("taskStatusLabel"))->text(), QStringLiteral("No task yet."));
    QCOMPARE(m_page->logView()->toPlainText(), QString());
    QVERIFY(!m_page->resultView()->hasResult());
    QVERIFY(choose(QStringLiteral("echo")));
    QCOMPARE(child<QPlainTextEdit>(QStringLiteral("field_text"))->toPlainText(), QStringLiteral("keep me"));
    // The last requests sent to echo are kept, newest first; the example and the commands are at hand.
    QVERIFY(!m_page->recentRequests().isEmpty());
    QCOMPARE(m_page->recentRequests().first().value(QLatin1String("text")).toString(),
             QStringLiteral("keep me"));
    QVERIFY(m_page->curlCommand().contains(QStringLiteral("/api/v1/models/echo/tasks")));
    QVERIFY(m_page->curlCommand().contains(QStringLiteral("$MMF_TOKEN")));
    QVERIFY(m_page->mmfctlCommand().startsWith(QStringLiteral("mmfctl --server")));
    QVERIFY(m_page->mmfctlCommand().contains(QStringLiteral("keep me")));
    QVERIFY(!m_page->curlCommand().contains(QString::fromLatin1(m_studio->api().accessToken())));
}

// The detail pane did not show the request sent; calc's arith sub-tasks were mixed into "My tasks".
void TestStudioFirstDay::historyShowsTheRequestAndSubTasksUnderTheirParent()
{
    QVERIFY(choose(QStringLiteral("calc")));
    m_page->form()->clear();
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("field_expression")), QStringLiteral("(1+2)*(3+4)"));
    QCOMPARE(submitAndWait(), QStringLiteral("succeeded"));
    m_calcTask = m_page->currentTaskId();
    m_window->showPage(QStringLiteral("tasks"));
    TaskListModel& tasks = m_window->tasks();
    QTRY_VERIFY_WITH_TIMEOUT(!tasks.isLoading() && tasks.subTasksOf(m_calcTask).size() == 3, 15000);
    // Top-level rows are the user's own tasks: no arith operation among them.
    for (int row = 0; row < tasks.rowCount(); ++row)
        QVERIFY(tasks.taskAt(row).value(QLatin1String("model")).toString() != QLatin1String("arith"));
    const QModelIndex parent = tasks.indexOf(m_calcTask);
    QVERIFY(parent.isValid());
    QCOMPARE(tasks.rowCount(parent), 3);
    QCOMPARE(tasks.index(0, TaskListModel::ModelColumn, parent).data().toString(), QStringLiteral("arith"));
    QVERIFY(parent.data().toString().contains(QStringLiteral("3")));

    auto* page = m_window->tasksPage();
    page->openTask(m_calcTask);
    auto* request = page->findChild<QPlainTextEdit*>(QStringLiteral("taskRequestView"));
    QVERIFY(request);
    QTRY_VERIFY_WITH_TIMEOUT(request->toPlainText().contains(QStringLiteral("(1+2)*(3+4)")), 10000);
}

void TestStudioFirstDay::bulkCancelOfSelectedTasks()
{
    QVERIFY(choose(QStringLiteral("echo")));
    // Two long tasks and a finished one; cancelling the selection cancels the two.
    QStringList ids;
    for (int i = 0; i < 2; ++i) {
        m_page->form()->clear();
        m_page->form()->setValue({{QStringLiteral("delay_ms"), 60000}});
        QSignalSpy submitted(m_page, &SubmitPage::taskSubmitted);
        QTest::mouseClick(child<QPushButton>(QStringLiteral("submitButton")), Qt::LeftButton);
        QVERIFY(submitted.wait(10000));
        ids.append(submitted.at(0).at(0).toString());
    }
    m_window->showPage(QStringLiteral("tasks"));
    auto* page = m_window->tasksPage();
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->tasks().isLoading() && m_window->tasks().contains(ids[0]) &&
                                 m_window->tasks().contains(ids[1]),
                             10000);
    page->selectTasks({ids[0], ids[1], m_calcTask});
    auto* cancel = page->findChild<QPushButton*>(QStringLiteral("cancelSelectedButton"));
    QTRY_VERIFY(cancel->isEnabled());
    QSignalSpy done(page, &TasksPage::cancelFinished);
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(done.wait(10000));
    QCOMPARE(done.at(0).at(0).toInt(), 2); // the finished calc task is left alone
    QCOMPARE(done.at(0).at(1).toInt(), 0);
    for (const QString& id : ids)
        QTRY_COMPARE_WITH_TIMEOUT(getTask(id).value(QLatin1String("status")).toString(),
                                  QStringLiteral("cancelled"), 15000);
}

// A result image could not be saved or enlarged.
void TestStudioFirstDay::resultImageCanBeSavedAndEnlarged()
{
    QVERIFY(choose(QStringLiteral("echo")));
    m_page->form()->clear();
    QImage image(40, 30, QImage::Format_RGB32);
    image.fill(Qt::darkMagenta);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(image.save(&buffer, "PNG"));
    m_page->form()->setValue({{QStringLiteral("f_bytes"), QString::fromLatin1(png.toBase64())}});
    QCOMPARE(submitAndWait(), QStringLiteral("succeeded"));
    ResultView* result = m_page->resultView();
    const QString path = QStringLiteral("request.f_bytes");
    QVERIFY(result->findChild<QPushButton*>(QStringLiteral("saveImage_") + path));
    auto* enlarge = result->findChild<QPushButton*>(QStringLiteral("enlargeImage_") + path);
    QVERIFY(enlarge);
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("picture.png"));
    QVERIFY(result->saveBytes(path, file));
    QFile saved(file);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(saved.readAll(), png);
    const QString json = dir.filePath(QStringLiteral("result.json"));
    QVERIFY(result->saveResult(json));
    QFile savedJson(json);
    QVERIFY(savedJson.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(savedJson.readAll()).object(), result->result());

    QTest::mouseClick(enlarge, Qt::LeftButton);
    QDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = result->findChild<QDialog*>(QStringLiteral("imageDialog"))) != nullptr);
    auto* big = dialog->findChild<QLabel*>(QStringLiteral("enlargedImage"));
    QVERIFY(big);
    QVERIFY(big->pixmap().width() >
            result->findChild<QLabel*>(QStringLiteral("image_") + path)->pixmap().width());
    dialog->close();
}

// The image picker floated mid-page with "Choose file…" far below; the pixels were shown as 64 numbers.
void TestStudioFirstDay::digitsPickerAndPixelGrid()
{
    QVERIFY(choose(QStringLiteral("digits")));
    auto* input = m_page->form()->findChild<QComboBox*>(QStringLiteral("field_input"));
    QVERIFY(input);
    input->setCurrentIndex(input->findData(QStringLiteral("image")));
    QApplication::processEvents();
    auto* preview = m_page->form()->findChild<QLabel*>(QStringLiteral("preview_image"));
    auto* chooseButton = m_page->form()->findChild<QPushButton*>(QStringLiteral("choose_image"));
    QVERIFY(preview && chooseButton);
    QTRY_VERIFY(preview->isVisible());
    const int previewTop = preview->mapTo(m_page->form(), QPoint()).y();
    const int chooseTop = chooseButton->mapTo(m_page->form(), QPoint()).y();
    QVERIFY2(std::abs(chooseTop - previewTop) < preview->height(),
             qPrintable(QStringLiteral("preview at %1, button at %2").arg(previewTop).arg(chooseTop)));
    // Right under the member choice, not centred in the room the other member needs.
    QVERIFY2(previewTop - (input->mapTo(m_page->form(), QPoint()).y() + input->height()) < 40,
             qPrintable(QString::number(previewTop)));

    // The pixels member is a grid; the model's example fills it.
    input->setCurrentIndex(input->findData(QStringLiteral("pixels")));
    auto* grid = m_page->form()->findChild<QTableWidget*>(QStringLiteral("field_pixels.values"));
    QVERIFY(grid);
    QCOMPARE(grid->columnCount(), 8);
    QCOMPARE(grid->rowCount(), 8);
    QVERIFY(child<QPushButton>(QStringLiteral("exampleButton"))->isEnabled());
    QTest::mouseClick(child<QPushButton>(QStringLiteral("exampleButton")), Qt::LeftButton);
    QCOMPARE(grid->item(0, 3)->text(), QStringLiteral("13"));
    QCOMPARE(submitAndWait(), QStringLiteral("succeeded"));
    auto* pixels = m_page->resultView()->findChild<QLabel*>(QStringLiteral("grid_pixels"));
    QVERIFY(pixels);
    QCOMPARE(pixels->pixmap().size(), QSize(128, 128));
    // Ink is dark: the example's (0,3) cell (13 of 16) is darker than its blank corner.
    const QImage shown = pixels->pixmap().toImage();
    QVERIFY(qGray(shown.pixel(3 * 16 + 8, 8)) < qGray(shown.pixel(8, 8)));
    if (const QString dir = qEnvironmentVariable("MMF_SCREENSHOT_DIR"); !dir.isEmpty())
        m_window->grab().save(dir + QStringLiteral("/digits.png"));
}

// After the switch to Russian, texts already shown stayed English; the status filter was cut.
void TestStudioFirstDay::languageSwitchRetranslatesWhatIsOnScreen()
{
    QVERIFY(choose(QStringLiteral("echo")));
    m_page->form()->clear();
    QCOMPARE(submitAndWait(), QStringLiteral("succeeded")); // logs nothing
    const QString taskId = m_page->currentTaskId();
    m_window->showPage(QStringLiteral("tasks"));
    auto* tasks = m_window->tasksPage();
    tasks->openTask(taskId);
    auto* log = tasks->findChild<LogView*>(QStringLiteral("taskLogView"));
    auto* result = tasks->findChild<ResultView*>(QStringLiteral("taskResultView"));
    QTRY_VERIFY_WITH_TIMEOUT(log->notes().contains(QStringLiteral("This task logged nothing.")), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(result->hasResult(), 10000);
    const QString succeeded = result->statusText();
    auto* filter = tasks->findChild<QComboBox*>(QStringLiteral("taskStatusFilter"));
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("lang.ini")), QSettings::IniFormat);
    LanguageManager languages(settings);
    QVERIFY(languages.setLanguage(QStringLiteral("ru")));
    QTRY_VERIFY(!log->notes().contains(QStringLiteral("This task logged nothing.")));
    QCOMPARE(log->notes().size(), 1);
    QTRY_VERIFY2(result->statusText() != succeeded, qPrintable(result->statusText()));
    QVERIFY(m_page->logView()->notes().join(' ').contains(taskId));
    QVERIFY(!m_page->logView()->notes().join(' ').contains(QStringLiteral("submitted to")));
    // The filter is as wide as its longest item in Russian.
    auto fits = [filter] {
        for (int i = 0; i < filter->count(); ++i)
            if (filter->width() < filter->fontMetrics().horizontalAdvance(filter->itemText(i)) + 16)
                return false;
        return true;
    };
    QTRY_VERIFY(fits());
    if (const QString out = qEnvironmentVariable("MMF_SCREENSHOT_DIR"); !out.isEmpty())
        m_window->grab().save(out + QStringLiteral("/tasks-ru.png"));
    QVERIFY(languages.setLanguage(QStringLiteral("en")));
    QTRY_VERIFY(log->notes().contains(QStringLiteral("This task logged nothing.")));
    QTRY_COMPARE(result->statusText(), succeeded);
}

// Dead letters showed an internal user id instead of the login.
void TestStudioFirstDay::deadLettersShowTheLogin()
{
    QVERIFY(choose(QStringLiteral("echo")));
    m_page->form()->clear();
    child<QCheckBox>(QStringLiteral("field_always_throw"))->setChecked(true);
    QCOMPARE(submitAndWait(30000), QStringLiteral("dead_lettered"));
    auto* details = m_window->findChild<ModelDetailsPage*>();
    QVERIFY(details);
    m_window->showPage(QStringLiteral("details"));
    QSignalSpy loaded(details, &ModelDetailsPage::deadLettersLoaded);
    details->showModel(QStringLiteral("echo"));
    QVERIFY(loaded.wait(10000));
    auto* table = details->findChild<QTableWidget*>(QStringLiteral("deadLettersTable"));
    QVERIFY(table && table->rowCount() >= 1);
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("demo"));
    // The server keeps the id beside the login.
    TestHttpClient admin(m_server->url(), m_studio->api().accessToken());
    const QJsonObject letter = admin.get(QStringLiteral("/api/v1/models/echo/dead-letters"))
                                   .json()
                                   .value(QLatin1String("dead_letters"))
                                   .toArray()
                                   .first()
                                   .toObject();
    QCOMPARE(letter.value(QLatin1String("login")).toString(), QStringLiteral("demo"));
    QVERIFY(letter.value(QLatin1String("user_id")).toString().startsWith(QLatin1Char('u')));
}

// Signing out and in as someone else left the previous user's tasks, results and dead letters on screen.
void TestStudioFirstDay::accountSwitchClearsEveryPage()
{
    // demo's state on every page: a task and its result on Submit, one open in Tasks, dead letters.
    QVERIFY(choose(QStringLiteral("echo")));
    m_page->form()->clear();
    QTest::keyClicks(child<QPlainTextEdit>(QStringLiteral("field_text")), QStringLiteral("demo's secret"));
    QCOMPARE(submitAndWait(), QStringLiteral("succeeded"));
    const QString demoTask = m_page->currentTaskId();
    m_window->showPage(QStringLiteral("tasks"));
    auto* tasks = m_window->tasksPage();
    tasks->openTask(demoTask);
    auto* resubmit = tasks->findChild<QPushButton*>(QStringLiteral("resubmitButton"));
    QTRY_VERIFY_WITH_TIMEOUT(resubmit->isEnabled(), 10000);
    auto* details = m_window->findChild<ModelDetailsPage*>();
    auto* dead = details->findChild<QTableWidget*>(QStringLiteral("deadLettersTable"));
    QVERIFY(dead->rowCount() >= 1);

    m_studio->session().signOut();
    m_studio->session().useToken(m_server->url(), m_aliceToken, QStringLiteral("alice"));
    QCOMPARE(m_page->currentTaskId(), QString());
    QCOMPARE(child<QLabel>(QStringLiteral("taskStatusLabel"))->text(), QStringLiteral("No task yet."));
    QCOMPARE(m_page->logView()->toPlainText(), QString());
    QVERIFY(!m_page->resultView()->hasResult());
    QTRY_VERIFY_WITH_TIMEOUT(m_page->isSchemaLoaded(), 10000);
    QVERIFY(
        !m_page->form()->value()->value(QLatin1String("text")).toString().contains(QStringLiteral("secret")));
    QVERIFY(m_page->recentRequests().isEmpty());
    QCOMPARE(tasks->openedTaskId(), QString());
    QVERIFY(!resubmit->isEnabled());
    QCOMPARE(tasks->findChild<LogView*>(QStringLiteral("taskLogView"))->toPlainText(), QString());
    QVERIFY(!tasks->findChild<ResultView*>(QStringLiteral("taskResultView"))->hasResult());
    QCOMPARE(tasks->findChild<QPlainTextEdit*>(QStringLiteral("taskRequestView"))->toPlainText(), QString());
    QCOMPARE(dead->rowCount(), 0);
    QVERIFY(!details->findChild<QPushButton*>(QStringLiteral("replayAllButton"))->isEnabled());
    // alice is no admin: the section goes once the server has said so.
    QTRY_VERIFY_WITH_TIMEOUT(details->findChild<QGroupBox*>(QStringLiteral("deadLettersBox"))->isHidden(),
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->tasks().isLoading() && !m_window->tasks().contains(demoTask), 10000);
}

QTEST_MAIN(TestStudioFirstDay)
#include "tst_studio_firstday.moc"
