// IssuedTokens against a real redis-server: records listed oldest first, those of expired tokens removed when
// listed, and by an issue an hour after the last such sweep even when nobody lists.
#include "ManualClock.h"
#include "RedisServerFixture.h"
#include "RedisWait.h"

#include "gateway/IssuedTokens.h"
#include "redis/RedisClient.h"

#include <QtTest>

#include <memory>

using namespace mmf;

class TestIssuedTokens : public QObject
{
    Q_OBJECT

    RedisServerFixture m_server;
    std::unique_ptr<RedisClient> m_redis;
    ManualClock m_clock{1'800'000'000'000};

    v1::TokenClaims claims(const QByteArray& id, qint64 lifeSecs)
    {
        v1::TokenClaims made;
        made.set_token_id(id.toStdString());
        made.set_user_id("bot");
        made.set_project_id("default");
        made.add_methods("read");
        made.set_iat(m_clock.nowSecs());
        made.set_exp(m_clock.nowSecs() + lifeSecs);
        return made;
    }
    bool record(IssuedTokens& tokens, const v1::TokenClaims& made)
    {
        auto answer = std::make_shared<std::optional<Result<void>>>();
        tokens.record(made, "u-admin", [answer](Result<void> r) { *answer = r; });
        return waitUntil([answer] { return answer->has_value(); }) && **answer;
    }
    QByteArrayList listed(IssuedTokens& tokens)
    {
        auto ids = std::make_shared<std::optional<QByteArrayList>>();
        tokens.list([ids](Result<std::vector<IssuedTokens::Entry>> entries) {
            QByteArrayList listed;
            for (const IssuedTokens::Entry& entry : entries.value())
                listed << entry.id;
            *ids = listed;
        });
        waitUntil([ids] { return ids->has_value(); });
        return ids->value_or(QByteArrayList());
    }
    qint64 stored()
    {
        qint64 count = -1;
        sendAndWait(*m_redis, {"HLEN", IssuedTokens::key()},
                    [&](const RedisReply& r) { count = r.integer(); });
        return count;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_redis = startConnected(m_server.config());
        QVERIFY(m_redis);
    }

    void init() { QVERIFY(commandSucceeds(*m_redis, {"DEL", IssuedTokens::key()})); }

    void listsOldestFirstAndDropsExpiredRecords()
    {
        IssuedTokens tokens(*m_redis, m_clock);
        QVERIFY(record(tokens, claims("b-long", 3600)));
        m_clock.advanceSecs(1);
        QVERIFY(record(tokens, claims("a-short", 10)));
        QCOMPARE(listed(tokens), (QByteArrayList{"b-long", "a-short"}));
        m_clock.advanceSecs(10);
        QCOMPARE(listed(tokens), QByteArrayList{"b-long"});
        QTRY_COMPARE_WITH_TIMEOUT(stored(), qint64(1), 5000);
        QCOMPARE(IssuedTokens::newId().size(), 32);
        QVERIFY(IssuedTokens::newId() != IssuedTokens::newId());
    }

    void anIssueAnHourLaterDropsExpiredRecordsUnlisted()
    {
        IssuedTokens tokens(*m_redis, m_clock);
        QVERIFY(record(tokens, claims("short", 60))); // the first issue sweeps (nothing to remove yet)
        QVERIFY(record(tokens, claims("also-short", 60)));
        m_clock.advanceSecs(1800);
        QVERIFY(record(tokens, claims("later", 3600))); // within the hour: no sweep
        QCOMPARE(stored(), qint64(3));
        m_clock.advanceSecs(1800);
        QVERIFY(record(tokens, claims("an-hour-on", 3600)));
        QTRY_COMPARE_WITH_TIMEOUT(stored(), qint64(2), 5000);
    }

    void cleanupTestCase() { m_redis.reset(); }
};

QTEST_GUILESS_MAIN(TestIssuedTokens)
#include "tst_issuedtokens.moc"
