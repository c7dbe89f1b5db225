// Trust boundaries on a real server (embedded Redis) with a real echo worker: what a model's own Redis user,
// a project's admin, another instance's owner and model code's task token can reach. Each case is an attack
// that worked before the rules in AccessPolicy / AccessResolver and the replay's evidence check.
#include "RedisWait.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"

#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "broker/BrokerKeys.h"
#include "broker/TaskIdGenerator.h"
#include "core/Clock.h"
#include "redis/RedisClient.h"

#include "mmf/v1/task.pb.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace mmf;

class TestTrust : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void superuserComesFromAdminCreate();
    void forgedDeadLetterIsNotReplayed();
    void aDeadLetteredSubTaskIsReplayed();
    void eventsAboutAnotherModelsTaskReachNobody();
    void aModelCannotHandATaskToAnotherUser();
    void eventsReachTheUserTheyNameOnlyAboutTheirOwnTasks();
    void projectAdminStaysInItsProject();
    void instancesAreRemovedByTheirOwnerOnly();
    void instanceNamesAreCheckedAndUnique();
    void taskTokensReachTheirSubTasksOnly();
    void invalidModelNameIsTheSameAnswerEverywhere();
    void revokedServeLosesTheModelsRedis(); // last: it rotates echo's password

private:
    QJsonObject login(const QString& login, const QByteArray& password, const QString& project = {});
    QByteArray accessToken(const QString& login, const QByteArray& password, const QString& project = {});
    QString registerUser(const QString& login, const QByteArray& password);
    // Registers an instance of echo the way a worker does (descriptors from the catalogue); the 201 body.
    TestHttpClient::Response registerEchoInstance(const QByteArray& serveToken, const QString& name);
    QByteArray signTaskToken(const QString& userId, const QString& model) const;
    // A client of the model's Redis user with the credentials of a registration's answer; connected or not.
    static std::unique_ptr<RedisClient> modelRedis(const QJsonObject& registration);
    // An echo instance registered as a worker does, and a client of the model's Redis user it was given:
    // connected, or null. Its instance id goes to `instanceId`.
    std::unique_ptr<RedisClient> forger(const QString& name, QString* instanceId);
    // The operator removes an instance it registered; the HTTP status.
    int removeInstance(const QString& instanceId);
    // Writes, with a model's Redis user, a final event of echo's as the broker writes one: `taskId`
    // succeeded, its owner `userId`. False when Redis refused it.
    static bool forgeResultEvent(RedisClient& model, const QByteArray& taskId, const QByteArray& userId,
                                 const QByteArray& instance);
    // Runs a real echo task as `client` and waits until `socket` has its result: the events before it in the
    // stream have been passed over by then. Its id, empty on failure.
    static QString realResultSeen(TestHttpClient& client, TestWebSocket& socket);

    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<TestHttpClient> m_anonymous;
    std::unique_ptr<TestHttpClient> m_root;
    std::unique_ptr<WorkerFixture> m_echo;
    QByteArray m_operatorServe;
    QString m_victimId;
    SystemClock m_clock;
};

void TestTrust::initTestCase()
{
    m_server =
        std::make_unique<ServerFixture>(QStringList{QStringLiteral("--ping-interval"), QStringLiteral("1")});
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_anonymous = std::make_unique<TestHttpClient>(m_server->url());
    QVERIFY2(m_server->createAdmin(QStringLiteral("root"), "root password 1"),
             qPrintable(m_server->errorString()));
    m_root = std::make_unique<TestHttpClient>(m_server->url(),
                                              accessToken(QStringLiteral("root"), "root password 1"));
    m_operatorServe =
        m_server->issueToken(QStringLiteral("operator"), QStringLiteral("default"), QStringLiteral("serve"));
    m_echo = std::make_unique<WorkerFixture>(QStringLiteral("echo"), m_server->url(), m_operatorServe);
    QVERIFY(m_echo->start());
    QVERIFY2(m_echo->waitForReady(), m_echo->output().constData());
    m_victimId = registerUser(QStringLiteral("victim"), "victim password");
    QVERIFY(!m_victimId.isEmpty());
}

void TestTrust::cleanupTestCase()
{
    m_echo.reset();
    m_server.reset();
}

