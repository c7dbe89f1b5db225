// KeyRing against a real redis-server: a token signed by a key another server published since this one last
// read the keys is answered "try again" (unavailable) while the keys are read again, then accepted; a key
// nobody published is refused (unauthenticated) once a read sent after it came back without it.
#include "ManualClock.h"
#include "RedisServerFixture.h"
#include "RedisWait.h"

#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "core/Error.h"
#include "gateway/KeyRing.h"
#include "redis/RedisClient.h"

#include <QtTest>

#include <memory>

using namespace mmf;

namespace {

QByteArray tokenOf(const SigningKey& key, qint64 nowSecs)
{
    v1::TokenClaims claims;
    claims.set_user_id("alice");
    claims.set_project_id("default");
    claims.add_methods("read");
    claims.set_iat(nowSecs);
    claims.set_exp(nowSecs + 600);
    return issueToken(key, claims);
}

} // namespace

class TestKeyRing : public QObject
{
    Q_OBJECT

    RedisServerFixture m_server;
    std::unique_ptr<RedisClient> m_redis;
    ManualClock m_clock{1'800'000'000'000};

    static bool reload(KeyRing& ring)
    {
        return waitForDone([&](std::function<void()> done) { ring.reload(std::move(done)); });
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_redis = startConnected(m_server.config());
        QVERIFY(m_redis);
    }

    void aKeyPublishedElsewhereIsLearntInsteadOfRefused()
    {
        // This server (`here`) has read the keys; another server then starts and publishes its own.
        TokenVerifier hereVerifier(m_clock);
        KeyRing here(*m_redis, hereVerifier, m_clock);
        QVERIFY(reload(here));
        TokenVerifier elsewhereVerifier(m_clock);
        KeyRing elsewhere(*m_redis, elsewhereVerifier, m_clock);
        const SigningKey newKey = SigningKey::generate();
        elsewhere.publish(newKey);
        QVERIFY(commandSucceeds(*m_redis, {"PING"})); // the HSETNX before it has been applied

        // Its tokens reach this server before its next periodic read: "try again", not "unauthenticated".
        const QByteArray token = tokenOf(newKey, m_clock.nowSecs());
        const Result<v1::TokenClaims> first = hereVerifier.verify(token);
        QVERIFY(!first);
        QCOMPARE(first.error().code, ErrorCode::Unavailable);
        // The refusal started a read; once it is in, the token is accepted.
        QVERIFY(waitUntil([&] { return hereVerifier.knowsKey(newKey.keyId()); }));
        const Result<v1::TokenClaims> retried = hereVerifier.verify(token);
        QVERIFY2(retried, qPrintable(retried ? QString() : retried.error().message));
        QCOMPARE(retried->user_id(), std::string("alice"));
    }

    void anUnpublishedKeyIsRefusedAfterOneRead()
    {
        TokenVerifier verifier(m_clock);
        KeyRing ring(*m_redis, verifier, m_clock);
        QVERIFY(reload(ring));
        QVERIFY(sendAndWait(*m_redis, {"CONFIG", "RESETSTAT"}, [](const RedisReply&) {}));
        const QByteArray forged = tokenOf(SigningKey::generate(), m_clock.nowSecs());
        // The read before it proves nothing: "try again" while a read is sent...
        Result<v1::TokenClaims> refused = verifier.verify(forged);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Unavailable);
        // ...then, that read answered without the key, a refusal.
        QVERIFY(waitUntil([&] {
            const Result<v1::TokenClaims> again = verifier.verify(forged);
            return !again && again.error().code == ErrorCode::Unauthenticated;
        }));
        int reads = 0;
        QVERIFY(sendAndWait(*m_redis, {"INFO", "commandstats"}, [&](const RedisReply& reply) {
            const QByteArray stats = reply.toByteArray();
            const qsizetype at = stats.indexOf("cmdstat_hgetall:calls=");
            reads = at < 0 ? 0 : stats.mid(at + 22, stats.indexOf(',', at) - at - 22).toInt();
        }));
        QCOMPARE(reads, 1);
    }

    void withoutARingAnUnknownKeyIsRefused()
    {
        // A verifier that no ring keeps (the workers' own): nothing to read again, the 401 stands.
        TokenVerifier verifier(m_clock);
        const Result<v1::TokenClaims> refused =
            verifier.verify(tokenOf(SigningKey::generate(), m_clock.nowSecs()));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Unauthenticated);
    }
};

QTEST_GUILESS_MAIN(TestKeyRing)
#include "tst_keyring.moc"
