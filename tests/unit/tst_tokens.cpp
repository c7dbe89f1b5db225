// Tokens: issue/verify round trip, known answers, tamper rows (all unauthenticated, none crash), the cache.
#include "ManualClock.h"
#include "auth/Base64Url.h"
#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace mmf;

namespace {

constexpr qint64 kNow = 1'700'000'000;

SigningKey keyFromByte(char b)
{
    return SigningKey::fromSeed(QByteArray(32, b)).value();
}

v1::TokenClaims makeClaims(qint64 iat = kNow, qint64 exp = kNow + 900)
{
    v1::TokenClaims c;
    c.set_user_id("u-42");
    c.set_project_id("default");
    c.add_methods("score");
    c.add_methods("read");
    c.set_iat(iat);
    c.set_exp(exp);
    return c;
}

// Signs raw claims bytes the way issueToken does (or without the domain prefix, to prove it matters).
QByteArray signRaw(const SigningKey& key, const QByteArray& claimsBytes, bool withDomain = true)
{
    const QByteArray message = withDomain ? QByteArray("mmf-token-v1", 13) + claimsBytes : claimsBytes;
    return Base64Url::encode(claimsBytes) + '.' + Base64Url::encode(key.sign(message));
}

QByteArray serialize(const v1::TokenClaims& c)
{
    std::string s;
    c.SerializeToString(&s);
    return QByteArray::fromStdString(s);
}

QByteArray flipBitInPart(const QByteArray& token, int part, int byte, int bit)
{
    QList<QByteArray> parts = token.split('.');
    QByteArray raw = *Base64Url::decode(parts[part]);
    raw[byte] = char(raw[byte] ^ (1 << bit));
    parts[part] = Base64Url::encode(raw);
    return parts.join('.');
}

enum Setup
{
    Plain,
    RemoveKey,
    KeyNotAfterPassed,
    KeyNotAfterNow,
    OtherKeySameId
};

} // namespace

Q_DECLARE_METATYPE(Setup)

class TestTokens : public QObject
{
    Q_OBJECT

    SigningKey m_key = keyFromByte('\x01');

private slots:
    void roundTrip()
    {
        ManualClock clock(kNow * 1000);
        TokenVerifier verifier(clock);
        verifier.setTrustedKey(m_key.keyId(), m_key.publicKey());
        v1::TokenClaims claims = makeClaims();
        claims.set_model("calc");
        claims.set_key_id("ignored: issueToken sets it");
        const QByteArray token = issueToken(m_key, claims);
        QVERIFY(!token.isEmpty());
        QCOMPARE(token.count('.'), 1);
        const auto r = verifier.verify(token);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(QByteArray::fromStdString(r->key_id()), m_key.keyId());
        QCOMPARE(r->user_id(), "u-42");
        QCOMPARE(r->project_id(), "default");
        QCOMPARE(r->methods_size(), 2);
        QCOMPARE(r->methods(1), "read");
        QCOMPARE(r->exp(), kNow + 900);
        QCOMPARE(r->iat(), kNow);
        QCOMPARE(r->model(), "calc");
    }

    // The wire format is fixed: a fixed seed and fixed claims give these exact bytes (Ed25519 is
    // deterministic), so a change of encoding, domain string or field numbers cannot slip through.
    void knownAnswer()
    {
        const SigningKey key = SigningKey::fromSeed(QByteArray::fromHex("000102030405060708090a0b0c0d0e0f"
                                                                        "101112131415161718191a1b1c1d1e1f"))
                                   .value();
        v1::TokenClaims claims;
        claims.set_user_id("alice");
        claims.set_project_id("default");
        claims.add_methods("score");
        claims.set_exp(1700000900);
        claims.set_iat(1700000000);
        const QByteArray token = issueToken(key, claims);
        // Checked independently with Python's `cryptography` (Ed25519 over b"mmf-token-v1\0" + claims; key_id
        // = base64url(BLAKE2b-256(public key)[:8])).
        QCOMPARE(key.keyId(), QByteArray("nSTi7q8nwqA"));
        QCOMPARE(
            token,
            QByteArray(
                "CgVhbGljZRIHZGVmYXVsdBoFc2NvcmUghOnPqgYogOLPqgYyC25TVGk3cThud3FB."
                "x-gLjZNQFpE1aNjjw26prP3kjXpCe1-11JedgdNJjTsBpsn4-pN6wzmkwnLgFthAkpXcC-pJAGBUwhBImtlEAQ"));
        ManualClock clock(1700000000LL * 1000);
        TokenVerifier verifier(clock);
        verifier.setTrustedKey(key.keyId(), key.publicKey());
        QVERIFY(verifier.verify(token).ok());
    }