QJsonObject TestTrust::login(const QString& login, const QByteArray& password, const QString& project)
{
    QJsonObject body{{QStringLiteral("login"), login},
                     {QStringLiteral("password"), QString::fromUtf8(password)}};
    if (!project.isEmpty())
        body.insert(QStringLiteral("project"), project);
    const auto response = m_anonymous->postJson(QStringLiteral("/api/v1/auth/login"), body);
    return response.status == 200 ? response.json() : QJsonObject();
}

QByteArray TestTrust::accessToken(const QString& login, const QByteArray& password, const QString& project)
{
    return this->login(login, password, project).value(QStringLiteral("access_token")).toString().toLatin1();
}

QString TestTrust::registerUser(const QString& login, const QByteArray& password)
{
    const auto created =
        m_anonymous->postJson(QStringLiteral("/api/v1/auth/register"),
                              QJsonObject{{QStringLiteral("login"), login},
                                          {QStringLiteral("password"), QString::fromUtf8(password)}});
    return created.json().value(QStringLiteral("user_id")).toString();
}

TestHttpClient::Response TestTrust::registerEchoInstance(const QByteArray& serveToken, const QString& name)
{
    const QJsonObject echo = m_root->get(QStringLiteral("/api/v1/models/echo")).json();
    const QJsonObject registration{
        {QStringLiteral("model"), QStringLiteral("echo")},
        {QStringLiteral("host"), QStringLiteral("127.0.0.1")},
        {QStringLiteral("port"), 9}, // discard: nothing answers the pings, the leader evicts it later
        {QStringLiteral("descriptor_set"), echo.value(QStringLiteral("descriptor_set"))},
        {QStringLiteral("request_type"), echo.value(QStringLiteral("request_type"))},
        {QStringLiteral("response_type"), echo.value(QStringLiteral("response_type"))},
        {QStringLiteral("name"), name},
        {QStringLiteral("concurrency"), 1}};
    TestHttpClient client(m_server->url(), serveToken);
    return client.postJson(QStringLiteral("/api/v1/registry/instances"), registration);
}

QByteArray TestTrust::signTaskToken(const QString& userId, const QString& model) const
{
    Result<SigningKey> key = SigningKey::load(m_server->dataDir() + QStringLiteral("/keys/signing.key"));
    if (!key)
        return {};
    v1::TokenClaims claims;
    claims.set_user_id(userId.toStdString());
    claims.set_project_id("default");
    claims.add_methods("score");
    claims.set_model(model.toStdString());
    claims.set_iat(m_clock.nowSecs());
    claims.set_exp(m_clock.nowSecs() + 600);
    return issueToken(*key, claims);
}

std::unique_ptr<RedisClient> TestTrust::modelRedis(const QJsonObject& registration)
{
    const QJsonObject credentials = registration.value(QStringLiteral("redis")).toObject();
    RedisConfig config;
    const QString host = credentials.value(QStringLiteral("host")).toString();
    if (host.startsWith(QLatin1Char('/')))
        config.unixSocket = host;
    else
        config.host = host;
    config.port = quint16(credentials.value(QStringLiteral("port")).toInt());
    config.user = credentials.value(QStringLiteral("user")).toString();
    config.password = credentials.value(QStringLiteral("password")).toString();
    config.reconnectMaxMs = 200;
    return std::make_unique<RedisClient>(config);
}

std::unique_ptr<RedisClient> TestTrust::forger(const QString& name, QString* instanceId)
{
    const auto registered = registerEchoInstance(m_operatorServe, name);
    if (registered.status != 201)
        return nullptr;
    *instanceId = registered.json().value(QStringLiteral("instance_id")).toString();
    std::unique_ptr<RedisClient> client = modelRedis(registered.json());
    QSignalSpy connected(client.get(), &RedisClient::connected);
    client->start();
    return connected.wait(10000) ? std::move(client) : nullptr;
}

int TestTrust::removeInstance(const QString& instanceId)
{
    TestHttpClient owner(m_server->url(), m_operatorServe);
    return owner.send("DELETE", QStringLiteral("/api/v1/registry/instances/") + instanceId, {}, {}, 10000)
        .status;
}

bool TestTrust::forgeResultEvent(RedisClient& model, const QByteArray& taskId, const QByteArray& userId,
                                 const QByteArray& instance)
{
    const QByteArray now = QByteArray::number(SystemClock().nowMs());
    // Every field the broker writes in a final event.
    const std::pair<QByteArray, QByteArray> fields[] = {
        {"k", "r"}, {"id", taskId}, {"u", userId}, {"ts", now},     {"st", "succeeded"}, {"a", "1"},
        {"c", now}, {"s", now},     {"q", now},    {"i", instance}, {"res", ""}};
    std::vector<QByteArray> forged{"XADD", BrokerKeys::events("echo"), "*"};
    for (const auto& [field, value] : fields) {
        forged.push_back(field);
        forged.push_back(value);
    }
    QByteArray entry;
    sendAndWait(model, forged,
                [&entry](const RedisReply& r) { entry = r.isError() ? QByteArray() : r.toByteArray(); });
    return !entry.isEmpty();
}

