// Screenshot mode: signs in to a real server with echo, calc and arith workers, fills every main screen with
// real data and grabs each to PNG. The PNGs go to $MMF_SCREENSHOT_DIR (docs/screenshots when refreshing the
// docs), else to a temporary folder; the test checks each image was written and is not blank.
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include "core/ApiClient.h"
#include "core/EventStream.h"
#include "core/ModelListModel.h"
#include "core/Session.h"
#include "core/StatsHistory.h"
#include "core/StudioContext.h"
#include "core/TaskListModel.h"
#include "gui/DashboardPage.h"
#include "gui/DictionaryPage.h"
#include "gui/MainWindow.h"
#include "gui/ModelDetailsPage.h"
#include "gui/ModelsPage.h"
#include "gui/ResultView.h"
#include "gui/SettingsPage.h"
#include "gui/SubmitPage.h"
#include "gui/TasksPage.h"

#include <QApplication>
#include <QBuffer>
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QLabel>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace mmf;
using namespace mmf::studio;

class TestStudioScreenshots : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void mainScreens();

private:
    void grab(const QString& name);

    std::unique_ptr<ServerFixture> m_server;
    std::vector<std::unique_ptr<WorkerFixture>> m_workers;
    QByteArray m_token;
    QTemporaryDir m_tempDir;
    QString m_outDir;
    MainWindow* m_window = nullptr;
    QStringList m_written;
};

void TestStudioScreenshots::initTestCase()
{
    m_outDir = qEnvironmentVariable("MMF_SCREENSHOT_DIR", m_tempDir.path());
    QVERIFY(QDir().mkpath(m_outDir));
    m_server = std::make_unique<ServerFixture>(QStringList{"--max-attempts", "1"});
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_token = m_server->issueToken("demo", "default", "score,read,serve,admin", 7200);
    QVERIFY(!m_token.isEmpty());
    const QList<QPair<QString, QStringList>> workers = {{"echo", {"--concurrency", "2"}},
                                                        {"calc", {"--concurrency", "4"}},
                                                        {"arith", {}},
                                                        {"arith", {}},
                                                        {"digits", {}},
                                                        {"image", {}}};
    for (const auto& [model, args] : workers) {
        m_workers.push_back(std::make_unique<WorkerFixture>(model, m_server->url(), m_token, args));
        QVERIFY(m_workers.back()->start());
    }
    for (auto& worker : m_workers)
        QVERIFY2(worker->waitForReady(), worker->output().constData());
}

void TestStudioScreenshots::cleanupTestCase()
{
    qInfo("screenshots written to %s: %s", qPrintable(m_outDir), qPrintable(m_written.join(", ")));
}

void TestStudioScreenshots::grab(const QString& name)
{
    // Let posted events (language changes, then the layouts they invalidate) settle before grabbing.
    QTest::qWait(300);
    const QString path = QDir(m_outDir).filePath(name + QStringLiteral(".png"));
    const QPixmap pixmap = m_window->grab();
    QVERIFY(pixmap.save(path));
    const QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), m_window->size());
    // Not blank: more than a handful of distinct colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height() && colours.size() < 50; y += 7)
        for (int x = 0; x < image.width() && colours.size() < 50; x += 7)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() >= 20, qPrintable(name));
    m_written << name + QStringLiteral(".png");
}

