// TaskOwnership against a real redis-server: who owns a task by the servers' lists, whatever the task hash
// says.
#include "RedisServerFixture.h"
#include "RedisWait.h"

#include "broker/BrokerKeys.h"
#include "gateway/TaskOwnership.h"
#include "redis/RedisClient.h"

#include <QtTest>

#include <memory>
#include <optional>

using namespace mmf;

class TestTaskOwnership : public QObject
{
    Q_OBJECT

    RedisServerFixture m_server;
    std::unique_ptr<RedisClient> m_redis;

    void run(const std::vector<QByteArray>& args) { QVERIFY(commandSucceeds(*m_redis, args)); }

    // The answer of one question, waited for.
    std::optional<bool> ask(TaskOwnership& ownership, const QByteArray& user, const QByteArray& id)
    {
        std::optional<bool> answer;
        ownership.ask(user, "m1", id, [&answer](bool owns) { answer = owns; });
        [&] { QTRY_VERIFY(answer.has_value()); }();
        return answer;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_redis = startConnected(m_server.config());
        QVERIFY(m_redis);
    }

    void init()
    {
        run({"FLUSHALL"});
        // alice's task t1; a sub-task s1 of hers under t1; t2 hers by its (model-written) hash only.
        run({"ZADD", BrokerKeys::userTasks("alice"), "1", "t1"});
        run({"ZADD", BrokerKeys::subTasks("alice", "t1"), "2", "s1"});
        run({"HSET", BrokerKeys::task("m1", "t1"), "u", "alice"});
        run({"HSET", BrokerKeys::task("m1", "s1"), "u", "alice", "par", "t1"});
        run({"HSET", BrokerKeys::task("m1", "t2"), "u", "alice"});
    }

    void answersFromTheServersLists_data()
    {
        QTest::addColumn<QByteArray>("user");
        QTest::addColumn<QByteArray>("task");
        QTest::addColumn<bool>("owns");
        QTest::newRow("in the user's list") << QByteArray("alice") << QByteArray("t1") << true;
        QTest::newRow("a sub-task in the parent's list") << QByteArray("alice") << QByteArray("s1") << true;
        QTest::newRow("named by its hash only") << QByteArray("alice") << QByteArray("t2") << false;
        QTest::newRow("another user's") << QByteArray("bob") << QByteArray("t1") << false;
        QTest::newRow("another user's sub-task") << QByteArray("bob") << QByteArray("s1") << false;
        QTest::newRow("no such task") << QByteArray("alice") << QByteArray("t9") << false;
    }

    void answersFromTheServersLists()
    {
        QFETCH(QByteArray, user);
        QFETCH(QByteArray, task);
        QFETCH(bool, owns);
        TaskOwnership ownership(*m_redis);
        QCOMPARE(ownership.known(user, task), TaskOwnership::Known::Unknown);
        QCOMPARE(ask(ownership, user, task), std::optional<bool>(owns));
        // Kept: the owner of a task never changes.
        QCOMPARE(ownership.known(user, task), owns ? TaskOwnership::Known::Yes : TaskOwnership::Known::No);
    }

    // A sub-task whose parent the model rewrote is looked for in the list of that parent: not there.
    void aRewrittenParentFindsNothing()
    {
        run({"HSET", BrokerKeys::task("m1", "s1"), "par", "t2"});
        TaskOwnership ownership(*m_redis);
        QCOMPARE(ask(ownership, "alice", "s1"), std::optional<bool>(false));
    }

    void questionsAreAskedOnceAndAnswersCalledLater()
    {
        TaskOwnership ownership(*m_redis);
        int answered = 0;
        ownership.ask("alice", "m1", "t1", [&](bool owns) { answered += owns ? 1 : 100; });
        ownership.ask("alice", "m1", "t1", [&](bool owns) { answered += owns ? 1 : 100; });
        QCOMPARE(answered, 0); // never from inside ask()
        QTRY_COMPARE(answered, 2);
        QCOMPARE(m_redis->pendingCount(), 0);
    }

    // Two generations of half the capacity each: the older goes when the newer fills.
    void theOldestAnswersGoPastTheCapacity()
    {
        TaskOwnership ownership(*m_redis, 2);
        QCOMPARE(ask(ownership, "alice", "t1"), std::optional<bool>(true));
        QCOMPARE(ask(ownership, "alice", "s1"), std::optional<bool>(true));
        QCOMPARE(ask(ownership, "alice", "t2"), std::optional<bool>(false));
        QCOMPARE(ownership.known("alice", "t1"), TaskOwnership::Known::Unknown);
        QCOMPARE(ownership.known("alice", "s1"), TaskOwnership::Known::Yes);
        QCOMPARE(ownership.known("alice", "t2"), TaskOwnership::Known::No);
    }

    // A submit this server accepted is its user's without asking, while anyone may ask.
    void aVouchedTaskIsKnownWhileSomeoneListens()
    {
        TaskOwnership ownership(*m_redis);
        ownership.vouch("alice", "t7");
        QCOMPARE(ownership.known("alice", "t7"),
                 TaskOwnership::Known::Unknown); // nobody listens: nothing kept
        ownership.listen(1);
        ownership.vouch("alice", "t7");
        QCOMPARE(ownership.known("alice", "t7"), TaskOwnership::Known::Yes);
        QCOMPARE(ownership.known("bob", "t7"), TaskOwnership::Known::Unknown);
        ownership.listen(-1);
        ownership.vouch("alice", "t8");
        QCOMPARE(ownership.known("alice", "t8"), TaskOwnership::Known::Unknown);
    }

    // Once a task's final event has passed there is nothing more to vouch for: nothing is kept.
    void aForgottenTaskIsAskedAgain()
    {
        TaskOwnership ownership(*m_redis);
        QCOMPARE(ask(ownership, "alice", "t1"), std::optional<bool>(true));
        ownership.forget("alice", "t1");
        QCOMPARE(ownership.known("alice", "t1"), TaskOwnership::Known::Unknown);
        QCOMPARE(ask(ownership, "alice", "t1"), std::optional<bool>(true));
    }

    // Redis failing is no answer: nothing is kept, the next question asks again.
    void aFailureIsNotKept()
    {
        TaskOwnership ownership(*m_redis);
        m_server.stop();
        QCOMPARE(ask(ownership, "alice", "t1"), std::optional<bool>(false));
        QCOMPARE(ownership.known("alice", "t1"), TaskOwnership::Known::Unknown);
        QVERIFY(m_server.restart());
        m_redis = startConnected(m_server.config());
        QVERIFY(m_redis);
    }

    void cleanupTestCase() { m_redis.reset(); }
};

QTEST_GUILESS_MAIN(TestTaskOwnership)
#include "tst_taskownership.moc"