QString TestTrust::realResultSeen(TestHttpClient& client, TestWebSocket& socket)
{
    const auto real = client.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                                      QJsonObject{{QStringLiteral("text"), QStringLiteral("real")}});
    const QString realId = real.json().value(QStringLiteral("task_id")).toString();
    if (real.status != 200 || realId.isEmpty())
        return {};
    const QJsonObject result = socket.waitFor([&](const QJsonObject& m) {
        return m.value(QStringLiteral("task_id")).toString() == realId &&
               m.value(QStringLiteral("type")).toString() == QLatin1String("result");
    });
    return result.isEmpty() ? QString() : realId;
}

void TestTrust::superuserComesFromAdminCreate()
{
    QCOMPARE(login(QStringLiteral("root"), "root password 1").value(QStringLiteral("superuser")).toBool(),
             true);
    QCOMPARE(login(QStringLiteral("victim"), "victim password").value(QStringLiteral("superuser")).toBool(),
             false);
    // A superuser sees every project with its members.
    QCOMPARE(m_root
                 ->send("PUT", QStringLiteral("/api/v1/projects/elsewhere/members/victim"),
                        R"({"methods":["score","read"]})", {}, 10000)
                 .status,
             200);
    const QJsonArray projects =
        m_root->get(QStringLiteral("/api/v1/projects")).json().value("projects").toArray();
    QStringList names;
    for (const QJsonValue& p : projects) {
        names << p.toObject().value("name").toString();
        QVERIFY(p.toObject().contains(QStringLiteral("members")));
    }
    QVERIFY2(names.contains(QStringLiteral("elsewhere")) && names.contains(QStringLiteral("default")),
             qPrintable(names.join(',')));
}

void TestTrust::forgedDeadLetterIsNotReplayed()
{
    // A real dead letter of the victim's, to show that replays still work.
    TestHttpClient victim(m_server->url(), accessToken(QStringLiteral("victim"), "victim password"));
    QCOMPARE(m_root
                 ->send("PATCH", QStringLiteral("/api/v1/models/echo"), R"({"retry":{"max_attempts":1}})", {},
                        10000)
                 .status,
             200);
    const auto real = victim.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                                      QJsonObject{{QStringLiteral("always_throw"), true}});
    QCOMPARE(real.json().value(QStringLiteral("status")).toString(), QStringLiteral("dead_lettered"));
    const QString realId = real.json().value(QStringLiteral("task_id")).toString();

    // The model's own Redis user, as an instance gets it at registration.
    QString instanceId;
    const std::unique_ptr<RedisClient> modelClient = forger(QStringLiteral("forger-1"), &instanceId);
    QVERIFY(modelClient);
    RedisClient& model = *modelClient;

    // Forge a dead letter in the victim's name: a task the victim never submitted.
    SystemClock clock;
    const QByteArray forgedId = TaskIdGenerator(clock).next("echo");
    v1::TaskEnvelope envelope;
    envelope.set_task_id(forgedId.toStdString());
    envelope.set_model("echo");
    QByteArray envelopeBytes(qsizetype(envelope.ByteSizeLong()), Qt::Uninitialized);
    envelope.SerializeToArray(envelopeBytes.data(), int(envelopeBytes.size()));
    const QByteArray victimId = m_victimId.toLatin1();
    QString error = QStringLiteral("no reply");
    QVERIFY(sendAndWait(model,
                        {"HSET", BrokerKeys::task("echo", forgedId), "st", "dead_lettered", "u", victimId,
                         "p", "default", "env", envelopeBytes},
                        [&error](const RedisReply& r) { error = r.isError() ? r.toString() : QString(); }));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    bool ok = false;
    QByteArray entry;
    QVERIFY(sendAndWait(model,
                        {"XADD", BrokerKeys::dead("echo"), "*", "id", forgedId, "u", victimId, "a", "1", "ec",
                         "forged", "em", "forged", "ts", QByteArray::number(clock.nowMs())},
                        [&entry](const RedisReply& r) { entry = r.toByteArray(); }));
    QVERIFY(!entry.isEmpty());
    QVERIFY(sendAndWait(model, {"HSET", BrokerKeys::deadIndex("echo"), forgedId, entry},
                        [&ok](const RedisReply& r) { ok = !r.isError(); }));
    QVERIFY(ok);

    const auto replayed = m_root->postJson(QStringLiteral("/api/v1/models/echo/dead-letters:replay"),
                                           QJsonObject{{"all", true}});
    QCOMPARE(replayed.status, 200);
    const QJsonObject outcome = replayed.json();
    QVERIFY2(outcome.value("refused").toArray().contains(QString::fromLatin1(forgedId)),
             replayed.body.constData());
    QVERIFY2(!outcome.value("replayed").toArray().contains(QString::fromLatin1(forgedId)),
             replayed.body.constData());
    QVERIFY2(outcome.value("replayed").toArray().contains(realId), replayed.body.constData());
    // The forged one never became a queued task with a fresh token: it stays as the model wrote it.
    QByteArray status;
    QVERIFY(sendAndWait(model, {"HGET", BrokerKeys::task("echo", forgedId), "st"},
                        [&status](const RedisReply& r) { status = r.toByteArray(); }));
    QCOMPARE(status, QByteArray("dead_lettered"));

    QCOMPARE(removeInstance(instanceId), 204);
    QCOMPARE(m_root
                 ->send("PATCH", QStringLiteral("/api/v1/models/echo"), R"({"retry":{"max_attempts":3}})", {},
                        10000)
                 .status,
             200);
}

