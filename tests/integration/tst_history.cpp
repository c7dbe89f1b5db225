// History, timeline and pause with real processes (issue 20): GET /api/v1/tasks searched by id, counted,
// paged and limited to a time range, with sub-tasks under their parent; GET /api/v1/tasks/{id}/timeline with
// each attempt; PATCH /api/v1/models/{name} {"paused"} keeps tasks queued while a worker is connected, and
// they complete after the resume.
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include "tools/RedisCommandStats.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTest>

#include <memory>
#include <vector>

using namespace mmf;

namespace {

QStringList idsOf(const QJsonObject& list)
{
    QStringList ids;
    for (const QJsonValue& entry : list.value(QStringLiteral("tasks")).toArray())
        ids.append(entry.toObject().value(QStringLiteral("task_id")).toString());
    return ids;
}

QString encoded(const QString& time)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(time));
}

} // namespace

class TestHistory : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void searchCountPageAndTimeRange();
    void badListParametersNameTheField();
    void subTasksAreListedUnderTheirParent();
    void timelineShowsEachAttempt();
    void pausedModelKeepsTasksQueuedUntilResumed();
    void aUsersListIsKeptUpOnceAMinute();

private:
    QString submitEcho(TestHttpClient& client, const QJsonObject& request, bool wait);
    bool waitForInstances(const QString& model, int count);
    int queueDepthOfEcho();
    qint64 commandCalls(const QString& command) const;

    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<TestHttpClient> m_user;
    std::unique_ptr<TestHttpClient> m_admin;
    QByteArray m_workerToken;
    std::vector<std::unique_ptr<WorkerFixture>> m_workers;
};

void TestHistory::initTestCase()
{
    m_redis = std::make_unique<RedisServerFixture>(
        QStringLiteral("test-secret-%1").arg(QCoreApplication::applicationPid()));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    m_server = std::make_unique<ServerFixture>(
        QStringList{QStringLiteral("--backoff-initial-ms"), QStringLiteral("100")});
    QVERIFY2(m_server->start(m_redis->url()), qPrintable(m_server->errorString()));
    m_user = std::make_unique<TestHttpClient>(
        m_server->url(), m_server->issueToken(QStringLiteral("hank"), QStringLiteral("default"),
                                              QStringLiteral("score,read")));
    m_admin = std::make_unique<TestHttpClient>(
        m_server->url(),
        m_server->issueToken(QStringLiteral("root"), QStringLiteral("default"), QStringLiteral("admin")));
    m_workerToken =
        m_server->issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    for (const QString& model : {QStringLiteral("echo"), QStringLiteral("arith"), QStringLiteral("calc")}) {
        auto worker = std::make_unique<WorkerFixture>(
            model, m_server->url(), m_workerToken,
            QStringList{QStringLiteral("--concurrency"), QStringLiteral("4")});
        QVERIFY(worker->start());
        m_workers.push_back(std::move(worker));
        QVERIFY(waitForInstances(model, 1));
    }
}

