// The studio's history, timeline and queue pause (issue 20) against a real mmf-server (embedded Redis) and
// real echo, calc and arith workers, through the real widgets: the Tasks page pages through the server's list
// with "N of total", finds a task by id, keeps sub-tasks under their parent, shows a task's attempts in the
// detail pane; an admin pauses and resumes a model's queue from Model details and the models list shows it.
#include "ServerFixture.h"
#include "StudioStack.h"
#include "TestHttpClient.h"
#include "core/ApiClient.h"
#include "core/EventStream.h"
#include "core/ModelListModel.h"
#include "core/Session.h"
#include "core/StudioContext.h"
#include "core/TaskListModel.h"
#include "gui/MainWindow.h"
#include "gui/ModelDetailsPage.h"
#include "gui/TasksPage.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

using namespace mmf;
using namespace mmf::studio;

namespace {
constexpr char kAdminPassword[] = "correct horse battery staple";
}

class TestStudioHistory : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void tasksPagePagesSearchesAndGroups();
    void detailPaneShowsTheAttemptTimeline();
    void adminPausesAndResumesTheQueue();

private:
    template<class T> T* child(const QString& name)
    {
        T* widget = m_window->findChild<T*>(name);
        if (!widget)
            qWarning() << "no widget" << name;
        return widget;
    }
    QString submit(const QString& model, const QJsonObject& request, int expectedStatus = 202);
    QString statusOf(const QString& taskId);

    std::unique_ptr<ServerFixture> m_server;
    std::vector<std::unique_ptr<WorkerFixture>> m_workers;
    std::unique_ptr<StudioStack> m_studio;
    MainWindow* m_window = nullptr; // m_studio's
    std::unique_ptr<QAbstractItemModelTester> m_tasksTester;
    std::unique_ptr<TestHttpClient> m_http; // as the signed-in admin
};

void TestStudioHistory::initTestCase()
{
    m_server = std::make_unique<ServerFixture>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QVERIFY2(m_server->createAdmin(QStringLiteral("demo"), QByteArray(kAdminPassword)),
             qPrintable(m_server->errorString()));
    const QByteArray workerToken =
        m_server->issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    for (const char* model : {"echo", "calc", "arith"}) {
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
    QSignalSpy signedIn(&m_studio->session(), &Session::signedIn);
    m_studio->session().signIn(m_server->url(), QStringLiteral("demo"), QString::fromLatin1(kAdminPassword));
    QVERIFY(signedIn.wait(15000));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->models().rowOf(QStringLiteral("calc")) >= 0, 30000);
    m_http = std::make_unique<TestHttpClient>(m_server->url(), m_studio->api().accessToken());
    // Two quick attempts for echo, so a failing task ends soon.
    const auto patched = m_http->send(
        "PATCH", QStringLiteral("/api/v1/models/echo"),
        R"({"retry": {"max_attempts": 2, "backoff_initial_ms": 100, "backoff_factor": 1, "backoff_max_ms": 100}})",
        {{"Content-Type", "application/json"}}, 15000);
    QVERIFY2(patched.status == 200, patched.body.constData());
}

void TestStudioHistory::cleanupTestCase()
{
    m_tasksTester.reset();
    m_window = nullptr;
    m_studio.reset();
    m_workers.clear();
    if (m_server)
        m_server->stop();
}

QString TestStudioHistory::submit(const QString& model, const QJsonObject& request, int expectedStatus)
{
    const auto response =
        m_http->postJson(QStringLiteral("/api/v1/models/%1/tasks%2")
                             .arg(model, expectedStatus == 200 ? QStringLiteral("?wait=30") : QString()),
                         request);
    if (response.status != expectedStatus)
        qWarning() << response.status << response.body;
    return response.json().value(QLatin1String("task_id")).toString();
}

QString TestStudioHistory::statusOf(const QString& taskId)
{
    return m_http->get(QStringLiteral("/api/v1/tasks/") + taskId)
        .json()
        .value(QLatin1String("status"))
        .toString();
}