// A sub-task is vouched for by its parent's sub-task list (not the user's top-level list): its dead letter
// replays like any other (before, it was refused as if forged).
void TestTrust::aDeadLetteredSubTaskIsReplayed()
{
    QCOMPARE(m_root
                 ->send("PATCH", QStringLiteral("/api/v1/models/echo"), R"({"retry":{"max_attempts":1}})", {},
                        10000)
                 .status,
             200);
    TestHttpClient victim(m_server->url(), accessToken(QStringLiteral("victim"), "victim password"));
    const auto parent =
        victim.postJson(QStringLiteral("/api/v1/models/echo/tasks"), QJsonObject{{"text", "parent"}});
    QCOMPARE(parent.status, 202);
    TestHttpClient modelCode(m_server->url(), signTaskToken(m_victimId, QStringLiteral("echo")));
    const auto sub =
        modelCode.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                           QJsonObject{{QStringLiteral("always_throw"), true}},
                           {{"X-MMF-Parent-Task-Id", parent.json().value("task_id").toString().toLatin1()}});
    QCOMPARE(sub.json().value(QStringLiteral("status")).toString(), QStringLiteral("dead_lettered"));
    const QString subId = sub.json().value(QStringLiteral("task_id")).toString();

    const auto replayed = m_root->postJson(QStringLiteral("/api/v1/models/echo/dead-letters:replay"),
                                           QJsonObject{{QStringLiteral("task_ids"), QJsonArray{subId}}});
    QCOMPARE(replayed.status, 200);
    QVERIFY2(replayed.json().value("replayed").toArray().contains(subId), replayed.body.constData());
    // Its owner's model code still reaches it (the list moved with the replay).
    QCOMPARE(modelCode.get(QStringLiteral("/api/v1/tasks/") + subId).status, 200);
    QCOMPARE(m_root
                 ->send("PATCH", QStringLiteral("/api/v1/models/echo"), R"({"retry":{"max_attempts":3}})", {},
                        10000)
                 .status,
             200);
}

// Model m's events stream is model m's input: an event in it about a task of another model (its id names that
// model) is forged, and reaches no subscriber — not on `task/<id>`, nor on `model/<m>` for the user it names.
void TestTrust::eventsAboutAnotherModelsTaskReachNobody()
{
    TestHttpClient victim(m_server->url(), accessToken(QStringLiteral("victim"), "victim password"));
    TestWebSocket socket(m_server->url(), accessToken(QStringLiteral("victim"), "victim password"));
    QVERIFY(socket.open());
    QVERIFY(socket.subscribeAndWait(QStringLiteral("model/echo")));

    QString instanceId;
    const std::unique_ptr<RedisClient> model = forger(QStringLiteral("forger-2"), &instanceId);
    QVERIFY(model);

    // "calc's task succeeded", written by echo's Redis user in echo's stream, in the victim's name.
    SystemClock clock;
    const QByteArray forgedId = TaskIdGenerator(clock).next("calc");
    QVERIFY(forgeResultEvent(*model, forgedId, m_victimId.toLatin1(), "forger-2"));

    // Then a real task of the victim's: events reach a subscriber in stream order, so once its result is
    // here the forged one has been passed over.
    QVERIFY(!realResultSeen(victim, socket).isEmpty());
    for (const QJsonObject& m : socket.messages())
        QVERIFY2(m.value(QStringLiteral("task_id")).toString() != QString::fromLatin1(forgedId),
                 QJsonDocument(m).toJson(QJsonDocument::Compact).constData());

    QCOMPARE(removeInstance(instanceId), 204);
}