    void deterministic()
    {
        QCOMPARE(issueToken(m_key, makeClaims()), issueToken(m_key, makeClaims()));
        QVERIFY(issueToken(SigningKey(), makeClaims()).isEmpty());
    }

    void accepted_data()
    {
        QTest::addColumn<qint64>("iat");
        QTest::addColumn<qint64>("exp");
        QTest::newRow("fresh") << kNow << kNow + 900;
        QTest::newRow("iat at the clock skew") << kNow + 60 << kNow + 900;
        QTest::newRow("one second left") << kNow - 899 << kNow + 1;
        QTest::newRow("iat in the past") << kNow - 86400 << kNow + 86400;
    }
    void accepted()
    {
        QFETCH(qint64, iat);
        QFETCH(qint64, exp);
        ManualClock clock(kNow * 1000);
        TokenVerifier verifier(clock, 60);
        verifier.setTrustedKey(m_key.keyId(), m_key.publicKey());
        QVERIFY(verifier.verify(issueToken(m_key, makeClaims(iat, exp))).ok());
    }

    void rejected_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<Setup>("setup");
        QTest::addColumn<QString>("reason");

        const QByteArray good = issueToken(m_key, makeClaims());
        const qsizetype dot = good.indexOf('.');
        const QByteArray claimsText = good.first(dot);
        const QByteArray sigText = good.sliced(dot + 1);
        QVERIFY(sigText.size() == 86); // 64 bytes: two characters in the last group, 4 unused bits

        QTest::newRow("flipped bit in claims")
            << flipBitInPart(good, 0, 3, 0) << Plain << "signature is invalid";
        QTest::newRow("flipped bit in exp")
            << flipBitInPart(good, 0, int(serialize(makeClaims()).size()) - 9, 2) << Plain
            << "signature is invalid";
        QTest::newRow("flipped bit in signature")
            << flipBitInPart(good, 1, 10, 7) << Plain << "signature is invalid";
        QTest::newRow("truncated by one character") << good.chopped(1) << Plain << "not valid base64url";
        QTest::newRow("truncated by four characters") << good.chopped(4) << Plain << "signature";
        QTest::newRow("signature of 63 bytes")
            << claimsText + '.' + Base64Url::encode(Base64Url::decode(sigText)->first(63)) << Plain
            << "wrong length";
        QTest::newRow("signature cut off") << good.first(dot + 1) << Plain << "wrong length";
        QTest::newRow("claims only") << claimsText << Plain << "expected <claims>.<signature>";
        QTest::newRow("extra bytes appended") << good + "AAAA" << Plain << "wrong length";
        QTest::newRow("extra character appended") << good + "A" << Plain << "wrong length";
        QTest::newRow("extra dot at the end") << good + "." << Plain << "expected <claims>.<signature>";
        QTest::newRow("extra dot and part") << good + ".xyz" << Plain << "expected <claims>.<signature>";
        QTest::newRow("dot first") << "." + good << Plain << "expected <claims>.<signature>";
        QTest::newRow("just a dot") << QByteArray(".") << Plain << "wrong length";
        QTest::newRow("no dot") << QByteArray("abcd") << Plain << "expected <claims>.<signature>";
        QTest::newRow("empty") << QByteArray() << Plain << "empty";
        QTest::newRow("1 MB") << QByteArray(1 << 20, 'A') << Plain << "too long";
        QTest::newRow("1 MB with a dot")
            << QByteArray(1 << 19, 'A') + '.' + QByteArray(1 << 19, 'A') << Plain << "too long";
        QTest::newRow("just over the limit")
            << QByteArray(TokenVerifier::kMaxTokenBytes - 86, 'A') + '.' + sigText << Plain << "too long";

        QByteArray plus = good;
        plus[dot + 1] = '+';
        QTest::newRow("'+' in signature") << plus << Plain << "signature is not valid base64url";
        QByteArray slash = good;
        slash[1] = '/';
        QTest::newRow("'/' in claims") << slash << Plain << "claims are not valid base64url";
        QTest::newRow("standard base64 with padding")
            << serialize(makeClaims()).toBase64() + '.' + sigText + "==" << Plain << "not valid base64url";
        QTest::newRow("'=' padding on signature")
            << good + "==" << Plain << "signature is not valid base64url";
        QTest::newRow("whitespace") << good + ' ' << Plain << "signature is not valid base64url";
        QTest::newRow("newline in the middle")
            << claimsText + "\n." + sigText << Plain << "claims are not valid base64url";