void TestStudioHistory::tasksPagePagesSearchesAndGroups()
{
    QStringList echo;
    for (int i = 0; i < 3; ++i)
        echo.append(submit(QStringLiteral("echo"), {{QStringLiteral("text"), QString::number(i)}}, 200));
    const QString calc =
        submit(QStringLiteral("calc"), {{QStringLiteral("expression"), QStringLiteral("(1+2)*(3+4)")}}, 200);
    QVERIFY(!calc.isEmpty());

    TaskListModel& tasks = m_window->tasks();
    tasks.setLimit(2);
    m_window->showPage(QStringLiteral("tasks"));
    auto* label = child<QLabel>(QStringLiteral("taskPageLabel"));
    auto* next = child<QPushButton>(QStringLiteral("nextPageButton"));
    auto* previous = child<QPushButton>(QStringLiteral("previousPageButton"));
    QTest::mouseClick(child<QPushButton>(QStringLiteral("refreshTasksButton")), Qt::LeftButton);
    // Four top-level tasks: the arith operations are under calc, not counted among them.
    QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("1–2 of 4"), 15000);
    QCOMPARE(tasks.rowCount(), 2);
    QCOMPARE(tasks.taskAt(0).value(QLatin1String("task_id")).toString(), calc);
    QCOMPARE(tasks.rowCount(tasks.indexOf(calc)), 3);
    QVERIFY(!previous->isEnabled());
    QVERIFY(next->isEnabled());
    QTest::mouseClick(next, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("3–4 of 4"), 15000);
    QCOMPARE(tasks.taskAt(1).value(QLatin1String("task_id")).toString(), echo[0]);
    QVERIFY(!next->isEnabled());
    QVERIFY(previous->isEnabled());

    // Find one task by its id, then clear the search.
    auto* search = child<QLineEdit>(QStringLiteral("taskSearchEdit"));
    QTest::keyClicks(search, echo[1]);
    QTest::keyClick(search, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("1–1 of 1"), 15000);
    QCOMPARE(tasks.rowCount(), 1);
    QCOMPARE(tasks.taskAt(0).value(QLatin1String("task_id")).toString(), echo[1]);
    search->clear();
    QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("1–2 of 4"), 15000);

    // A time range that holds them all, then the first page again.
    auto* range = child<QComboBox>(QStringLiteral("taskTimeRange"));
    range->setCurrentIndex(range->findData(1));
    QTRY_COMPARE_WITH_TIMEOUT(label->text(), QStringLiteral("1–2 of 4"), 15000);
    range->setCurrentIndex(0);
    tasks.setLimit(200);
}

void TestStudioHistory::detailPaneShowsTheAttemptTimeline()
{
    const QString dead = submit(QStringLiteral("echo"), {{QStringLiteral("always_throw"), true}});
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(dead), QStringLiteral("dead_lettered"), 30000);
    m_window->showPage(QStringLiteral("tasks"));
    auto* page = m_window->tasksPage();
    page->openTask(dead);
    auto* timeline = page->findChild<QTreeWidget*>(QStringLiteral("taskTimeline"));
    QVERIFY(timeline);
    QTRY_COMPARE_WITH_TIMEOUT(timeline->topLevelItemCount(), 2, 10000);
    const QTreeWidgetItem* first = timeline->topLevelItem(0);
    QCOMPARE(first->text(0), QStringLiteral("1"));
    QVERIFY(first->text(1).startsWith(QStringLiteral("echo")));
    QVERIFY(first->text(3).endsWith(QStringLiteral(" s")));
    QCOMPARE(first->text(5), QStringLiteral("Retried"));
    QVERIFY(!first->text(6).isEmpty());
    QCOMPARE(timeline->topLevelItem(1)->text(5), TaskListModel::statusText(QStringLiteral("dead_lettered")));
}

void TestStudioHistory::adminPausesAndResumesTheQueue()
{
    auto* details = m_window->findChild<ModelDetailsPage*>();
    QVERIFY(details);
    m_window->showPage(QStringLiteral("details"));
    QSignalSpy loaded(details, &ModelDetailsPage::modelLoaded);
    details->showModel(QStringLiteral("echo"));
    QVERIFY(loaded.wait(10000));
    auto* pause = details->findChild<QPushButton*>(QStringLiteral("pauseQueueButton"));
    QVERIFY(pause);
    QTRY_VERIFY(pause->isVisible());
    QCOMPARE(pause->text(), QStringLiteral("Pause queue"));
    QTest::mouseClick(pause, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(pause->text(), QStringLiteral("Resume queue"), 10000);
    QVERIFY(details->findChild<QLabel*>(QStringLiteral("modelStatus"))
                ->text()
                .contains(QStringLiteral("paused")));

    // The models list says so.
    ModelListModel& models = m_window->models();
    models.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(models.index(models.rowOf(QStringLiteral("echo")), ModelListModel::QueueColumn)
                                 .data()
                                 .toString()
                                 .contains(QStringLiteral("Paused")),
                             10000);

    // A task waits while the queue is paused, and runs once it is resumed.
    const QString waiting =
        submit(QStringLiteral("echo"), {{QStringLiteral("text"), QStringLiteral("later")}});
    // It waits outside the stream (a worker runs what it reads) and shows in the paused queue's depth.
    const auto queueText = [&] {
        return models.index(models.rowOf(QStringLiteral("echo")), ModelListModel::QueueColumn)
            .data()
            .toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT((models.refresh(), queueText()), QStringLiteral("1 (Paused)"), 15000);
    QCOMPARE(statusOf(waiting), QStringLiteral("queued"));
    QTest::mouseClick(pause, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(pause->text(), QStringLiteral("Pause queue"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(waiting), QStringLiteral("succeeded"), 15000);
    models.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!models.index(models.rowOf(QStringLiteral("echo")), ModelListModel::QueueColumn)
                                  .data()
                                  .toString()
                                  .contains(QStringLiteral("Paused")),
                             10000);
}

QTEST_MAIN(TestStudioHistory)
#include "tst_studio_history.moc"