// The owner `u` in a task hash is model-written: the task reaches the user it names only if the server's own
// record, that user's task list, holds it. Not a task the model relabelled, nor one it made up.
void TestTrust::aModelCannotHandATaskToAnotherUser()
{
    const QString bystanderId = registerUser(QStringLiteral("bystander"), "bystander password");
    QVERIFY(!bystanderId.isEmpty());
    TestHttpClient victim(m_server->url(), accessToken(QStringLiteral("victim"), "victim password"));
    TestHttpClient bystander(m_server->url(), accessToken(QStringLiteral("bystander"), "bystander password"));
    const auto real = victim.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                                      QJsonObject{{QStringLiteral("text"), QStringLiteral("the victim's")}});
    QCOMPARE(real.status, 200);
    const QByteArray realId = real.json().value(QStringLiteral("task_id")).toString().toLatin1();
    QCOMPARE(victim.get(QStringLiteral("/api/v1/tasks/") + realId).status, 200); // its owner's, vouched for

    QString instanceId;
    const std::unique_ptr<RedisClient> model = forger(QStringLiteral("forger-4"), &instanceId);
    QVERIFY(model);
    const QByteArray bystanderUser = bystanderId.toLatin1();
    // The victim's task relabelled to the bystander, and a task the model made up in the bystander's name.
    SystemClock clock;
    const QByteArray madeUpId = TaskIdGenerator(clock).next("echo");
    const QByteArray now = QByteArray::number(clock.nowMs());
    bool written = false;
    QVERIFY(sendAndWait(*model, {"HSET", BrokerKeys::task("echo", realId), "u", bystanderUser},
                        [&written](const RedisReply& r) { written = !r.isError(); }));
    QVERIFY(written);
    written = false;
    QVERIFY(sendAndWait(*model,
                        {"HSET", BrokerKeys::task("echo", madeUpId), "st", "succeeded", "u", bystanderUser,
                         "p", "default", "c", now, "f", now, "req", "", "res", ""},
                        [&written](const RedisReply& r) { written = !r.isError(); }));
    QVERIFY(written);

    for (const QByteArray& id : {realId, madeUpId}) {
        for (const QString& path : {QStringLiteral("/api/v1/tasks/") + id,
                                    QStringLiteral("/api/v1/tasks/") + id + QStringLiteral("/timeline"),
                                    QStringLiteral("/api/v1/tasks/") + id + QStringLiteral("/logs")}) {
            const auto seen = bystander.get(path);
            QVERIFY2(seen.status == 404,
                     qPrintable(path + QStringLiteral(": ") + QString::fromUtf8(seen.body)));
        }
        QCOMPARE(
            bystander.send("POST", QStringLiteral("/api/v1/tasks/") + id + "/cancel", {}, {}, 10000).status,
            404);
    }
    TestWebSocket socket(m_server->url(), accessToken(QStringLiteral("bystander"), "bystander password"));
    QVERIFY(socket.open());
    const QString topic = QStringLiteral("task/") + QString::fromLatin1(madeUpId);
    socket.subscribe(topic);
    const QJsonObject refused = socket.waitFor([&](const QJsonObject& m) {
        return m.value(QStringLiteral("topic")).toString() == topic &&
               m.value(QStringLiteral("type")).toString() != QLatin1String("task");
    });
    QCOMPARE(refused.value(QStringLiteral("type")).toString(), QStringLiteral("error"));
    QCOMPARE(refused.value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
    // An admin of the project reaches every task of its models, whoever the hash names.
    QCOMPARE(m_root->get(QStringLiteral("/api/v1/tasks/") + madeUpId).status, 200);

    QCOMPARE(removeInstance(instanceId), 204);
}

