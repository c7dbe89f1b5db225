// Per-model Redis ACL users on a real redis-server: model a's user may run exactly what a worker of a needs
// on a's keys, and gets NOPERM for model b's stream, result keys and channel and for KEYS, FLUSHALL, CONFIG
// and ACL. Through a real server: instances get their model's user (never the server's), a registration whose
// server may not create users is answered 503, and on the embedded Redis too instances use their model's
// user.
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include "RedisWait.h"
#include "broker/BrokerCalls.h"
#include "broker/BrokerKeys.h"
#include "broker/BrokerLibrary.h"
#include "broker/StreamEntry.h"
#include "gateway/ModelRedisUsers.h"
#include "redis/RedisClient.h"
#include "redis/RedisScript.h"

#include "mmf/v1/task.pb.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <csignal>
#include <memory>
#include <optional>

using namespace mmf;

namespace {

// What a reply said, copied out of the callback.
struct Answer
{
    bool error = false;
    bool nil = false;
    QByteArray text;
    std::vector<StreamEntry> entries; // XREADGROUP
};

constexpr const char* kAdminPassword = "acl-admin-secret";

} // namespace

class TestRedisAcl : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<RedisClient> m_admin;
    std::unique_ptr<ModelRedisUsers> m_users;
    std::unique_ptr<RedisClient> m_a; // as model a's user
    ModelRedisUsers::Credentials m_aUser;
    ModelRedisUsers::Credentials m_bUser;
    BrokerCalls m_callsA{"a", BrokerLimits{}};

    static bool connect(RedisClient& client)
    {
        QSignalSpy connected(&client, &RedisClient::connected);
        client.start();
        return connected.wait(10000);
    }

    static Answer send(RedisClient& client, const std::vector<QByteArray>& args)
    {
        std::optional<Answer> answer;
        client.command(args, [&](const RedisReply& reply) {
            Answer a;
            a.error = reply.isError();
            a.nil = reply.isNil();
            a.text = reply.isArray() && reply.size() > 0 ? reply.at(0).toByteArray() : reply.toByteArray();
            if (reply.isInteger())
                a.text = QByteArray::number(reply.integer());
            if (!a.error && reply.isArray()) {
                for (auto& [stream, entries] : StreamEntry::parseRead(reply))
                    a.entries = std::move(entries);
            }
            answer = std::move(a);
        });
        QDeadlineTimer deadline(10000);
        while (!answer && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        return answer.value_or(Answer{true, false, "no answer", {}});
    }

    static Answer fcall(RedisClient& client, const BrokerCall& call)
    {
        std::optional<Answer> answer;
        client.command(call.argv(), [&](const RedisReply& reply) {
            Answer a;
            a.error = reply.isError();
            a.text = reply.isArray() && reply.size() > 0 ? reply.at(0).toByteArray() : reply.toByteArray();
            if (reply.isInteger())
                a.text = QByteArray::number(reply.integer());
            answer = std::move(a);
        });
        QDeadlineTimer deadline(10000);
        while (!answer && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        return answer.value_or(Answer{true, false, "no answer", {}});
    }

    Result<ModelRedisUsers::Credentials> ensure(ModelRedisUsers& users, const QByteArray& model)
    {
        std::optional<Result<ModelRedisUsers::Credentials>> out;
        users.ensure(model, [&](Result<ModelRedisUsers::Credentials> done) { out = std::move(done); });
        QDeadlineTimer deadline(10000);
        while (!out && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (!out)
            return Error::internal(QStringLiteral("no answer"));
        return *out;
    }

    RedisConfig configFor(const ModelRedisUsers::Credentials& user) const
    {
        RedisConfig config = m_redis->config();
        config.user = QString::fromUtf8(user.user);
        config.password = QString::fromUtf8(user.password);
        config.clientName = QStringLiteral("acl-test-worker");
        config.reconnectMaxMs = 200;
        return config;
    }

    // Queues a task for `model` the way the gateway does (as the admin user).
    bool submit(const QByteArray& model, const QByteArray& id)
    {
        v1::TaskEnvelope envelope;
        envelope.set_task_id(id.toStdString());
        envelope.set_model(model.toStdString());
        envelope.set_user_id("u1");
        const Answer a = fcall(*m_admin, BrokerCalls(model, {}).submit(
                                             1000, {{id,
                                                     QByteArray::fromStdString(envelope.SerializeAsString()),
                                                     "u1",
                                                     "default",
                                                     {},
                                                     false,
                                                     {}}}));
        return !a.error && a.text == "ok";
    }

    // Every connection in CLIENT LIST is the server's (named mmf-server*), this test's own, or `modelUser`'s;
    // the model's instance holds two (commands and blocking reads).
    static void assertWorkersUseModelUsers(const QByteArray& clientList, const QByteArray& modelUser)
    {
        int modelConnections = 0;
        for (const QByteArray& line : clientList.split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            if (line.contains(" user=" + modelUser + ' ')) {
                ++modelConnections;
                continue;
            }
            const bool server = line.contains(" name=mmf-server");
            const bool test = line.contains(" name= ") || line.contains(" name=acl-test-worker ");
            QVERIFY2(server || test, line.constData());
        }
        QVERIFY2(modelConnections >= 2, clientList.constData());
    }

    // Sends raw RESP commands as `user` on a fresh socket and returns everything read until `until` shows up
    // (or a deadline): for SUBSCRIBE, which RedisClient does not speak.
    QByteArray raw(const ModelRedisUsers::Credentials& user, const QByteArrayList& command,
                   QByteArrayView until)
    {
        auto resp = [](const QByteArrayList& args) {
            QByteArray out = '*' + QByteArray::number(args.size()) + "\r\n";
            for (const QByteArray& a : args)
                out += '$' + QByteArray::number(a.size()) + "\r\n" + a + "\r\n";
            return out;
        };
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_redis->port());
        if (!socket.waitForConnected(5000))
            return {};
        socket.write(resp({"AUTH", user.user, user.password}) + resp(command));
        QByteArray in;
        QDeadlineTimer deadline(5000);
        while (!in.contains(until.toByteArray()) && !deadline.hasExpired()) {
            if (socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
                in += socket.readAll();
        }
        return in;
    }

private slots:
    void initTestCase()
    {
        m_redis = std::make_unique<RedisServerFixture>(QString::fromLatin1(kAdminPassword));
        QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
        m_admin = std::make_unique<RedisClient>(m_redis->config());
        QVERIFY(connect(*m_admin));
        QVERIFY(loadBrokerLibrary(*m_admin));
        m_users = std::make_unique<ModelRedisUsers>(*m_admin);
        const auto a = ensure(*m_users, "a");
        QVERIFY2(a, qPrintable(a ? QString() : a.error().message));
        const auto b = ensure(*m_users, "b");
        QVERIFY2(b, qPrintable(b ? QString() : b.error().message));
        m_aUser = *a;
        m_bUser = *b;
        QCOMPARE(m_aUser.user, QByteArray("mmf-model-a"));
        QCOMPARE(m_bUser.user, QByteArray("mmf-model-b"));
        QCOMPARE(m_aUser.password.size(), 64); // 32 random bytes, hex
        QVERIFY(m_aUser.password != m_bUser.password);
        QVERIFY(m_aUser.password != QByteArray(kAdminPassword));

        // Model b has a queue, a consumer group, a pending entry, a task and a result.
        QVERIFY(submit("b", "tb1"));
        QCOMPARE(send(*m_admin, {"XGROUP", "CREATE", BrokerKeys::tasks("b"), "workers", "0"}).text,
                 QByteArray("OK"));
        QCOMPARE(send(*m_admin, {"SET", BrokerKeys::result("b", "tb1"), "secret"}).text, QByteArray("OK"));

        m_a = std::make_unique<RedisClient>(configFor(m_aUser));
        QVERIFY2(connect(*m_a), qPrintable(m_a->lastError())); // AUTH as a, CLIENT SETNAME
    }

    void otherModelsAndAdminCommandsAreRefused_data()
    {
        QTest::addColumn<QByteArrayList>("command");
        const QByteArray stream = BrokerKeys::tasks("b");
        const QByteArray task = BrokerKeys::task("b", "tb1");
        const QByteArray result = BrokerKeys::result("b", "tb1");
        QTest::newRow("XREADGROUP b's stream") << QByteArrayList{
            "XREADGROUP", "GROUP", "workers", "thief", "COUNT", "1", "STREAMS", stream, ">"};
        QTest::newRow("XADD b's stream") << QByteArrayList{"XADD", stream, "*", "env", "forged"};
        QTest::newRow("XACK b's stream") << QByteArrayList{"XACK", stream, "workers", "0-1"};
        QTest::newRow("XCLAIM b's stream")
            << QByteArrayList{"XCLAIM", stream, "workers", "thief", "0", "0-1", "JUSTID"};
        QTest::newRow("XPENDING b's stream") << QByteArrayList{"XPENDING", stream, "workers"};
        QTest::newRow("XGROUP CREATE b's stream")
            << QByteArrayList{"XGROUP", "CREATE", stream, "thieves", "0"};
        QTest::newRow("HGET b's task") << QByteArrayList{"HGET", task, "st"};
        QTest::newRow("HSET b's task") << QByteArrayList{"HSET", task, "st", "succeeded"};
        QTest::newRow("GET b's result") << QByteArrayList{"GET", result};
        QTest::newRow("SET b's result") << QByteArrayList{"SET", result, "forged"};
        QTest::newRow("SET a global key") << QByteArrayList{"SET", BrokerKeys::taskIndex("tb1"), "a"};
        QTest::newRow("HGET the public keys") << QByteArrayList{"HGET", BrokerKeys::publicKeys(), "k"};
        QTest::newRow("GET a's own password key") << QByteArrayList{"GET", ModelRedisUsers::passwordKey("a")};
        QTest::newRow("PUBLISH b's channel") << QByteArrayList{"PUBLISH", BrokerKeys::events("b"), "x"};
        QTest::newRow("KEYS") << QByteArrayList{"KEYS", "*"};
        QTest::newRow("SCAN") << QByteArrayList{"SCAN", "0"};
        QTest::newRow("FLUSHALL") << QByteArrayList{"FLUSHALL"};
        QTest::newRow("FLUSHDB") << QByteArrayList{"FLUSHDB"};
        QTest::newRow("CONFIG GET") << QByteArrayList{"CONFIG", "GET", "requirepass"};
        QTest::newRow("CONFIG SET") << QByteArrayList{"CONFIG", "SET", "maxmemory", "1"};
        QTest::newRow("ACL LIST") << QByteArrayList{"ACL", "LIST"};
        QTest::newRow("ACL SETUSER") << QByteArrayList{"ACL", "SETUSER", "mmf-model-a", "on", "~*", "+@all"};
        QTest::newRow("ACL WHOAMI") << QByteArrayList{"ACL", "WHOAMI"};
        QTest::newRow("SCRIPT FLUSH") << QByteArrayList{"SCRIPT", "FLUSH"};
        QTest::newRow("CLIENT LIST") << QByteArrayList{"CLIENT", "LIST"};
    }

    void otherModelsAndAdminCommandsAreRefused()
    {
        QFETCH(QByteArrayList, command);
        const Answer answer = send(*m_a, std::vector<QByteArray>(command.begin(), command.end()));
        QVERIFY2(answer.error && answer.text.startsWith("NOPERM"), answer.text.constData());
        // b's data is untouched.
        QCOMPARE(send(*m_admin, {"GET", BrokerKeys::result("b", "tb1")}).text, QByteArray("secret"));
        QCOMPARE(send(*m_admin, {"HGET", BrokerKeys::task("b", "tb1"), "st"}).text, QByteArray("queued"));
    }

    void subscribingToAnotherModelsChannelIsRefused()
    {
        const QByteArray in = raw(m_aUser, {"SUBSCRIBE", BrokerKeys::events("b")}, "NOPERM");
        QVERIFY2(in.startsWith("+OK\r\n") && in.contains("-NOPERM"), in.constData());
        const QByteArray pattern = raw(m_aUser, {"PSUBSCRIBE", "mmf:*"}, "NOPERM");
        QVERIFY2(pattern.contains("-NOPERM"), pattern.constData());
    }

    void noLuaOfItsOwnAndFunctionsRunWithTheCallersAcl()
    {
        // A model may not run Lua of its own (an endless script would block every server) nor load any.
        Answer answer = send(
            *m_a, {"EVAL", "return redis.call('SET', KEYS[1], 'forged')", "1", BrokerKeys::result("a", "x")});
        QVERIFY2(answer.error && answer.text.startsWith("NOPERM"), answer.text.constData());
        answer = send(*m_a, {"EVALSHA", QByteArray(40, 'a'), "0"});
        QVERIFY2(answer.error && answer.text.startsWith("NOPERM"), answer.text.constData());
        answer = send(*m_a, {"FUNCTION", "LOAD", "REPLACE",
                             "#!lua name=evil\nredis.register_function('f', function() return 1 end)"});
        QVERIFY2(answer.error && answer.text.startsWith("NOPERM"), answer.text.constData());
        answer = send(*m_a, {"FUNCTION", "DELETE", "mmf"});
        QVERIFY2(answer.error && answer.text.startsWith("NOPERM"), answer.text.constData());
        // The library's functions run with a's ACL: they cannot reach b's keys.
        answer = fcall(*m_a, BrokerCalls("b", {}).cancel("tb1", 2000));
        QVERIFY2(answer.error && answer.text.startsWith("NOPERM"), answer.text.constData());
        answer = fcall(*m_a, BrokerCalls("b", {}).discardDead("tb1"));
        QVERIFY2(answer.error && answer.text.startsWith("NOPERM"), answer.text.constData());
        QCOMPARE(send(*m_admin, {"GET", BrokerKeys::result("b", "tb1")}).text, QByteArray("secret"));
        QCOMPARE(send(*m_admin, {"HGET", BrokerKeys::task("b", "tb1"), "st"}).text, QByteArray("queued"));
    }

    // Everything a worker of model a sends, in the order the runtime sends it.
    void theWorkersOwnCommandsSucceed()
    {
        const QByteArray stream = BrokerKeys::tasks("a");
        for (const QByteArray id : {"t1", "t2", "t3"})
            QVERIFY(submit("a", id));
        QCOMPARE(send(*m_admin, {"XADD", stream, "*", "junk", "1"}).error, false); // no id: dead letter

        Answer answer = send(*m_a, {"PING"});
        QCOMPARE(answer.text, QByteArray("PONG"));
        QCOMPARE(send(*m_a, {"SELECT", "0"}).text, QByteArray("OK"));
        QCOMPARE(send(*m_a, {"CLIENT", "SETNAME", "w1"}).text, QByteArray("OK"));
        answer = send(*m_a, {"XGROUP", "CREATE", stream, "workers", "0", "MKSTREAM"});
        QVERIFY2(!answer.error, answer.text.constData());
        answer = send(*m_a, {"XREADGROUP", "GROUP", "workers", "w1", "COUNT", "10", "BLOCK", "100", "STREAMS",
                             stream, ">"});
        QVERIFY2(!answer.error, answer.text.constData());
        QCOMPARE(answer.entries.size(), size_t(4));
        const QByteArray e1 = answer.entries[0].id, e2 = answer.entries[1].id, e3 = answer.entries[2].id,
                         e4 = answer.entries[3].id;
        const QByteArray task1 = BrokerKeys::task("a", "t1");

        auto start = [&](const QByteArray& id, const QByteArray& entry) {
            return fcall(*m_a, m_callsA.start("w1", 2000, {{entry, id}}));
        };
        // t1: start, log, progress, renew the claim, poll the status, finish.
        answer = start("t1", e1);
        QVERIFY2(!answer.error, answer.text.constData());
        answer = fcall(*m_a, m_callsA.log({{"t1", "u1", 2001, false, "info", "hello"},
                                           {"t1", "u1", 2002, true, "0.5", "half"}}));
        QVERIFY2(!answer.error && answer.text == "2", answer.text.constData());
        answer = send(*m_a, {"XCLAIM", stream, "workers", "w1", "0", e1, "JUSTID"});
        QVERIFY2(!answer.error && answer.text == e1, answer.text.constData());
        QCOMPARE(send(*m_a, {"HGET", task1, "st"}).text, QByteArray("running"));
        answer = fcall(*m_a, m_callsA.finish("w1", 2003, {{e1, "t1", "succeeded", "response", {}, {}}}));
        QVERIFY2(!answer.error && answer.text == "ok", answer.text.constData());
        QCOMPARE(send(*m_a, {"HMGET", task1, "st", "i", "e"}).text, QByteArray("succeeded"));
        // t2: a failed attempt with one attempt allowed is dead-lettered.
        QVERIFY(!start("t2", e2).error);
        answer = fcall(*m_a, m_callsA.failAttempt("w1", 2004, RetryPolicy{1, 1000, 2, 30000}, e2, "t2",
                                                  "exception", "boom"));
        QVERIFY2(!answer.error && answer.text == "dead", answer.text.constData());
        // t3: given back on shutdown.
        QVERIFY(!start("t3", e3).error);
        answer = fcall(*m_a, m_callsA.release("w1", 2005, e3, "t3"));
        QVERIFY2(!answer.error && answer.text == "released", answer.text.constData());
        // The entry that names no task goes to the dead letters.
        answer = fcall(*m_a, m_callsA.deadLetter("w1", 2006, e4, "undecodable", "no id", {}));
        QVERIFY2(!answer.error && answer.text == "ok", answer.text.constData());
        // And with the default policy (max attempts > 1) a failed attempt is a delayed retry.
        QVERIFY(submit("a", "t4"));
        answer = send(*m_a, {"XREADGROUP", "GROUP", "workers", "w1", "COUNT", "10", "STREAMS", stream, ">"});
        QVERIFY2(!answer.error && answer.entries.size() == 2, answer.text.constData()); // t3 again, t4
        const QByteArray e5 = answer.entries[1].id;
        QVERIFY(!start("t4", e5).error);
        answer = fcall(*m_a, m_callsA.failAttempt("w1", 2007, RetryPolicy{}, e5, "t4", "exception", "boom"));
        QVERIFY2(!answer.error && answer.text == "retry", answer.text.constData());

        QCOMPARE(send(*m_admin, {"HGET", BrokerKeys::task("a", "t1"), "res"}).text, QByteArray("response"));
        QCOMPARE(send(*m_admin, {"EXISTS", ModelRedisUsers::passwordKey("a")}).text, QByteArray("1"));
    }

    // A model user made by a server before EXISTS was granted (it gets it at its next registration) may meet
    // the new library: the start still works and writes its running event, as before.
    void aUserWithoutExistsStillStartsTasks()
    {
        const QByteArray user = ModelRedisUsers::userName("a");
        QCOMPARE(send(*m_admin, {"ACL", "SETUSER", user, "-exists"}).text, QByteArray("OK"));
        QVERIFY(send(*m_a, {"EXISTS", BrokerKeys::watch("a")}).error); // as such a user is
        const QByteArray stream = BrokerKeys::tasks("a");
        QVERIFY(submit("a", "old1"));
        Answer answer =
            send(*m_a, {"XREADGROUP", "GROUP", "workers", "w2", "COUNT", "10", "STREAMS", stream, ">"});
        QVERIFY2(!answer.error && answer.entries.size() == 1, answer.text.constData());
        answer = fcall(*m_a, m_callsA.start("w2", 3000, {{answer.entries[0].id, "old1"}}));
        QVERIFY2(!answer.error, answer.text.constData());
        QCOMPARE(send(*m_admin, {"HGET", BrokerKeys::task("a", "old1"), "st"}).text, QByteArray("running"));
        const Answer events =
            send(*m_admin, {"XREAD", "COUNT", "100000", "STREAMS", BrokerKeys::events("a"), "0"});
        QVERIFY2(!events.error && !events.entries.empty(), events.text.constData());
        QCOMPARE(events.entries.back().value("id"), QByteArray("old1"));
        QCOMPARE(events.entries.back().value("st"), QByteArray("running"));
        QCOMPARE(send(*m_admin, {"ACL", "SETUSER", user, "+exists"}).text, QByteArray("OK"));
    }

    // Likewise a user made before XRANGE was granted: a failed attempt still keeps its entry's envelope for
    // the retry (read by claiming the entry to its owner again), instead of failing the task as payload_lost.
    void aUserWithoutXrangeStillRetriesTasks()
    {
        const QByteArray user = ModelRedisUsers::userName("a");
        QCOMPARE(send(*m_admin, {"ACL", "SETUSER", user, "-xrange"}).text, QByteArray("OK"));
        const QByteArray stream = BrokerKeys::tasks("a");
        QVERIFY(send(*m_a, {"XRANGE", stream, "-", "+"}).error); // as such a user is
        QVERIFY(submit("a", "old2"));
        Answer answer =
            send(*m_a, {"XREADGROUP", "GROUP", "workers", "w3", "COUNT", "10", "STREAMS", stream, ">"});
        QVERIFY2(!answer.error && answer.entries.size() == 1, answer.text.constData());
        const StreamEntry read = answer.entries[0];
        answer = fcall(*m_a, m_callsA.failAttempt("w3", 4000, RetryPolicy{3, 1000, 2, 30000}, read.id, "old2",
                                                  "exception", "boom"));
        QVERIFY2(!answer.error, answer.text.constData());
        QCOMPARE(answer.text, QByteArray("retry"));
        QCOMPARE(send(*m_admin, {"HGET", BrokerKeys::task("a", "old2"), "env"}).text, read.value("env"));
        QCOMPARE(send(*m_admin, {"ACL", "SETUSER", user, "+xrange"}).text, QByteArray("OK"));
        // With the rule, and an entry deleted while pending: no envelope anywhere, so the task fails as
        // payload_lost (with the model's commands only).
        QVERIFY(submit("a", "lost1"));
        answer = send(*m_a, {"XREADGROUP", "GROUP", "workers", "w3", "COUNT", "10", "STREAMS", stream, ">"});
        QVERIFY2(!answer.error && answer.entries.size() == 1, answer.text.constData());
        const QByteArray entry = answer.entries[0].id;
        QCOMPARE(send(*m_admin, {"XDEL", stream, entry}).text, QByteArray("1"));
        answer = fcall(*m_a, m_callsA.failAttempt("w3", 4001, RetryPolicy{3, 1000, 2, 30000}, entry, "lost1",
                                                  "exception", "boom"));
        QVERIFY2(!answer.error, answer.text.constData());
        QCOMPARE(answer.text, QByteArray("payload_lost"));
        QCOMPARE(send(*m_admin, {"HGET", BrokerKeys::task("a", "lost1"), "ec"}).text,
                 QByteArray("payload_lost"));
    }

    void passwordsAreStableAndUsersAreRestored()
    {
        // Another server (another ModelRedisUsers) hands out the same password.
        ModelRedisUsers other(*m_admin);
        const auto again = ensure(other, "a");
        QVERIFY(again);
        QCOMPARE(again->password, m_aUser.password);
        // Redis lost the user and the password key (a restart without persistence): reapply() restores both
        // with the password the running instances hold.
        QCOMPARE(send(*m_admin, {"ACL", "DELUSER", "mmf-model-a"}).text, QByteArray("1"));
        QCOMPARE(send(*m_admin, {"DEL", ModelRedisUsers::passwordKey("a")}).text, QByteArray("1"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_a->isConnected() || send(*m_a, {"PING"}).error, 5000);
        m_users->reapply();
        RedisClient back(configFor(m_aUser));
        QVERIFY2(connect(back), qPrintable(back.lastError()));
        QCOMPARE(send(back, {"PING"}).text, QByteArray("PONG"));
        QCOMPARE(send(*m_admin, {"GET", ModelRedisUsers::passwordKey("a")}).text, m_aUser.password);
        // A server that never registered a model (a restart) restores the users of the known models from the
        // stored passwords when it connects.
        QCOMPARE(send(*m_admin, {"SADD", BrokerKeys::modelSet(), "a"}).text, QByteArray("1"));
        QCOMPARE(send(*m_admin, {"ACL", "DELUSER", "mmf-model-a"}).text, QByteArray("1"));
        ModelRedisUsers restarted(*m_admin);
        restarted.reapply();
        QTRY_COMPARE_WITH_TIMEOUT(
            send(*m_admin, {"ACL", "DRYRUN", "mmf-model-a", "XADD", BrokerKeys::events("a"), "*", "k", "v"})
                .text,
            QByteArray("OK"), 5000);
        RedisClient afterRestart(configFor(m_aUser));
        QVERIFY2(connect(afterRestart), qPrintable(afterRestart.lastError()));
    }

    void aServerUserWithoutAclPermissionIsAnError()
    {
        QCOMPARE(send(*m_admin, {"ACL", "SETUSER", "limited", "reset", "on", ">limited-pw", "~*", "&*",
                                 "+@all", "-acl"})
                     .text,
                 QByteArray("OK"));
        RedisConfig config = m_redis->config();
        config.user = QStringLiteral("limited");
        config.password = QStringLiteral("limited-pw");
        RedisClient limited(config);
        QVERIFY(connect(limited));
        ModelRedisUsers users(limited);
        const auto c = ensure(users, "c");
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::Unavailable);
        QVERIFY2(c.error().message.contains(QStringLiteral("ACL SETUSER")), qPrintable(c.error().message));
        QVERIFY2(c.error().message.contains(QStringLiteral("NOPERM")), qPrintable(c.error().message));
    }

    void aclRulesAreExactlyTheDocumentedOnes()
    {
        const QByteArray list = m_redis->syncCommand(
            {QStringLiteral("ACL"), QStringLiteral("GETUSER"), QStringLiteral("mmf-model-b")});
        QVERIFY2(list.contains("~mmf:{b}:*") && list.contains("&mmf:{b}:*"), list.constData());
        QVERIFY2(!list.contains("~*\n") && !list.contains("+@all"), list.constData());
        for (const QByteArray& rule : ModelRedisUsers::commandRules())
            QVERIFY2(list.contains(rule), rule.constData());
    }

    // Through a real server and a real worker: the instance works with its model's user only.
    void instancesGetTheirModelsUser()
    {
        QCOMPARE(send(*m_admin, {"ACL", "LOG", "RESET"}).text, QByteArray("OK"));
        ServerFixture server;
        QVERIFY2(server.start(QStringLiteral("redis://:%1@127.0.0.1:%2")
                                  .arg(QString::fromLatin1(kAdminPassword))
                                  .arg(m_redis->port())),
                 qPrintable(server.errorString()));
        const QByteArray token = server.issueToken(QStringLiteral("alice"));
        WorkerFixture worker(QStringLiteral("echo"), server.url(), token);
        QVERIFY(worker.start());
        QVERIFY2(worker.waitForReady(), worker.output().constData());
        TestHttpClient client(server.url(), token);
        const auto done = client.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=20"),
                                          QJsonObject{{QStringLiteral("text"), QStringLiteral("acl")}});
        QCOMPARE(done.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
        QVERIFY(!worker.output().contains(kAdminPassword));
        assertWorkersUseModelUsers(m_redis->syncCommand({QStringLiteral("CLIENT"), QStringLiteral("LIST")}),
                                   "mmf-model-echo");
        // The whole life of an instance (register, take and run a task, shut down) was never refused: Redis
        // logs every denied command and key in ACL LOG.
        QVERIFY(worker.kill(SIGTERM));
        QCOMPARE(worker.waitForExit(), 0);
        const QByteArray denied = m_redis->syncCommand({QStringLiteral("ACL"), QStringLiteral("LOG")});
        QVERIFY2(!denied.contains("mmf-model-echo"), denied.constData());
    }

    // A server whose own Redis user may not run ACL SETUSER refuses registrations with 503, naming the cause,
    // instead of handing out its own credentials.
    void registrationWithoutAclPermissionIs503()
    {
        QCOMPARE(send(*m_admin, {"ACL", "SETUSER", "limited", "reset", "on", ">limited-pw", "~*", "&*",
                                 "+@all", "-acl"})
                     .text,
                 QByteArray("OK"));
        ServerFixture server;
        QVERIFY2(server.start(QStringLiteral("redis://limited:limited-pw@127.0.0.1:%1").arg(m_redis->port())),
                 qPrintable(server.errorString()));
        const QByteArray token = server.issueToken(QStringLiteral("alice"));
        WorkerFixture worker(QStringLiteral("echo"), server.url(), token);
        QVERIFY(worker.start());
        QTRY_VERIFY2_WITH_TIMEOUT(worker.output().contains("unavailable"), worker.output().constData(),
                                  20000);
        QVERIFY2(worker.output().contains("ACL SETUSER"), worker.output().constData());
        QVERIFY(!worker.output().contains("ready instance_id="));
        QVERIFY(!worker.output().contains("limited-pw"));
    }

    // The embedded Redis: nothing without a password, the server is a named user, and the instance works as
    // its model's user.
    void embeddedRedisWorkersUseTheirModelsUser()
    {
        ServerFixture server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        const QByteArray token = server.issueToken(QStringLiteral("alice"));
        WorkerFixture worker(QStringLiteral("echo"), server.url(), token);
        QVERIFY(worker.start());
        QVERIFY2(worker.waitForReady(), worker.output().constData());
        TestHttpClient client(server.url(), token);
        const auto done = client.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=20"),
                                          QJsonObject{{QStringLiteral("text"), QStringLiteral("embedded")}});
        QCOMPARE(done.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));

        const QString redisDir = QDir(server.dataDir()).filePath(QStringLiteral("redis"));
        QFile passwordFile(redisDir + QStringLiteral("/password"));
        QVERIFY(passwordFile.open(QIODevice::ReadOnly));
        const QString password = QString::fromLatin1(passwordFile.readAll().trimmed());
        auto cli = [&](const QStringList& auth, const QStringList& args) {
            QProcess process;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("REDISCLI_AUTH"), password); // keeps it off the command line
            process.setProcessEnvironment(env);
            process.start(QStringLiteral("redis-cli"),
                          QStringList{QStringLiteral("-s"), redisDir + QStringLiteral("/redis.sock")} + auth +
                              args);
            process.waitForFinished(10000);
            return process.readAllStandardOutput() + process.readAllStandardError();
        };
        // Without the password: refused. (The default user stays on with the password: Redis 7.0 replays the
        // AOF's MULTI/EXEC blocks as the default user and would refuse them with it off.)
        QProcess anonymous;
        anonymous.start(
            QStringLiteral("redis-cli"),
            {QStringLiteral("-s"), redisDir + QStringLiteral("/redis.sock"), QStringLiteral("PING")});
        QVERIFY(anonymous.waitForFinished(10000));
        const QByteArray asAnonymous = anonymous.readAll();
        QVERIFY2(asAnonymous.contains("NOAUTH") && !asAnonymous.contains("PONG"), asAnonymous.constData());
        const QStringList asServer{QStringLiteral("--user"), QStringLiteral("mmf-server")};
        QCOMPARE(cli(asServer, {QStringLiteral("PING")}).trimmed(), QByteArray("PONG"));
        assertWorkersUseModelUsers(cli(asServer, {QStringLiteral("CLIENT"), QStringLiteral("LIST")}),
                                   "mmf-model-echo");
    }

    void cleanupTestCase()
    {
        m_a.reset();
        m_users.reset();
        m_admin.reset();
        m_redis.reset();
    }
};

QTEST_GUILESS_MAIN(TestRedisAcl)
#include "tst_redisacl.moc"