        // Same 64 bytes for a lenient decoder: the last character differs only in its unused low bits.
        static const QByteArray alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        QByteArray trailing = good;
        trailing[trailing.size() - 1] = alphabet[alphabet.indexOf(good.back()) | 1];
        QTest::newRow("non-canonical trailing bits")
            << trailing << Plain << "signature is not valid base64url";

        QTest::newRow("unknown key_id")
            << issueToken(keyFromByte('\x02'), makeClaims()) << Plain << "unknown signing key";
        QTest::newRow("removed key") << good << RemoveKey << "unknown signing key";
        QTest::newRow("key past notAfter") << good << KeyNotAfterPassed << "no longer trusted";
        QTest::newRow("key notAfter is now") << good << KeyNotAfterNow << "no longer trusted";
        QTest::newRow("other key under the same id") << good << OtherKeySameId << "signature is invalid";
        QTest::newRow("expired") << issueToken(m_key, makeClaims(kNow - 1000, kNow - 1)) << Plain
                                 << "expired";
        QTest::newRow("expires now") << issueToken(m_key, makeClaims(kNow - 900, kNow)) << Plain << "expired";
        QTest::newRow("no exp") << issueToken(m_key, makeClaims(kNow, 0)) << Plain << "expired";
        QTest::newRow("iat beyond the clock skew")
            << issueToken(m_key, makeClaims(kNow + 61, kNow + 900)) << Plain << "issued in the future";