// An event's `u` is model-written: on model/<m> it reaches the (non-admin) user it names only about a task
// the servers' records give that user — not about a task the model made up, nor about another user's task.
void TestTrust::eventsReachTheUserTheyNameOnlyAboutTheirOwnTasks()
{
    registerUser(QStringLiteral("onlooker"), "onlooker password");
    TestHttpClient victim(m_server->url(), accessToken(QStringLiteral("victim"), "victim password"));
    TestHttpClient onlooker(m_server->url(), accessToken(QStringLiteral("onlooker"), "onlooker password"));
    TestWebSocket socket(m_server->url(), accessToken(QStringLiteral("victim"), "victim password"));
    QVERIFY(socket.open());
    QVERIFY(socket.subscribeAndWait(QStringLiteral("model/echo")));
    const auto others =
        onlooker.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                          QJsonObject{{QStringLiteral("text"), QStringLiteral("the onlooker's")}});
    QCOMPARE(others.status, 200);
    const QByteArray othersId = others.json().value(QStringLiteral("task_id")).toString().toLatin1();

    QString instanceId;
    const std::unique_ptr<RedisClient> model = forger(QStringLiteral("forger-5"), &instanceId);
    QVERIFY(model);
    SystemClock clock;
    const QByteArray madeUpId = TaskIdGenerator(clock).next("echo");
    for (const QByteArray& id : {madeUpId, othersId})
        QVERIFY(forgeResultEvent(*model, id, m_victimId.toLatin1(), "forger-5"));
    // Then a real task of the victim's: it reaches the victim (its own, vouched for), after the forged ones.
    QVERIFY(!realResultSeen(victim, socket).isEmpty());
    // The forged ones were asked about before the real one (one connection to Redis answers in order).
    for (const QJsonObject& m : socket.messages()) {
        const QString id = m.value(QStringLiteral("task_id")).toString();
        QVERIFY2(id != QString::fromLatin1(madeUpId) && id != QString::fromLatin1(othersId),
                 QJsonDocument(m).toJson(QJsonDocument::Compact).constData());
    }
    QCOMPARE(removeInstance(instanceId), 204);
}

void TestTrust::projectAdminStaysInItsProject()
{
    const QString aliceId = registerUser(QStringLiteral("alice"), "alice password");
    QVERIFY(!aliceId.isEmpty());
    QCOMPARE(m_root
                 ->send("PUT", QStringLiteral("/api/v1/projects/sandbox/members/alice"),
                        R"({"methods":["score","read","serve","admin"]})", {}, 10000)
                 .status,
             200);
    TestHttpClient alice(m_server->url(), accessToken(QStringLiteral("alice"), "alice password", "sandbox"));
    // echo belongs to `default`: admin of `sandbox` reaches none of it.
    QCOMPARE(
        alice.send("PATCH", QStringLiteral("/api/v1/models/echo"), R"({"owner":"alice"})", {}, 10000).status,
        403);
    QCOMPARE(alice.get(QStringLiteral("/api/v1/models/echo/dead-letters")).status, 403);
    QCOMPARE(
        alice.postJson(QStringLiteral("/api/v1/models/echo/dead-letters:replay"), QJsonObject{{"all", true}})
            .status,
        403);
    QCOMPARE(alice.get(QStringLiteral("/api/v1/models/echo")).status, 403);
    QCOMPARE(alice
                 .send("PUT", QStringLiteral("/api/v1/projects/default/members/alice"),
                       R"({"methods":["score","read","admin"]})", {}, 10000)
                 .status,
             403);
    const auto foreignToken =
        alice.postJson(QStringLiteral("/api/v1/tokens"), QJsonObject{{"user", QStringLiteral("root")},
                                                                     {"project", "default"},
                                                                     {"methods", QJsonArray{"admin"}}});
    QCOMPARE(foreignToken.status, 403);
    // Inside its own project it is an admin.
    QCOMPARE(alice
                 .send("PUT", QStringLiteral("/api/v1/projects/sandbox/members/victim"),
                       R"({"methods":["read"]})", {}, 10000)
                 .status,
             200);
    const auto ownToken =
        alice.postJson(QStringLiteral("/api/v1/tokens"), QJsonObject{{"user", QStringLiteral("bot")},
                                                                     {"project", "sandbox"},
                                                                     {"methods", QJsonArray{"score"}}});
    QCOMPARE(ownToken.status, 201);
    // The victim's tasks in `default` are not hers to read, and the project list holds no other members.
    TestHttpClient victim(m_server->url(), accessToken(QStringLiteral("victim"), "victim password"));
    const auto task =
        victim.postJson(QStringLiteral("/api/v1/models/echo/tasks"), QJsonObject{{"text", "private"}});
    QCOMPARE(task.status, 202);
    QCOMPARE(alice.get(QStringLiteral("/api/v1/tasks/") + task.json().value("task_id").toString()).status,
             404);
    for (const QJsonValue& p :
         alice.get(QStringLiteral("/api/v1/projects")).json().value("projects").toArray()) {
        const QJsonObject project = p.toObject();
        QCOMPARE(project.contains(QStringLiteral("members")), project.value("name").toString() == "sandbox");
    }
}