void TestStudioScreenshots::mainScreens()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath("studio.ini"), QSettings::IniFormat);
    settings.setValue("ui/language", "en");
    ApiClient api;
    Session session(api, settings);
    EventStream events(api);
    StudioContext context{api, session, events, settings};
    session.useToken(m_server->url(), m_token, "demo");

    MainWindow window(context);
    m_window = &window;
    window.setSignInPrompts(false);
    window.resize(1280, 820);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.models().rowCount() >= 3, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(events.isOpen(), 10000);

    // Some work, so the charts, the task list and the dead letters have something to show.
    TestHttpClient http(m_server->url(), m_token);
    for (int i = 0; i < 3; ++i)
        http.post("/api/v1/models/calc/tasks", QByteArray(R"({"expression": "(1+2)*(3+4)-)") +
                                                   QByteArray::number(i) + R"(", "op_delay_ms": 200})");
    const QString throwing = http.post("/api/v1/models/echo/tasks", R"({"always_throw": true})")
                                 .json()
                                 .value("task_id")
                                 .toString();
    QJsonArray inputs;
    for (int i = 0; i < 24; ++i)
        inputs.append(
            QJsonObject{{"text", QStringLiteral("job %1").arg(i)}, {"delay_ms", 700}, {"log_lines", 2}});
    const auto batch = http.postJson("/api/v1/models/echo/tasks:batch", QJsonObject{{"inputs", inputs}});
    QVERIFY2(batch.status == 202, batch.body.constData());

    // Dashboard: wait for the queue to fill and drain for a while.
    auto* dashboard = qobject_cast<DashboardPage*>(window.page("dashboard"));
    QVERIFY(dashboard);
    window.showPage("dashboard");
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->history().sampleCount() >= 25, 60000);
    // A second wave, on calc this time, for a livelier picture.
    for (int i = 0; i < 12; ++i)
        http.post("/api/v1/models/calc/tasks",
                  R"({"expression": "((1+2)*(3+4))/(5-6)+7*8", "op_delay_ms": 300})");
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->history().sampleCount() >= 50, 60000);
    grab("dashboard");
    auto* dashboardTabs = dashboard->findChild<QTabWidget*>("dashboardTabs");
    QVERIFY(dashboardTabs);
    dashboardTabs->setCurrentIndex(1);
    grab("dashboard-per-model");
    dashboardTabs->setCurrentIndex(0);

    // Models.
    window.showPage("models");
    window.modelsPage()->selectModel("calc");
    auto* requestTree = window.modelsPage()->findChild<QTreeWidget*>("requestSchemaTree");
    QVERIFY(requestTree);
    QTRY_VERIFY_WITH_TIMEOUT(requestTree->topLevelItemCount() > 0, 10000);
    grab("models");

    // Submit: a real echo task with its log and result.
    window.submitPage()->selectModel("echo");
    window.showPage("submit");
    QTRY_VERIFY_WITH_TIMEOUT(window.submitPage()->isSchemaLoaded(), 10000);
    window.submitPage()->loadRequest("echo", QJsonObject{{"text", "Hello from the studio"},
                                                         {"delay_ms", 600},
                                                         {"log_lines", 4},
                                                         {"color", "GREEN"},
                                                         {"tags", QJsonArray{"demo", "screenshot"}},
                                                         {"point", QJsonObject{{"x", 1.5}, {"y", -2}}}});
    QSignalSpy finished(window.submitPage(), &SubmitPage::taskFinished);
    window.submitPage()->submit();
    QVERIFY(finished.wait(30000));
    grab("submit");
    const QString submitted = window.submitPage()->currentTaskId();

    // Digits: the model's example (an 8x8 zero) in the grid editor, its answer with the pixels as a picture.
    QSignalSpy schema(window.submitPage(), &SubmitPage::schemaLoaded);
    window.submitPage()->selectModel("digits");
    QTRY_VERIFY_WITH_TIMEOUT(schema.count() > 0 && schema.last().at(0).toString() == "digits", 10000);
    QVERIFY(window.submitPage()->loadExample());
    finished.clear();
    window.submitPage()->submit();
    QVERIFY(finished.wait(30000));
    QTRY_VERIFY2(window.submitPage()->resultView()->findChild<QLabel*>("grid_pixels"),
                 qPrintable(window.submitPage()->resultView()->statusText()));
    grab("digits");

    // Image: a picture in, its edges out.
    window.submitPage()->selectModel("image");
    QTRY_VERIFY_WITH_TIMEOUT(schema.count() > 0 && schema.last().at(0).toString() == "image", 10000);
    QImage picture(160, 120, QImage::Format_RGB32);
    for (int y = 0; y < picture.height(); ++y)
        for (int x = 0; x < picture.width(); ++x)
            picture.setPixel(x, y, qRgb(x * 255 / 160, y * 255 / 120, (x / 20 + y / 20) % 2 ? 220 : 40));
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(picture.save(&buffer, "PNG"));
    window.submitPage()->loadRequest(
        "image", QJsonObject{{"image", QString::fromLatin1(png.toBase64())}, {"operation", "EDGES"}});
    finished.clear();
    window.submitPage()->submit();
    QVERIFY(finished.wait(30000));
    QTRY_VERIFY(window.submitPage()->resultView()->findChild<QLabel*>("image_image"));
    grab("image");

    // Tasks.
    window.showPage("tasks");
    window.tasksPage()->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(window.tasks().rowCount() >= 5, 10000);
    // The studio's own echo task, opened with its log and result.
    QVERIFY(!submitted.isEmpty());
    window.tasksPage()->openTask(submitted);
    auto* taskTitle = window.tasksPage()->findChild<QLabel*>("taskTitle");
    QVERIFY(taskTitle);
    QTRY_VERIFY_WITH_TIMEOUT(taskTitle->text().contains("echo"), 10000);
    grab("tasks");

    // The timeline of the task that failed every attempt.
    QTRY_VERIFY_WITH_TIMEOUT(
        http.get("/api/v1/tasks/" + throwing).json().value("status").toString() == "dead_lettered", 30000);
    window.tasksPage()->openTask(throwing);
    auto* timeline = window.tasksPage()->findChild<QTreeWidget*>("taskTimeline");
    QVERIFY(timeline);
    QTRY_VERIFY_WITH_TIMEOUT(timeline->topLevelItemCount() >= 1, 10000);
    window.tasksPage()->findChild<QTabWidget*>("taskDetailTabs")->setCurrentWidget(timeline);
    grab("timeline");

    // Model details with its instance and the dead letter.
    auto* details = qobject_cast<ModelDetailsPage*>(window.page("details"));
    QVERIFY(details);
    details->showModel("echo");
    window.showPage("details");
    auto* instances = details->findChild<QTableWidget*>("instancesTable");
    auto* dead = details->findChild<QTableWidget*>("deadLettersTable");
    QTRY_VERIFY_WITH_TIMEOUT(instances->rowCount() >= 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            if (dead->rowCount() == 0)
                details->refresh();
            return dead->rowCount() >= 1;
        }(),
        20000);
    QTRY_VERIFY_WITH_TIMEOUT(instances->item(0, 3)->text().endsWith("s ago"), 15000);
    grab("model-details");

    // Dictionary, as the form's help opens it.
    auto* dictionary = qobject_cast<DictionaryPage*>(window.page("dictionary"));
    QVERIFY(dictionary);
    QSignalSpy shown(dictionary, &DictionaryPage::fieldShown);
    dictionary->showField("echo", "delay_ms");
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 1, 15000);
    QCOMPARE(window.currentPage(), QStringLiteral("dictionary"));
    grab("dictionary");

    // Settings, then the same screens in Russian.
    window.showPage("settings");
    auto* settingsPage = qobject_cast<SettingsPage*>(window.page("settings"));
    QVERIFY(settingsPage);
    QVERIFY(settingsPage->setLanguage("ru"));
    grab("settings-ru");
    window.showPage("dashboard");
    grab("dashboard-ru");
    window.showPage("dictionary");
    grab("dictionary-ru");
    QVERIFY(settingsPage->setLanguage("en"));
    window.showPage("settings");
    grab("settings");
    m_window = nullptr;
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestStudioScreenshots test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_studio_screenshots.moc"
