// The catalogue with real processes (issue 11): metadata declared by a model and changed by an admin (PATCH,
// 403 without admin, 400 naming the bad field), kept when the last instance goes (include=offline); instances
// with advancing pings and eviction; retries spaced by the model's backoff (start times from the owner's
// WebSocket status events), dead letters listed, replayed under the same id and discarded; a delayed retry
// that is due while the server is down still happens after a restart.
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QProcess>
#include <QTest>

#include <csignal>
#include <memory>

using namespace mmf;

namespace {

constexpr double kPingIntervalSecs = 0.5;

QString rfc3339(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

qint64 msOf(const QJsonValue& time)
{
    return QDateTime::fromString(time.toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
}

QJsonObject findIn(const QJsonArray& list, const QString& key, const QString& value)
{
    for (const QJsonValue& entry : list) {
        if (entry.toObject().value(key).toString() == value)
            return entry.toObject();
    }
    return {};
}

} // namespace

class TestCatalogue : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void metadataIsDeclaredPatchedAndKeptOffline();
    void patchRefusesBadFields_data();
    void patchRefusesBadFields();
    void instancesShowPingsAndLeaveWhenEvicted();
    void retriesBackOffThenDeadLetterAndReplay();
    void discardEmptiesTheList();
    void delayedRetrySurvivesServerRestart();
    void ctlShowsInstancesDeadLettersAndSets();

private:
    std::unique_ptr<WorkerFixture> startWorker(const QString& name);
    QJsonObject patch(const QString& model, const QJsonObject& body, int expectedStatus = 200);
    QJsonObject task(const QString& id) { return m_alice->get(QStringLiteral("/api/v1/tasks/") + id).json(); }
    QJsonObject waitForTask(const QString& id, const QString& status, int timeoutMs = 30000);
    QString submitEcho(const QString& model, const QJsonObject& request);
    QStringList deadLetterIds(const QString& model);
    QByteArray runCtl(const QStringList& args, int* exitCode);

    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<ServerFixture> m_server;
    QByteArray m_adminToken;
    QByteArray m_aliceToken;
    QByteArray m_workerToken;
    std::unique_ptr<TestHttpClient> m_admin;
    std::unique_ptr<TestHttpClient> m_alice;
};

void TestCatalogue::initTestCase()
{
    m_redis = std::make_unique<RedisServerFixture>(
        QStringLiteral("cat-secret-%1").arg(QCoreApplication::applicationPid()));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    m_server = std::make_unique<ServerFixture>(
        QStringList{QStringLiteral("--ping-interval"), QString::number(kPingIntervalSecs),
                    QStringLiteral("--claim-timeout-ms"), QStringLiteral("120000")});
    QVERIFY2(m_server->start(m_redis->url()), qPrintable(m_server->errorString()));
    m_adminToken = m_server->issueToken(QStringLiteral("root"), QStringLiteral("default"),
                                        QStringLiteral("score,read,admin"));
    m_aliceToken = m_server->issueToken(QStringLiteral("alice"), QStringLiteral("default"),
                                        QStringLiteral("score,read"));
    m_workerToken =
        m_server->issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    QVERIFY(!m_adminToken.isEmpty() && !m_aliceToken.isEmpty() && !m_workerToken.isEmpty());
    m_admin = std::make_unique<TestHttpClient>(m_server->url(), m_adminToken);
    m_alice = std::make_unique<TestHttpClient>(m_server->url(), m_aliceToken);
}

void TestCatalogue::cleanupTestCase()
{
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

std::unique_ptr<WorkerFixture> TestCatalogue::startWorker(const QString& name)
{
    auto worker = std::make_unique<WorkerFixture>(QStringLiteral("echo"), m_server->url(), m_workerToken,
                                                  QStringList{QStringLiteral("--name"), name});
    if (!worker->start() || !worker->waitForReady())
        return {};
    return worker;
}

QJsonObject TestCatalogue::patch(const QString& model, const QJsonObject& body, int expectedStatus)
{
    const auto answer = m_admin->send("PATCH", QStringLiteral("/api/v1/models/") + model,
                                      QJsonDocument(body).toJson(QJsonDocument::Compact),
                                      {{"Content-Type", "application/json"}}, 30000);
    if (answer.status != expectedStatus)
        qWarning() << "PATCH" << model << answer.status << answer.body;
    return answer.status == expectedStatus ? answer.json() : QJsonObject();
}

QJsonObject TestCatalogue::waitForTask(const QString& id, const QString& status, int timeoutMs)
{
    return m_alice
        ->pollUntil(
            QStringLiteral("/api/v1/tasks/") + id,
            [&](const TestHttpClient::Response& r) {
                return r.json().value(QStringLiteral("status")).toString() == status;
            },
            timeoutMs)
        .json();
}

QString TestCatalogue::submitEcho(const QString& model, const QJsonObject& request)
{
    const auto submitted = m_alice->postJson(QStringLiteral("/api/v1/models/%1/tasks").arg(model), request);
    if (submitted.status != 202) {
        qWarning() << "submit" << submitted.status << submitted.body;
        return {};
    }
    return submitted.json().value(QStringLiteral("task_id")).toString();
}

QStringList TestCatalogue::deadLetterIds(const QString& model)
{
    QStringList ids;
    const auto list = m_admin->get(QStringLiteral("/api/v1/models/%1/dead-letters").arg(model));
    for (const QJsonValue& entry : list.json().value(QStringLiteral("dead_letters")).toArray())
        ids.append(entry.toObject().value(QStringLiteral("task_id")).toString());
    return ids;
}

QByteArray TestCatalogue::runCtl(const QStringList& args, int* exitCode)
{
    QProcess ctl;
    ctl.setProcessChannelMode(QProcess::MergedChannels);
    QStringList all{QStringLiteral("--server"), m_server->url().toString(), QStringLiteral("--token"),
                    QString::fromLatin1(m_adminToken)};
    ctl.start(ServerFixture::ctlProgram(), all + args);
    if (!ctl.waitForFinished(30000)) {
        *exitCode = -1;
        return {};
    }
    *exitCode = ctl.exitCode();
    return ctl.readAll();
}

void TestCatalogue::metadataIsDeclaredPatchedAndKeptOffline()
{
    auto worker = startWorker(QStringLiteral("catmeta"));
    QVERIFY(worker);
    // Declared by the model (EchoModel::metadata) at registration.
    QJsonObject model = m_alice->get(QStringLiteral("/api/v1/models/catmeta")).json();
    QCOMPARE(model.value(QStringLiteral("version")).toString(), QStringLiteral("1.0.0"));
    QCOMPARE(model.value(QStringLiteral("owner")).toString(), QStringLiteral("MMF"));
    QVERIFY(model.value(QStringLiteral("tags")).toArray().contains(QStringLiteral("sample")));
    QVERIFY(!model.value(QStringLiteral("docs")).toString().isEmpty());
    QCOMPARE(model.value(QStringLiteral("status")).toString(), QStringLiteral("live"));
    QCOMPARE(model.value(QStringLiteral("retry")).toObject().value(QStringLiteral("max_attempts")).toInt(),
             3);

    // Not an admin: 403.
    const auto refused =
        m_alice->send("PATCH", QStringLiteral("/api/v1/models/catmeta"), R"({"description":"mine"})",
                      {{"Content-Type", "application/json"}}, 30000);
    QCOMPARE(refused.status, 403);

    const QJsonObject patched =
        patch(QStringLiteral("catmeta"),
              QJsonObject{{QStringLiteral("description"), QStringLiteral("Patched")},
                          {QStringLiteral("tags"), QJsonArray{QStringLiteral("a")}},
                          {QStringLiteral("retry"), QJsonObject{{QStringLiteral("max_attempts"), 5}}}});
    QCOMPARE(patched.value(QStringLiteral("description")).toString(), QStringLiteral("Patched"));
    QCOMPARE(patched.value(QStringLiteral("tags")).toArray(), QJsonArray{QStringLiteral("a")});
    QCOMPARE(patched.value(QStringLiteral("version")).toString(), QStringLiteral("1.0.0")); // untouched
    const QJsonObject retry = patched.value(QStringLiteral("retry")).toObject();
    QCOMPARE(retry.value(QStringLiteral("max_attempts")).toInt(), 5);
    QCOMPARE(retry.value(QStringLiteral("backoff_initial_ms")).toInt(), 1000); // defaults kept

    // A registration again (a restarted instance) fills only the fields no admin changed.
    QVERIFY(worker->kill(SIGTERM));
    QCOMPARE(worker->waitForExit(), 0);
    worker = startWorker(QStringLiteral("catmeta"));
    QVERIFY(worker);
    model = m_alice->get(QStringLiteral("/api/v1/models/catmeta")).json();
    QCOMPARE(model.value(QStringLiteral("description")).toString(), QStringLiteral("Patched"));
    QCOMPARE(model.value(QStringLiteral("tags")).toArray(), QJsonArray{QStringLiteral("a")});
    QCOMPARE(model.value(QStringLiteral("owner")).toString(), QStringLiteral("MMF"));

    // The last instance leaves: the model leaves the default list, is offline with include=offline, keeps
    // its metadata and settings.
    QVERIFY(worker->kill(SIGTERM));
    QCOMPARE(worker->waitForExit(), 0);
    const auto offline = m_alice->pollUntil(
        QStringLiteral("/api/v1/models?include=offline"), [](const TestHttpClient::Response& r) {
            return findIn(r.json().value(QStringLiteral("models")).toArray(), QStringLiteral("name"),
                          QStringLiteral("catmeta"))
                       .value(QStringLiteral("status"))
                       .toString() == QLatin1String("offline");
        });
    const QJsonObject entry = findIn(offline.json().value(QStringLiteral("models")).toArray(),
                                     QStringLiteral("name"), QStringLiteral("catmeta"));
    QCOMPARE(entry.value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
    QCOMPARE(entry.value(QStringLiteral("description")).toString(), QStringLiteral("Patched"));
    QVERIFY(msOf(entry.value(QStringLiteral("last_seen_at"))) > 0);
    const QJsonObject live = m_alice->get(QStringLiteral("/api/v1/models")).json();
    QVERIFY(findIn(live.value(QStringLiteral("models")).toArray(), QStringLiteral("name"),
                   QStringLiteral("catmeta"))
                .isEmpty());
    model = m_alice->get(QStringLiteral("/api/v1/models/catmeta")).json();
    QCOMPARE(model.value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
    QCOMPARE(model.value(QStringLiteral("retry")).toObject().value(QStringLiteral("max_attempts")).toInt(),
             5);
    QCOMPARE(m_alice->get(QStringLiteral("/api/v1/models?include=everything")).status, 400);
    // An admin may still change an offline model.
    QCOMPARE(patch(QStringLiteral("catmeta"), QJsonObject{{QStringLiteral("owner"), QStringLiteral("ops")}})
                 .value(QStringLiteral("owner"))
                 .toString(),
             QStringLiteral("ops"));
    // An unknown model: 404.
    patch(QStringLiteral("nosuchmodel"), QJsonObject{{QStringLiteral("owner"), QStringLiteral("x")}}, 404);
}

void TestCatalogue::patchRefusesBadFields_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");
    QTest::newRow("long version") << QByteArray(R"({"version":")" + QByteArray(65, 'v') + R"("})")
                                  << QStringLiteral("version");
    QTest::newRow("attempts 0") << QByteArray(R"({"retry":{"max_attempts":0}})")
                                << QStringLiteral("retry.max_attempts");
    QTest::newRow("attempts 101") << QByteArray(R"({"retry":{"max_attempts":101}})")
                                  << QStringLiteral("retry.max_attempts");
    QTest::newRow("unknown retry key")
        << QByteArray(R"({"retry":{"jitter":1}})") << QStringLiteral("retry.jitter");
    QTest::newRow("unknown field") << QByteArray(R"({"colour":"red"})") << QStringLiteral("colour");
    QTest::newRow("tag too long") << QByteArray(R"({"tags":["ok",")" + QByteArray(33, 't') + R"("]})")
                                  << QStringLiteral("tags[1]");
}

void TestCatalogue::patchRefusesBadFields()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    const auto answer = m_admin->send("PATCH", QStringLiteral("/api/v1/models/catmeta"), body,
                                      {{"Content-Type", "application/json"}}, 30000);
    QCOMPARE(answer.status, 400);
    QCOMPARE(
        answer.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString(),
        field);
}

void TestCatalogue::instancesShowPingsAndLeaveWhenEvicted()
{
    auto worker = startWorker(QStringLiteral("catping"));
    QVERIFY(worker);
    auto instances = [&] {
        return m_alice->get(QStringLiteral("/api/v1/models/catping/instances"))
            .json()
            .value(QStringLiteral("instances"))
            .toArray();
    };
    auto lastPing = [&] {
        const QJsonArray list = instances();
        return list.isEmpty() ? qint64(0) : msOf(list.at(0).toObject().value(QStringLiteral("last_ping_at")));
    };
    QTRY_VERIFY_WITH_TIMEOUT(lastPing() > 0, 10000);
    const qint64 first = lastPing();
    QTRY_VERIFY_WITH_TIMEOUT(lastPing() > first, 10000);
    const QJsonObject instance = instances().at(0).toObject();
    QVERIFY(!instance.value(QStringLiteral("instance_id")).toString().isEmpty());
    QCOMPARE(instance.value(QStringLiteral("host")).toString(), QStringLiteral("127.0.0.1"));
    QVERIFY(instance.value(QStringLiteral("port")).toInt() > 0);
    QVERIFY(msOf(instance.value(QStringLiteral("started_at"))) > 0);
    QVERIFY(instance.value(QStringLiteral("ping_rtt_ms")).isDouble());

    // The counters ride on the ping's answer.
    const auto done = m_alice->postJson(QStringLiteral("/api/v1/models/catping/tasks?wait=30"),
                                        QJsonObject{{QStringLiteral("text"), QStringLiteral("counted")}});
    QCOMPARE(done.status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(
        instances().at(0).toObject().value(QStringLiteral("tasks_succeeded")).toInt() == 1, 10000);

    QVERIFY(worker->kill(SIGKILL));
    QTRY_VERIFY_WITH_TIMEOUT(instances().isEmpty(), 15000);
    QCOMPARE(m_alice->get(QStringLiteral("/api/v1/models/catping/instances")).status, 200);
    QCOMPARE(m_alice->get(QStringLiteral("/api/v1/models/nosuchmodel/instances")).status, 404);
}

void TestCatalogue::retriesBackOffThenDeadLetterAndReplay()
{
    auto worker = startWorker(QStringLiteral("catretry"));
    QVERIFY(worker);
    // Set after the instance registered (with the defaults): the broker must use the new policy.
    constexpr int kInitialMs = 300;
    const QJsonObject patched = patch(
        QStringLiteral("catretry"),
        QJsonObject{{QStringLiteral("retry"), QJsonObject{{QStringLiteral("max_attempts"), 3},
                                                          {QStringLiteral("backoff_initial_ms"), kInitialMs},
                                                          {QStringLiteral("backoff_factor"), 2},
                                                          {QStringLiteral("backoff_max_ms"), 5000}}}});
    QCOMPARE(patched.value(QStringLiteral("retry")).toObject().value(QStringLiteral("max_attempts")).toInt(),
             3);

    TestWebSocket owner(m_server->url(), m_aliceToken);
    QVERIFY(owner.open());
    QVERIFY(owner.subscribeAndWait(QStringLiteral("model/catretry")));

    // Fails until well after its three attempts (0.3 s + 0.6 s of backoff), then succeeds on a replay.
    const qint64 failUntil = QDateTime::currentMSecsSinceEpoch() + 8000;
    const QString id = submitEcho(QStringLiteral("catretry"),
                                  QJsonObject{{QStringLiteral("text"), QStringLiteral("again")},
                                              {QStringLiteral("fail_until"), rfc3339(failUntil)}});
    QVERIFY(!id.isEmpty());
    auto isFor = [&](const QJsonObject& m, const char* type, const char* status) {
        return m.value(QStringLiteral("task_id")).toString() == id &&
               m.value(QStringLiteral("type")).toString() == QLatin1String(type) &&
               m.value(QStringLiteral("status")).toString() == QLatin1String(status);
    };
    const QJsonObject dead =
        owner.waitFor([&](const QJsonObject& m) { return isFor(m, "result", "dead_lettered"); }, 30000);
    QVERIFY2(!dead.isEmpty(), "the task was not dead-lettered (did an attempt start after fail_until?)");
    QCOMPARE(dead.value(QStringLiteral("attempts")).toInt(), 3);

    // When each attempt started: the timeline (a quick attempt's start is recorded with its outcome, no
    // running event of its own); when each retry was due: the queued events.
    QList<qint64> starts;
    QList<qint64> dueTimes;
    const QJsonArray attempts = m_alice->get(QStringLiteral("/api/v1/tasks/%1/timeline").arg(id))
                                    .json()
                                    .value(QStringLiteral("attempts"))
                                    .toArray();
    for (const QJsonValue& attempt : attempts)
        starts.append(msOf(attempt.toObject().value(QStringLiteral("started_at"))));
    for (const QJsonObject& m : owner.messages()) {
        if (isFor(m, "status", "queued") && m.contains(QStringLiteral("next_attempt_at")))
            dueTimes.append(msOf(m.value(QStringLiteral("next_attempt_at"))));
    }
    QCOMPARE(starts.size(), 3);
    QCOMPARE(dueTimes.size(), 2);
    QVERIFY2(starts[1] - starts[0] >= kInitialMs, qPrintable(QString::number(starts[1] - starts[0])));
    QVERIFY2(starts[2] - starts[1] >= 2 * kInitialMs, qPrintable(QString::number(starts[2] - starts[1])));
    QVERIFY(starts[1] >= dueTimes[0] && starts[2] >= dueTimes[1]);

    QJsonObject record = task(id);
    QCOMPARE(record.value(QStringLiteral("status")).toString(), QStringLiteral("dead_lettered"));
    QCOMPARE(record.value(QStringLiteral("attempts")).toInt(), 3);
    QVERIFY(record.value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("failing until")));

    // Listed for an admin only.
    QCOMPARE(m_alice->get(QStringLiteral("/api/v1/models/catretry/dead-letters")).status, 403);
    const QJsonArray letters = m_admin->get(QStringLiteral("/api/v1/models/catretry/dead-letters?limit=10"))
                                   .json()
                                   .value(QStringLiteral("dead_letters"))
                                   .toArray();
    const QJsonObject letter = findIn(letters, QStringLiteral("task_id"), id);
    QCOMPARE(letter.value(QStringLiteral("attempts")).toInt(), 3);
    QCOMPARE(letter.value(QStringLiteral("user_id")).toString(), QStringLiteral("alice"));
    QVERIFY(msOf(letter.value(QStringLiteral("dead_lettered_at"))) > 0);

    // Replay: not by a non-admin; after fail_until has passed it succeeds under the same id.
    const QByteArray replayBody = QJsonDocument(QJsonObject{{QStringLiteral("task_ids"),
                                                             QJsonArray{id, QStringLiteral("01NOSUCHTASK")}}})
                                      .toJson(QJsonDocument::Compact);
    QCOMPARE(m_alice
                 ->post(QStringLiteral("/api/v1/models/catretry/dead-letters:replay"), replayBody,
                        {{"Content-Type", "application/json"}})
                 .status,
             403);
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentMSecsSinceEpoch() > failUntil + 100, 20000);
    const qsizetype seenBefore = owner.messages().size();
    const qint64 replayedAt = QDateTime::currentMSecsSinceEpoch();
    const auto replayed = m_admin->post(QStringLiteral("/api/v1/models/catretry/dead-letters:replay"),
                                        replayBody, {{"Content-Type", "application/json"}});
    QCOMPARE(replayed.status, 200);
    QCOMPARE(replayed.json().value(QStringLiteral("replayed")).toArray(), QJsonArray{id});
    // The owner's list, which vouches for the task to its owner, keeps it as long as the replay lives: its
    // entry moved to the replay's time.
    QVERIFY(m_redis->syncCommand({QStringLiteral("ZSCORE"), QStringLiteral("mmf:user:{alice}:tasks"), id})
                .toLongLong() >= replayedAt);
    QCOMPARE(replayed.json().value(QStringLiteral("not_found")).toArray(),
             QJsonArray{QStringLiteral("01NOSUCHTASK")});

    const QJsonObject succeeded =
        owner.waitFor([&](const QJsonObject& m) { return isFor(m, "result", "succeeded"); }, 30000);
    QVERIFY(!succeeded.isEmpty());
    QCOMPARE(succeeded.value(QStringLiteral("attempts")).toInt(), 1);
    // The owner saw it move: queued again (attempts 0), then running.
    bool requeued = false;
    for (qsizetype i = seenBefore; i < owner.messages().size(); ++i) {
        const QJsonObject& m = owner.messages().at(i);
        if (isFor(m, "status", "queued") && m.value(QStringLiteral("attempts")).toInt() == 0)
            requeued = true;
    }
    QVERIFY(requeued);
    record = waitForTask(id, QStringLiteral("succeeded"));
    QCOMPARE(record.value(QStringLiteral("attempts")).toInt(), 1);
    QCOMPARE(record.value(QStringLiteral("result"))
                 .toObject()
                 .value(QStringLiteral("request"))
                 .toObject()
                 .value(QStringLiteral("text")),
             QJsonValue(QStringLiteral("again")));
    QVERIFY(record.value(QStringLiteral("error")).isNull());
    QVERIFY(!deadLetterIds(QStringLiteral("catretry")).contains(id));
    // Replaying it again finds nothing: it is no longer a dead letter.
    QCOMPARE(m_admin
                 ->post(QStringLiteral("/api/v1/models/catretry/dead-letters:replay"), replayBody,
                        {{"Content-Type", "application/json"}})
                 .json()
                 .value(QStringLiteral("replayed"))
                 .toArray()
                 .size(),
             0);
    // The result was stored once: one succeeded result event in the stream.
    int results = 0;
    for (const QJsonObject& m : owner.messages())
        results += isFor(m, "result", "succeeded") ? 1 : 0;
    QCOMPARE(results, 1);

    TestHttpClient anonymous(m_server->url());
    const QByteArray metrics = anonymous.get(QStringLiteral("/metrics")).body;
    QVERIFY2(metrics.contains(R"(mmf_retries_total{model="catretry"} 2)"), metrics.constData());
    QVERIFY(metrics.contains("mmf_dead_letters{model=\"catretry\"}"));
}

void TestCatalogue::discardEmptiesTheList()
{
    auto worker = startWorker(QStringLiteral("catdiscard"));
    QVERIFY(worker);
    patch(QStringLiteral("catdiscard"),
          QJsonObject{{QStringLiteral("retry"), QJsonObject{{QStringLiteral("max_attempts"), 1}}}});
    const QString id =
        submitEcho(QStringLiteral("catdiscard"), QJsonObject{{QStringLiteral("always_throw"), true}});
    QVERIFY(!id.isEmpty());
    const QJsonObject dead = waitForTask(id, QStringLiteral("dead_lettered"));
    QCOMPARE(dead.value(QStringLiteral("attempts")).toInt(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(deadLetterIds(QStringLiteral("catdiscard")), QStringList{id}, 10000);

    const auto notAdmin = m_alice->send(
        "DELETE", QStringLiteral("/api/v1/models/catdiscard/dead-letters/") + id, {}, {}, 30000);
    QCOMPARE(notAdmin.status, 403);
    const auto discarded = m_admin->send(
        "DELETE", QStringLiteral("/api/v1/models/catdiscard/dead-letters/") + id, {}, {}, 30000);
    QCOMPARE(discarded.status, 204);
    QVERIFY(deadLetterIds(QStringLiteral("catdiscard")).isEmpty());
    QCOMPARE(task(id).value(QStringLiteral("status")).toString(), QStringLiteral("dead_lettered"));
    QCOMPARE(
        m_admin->send("DELETE", QStringLiteral("/api/v1/models/catdiscard/dead-letters/") + id, {}, {}, 30000)
            .status,
        404);
    const auto all = m_admin->post(QStringLiteral("/api/v1/models/catdiscard/dead-letters:replay"),
                                   R"({"all":true})", {{"Content-Type", "application/json"}});
    QCOMPARE(all.status, 200);
    QCOMPARE(all.json().value(QStringLiteral("replayed")).toArray().size(), 0);
    const auto bad = m_admin->post(QStringLiteral("/api/v1/models/catdiscard/dead-letters:replay"), R"({})",
                                   {{"Content-Type", "application/json"}});
    QCOMPARE(bad.status, 400);
    // Who asks is checked before what is asked.
    QCOMPARE(m_alice
                 ->post(QStringLiteral("/api/v1/models/catdiscard/dead-letters:replay"), R"({})",
                        {{"Content-Type", "application/json"}})
                 .status,
             403);
}

void TestCatalogue::delayedRetrySurvivesServerRestart()
{
    auto worker = startWorker(QStringLiteral("catrestart"));
    QVERIFY(worker);
    constexpr int kBackoffMs = 4000;
    patch(QStringLiteral("catrestart"),
          QJsonObject{
              {QStringLiteral("retry"), QJsonObject{{QStringLiteral("max_attempts"), 2},
                                                    {QStringLiteral("backoff_initial_ms"), kBackoffMs}}}});
    const qint64 failUntil = QDateTime::currentMSecsSinceEpoch() + 2500;
    const QString id = submitEcho(QStringLiteral("catrestart"),
                                  QJsonObject{{QStringLiteral("text"), QStringLiteral("later")},
                                              {QStringLiteral("fail_until"), rfc3339(failUntil)}});
    QVERIFY(!id.isEmpty());
    const QJsonObject waiting =
        m_alice
            ->pollUntil(QStringLiteral("/api/v1/tasks/") + id,
                        [](const TestHttpClient::Response& r) {
                            return !r.json().value(QStringLiteral("next_attempt_at")).isNull() &&
                                   r.json().contains(QStringLiteral("next_attempt_at"));
                        })
            .json();
    QCOMPARE(waiting.value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
    QCOMPARE(waiting.value(QStringLiteral("attempts")).toInt(), 1);
    const qint64 due = msOf(waiting.value(QStringLiteral("next_attempt_at")));
    QVERIFY(due > failUntil);

    // The server goes away before the retry is due, and stays away past it: nobody re-queues it meanwhile.
    QCOMPARE(m_server->stop(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentMSecsSinceEpoch() > due + 200, kBackoffMs + 10000);
    QCOMPARE(m_redis->syncCommand({QStringLiteral("ZSCORE"), QStringLiteral("mmf:{catrestart}:delayed"), id}),
             QByteArray::number(due));
    QVERIFY2(m_server->start(m_redis->url()), qPrintable(m_server->errorString()));
    const QJsonObject done = waitForTask(id, QStringLiteral("succeeded"));
    QCOMPARE(done.value(QStringLiteral("attempts")).toInt(), 2);
}

void TestCatalogue::ctlShowsInstancesDeadLettersAndSets()
{
    auto worker = startWorker(QStringLiteral("catctl"));
    QVERIFY(worker);
    int code = -1;
    QByteArray out =
        runCtl({QStringLiteral("model"), QStringLiteral("catctl"), QStringLiteral("--set"),
                QStringLiteral("owner=team-x"), QStringLiteral("--set"), QStringLiteral("tags=a,b"),
                QStringLiteral("--set"), QStringLiteral("retry.max_attempts=1")},
               &code);
    QVERIFY2(code == 0, out.constData());
    QVERIFY2(out.contains("team-x") && out.contains("a, b") && out.contains("1 attempts"), out.constData());

    QTRY_VERIFY_WITH_TIMEOUT(
        runCtl({QStringLiteral("model"), QStringLiteral("catctl"), QStringLiteral("--instances")}, &code)
            .contains("127.0.0.1:"),
        10000);

    const QString id =
        submitEcho(QStringLiteral("catctl"), QJsonObject{{QStringLiteral("always_throw"), true}});
    QVERIFY(!id.isEmpty());
    waitForTask(id, QStringLiteral("dead_lettered"));
    QTRY_VERIFY_WITH_TIMEOUT(
        runCtl({QStringLiteral("dead-letters"), QStringLiteral("catctl")}, &code).contains(id.toLatin1()),
        10000);
    out = runCtl({QStringLiteral("discard"), QStringLiteral("catctl"), id}, &code);
    QVERIFY2(code == 0, out.constData());
    out = runCtl({QStringLiteral("replay"), QStringLiteral("catctl"), id}, &code);
    QCOMPARE(code, 1); // discarded: not found any more
    QVERIFY2(out.contains("not found " + id.toLatin1()), out.constData());
    out = runCtl({QStringLiteral("models"), QStringLiteral("--offline")}, &code);
    QVERIFY2(code == 0 && out.contains("catmeta"), out.constData());
}

QTEST_GUILESS_MAIN(TestCatalogue)
#include "tst_catalogue.moc"