void TestTrust::instancesAreRemovedByTheirOwnerOnly()
{
    const auto registered = registerEchoInstance(m_operatorServe, QStringLiteral("owned-1"));
    QCOMPARE(registered.status, 201);
    const QString path =
        QStringLiteral("/api/v1/registry/instances/") + registered.json().value("instance_id").toString();
    TestHttpClient stranger(
        m_server->url(),
        m_server->issueToken(QStringLiteral("mallory"), QStringLiteral("default"), QStringLiteral("serve")));
    QCOMPARE(stranger.send("DELETE", path, {}, {}, 10000).status, 403);
    TestHttpClient elsewhere(
        m_server->url(),
        m_server->issueToken(QStringLiteral("operator"), QStringLiteral("sandbox"), QStringLiteral("serve")));
    QCOMPARE(elsewhere.send("DELETE", path, {}, {}, 10000).status, 404);
    TestHttpClient owner(m_server->url(), m_operatorServe);
    QCOMPARE(owner.send("DELETE", path, {}, {}, 10000).status, 204);
}

void TestTrust::instanceNamesAreCheckedAndUnique()
{
    const auto bad = registerEchoInstance(m_operatorServe, QStringLiteral("no spaces; please"));
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json().value("error").toObject().value("field").toString(), QStringLiteral("name"));
    // The live worker's consumer name cannot be taken over (its tasks would be reclaimed on our eviction).
    const QJsonArray live =
        m_root->get(QStringLiteral("/api/v1/models/echo/instances")).json().value("instances").toArray();
    QVERIFY(!live.isEmpty());
    const QString workerName = live.first().toObject().value("name").toString();
    const auto taken = registerEchoInstance(
        m_server->issueToken(QStringLiteral("mallory"), QStringLiteral("default"), QStringLiteral("serve")),
        workerName);
    QCOMPARE(taken.status, 409);
}

void TestTrust::taskTokensReachTheirSubTasksOnly()
{
    TestHttpClient victim(m_server->url(), accessToken(QStringLiteral("victim"), "victim password"));
    const auto own =
        victim.postJson(QStringLiteral("/api/v1/models/echo/tasks"), QJsonObject{{"text", "mine"}});
    QCOMPARE(own.status, 202);
    const QString ownId = own.json().value("task_id").toString();

    // The token model code gets with a task of the victim's.
    TestHttpClient modelCode(m_server->url(), signTaskToken(m_victimId, QStringLiteral("echo")));
    QCOMPARE(modelCode.get(QStringLiteral("/api/v1/tasks/") + ownId).status, 404);
    QCOMPARE(modelCode.post(QStringLiteral("/api/v1/tasks/") + ownId + QStringLiteral("/cancel"), {}).status,
             404);
    const auto noParent =
        modelCode.postJson(QStringLiteral("/api/v1/models/echo/tasks"), QJsonObject{{"text", "x"}});
    QCOMPARE(noParent.status, 403);
    const auto batch = modelCode.postJson(QStringLiteral("/api/v1/models/echo/tasks:batch"),
                                          QJsonObject{{"inputs", QJsonArray{QJsonObject{{"text", "x"}}}}});
    QCOMPARE(batch.status, 403);
    QCOMPARE(modelCode.get(QStringLiteral("/api/v1/tasks")).status, 403);
    // A sub-task of one of its model's tasks: submitted, then readable.
    const auto sub =
        modelCode.postJson(QStringLiteral("/api/v1/models/echo/tasks"), QJsonObject{{"text", "sub"}},
                           {{"X-MMF-Parent-Task-Id", ownId.toLatin1()}});
    QCOMPARE(sub.status, 202);
    QCOMPARE(modelCode.get(QStringLiteral("/api/v1/tasks/") + sub.json().value("task_id").toString()).status,
             200);
    // Another model's task token cannot claim echo's task as its parent.
    TestHttpClient otherModel(m_server->url(), signTaskToken(m_victimId, QStringLiteral("calc")));
    QCOMPARE(otherModel
                 .postJson(QStringLiteral("/api/v1/models/echo/tasks"), QJsonObject{{"text", "x"}},
                           {{"X-MMF-Parent-Task-Id", ownId.toLatin1()}})
                 .status,
             403);
}