void TestHistory::cleanupTestCase()
{
    m_workers.clear();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

bool TestHistory::waitForInstances(const QString& model, int count)
{
    const auto response = m_admin->pollUntil(
        QStringLiteral("/api/v1/models/%1").arg(model), [&](const TestHttpClient::Response& r) {
            return r.json().value(QStringLiteral("instances")).toInt() >= count;
        });
    return response.json().value(QStringLiteral("instances")).toInt() >= count;
}

QString TestHistory::submitEcho(TestHttpClient& client, const QJsonObject& request, bool wait)
{
    const auto response = client.postJson(wait ? QStringLiteral("/api/v1/models/echo/tasks?wait=30")
                                               : QStringLiteral("/api/v1/models/echo/tasks"),
                                          request);
    if (response.status != (wait ? 200 : 202))
        qWarning() << response.status << response.body;
    return response.json().value(QStringLiteral("task_id")).toString();
}

void TestHistory::searchCountPageAndTimeRange()
{
    TestHttpClient client(m_server->url(),
                          m_server->issueToken(QStringLiteral("pager"), QStringLiteral("default"),
                                               QStringLiteral("score,read")));
    QStringList ids; // oldest first
    QString middleTime;
    for (int i = 0; i < 5; ++i) {
        ids.append(submitEcho(client, {{QStringLiteral("text"), QString::number(i)}}, true));
        QVERIFY(!ids.last().isEmpty());
        // Each task in a millisecond of its own (a ?wait round trip can take less): the task was created
        // before its answer came, the next one after this clock reading.
        const qint64 answeredMs = QDateTime::currentMSecsSinceEpoch();
        QTRY_VERIFY(QDateTime::currentMSecsSinceEpoch() > answeredMs);
        if (i == 2)
            middleTime = client.get(QStringLiteral("/api/v1/tasks/%1").arg(ids.last()))
                             .json()
                             .value(QStringLiteral("created_at"))
                             .toString();
    }
    auto page = client.get(QStringLiteral("/api/v1/tasks?limit=2"));
    QCOMPARE(page.status, 200);
    QCOMPARE(page.json().value(QStringLiteral("total")).toInt(), 5);
    QCOMPARE(idsOf(page.json()), (QStringList{ids[4], ids[3]}));
    page = client.get(QStringLiteral("/api/v1/tasks?limit=2&offset=4"));
    QCOMPARE(page.json().value(QStringLiteral("total")).toInt(), 5);
    QCOMPARE(idsOf(page.json()), QStringList{ids[0]});
    // Filtered lists count too.
    page = client.get(QStringLiteral("/api/v1/tasks?limit=1&offset=1&status=succeeded&model=echo"));
    QCOMPARE(page.json().value(QStringLiteral("total")).toInt(), 5);
    QCOMPARE(idsOf(page.json()), QStringList{ids[3]});

    // Search by id: the task, or nothing for another user's or an unknown one.
    page = client.get(QStringLiteral("/api/v1/tasks?id=%1").arg(ids[1]));
    QCOMPARE(idsOf(page.json()), QStringList{ids[1]});
    QCOMPARE(page.json().value(QStringLiteral("total")).toInt(), 1);
    const QString others = submitEcho(*m_user, {{QStringLiteral("text"), QStringLiteral("not yours")}}, true);
    page = client.get(QStringLiteral("/api/v1/tasks?id=%1").arg(others));
    QCOMPARE(page.status, 200);
    QCOMPARE(page.json().value(QStringLiteral("total")).toInt(), 0);
    QVERIFY(idsOf(page.json()).isEmpty());

    // A time range: since is inclusive, until exclusive.
    page = client.get(QStringLiteral("/api/v1/tasks?since=%1").arg(encoded(middleTime)));
    QCOMPARE(page.json().value(QStringLiteral("total")).toInt(), 3);
    QCOMPARE(idsOf(page.json()), (QStringList{ids[4], ids[3], ids[2]}));
    page = client.get(QStringLiteral("/api/v1/tasks?until=%1").arg(encoded(middleTime)));
    QCOMPARE(page.json().value(QStringLiteral("total")).toInt(), 2);
    QCOMPARE(idsOf(page.json()), (QStringList{ids[1], ids[0]}));
}

void TestHistory::badListParametersNameTheField()
{
    const QList<QPair<QString, QString>> cases{
        {QStringLiteral("since=yesterday"), QStringLiteral("since")},
        {QStringLiteral("until=2026-13-01T00:00:00Z"), QStringLiteral("until")},
        {QStringLiteral("offset=-1"), QStringLiteral("offset")},
        {QStringLiteral("limit=0"), QStringLiteral("limit")},
        {QStringLiteral("id=../../x"), QStringLiteral("id")},
        {QStringLiteral("parent=%20"), QStringLiteral("parent")},
    };
    for (const auto& [query, field] : cases) {
        const auto response = m_user->get(QStringLiteral("/api/v1/tasks?") + query);
        QCOMPARE(response.status, 400);
        QCOMPARE(response.errorCode(), QStringLiteral("invalid_argument"));
        QCOMPARE(response.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("field"))
                     .toString(),
                 field);
    }
}

