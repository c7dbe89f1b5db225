// StatusWatch on a real Redis: the key that turns running events on is written before a subscriber is
// answered, written again while subscribers remain (also after someone deletes it or Redis restarts), left to
// expire when the last one goes, and a Redis that cannot be reached still answers subscribers.
#include "RedisServerFixture.h"
#include "RedisWait.h"

#include "broker/BrokerKeys.h"
#include "gateway/StatusWatch.h"
#include "redis/RedisClient.h"

#include <QtTest>

using namespace mmf;

class TestStatusWatch : public QObject
{
    Q_OBJECT

    RedisServerFixture m_server;
    std::unique_ptr<RedisClient> m_redis;

    qint64 pttl(const QByteArray& model)
    {
        return m_server.syncCommand({QStringLiteral("PTTL"), QString::fromLatin1(BrokerKeys::watch(model))})
            .toLongLong();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_redis = startConnected(m_server.config());
        QVERIFY(m_redis);
    }
    void cleanupTestCase() { m_redis.reset(); }
    void init() { QCOMPARE(m_server.syncCommand({QStringLiteral("FLUSHALL")}), QByteArray("OK")); }

    void theKeyIsWrittenBeforeTheSubscriberIsAnswered()
    {
        StatusWatch watch(*m_redis, 30000);
        qint64 ttlWhenReady = -100;
        bool ready = false;
        watch.add("m1", [&] {
            ready = true;
            ttlWhenReady = pttl("m1");
        });
        QVERIFY(!ready); // not before Redis answered
        QTRY_VERIFY(ready);
        QVERIFY2(ttlWhenReady > 0 && ttlWhenReady <= 30000, qPrintable(QString::number(ttlWhenReady)));
        QCOMPARE(watch.subscribers("m1"), 1);

        // A second subscriber is answered at once: the key is known to be there.
        bool second = false;
        watch.add("m1", [&] { second = true; });
        QVERIFY(second);
        QCOMPARE(watch.subscribers("m1"), 2);
        QCOMPARE(pttl("m2"), qint64(-2)); // other models untouched
    }

    void theKeyIsRefreshedWhileSubscribersRemain()
    {
        StatusWatch watch(*m_redis, 300); // refreshed every 100 ms
        bool ready = false;
        watch.add("m1", [&] { ready = true; });
        QTRY_VERIFY(ready);
        // Deleted behind its back (a model's user may, or a Redis restart loses it): written again.
        m_server.syncCommand({QStringLiteral("DEL"), QString::fromLatin1(BrokerKeys::watch("m1"))});
        QTRY_VERIFY_WITH_TIMEOUT(pttl("m1") > 0, 5000);
    }

    void theLastSubscriberLeavesTheKeyToExpire()
    {
        StatusWatch watch(*m_redis, 30000);
        bool ready = false;
        watch.add("m1", [&] { ready = true; });
        watch.add("m1");
        QTRY_VERIFY(ready);
        watch.remove("m1");
        QCOMPARE(watch.subscribers("m1"), 1);
        watch.remove("m1");
        QCOMPARE(watch.subscribers("m1"), 0);
        // Not deleted: another server may still have a subscriber; it expires unless someone refreshes it.
        QVERIFY(pttl("m1") > 0);
        watch.remove("m1"); // one too many changes nothing
        QCOMPARE(watch.subscribers("m1"), 0);
    }

    // A watch gone before Redis answers its write (a refresh in flight as the server shuts down, or as a test
    // ends) is not called back: before, the answer ran on the freed watch (a crash 1 run in ~34 of this
    // test).
    void aWatchGoneBeforeTheAnswerIsNotCalledBack()
    {
        bool ready = false;
        auto watch = std::make_unique<StatusWatch>(*m_redis, 30000);
        watch->add("m1", [&] { ready = true; });
        watch.reset();
        // The write still lands, and its answer comes before this PING's.
        bool pinged = false;
        m_redis->command({"PING"}, [&](const RedisReply&) { pinged = true; });
        QTRY_VERIFY(pinged);
        QVERIFY(pttl("m1") > 0);
        QVERIFY(!ready);
    }

    void aSubscriberThatLeavesBeforeTheAnswerIsNotAnswered()
    {
        StatusWatch watch(*m_redis, 30000);
        bool ready = false;
        watch.add("m1", [&] { ready = true; });
        watch.remove("m1");
        // The write still lands; give it time by writing (and waiting for) another model's key.
        bool other = false;
        watch.add("m2", [&] { other = true; });
        QTRY_VERIFY(other);
        QVERIFY(!ready);
    }

    void unreachableRedisStillAnswers()
    {
        RedisConfig config = m_server.config();
        config.port = 1; // nothing listens there
        RedisClient nowhere(config);
        nowhere.start();
        StatusWatch watch(nowhere, 30000);
        bool ready = false;
        watch.add("m1", [&] { ready = true; });
        QTRY_VERIFY_WITH_TIMEOUT(ready, 15000); // without the key, but the subscription is not stuck
    }
};

QTEST_GUILESS_MAIN(TestStatusWatch)
#include "tst_statuswatch.moc"