void TestTrust::invalidModelNameIsTheSameAnswerEverywhere()
{
    const QString bad = QStringLiteral("Not*A*Model");
    const QList<QPair<QByteArray, QString>> routes{
        {"GET", QStringLiteral("/api/v1/models/%1").arg(bad)},
        {"PATCH", QStringLiteral("/api/v1/models/%1").arg(bad)},
        {"GET", QStringLiteral("/api/v1/models/%1/instances").arg(bad)},
        {"GET", QStringLiteral("/api/v1/models/%1/dead-letters").arg(bad)},
        {"POST", QStringLiteral("/api/v1/models/%1/tasks").arg(bad)},
        {"POST", QStringLiteral("/api/v1/models/%1/tasks:batch").arg(bad)},
        {"PUT", QStringLiteral("/api/v1/models/%1/scaling").arg(bad)},
    };
    for (const auto& [method, path] : routes) {
        const auto r = m_root->send(method, path, "{}", {}, 10000);
        QVERIFY2(r.status == 400 && r.json().value("error").toObject().value("field").toString() == "name",
                 qPrintable(QStringLiteral("%1 %2: %3 %4")
                                .arg(QString::fromLatin1(method), path)
                                .arg(r.status)
                                .arg(QString::fromUtf8(r.body))));
    }
}

void TestTrust::revokedServeLosesTheModelsRedis()
{
    // bob serves echo with his own account's token and holds the model's Redis password.
    QVERIFY(!registerUser(QStringLiteral("bob"), "bob password").isEmpty());
    QCOMPARE(m_root
                 ->send("PUT", QStringLiteral("/api/v1/projects/default/members/bob"),
                        R"({"methods":["score","read","serve"]})", {}, 10000)
                 .status,
             200);
    const QByteArray bobServe = accessToken(QStringLiteral("bob"), "bob password");
    const auto registered = registerEchoInstance(bobServe, QStringLiteral("bob-1"));
    QCOMPARE(registered.status, 201);
    const std::unique_ptr<RedisClient> bobRedis = modelRedis(registered.json());
    QSignalSpy connected(bobRedis.get(), &RedisClient::connected);
    bobRedis->start();
    QVERIFY(connected.wait(10000));

    // serve is taken away: his connection is closed and the password he holds opens nothing any more.
    QSignalSpy lost(bobRedis.get(), &RedisClient::disconnected);
    QCOMPARE(m_root
                 ->send("PUT", QStringLiteral("/api/v1/projects/default/members/bob"),
                        R"({"methods":["read"]})", {}, 10000)
                 .status,
             200);
    QVERIFY(lost.count() > 0 || lost.wait(10000));
    QSignalSpy refused(bobRedis.get(), &RedisClient::connectionError);
    QVERIFY(refused.wait(10000));
    QVERIFY2(refused.last().at(0).toString().contains(QLatin1String("WRONGPASS")),
             qPrintable(refused.last().at(0).toString()));
    QVERIFY(!bobRedis->isConnected());
    // His token (still within its life) no longer registers, nor fetches the new password.
    QCOMPARE(registerEchoInstance(bobServe, QStringLiteral("bob-2")).status, 403);
    TestHttpClient bob(m_server->url(), bobServe);
    QCOMPARE(bob.get(QStringLiteral("/api/v1/registry/instances/") +
                     registered.json().value("instance_id").toString() + QStringLiteral("/credentials"))
                 .status,
             403);

    // The operator's worker fetched the new password and still completes tasks.
    TestHttpClient victim(m_server->url(), accessToken(QStringLiteral("victim"), "victim password"));
    const auto after = victim.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                                       QJsonObject{{"text", "after the rotation"}});
    QCOMPARE(after.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QVERIFY2(m_echo->output().contains("Redis password was rotated"), m_echo->output().constData());
}

QTEST_MAIN(TestTrust)
#include "tst_trust.moc"