void TestHistory::subTasksAreListedUnderTheirParent()
{
    TestHttpClient client(m_server->url(),
                          m_server->issueToken(QStringLiteral("calcuser"), QStringLiteral("default"),
                                               QStringLiteral("score,read")));
    const auto response =
        client.postJson(QStringLiteral("/api/v1/models/calc/tasks?wait=30"),
                        QJsonObject{{QStringLiteral("expression"), QStringLiteral("(1+2)*(3+4)")}});
    QCOMPARE(response.status, 200);
    const QString parent = response.json().value(QStringLiteral("task_id")).toString();

    const auto list = client.get(QStringLiteral("/api/v1/tasks"));
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json().value(QStringLiteral("total")).toInt(), 1); // the arith operations are not top-level
    const QJsonObject top = list.json().value(QStringLiteral("tasks")).toArray().at(0).toObject();
    QCOMPARE(top.value(QStringLiteral("task_id")).toString(), parent);
    QCOMPARE(top.value(QStringLiteral("sub_tasks")).toInt(), 3);
    const QJsonArray children = top.value(QStringLiteral("children")).toArray();
    QCOMPARE(children.size(), 3);
    for (const QJsonValue& child : children) {
        QCOMPARE(child.toObject().value(QStringLiteral("model")).toString(), QStringLiteral("arith"));
        QCOMPARE(child.toObject().value(QStringLiteral("parent_task_id")).toString(), parent);
    }

    const auto sub = client.get(QStringLiteral("/api/v1/tasks?parent=%1&limit=2").arg(parent));
    QCOMPARE(sub.status, 200);
    QCOMPARE(sub.json().value(QStringLiteral("total")).toInt(), 3);
    QCOMPARE(sub.json().value(QStringLiteral("tasks")).toArray().size(), 2);
    // Another user's parent lists nothing.
    QCOMPARE(m_user->get(QStringLiteral("/api/v1/tasks?parent=%1").arg(parent))
                 .json()
                 .value(QStringLiteral("total"))
                 .toInt(),
             0);
}

void TestHistory::timelineShowsEachAttempt()
{
    const QString ok = submitEcho(*m_user, {{QStringLiteral("text"), QStringLiteral("once")}}, true);
    auto timeline = m_user->get(QStringLiteral("/api/v1/tasks/%1/timeline").arg(ok));
    QCOMPARE(timeline.status, 200);
    QJsonArray attempts = timeline.json().value(QStringLiteral("attempts")).toArray();
    QCOMPARE(attempts.size(), 1);
    QJsonObject only = attempts.at(0).toObject();
    QCOMPARE(only.value(QStringLiteral("outcome")).toString(), QStringLiteral("succeeded"));
    QVERIFY(only.value(QStringLiteral("instance")).toString().startsWith(QStringLiteral("echo")));
    QVERIFY(only.value(QStringLiteral("queued_ms")).isDouble());
    QVERIFY(only.value(QStringLiteral("running_ms")).isDouble());
    QVERIFY(only.value(QStringLiteral("error")).isNull());

    // Fails every attempt: each one is kept with its instance, times and error.
    const QString dead = submitEcho(*m_user, {{QStringLiteral("always_throw"), true}}, false);
    const auto final = m_user->pollUntil(
        QStringLiteral("/api/v1/tasks/%1").arg(dead), [](const TestHttpClient::Response& r) {
            return r.json().value(QStringLiteral("status")).toString() == QLatin1String("dead_lettered");
        });
    QCOMPARE(final.json().value(QStringLiteral("status")).toString(), QStringLiteral("dead_lettered"));
    const int count = final.json().value(QStringLiteral("attempts")).toInt();
    QVERIFY(count >= 2);
    timeline = m_user->get(QStringLiteral("/api/v1/tasks/%1/timeline").arg(dead));
    attempts = timeline.json().value(QStringLiteral("attempts")).toArray();
    QCOMPARE(attempts.size(), count);
    QDateTime previousEnd;
    for (int i = 0; i < count; ++i) {
        const QJsonObject attempt = attempts.at(i).toObject();
        QCOMPARE(attempt.value(QStringLiteral("attempt")).toInt(), i + 1);
        QCOMPARE(attempt.value(QStringLiteral("outcome")).toString(),
                 i + 1 < count ? QStringLiteral("retried") : QStringLiteral("dead_lettered"));
        QVERIFY(attempt.value(QStringLiteral("instance")).toString().startsWith(QStringLiteral("echo")));
        QVERIFY(!attempt.value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString()
                     .isEmpty());
        const QDateTime started =
            QDateTime::fromString(attempt.value(QStringLiteral("started_at")).toString(), Qt::ISODateWithMs);
        const QDateTime ended =
            QDateTime::fromString(attempt.value(QStringLiteral("ended_at")).toString(), Qt::ISODateWithMs);
        QVERIFY(started.isValid() && ended.isValid() && started <= ended);
        if (previousEnd.isValid()) {
            // A retry waits from the previous attempt's end: that wait is its queued time.
            QCOMPARE(attempt.value(QStringLiteral("queued_at")).toString(),
                     previousEnd.toString(Qt::ISODateWithMs));
            QVERIFY(previousEnd <= started);
        }
        previousEnd = ended;
    }
    QCOMPARE(m_admin->get(QStringLiteral("/api/v1/tasks/%1/timeline").arg(dead)).status, 200);
    TestHttpClient stranger(
        m_server->url(),
        m_server->issueToken(QStringLiteral("eve"), QStringLiteral("default"), QStringLiteral("read")));
    QCOMPARE(stranger.get(QStringLiteral("/api/v1/tasks/%1/timeline").arg(dead)).status, 404);
}