        // Signed by the trusted key, but not a valid claims message.
        v1::TokenClaims withKey = makeClaims();
        withKey.set_key_id(m_key.keyId().toStdString());
        QTest::newRow("claims without domain separation")
            << signRaw(m_key, serialize(withKey), false) << Plain << "signature is invalid";
        QTest::newRow("unknown field") << signRaw(m_key, serialize(withKey) + QByteArray::fromHex("f8060b"))
                                       << Plain << "unknown fields"; // field 111, varint 11
        QTest::newRow("key_id with wrong wire type")
            << signRaw(m_key, serialize(makeClaims()) + QByteArray::fromHex("3001")) << Plain
            << "unknown signing key";
        QTest::newRow("not protobuf")
            << signRaw(m_key, QByteArray("\xff\xff\xff", 3)) << Plain << "claims do not parse";
        QTest::newRow("truncated length")
            << signRaw(m_key, serialize(withKey) + QByteArray::fromHex("0a7f41")) << Plain
            << "claims do not parse";
        QTest::newRow("invalid UTF-8 in a string")
            << signRaw(m_key, serialize(withKey) + QByteArray::fromHex("0a02c328")) << Plain
            << "claims do not parse";
        QTest::newRow("empty claims") << signRaw(m_key, QByteArray()) << Plain << "unknown signing key";
    }
    void rejected()
    {
        QFETCH(QByteArray, token);
        QFETCH(Setup, setup);
        QFETCH(QString, reason);
        ManualClock clock(kNow * 1000);
        TokenVerifier verifier(clock, 60);
        switch (setup) {
        case Plain:
        case RemoveKey:
            verifier.setTrustedKey(m_key.keyId(), m_key.publicKey());
            break;
        case KeyNotAfterPassed:
            verifier.setTrustedKey(m_key.keyId(), m_key.publicKey(), kNow - 1);
            break;
        case KeyNotAfterNow:
            verifier.setTrustedKey(m_key.keyId(), m_key.publicKey(), kNow);
            break;
        case OtherKeySameId:
            verifier.setTrustedKey(m_key.keyId(), keyFromByte('\x03').publicKey());
            break;
        }
        if (setup == RemoveKey) {
            QVERIFY(verifier.knowsKey(m_key.keyId()));
            verifier.removeTrustedKey(m_key.keyId());
            QVERIFY(!verifier.knowsKey(m_key.keyId()));
        }
        // Twice: a rejected token must not be cached as good.
        for (int round = 0; round < 2; ++round) {
            const auto r = verifier.verify(token);
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, ErrorCode::Unauthenticated);
            QVERIFY2(r.error().message.contains(reason), qPrintable(r.error().message));
            const qsizetype dot = token.indexOf('.');
            if (dot > 4)
                QVERIFY(!r.error().message.toLatin1().contains(token.first(dot)));
        }
        QCOMPARE(verifier.cachedCount(), 0);
    }

    // Exhaustive over single-bit changes of the decoded parts, and over single-character changes of the text.
    void everySingleBitFlipIsRejected()
    {
        ManualClock clock(kNow * 1000);
        TokenVerifier verifier(clock, 60, 0);
        verifier.setTrustedKey(m_key.keyId(), m_key.publicKey());
        const QByteArray good = issueToken(m_key, makeClaims());
        QVERIFY(verifier.verify(good).ok());
        const QList<QByteArray> parts = good.split('.');
        for (int part = 0; part < 2; ++part) {
            const int bytes = int(Base64Url::decode(parts[part])->size());
            for (int byte = 0; byte < bytes; ++byte) {
                for (int bit = 0; bit < 8; ++bit) {
                    const auto r = verifier.verify(flipBitInPart(good, part, byte, bit));
                    QVERIFY2(
                        !r.ok(),
                        qPrintable(QStringLiteral("part %1 byte %2 bit %3").arg(part).arg(byte).arg(bit)));
                    QCOMPARE(r.error().code, ErrorCode::Unauthenticated);
                }
            }
        }
        for (qsizetype i = 0; i < good.size(); ++i) {
            for (int bit = 0; bit < 7; ++bit) {
                QByteArray t = good;
                t[i] = char(t[i] ^ (1 << bit));
                QVERIFY2(!verifier.verify(t).ok(),
                         qPrintable(QStringLiteral("char %1 bit %2").arg(i).arg(bit)));
            }
        }
    }

    void cacheHitReturnsSameClaims()
    {
        ManualClock clock(kNow * 1000);
        TokenVerifier verifier(clock);
        verifier.setTrustedKey(m_key.keyId(), m_key.publicKey());
        const QByteArray token = issueToken(m_key, makeClaims());
        const auto first = verifier.verify(token);
        QVERIFY(first.ok());
        QCOMPARE(verifier.cachedCount(), 1);
        const auto second = verifier.verify(token);
        QVERIFY(second.ok());
        QCOMPARE(second->SerializeAsString(), first->SerializeAsString());
        const auto shared1 = verifier.verifyShared(token);
        const auto shared2 = verifier.verifyShared(token);
        QVERIFY(shared1.ok() && shared2.ok());
        QCOMPARE(shared1->get(), shared2->get()); // served from the cache, not re-parsed
        QCOMPARE(verifier.cachedCount(), 1);
    }

    void cacheRespectsExpiry()
    {
        ManualClock clock(kNow * 1000);
        TokenVerifier verifier(clock);
        verifier.setTrustedKey(m_key.keyId(), m_key.publicKey());
        const QByteArray token = issueToken(m_key, makeClaims(kNow, kNow + 10));
        QVERIFY(verifier.verify(token).ok());
        clock.advanceSecs(9);
        QVERIFY(verifier.verify(token).ok());
        QCOMPARE(verifier.cachedCount(), 1);
        clock.advanceSecs(1);
        const auto r = verifier.verify(token);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Unauthenticated);
        QVERIFY(r.error().message.contains("expired"));
    }

    void cacheRespectsKeyChanges()
    {
        ManualClock clock(kNow * 1000);
        TokenVerifier verifier(clock);
        verifier.setTrustedKey(m_key.keyId(), m_key.publicKey());
        const QByteArray token = issueToken(m_key, makeClaims(kNow, kNow + 86400));
        QVERIFY(verifier.verify(token).ok());
        QCOMPARE(verifier.cachedCount(), 1);

        verifier.removeTrustedKey(m_key.keyId());
        auto r = verifier.verify(token);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains("unknown signing key"));

        verifier.setTrustedKey(m_key.keyId(), m_key.publicKey());
        QVERIFY(verifier.verify(token).ok());

        verifier.setTrustedKey(m_key.keyId(), m_key.publicKey(), kNow + 100); // a grace period starts
        QVERIFY(verifier.verify(token).ok());
        clock.advanceSecs(100);
        r = verifier.verify(token);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains("no longer trusted"));

        verifier.setTrustedKey(m_key.keyId(),
                               keyFromByte('\x04').publicKey()); // the id now means another key
        r = verifier.verify(token);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains("signature is invalid"));
    }

    void cacheIsBounded()
    {
        ManualClock clock(kNow * 1000);
        TokenVerifier verifier(clock, 60, 8);
        verifier.setTrustedKey(m_key.keyId(), m_key.publicKey());
        QList<QByteArray> tokens;
        for (int i = 0; i < 50; ++i) {
            v1::TokenClaims c = makeClaims();
            c.set_user_id("u-" + std::to_string(i));
            tokens << issueToken(m_key, c);
        }
        for (int round = 0; round < 3; ++round) {
            for (const QByteArray& t : tokens) {
                const auto r = verifier.verify(t);
                QVERIFY(r.ok());
                QVERIFY(verifier.cachedCount() <= 8);
            }
        }
        QVERIFY(verifier.cachedCount() > 0);

        TokenVerifier uncached(clock, 60, 0);
        uncached.setTrustedKey(m_key.keyId(), m_key.publicKey());
        QVERIFY(uncached.verify(tokens.first()).ok());
        QCOMPARE(uncached.cachedCount(), 0);
    }

    // Several threads verify an overlapping set of tokens through a small cache while keys change.
    void concurrentUse()
    {
        ManualClock clock(kNow * 1000);
        TokenVerifier verifier(clock, 60, 16);
        verifier.setTrustedKey(m_key.keyId(), m_key.publicKey());
        QList<QByteArray> tokens;
        for (int i = 0; i < 40; ++i) {
            v1::TokenClaims c = makeClaims();
            c.set_user_id("user-" + std::to_string(i));
            tokens << issueToken(m_key, c);
        }
        std::atomic<int> failures{0};
        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 400; ++i) {
                    const int n = (i * 7 + t) % int(tokens.size());
                    const auto r = verifier.verifyShared(tokens[n]);
                    if (!r.ok())
                        ++failures;
                    else if ((*r)->user_id() != "user-" + std::to_string(n))
                        ++mismatches;
                }
            });
        }
        for (int i = 0; i < 50;
             ++i) // touches the key table under the readers' feet; same key, so all stay valid
            verifier.setTrustedKey(m_key.keyId(), m_key.publicKey(), i % 2 ? 0 : kNow + 1000);
        for (auto& th : threads)
            th.join();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(mismatches.load(), 0);
    }

    void hasMethod_data()
    {
        QTest::addColumn<QStringList>("granted");
        QTest::addColumn<QString>("method");
        QTest::addColumn<bool>("expected");
        QTest::newRow("score has score") << QStringList{"score", "read"} << "score" << true;
        QTest::newRow("read lacks score") << QStringList{"read"} << "score" << false;
        QTest::newRow("admin grants serve") << QStringList{"admin"} << "serve" << true;
        QTest::newRow("admin grants admin") << QStringList{"admin"} << "admin" << true;
        QTest::newRow("serve lacks admin") << QStringList{"serve"} << "admin" << false;
        QTest::newRow("nothing") << QStringList{} << "read" << false;
        QTest::newRow("prefix is not a match") << QStringList{"scores"} << "score" << false;
    }
    void hasMethod()
    {
        QFETCH(QStringList, granted);
        QFETCH(QString, method);
        QFETCH(bool, expected);
        v1::TokenClaims c;
        for (const QString& m : granted)
            c.add_methods(m.toStdString());
        QCOMPARE(mmf::hasMethod(c, method.toLatin1()), expected);
    }

    // Figures for the report, not assertions on time: uncached verifications per second, and the cost of a
    // cached verify() (copies the claims) and verifyShared() (no copy).
    void measureCost()
    {
        SystemClock clock;
        const qint64 now = clock.nowSecs();
        const QByteArray token = issueToken(m_key, makeClaims(now, now + 3600));

        TokenVerifier uncached(clock, 60, 0);
        uncached.setTrustedKey(m_key.keyId(), m_key.publicKey());
        QElapsedTimer timer;
        timer.start();
        int n = 0;
        while (timer.elapsed() < 300) {
            QVERIFY(uncached.verify(token).ok());
            ++n;
        }
        const double uncachedPerSec = n * 1000.0 / double(timer.elapsed());

        TokenVerifier cached(clock);
        cached.setTrustedKey(m_key.keyId(), m_key.publicKey());
        QVERIFY(cached.verify(token).ok());
        constexpr int kIterations = 1'000'000;
        int ok = 0;
        timer.start();
        for (int i = 0; i < kIterations; ++i)
            ok += cached.verify(token).ok();
        const double copyNs = double(timer.nsecsElapsed()) / kIterations;
        timer.start();
        for (int i = 0; i < kIterations; ++i)
            ok += cached.verifyShared(token).ok();
        const double sharedNs = double(timer.nsecsElapsed()) / kIterations;
        QCOMPARE(ok, 2 * kIterations);
        qInfo("uncached verify: %.0f/s; cached verify(): %.0f ns; cached verifyShared(): %.0f ns (token %lld "
              "bytes)",
              uncachedPerSec, copyNs, sharedNs, static_cast<long long>(token.size()));
    }
};

QTEST_GUILESS_MAIN(TestTokens)
#include "tst_tokens.moc"
