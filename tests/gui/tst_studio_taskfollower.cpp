// core/TaskFollower against a real mmf-server and echo worker: a task is followed live (log lines, its end,
// its result), by polling alone when the WebSocket is closed, cancelled while it runs, and forgotten by
// stop().
#include "ServerFixture.h"
#include "core/ApiClient.h"
#include "core/EventStream.h"
#include "core/TaskFollower.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace mmf;
using namespace mmf::studio;

class TestStudioTaskFollower : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void followsLive();
    void followsByPollingWithoutTheWebSocket();
    void cancelsARunningTask();
    void stopForgetsTheTask();

private:
    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<WorkerFixture> m_worker;
    std::unique_ptr<ApiClient> m_api;
};

void TestStudioTaskFollower::initTestCase()
{
    m_server = std::make_unique<ServerFixture>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    const QByteArray token = m_server->issueToken(QStringLiteral("follower"));
    QVERIFY(!token.isEmpty());
    m_worker = std::make_unique<WorkerFixture>(QStringLiteral("echo"), m_server->url(), token);
    QVERIFY(m_worker->start());
    QVERIFY2(m_worker->waitForReady(), m_worker->output().constData());
    m_api = std::make_unique<ApiClient>();
    m_api->setBaseUrl(m_server->url());
    m_api->setAccessToken(token);
}

void TestStudioTaskFollower::cleanupTestCase()
{
    m_worker.reset();
    if (m_server)
        m_server->stop();
}

void TestStudioTaskFollower::followsLive()
{
    EventStream events(*m_api);
    events.open();
    QTRY_VERIFY_WITH_TIMEOUT(events.isOpen(), 10000);
    TaskFollower follower(*m_api, events);
    QSignalSpy submitted(&follower, &TaskFollower::submitted);
    QSignalSpy lines(&follower, &TaskFollower::logLine);
    QSignalSpy finished(&follower, &TaskFollower::finished);
    follower.submit(QStringLiteral("echo"), R"({"text": "hi", "log_lines": 2, "delay_ms": 200})");
    QVERIFY(follower.isSubmitting());
    QVERIFY(submitted.wait(10000));
    QVERIFY(follower.isActive());
    QCOMPARE(follower.model(), QStringLiteral("echo"));
    QVERIFY(finished.count() > 0 || finished.wait(20000));
    QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("succeeded"));
    QCOMPARE(finished.at(0)
                 .at(1)
                 .toJsonValue()
                 .toObject()
                 .value(QLatin1String("request"))
                 .toObject()
                 .value(QLatin1String("text"))
                 .toString(),
             QStringLiteral("hi"));
    QTRY_COMPARE(lines.count(), 2);
    QVERIFY(follower.isFinal());
    QVERIFY(!follower.isActive());
}

void TestStudioTaskFollower::followsByPollingWithoutTheWebSocket()
{
    EventStream events(*m_api); // never opened
    TaskFollower follower(*m_api, events);
    follower.setPollInterval(200);
    QSignalSpy finished(&follower, &TaskFollower::finished);
    QSignalSpy lines(&follower, &TaskFollower::logLine);
    follower.submit(QStringLiteral("echo"), R"({"log_lines": 3, "delay_ms": 300})");
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("succeeded"));
    QTRY_COMPARE(lines.count(), 3); // read from GET …/logs
}

void TestStudioTaskFollower::cancelsARunningTask()
{
    EventStream events(*m_api);
    events.open();
    QTRY_VERIFY_WITH_TIMEOUT(events.isOpen(), 10000);
    TaskFollower follower(*m_api, events);
    QSignalSpy status(&follower, &TaskFollower::statusChanged);
    QSignalSpy finished(&follower, &TaskFollower::finished);
    QSignalSpy requested(&follower, &TaskFollower::cancelRequested);
    follower.submit(QStringLiteral("echo"), R"({"delay_ms": 60000})");
    QTRY_VERIFY_WITH_TIMEOUT(follower.status() == QLatin1String("running"), 15000);
    follower.cancel();
    QVERIFY(requested.wait(10000));
    QVERIFY(finished.count() > 0 || finished.wait(20000));
    QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("cancelled"));
}

void TestStudioTaskFollower::stopForgetsTheTask()
{
    EventStream events(*m_api);
    events.open();
    QTRY_VERIFY_WITH_TIMEOUT(events.isOpen(), 10000);
    TaskFollower follower(*m_api, events);
    QSignalSpy submitted(&follower, &TaskFollower::submitted);
    QSignalSpy finished(&follower, &TaskFollower::finished);
    follower.submit(QStringLiteral("echo"), R"({"delay_ms": 500})");
    QVERIFY(submitted.wait(10000));
    const QString taskId = follower.taskId();
    follower.stop();
    QVERIFY(follower.taskId().isEmpty());
    QVERIFY(!follower.isActive());
    QVERIFY(!events.topics().contains(QStringLiteral("task/") + taskId));
    // The task ends on the server (a second task, followed, ends after it) without a word about it here.
    follower.submit(QStringLiteral("echo"), R"({"delay_ms": 800})");
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.count(), 1);
    QVERIFY(follower.taskId() != taskId);
}

QTEST_MAIN(TestStudioTaskFollower)
#include "tst_studio_taskfollower.moc"