int TestHistory::queueDepthOfEcho()
{
    for (const QJsonValue& entry :
         m_user->get(QStringLiteral("/api/v1/models")).json().value(QStringLiteral("models")).toArray()) {
        const QJsonObject model = entry.toObject();
        if (model.value(QStringLiteral("name")).toString() == QLatin1String("echo"))
            return model.value(QStringLiteral("queue_depth")).toInt(-1);
    }
    return -1;
}

void TestHistory::pausedModelKeepsTasksQueuedUntilResumed()
{
    QCOMPARE(m_user
                 ->send("PATCH", QStringLiteral("/api/v1/models/echo"), R"({"paused":true})",
                        {{"Content-Type", "application/json"}}, 30000)
                 .status,
             403);
    auto patched = m_admin->send("PATCH", QStringLiteral("/api/v1/models/echo"), R"({"paused":true})",
                                 {{"Content-Type", "application/json"}}, 30000);
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.json().value(QStringLiteral("paused")).toBool(), true);
    QCOMPARE(m_admin
                 ->send("PATCH", QStringLiteral("/api/v1/models/echo"), R"({"paused":"yes"})",
                        {{"Content-Type", "application/json"}}, 30000)
                 .status,
             400);
    bool listed = false;
    for (const QJsonValue& entry :
         m_user->get(QStringLiteral("/api/v1/models")).json().value(QStringLiteral("models")).toArray()) {
        const QJsonObject model = entry.toObject();
        if (model.value(QStringLiteral("name")).toString() == QLatin1String("echo"))
            listed = model.value(QStringLiteral("paused")).toBool();
    }
    QVERIFY(listed);

    // A paused model accepts tasks; they wait outside the stream (a worker runs what it reads), so the
    // connected worker cannot take them.
    QStringList ids;
    for (int i = 0; i < 3; ++i)
        ids.append(submitEcho(*m_user, {{QStringLiteral("text"), QStringLiteral("later")}}, false));
    QCOMPARE(m_redis->syncCommand({QStringLiteral("LRANGE"), QStringLiteral("mmf:{echo}:held"),
                                   QStringLiteral("0"), QStringLiteral("-1")}),
             ids.join(QLatin1Char('\n')).toUtf8());
    QCOMPARE(m_redis->syncCommand({QStringLiteral("XLEN"), QStringLiteral("mmf:{echo}:tasks")}),
             QByteArray("0"));
    // Counted as queued all the same (the catalogue refreshes its figures every few seconds).
    QTRY_VERIFY_WITH_TIMEOUT(queueDepthOfEcho() == 3, 15000);
    for (const QString& id : ids) {
        const QJsonObject task = m_user->get(QStringLiteral("/api/v1/tasks/%1").arg(id)).json();
        QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
        QCOMPARE(task.value(QStringLiteral("attempts")).toInt(), 0);
    }
    // Nothing sits in the worker's hands.
    QVERIFY(m_redis
                ->syncCommand({QStringLiteral("XPENDING"), QStringLiteral("mmf:{echo}:tasks"),
                               QStringLiteral("workers")})
                .startsWith("0"));

    patched = m_admin->send("PATCH", QStringLiteral("/api/v1/models/echo"), R"({"paused":false})",
                            {{"Content-Type", "application/json"}}, 30000);
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.json().value(QStringLiteral("paused")).toBool(), false);
    for (const QString& id : ids) {
        const auto done = m_user->pollUntil(
            QStringLiteral("/api/v1/tasks/%1").arg(id), [](const TestHttpClient::Response& r) {
                return r.json().value(QStringLiteral("status")).toString() == QLatin1String("succeeded");
            });
        QCOMPARE(done.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(done.json().value(QStringLiteral("attempts")).toInt(), 1);
    }
    QCOMPARE(m_redis->syncCommand({QStringLiteral("LLEN"), QStringLiteral("mmf:{echo}:held")}),
             QByteArray("0"));
}

