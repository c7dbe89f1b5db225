// TokenRevocations against a real redis-server: a token with an id is refused until the revoked set was read
// once, a revocation reaches another server at its next read, and entries go once their token has expired.
#include "ManualClock.h"
#include "RedisServerFixture.h"
#include "RedisWait.h"

#include "core/Error.h"
#include "gateway/TokenRevocations.h"
#include "redis/RedisClient.h"

#include <QtTest>

#include <memory>

using namespace mmf;

namespace {

v1::TokenClaims claimsWithId(const QByteArray& id)
{
    v1::TokenClaims claims;
    claims.set_user_id("bot");
    claims.set_project_id("default");
    claims.set_token_id(id.toStdString());
    return claims;
}

} // namespace

class TestTokenRevocations : public QObject
{
    Q_OBJECT

    RedisServerFixture m_server;
    std::unique_ptr<RedisClient> m_redis;
    ManualClock m_clock{1'800'000'000'000};

    static bool reload(TokenRevocations& revocations)
    {
        return waitForDone([&](std::function<void()> done) { revocations.reload(std::move(done)); });
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_redis = startConnected(m_server.config());
        QVERIFY(m_redis);
    }

    void init() { QVERIFY(commandSucceeds(*m_redis, {"DEL", TokenRevocations::key()})); }

    void aTokenWithAnIdWaitsForTheFirstRead()
    {
        TokenRevocations revocations(*m_redis, m_clock);
        const Result<void> unknown = revocations.check(claimsWithId("0123"));
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::Unavailable);
        QVERIFY(revocations.check(claimsWithId({}))); // sign-in and task tokens carry none
        QVERIFY(reload(revocations));
        QVERIFY(revocations.isLoaded());
        QVERIFY(revocations.check(claimsWithId("0123")));
    }

    void aRevocationReachesTheOtherServersAtTheirNextRead()
    {
        TokenRevocations here(*m_redis, m_clock);
        TokenRevocations there(*m_redis, m_clock);
        QVERIFY(reload(here));
        QVERIFY(reload(there));
        auto revoked = std::make_shared<std::optional<Result<void>>>();
        here.revoke("0123", m_clock.nowSecs() + 60, [revoked](Result<void> r) { *revoked = r; });
        QVERIFY(waitUntil([revoked] { return revoked->has_value(); }));
        QVERIFY(**revoked);
        QVERIFY(here.isRevoked("0123"));
        const Result<void> refused = here.check(claimsWithId("0123"));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Unauthenticated);
        QVERIFY(there.check(claimsWithId("0123"))); // not read yet
        QVERIFY(reload(there));
        QVERIFY(!there.check(claimsWithId("0123")));
        QVERIFY(there.check(claimsWithId("4567")));
    }

    void anEntryGoesOnceItsTokenHasExpired()
    {
        TokenRevocations revocations(*m_redis, m_clock);
        const qint64 now = m_clock.nowSecs();
        QVERIFY(commandSucceeds(*m_redis, {"ZADD", TokenRevocations::key(), QByteArray::number(now), "lasts",
                                           QByteArray::number(now - 1), "expired", "+inf", "forever"}));
        QVERIFY(reload(revocations));
        QVERIFY(revocations.isRevoked("lasts")); // valid up to its exp, so still refused at it
        QVERIFY(revocations.isRevoked("forever"));
        QVERIFY(!revocations.isRevoked("expired"));
        qint64 left = -1;
        QVERIFY(sendAndWait(*m_redis, {"ZCARD", TokenRevocations::key()},
                            [&](const RedisReply& r) { left = r.integer(); }));
        QCOMPARE(left, qint64(2));
        m_clock.advanceMs(1000);
        QVERIFY(reload(revocations));
        QVERIFY(!revocations.isRevoked("lasts"));
        QVERIFY(revocations.isRevoked("forever"));
    }

    void cleanupTestCase() { m_redis.reset(); }
};

QTEST_GUILESS_MAIN(TestTokenRevocations)
#include "tst_tokenrevocations.moc"