qint64 TestHistory::commandCalls(const QString& command) const
{
    const auto stats = RedisCommandStats::parse(
        m_redis->syncCommand({QStringLiteral("INFO"), QStringLiteral("commandstats")}));
    if (!stats)
        return -1;
    for (const CommandStat& stat : *stats) {
        if (stat.name == command.toLatin1())
            return stat.calls;
    }
    return 0;
}

void TestHistory::aUsersListIsKeptUpOnceAMinute()
{
    // Every submit adds to the user's task list; trimming it and refreshing its expiry happen once a minute
    // (TaskListUpkeep), not per submit, and the expiry outlasts the retention (a day here) by that minute.
    TestHttpClient client(m_server->url(),
                          m_server->issueToken(QStringLiteral("keeper"), QStringLiteral("default"),
                                               QStringLiteral("score,read")));
    const qint64 trimsBefore = commandCalls(QStringLiteral("zremrangebyscore"));
    for (int i = 0; i < 5; ++i)
        QVERIFY(!submitEcho(client, {{QStringLiteral("text"), QString::number(i)}}, false).isEmpty());
    const qint64 trims = commandCalls(QStringLiteral("zremrangebyscore")) - trimsBefore;
    QVERIFY2(trims >= 1 && trims <= 2, qPrintable(QString::number(trims))); // 2 if a minute turned meanwhile
    const QString list = QStringLiteral("mmf:user:{keeper}:tasks");
    QCOMPARE(m_redis->syncCommand({QStringLiteral("ZCARD"), list}), QByteArray("5"));
    const qint64 ttl = m_redis->syncCommand({QStringLiteral("TTL"), list}).toLongLong();
    QVERIFY2(ttl > 86400 && ttl <= 86460, qPrintable(QString::number(ttl)));

    // A Redis that came back may have lost the expiry: after a reconnection the next submit keeps the list
    // up.
    const qint64 trimsBeforeKill = commandCalls(QStringLiteral("zremrangebyscore"));
    m_redis->syncCommand({QStringLiteral("CLIENT"), QStringLiteral("KILL"), QStringLiteral("TYPE"),
                          QStringLiteral("normal"), QStringLiteral("SKIPME"), QStringLiteral("yes")});
    // Submits until one is accepted after the reconnection (those during it may be refused or land before
    // it).
    const auto submitAndTrimmed = [&] {
        const auto response = client.postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                                              {{QStringLiteral("text"), QStringLiteral("again")}});
        return response.status == 202 && commandCalls(QStringLiteral("zremrangebyscore")) > trimsBeforeKill;
    };
    QTRY_VERIFY_WITH_TIMEOUT(submitAndTrimmed(), 20000);
}

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
