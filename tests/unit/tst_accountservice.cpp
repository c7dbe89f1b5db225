// The account service on a real Redis: the password policy, one hash per sign-in whatever the login,
// throttling before any hash (parallel guesses included), no lock-out of a login's owner by guessers at other
// addresses, sign-ups capped per address, and refresh rotation with retry and reuse detection.
#include "RedisServerFixture.h"
#include "RedisWait.h"

#include "accounts/AccountService.h"
#include "accounts/PasswordHasher.h"
#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "core/Clock.h"
#include "redis/RedisClient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <optional>
#include <sodium.h>

using namespace mmf;

namespace {

// Argon2id at its cheapest (the test is about the calls, not the cost), counting verifications.
class CountingHasher : public IPasswordHasher
{
public:
    QByteArray hash(QByteArrayView password) const override { return m_real.hash(password); }
    bool verify(const QByteArray& hash, QByteArrayView password) const override
    {
        ++verifications;
        return m_real.verify(hash, password);
    }
    mutable std::atomic<int> verifications{0};

private:
    Argon2PasswordHasher m_real{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
};

// Starts an asynchronous call and runs the event loop until it answers (or 10 s pass: an internal error).
template<class Start> Result<QByteArray> await(Start start)
{
    std::optional<Result<QByteArray>> out;
    start(std::function<void(Result<QByteArray>)>([&out](Result<QByteArray> r) { out = std::move(r); }));
    QDeadlineTimer deadline(10000);
    while (!out && !deadline.hasExpired())
        QTest::qWait(5);
    return out ? *out : Result<QByteArray>(Error::internal(QStringLiteral("no answer")));
}

} // namespace

class TestAccountService : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void registrationPolicy_data();
    void registrationPolicy();
    void duplicateLoginIgnoresCase();
    void unknownLoginAndWrongPasswordCostOneVerificationEach();
    void throttledLoginsHashNothing();
    void parallelGuessesHashAtMostTheLimit();
    void guessersElsewhereDoNotLockTheOwnerOut();
    void loginWideCapSparesFamiliarAddresses();
    void signUpsAreCappedPerAddress();
    void refreshRotatesRetriesAndDetectsReuse();
    void logoutNeedsTheCurrentToken();

private:
    // From an address of its own unless one is given (sign-ups are capped per address).
    Result<QByteArray> registerUser(const QByteArray& login, const QByteArray& password,
                                    QByteArray address = {});
    Result<QByteArray> login(const QByteArray& login, const QByteArray& password, const QByteArray& address);
    Result<QByteArray> refresh(const QByteArray& token);

    RedisServerFixture m_redisServer;
    std::unique_ptr<RedisClient> m_redis;
    SystemClock m_clock;
    SigningKey m_key = SigningKey::generate();
    CountingHasher m_hasher;
    std::unique_ptr<AccountService> m_accounts;
    int m_signUpAddresses = 0;
};

void TestAccountService::initTestCase()
{
    QVERIFY2(m_redisServer.start(), qPrintable(m_redisServer.errorString()));
    m_redis = startConnected(m_redisServer.config());
    QVERIFY(m_redis);
    AccountSettings settings;
    settings.maxFailuresPerLogin = 3;
    settings.maxFailuresPerAddress = 1000;
    settings.maxFailuresPerLoginTotal = 6;
    settings.maxRegistrationsPerAddress = 3;
    m_accounts = std::make_unique<AccountService>(*m_redis, m_hasher, m_key, m_clock, settings);
}

void TestAccountService::cleanupTestCase()
{
    m_accounts.reset();
    m_redis.reset();
}

Result<QByteArray> TestAccountService::registerUser(const QByteArray& login, const QByteArray& password,
                                                    QByteArray address)
{
    if (address.isEmpty())
        address = "10.200.0." + QByteArray::number(++m_signUpAddresses);
    return await([&](auto done) { m_accounts->registerUser(login, password, address, done); });
}

Result<QByteArray> TestAccountService::login(const QByteArray& login, const QByteArray& password,
                                             const QByteArray& address)
{
    return await([&](auto done) { m_accounts->login(login, password, {}, address, done); });
}

Result<QByteArray> TestAccountService::refresh(const QByteArray& token)
{
    return await([&](auto done) { m_accounts->refresh(token, done); });
}

void TestAccountService::registrationPolicy_data()
{
    QTest::addColumn<QByteArray>("login");
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<QString>("badField"); // empty: accepted

    QTest::newRow("ok") << QByteArray("policy.ok_1") << QByteArray("0123456789") << QString();
    QTest::newRow("login too short") << QByteArray("ab") << QByteArray("0123456789") << "login";
    QTest::newRow("login too long") << QByteArray(65, 'a') << QByteArray("0123456789") << "login";
    QTest::newRow("login with a space") << QByteArray("bad login") << QByteArray("0123456789") << "login";
    QTest::newRow("login with a slash") << QByteArray("a/b/c") << QByteArray("0123456789") << "login";
    QTest::newRow("password too short") << QByteArray("policy2") << QByteArray("012345678") << "password";
    QTest::newRow("password too long") << QByteArray("policy3") << QByteArray(1025, 'x') << "password";
    QTest::newRow("longest password") << QByteArray("policy4") << QByteArray(1024, 'x') << QString();
}

void TestAccountService::registrationPolicy()
{
    QFETCH(QByteArray, login);
    QFETCH(QByteArray, password);
    QFETCH(QString, badField);
    const Result<QByteArray> result = registerUser(login, password);
    if (badField.isEmpty()) {
        QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
        QVERIFY(result->startsWith('u'));
    } else {
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(result.error().field, badField);
    }
}

void TestAccountService::duplicateLoginIgnoresCase()
{
    QVERIFY(registerUser("Dupe", "0123456789"));
    const Result<QByteArray> again = registerUser("dUPE", "abcdefghijk");
    QVERIFY(!again);
    QCOMPARE(again.error().code, ErrorCode::Conflict);
}

void TestAccountService::unknownLoginAndWrongPasswordCostOneVerificationEach()
{
    QVERIFY(registerUser("known", "right password"));
    int before = m_hasher.verifications;
    const Result<QByteArray> wrong = login("known", "wrong password", "10.0.0.1");
    QCOMPARE(m_hasher.verifications - before, 1);
    before = m_hasher.verifications;
    const Result<QByteArray> unknown = login("nobody-here", "wrong password", "10.0.0.1");
    QCOMPARE(m_hasher.verifications - before, 1);
    QVERIFY(!wrong && !unknown);
    QCOMPARE(wrong.error().code, ErrorCode::Unauthenticated);
    QCOMPARE(unknown.error().code, wrong.error().code);
    QCOMPARE(unknown.error().message, wrong.error().message);

    before = m_hasher.verifications;
    const Result<QByteArray> right = login("known", "right password", "10.0.0.1");
    QVERIFY2(right, qPrintable(right ? QString() : right.error().message));
    QCOMPARE(m_hasher.verifications - before, 1);
    const QJsonObject pair = QJsonDocument::fromJson(*right).object();
    TokenVerifier verifier(m_clock);
    verifier.setTrustedKey(m_key.keyId(), m_key.publicKey());
    const Result<v1::TokenClaims> claims =
        verifier.verify(pair.value(QStringLiteral("access_token")).toString().toLatin1());
    QVERIFY(claims);
    QCOMPARE(claims->project_id(), std::string("default"));
    QVERIFY(hasMethod(*claims, "score"));
    QVERIFY(!hasMethod(*claims, "admin"));
    QCOMPARE(pair.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
}

void TestAccountService::throttledLoginsHashNothing()
{
    QVERIFY(registerUser("target", "right password"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(login("target", "wrong password", "10.0.0.2").error().code, ErrorCode::Unauthenticated);
    const int before = m_hasher.verifications;
    const Result<QByteArray> limited = login("target", "right password", "10.0.0.2");
    QVERIFY(!limited);
    QCOMPARE(limited.error().code, ErrorCode::RateLimited);
    QVERIFY(limited.error().retryAfterSecs > 0);
    QCOMPARE(m_hasher.verifications - before, 0);
    // Another login from the same address is not affected by this login's count.
    QVERIFY(registerUser("bystander", "right password"));
    QVERIFY(login("bystander", "right password", "10.0.0.2"));
}

void TestAccountService::parallelGuessesHashAtMostTheLimit()
{
    QVERIFY(registerUser("burst", "right password"));
    const int before = m_hasher.verifications;
    // 20 guesses at once: each is counted before its hash, so only the limit (3) get as far as a hash.
    std::vector<std::optional<Result<QByteArray>>> answers(20);
    for (auto& answer : answers)
        m_accounts->login("burst", "wrong password", {}, "10.0.1.1",
                          [&answer](Result<QByteArray> r) { answer = std::move(r); });
    QTRY_VERIFY(std::all_of(answers.begin(), answers.end(), [](const auto& a) { return a.has_value(); }));
    int unauthenticated = 0;
    int limited = 0;
    for (const auto& answer : answers) {
        QVERIFY(!*answer);
        unauthenticated += answer->error().code == ErrorCode::Unauthenticated;
        limited += answer->error().code == ErrorCode::RateLimited;
    }
    QCOMPARE(unauthenticated, 3);
    QCOMPARE(limited, 17);
    QCOMPARE(m_hasher.verifications - before, 3);
}

void TestAccountService::guessersElsewhereDoNotLockTheOwnerOut()
{
    QVERIFY(registerUser("owner", "right password"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(login("owner", "wrong password", "10.0.2.66").error().code, ErrorCode::Unauthenticated);
    QCOMPARE(login("owner", "right password", "10.0.2.66").error().code, ErrorCode::RateLimited);
    // The owner, at another address, signs in; a success clears its own pair's failures only.
    QVERIFY(login("owner", "right password", "10.0.2.1"));
    QCOMPARE(login("owner", "right password", "10.0.2.66").error().code, ErrorCode::RateLimited);
}

void TestAccountService::loginWideCapSparesFamiliarAddresses()
{
    QVERIFY(registerUser("famous", "right password"));
    QVERIFY(login("famous", "right password", "10.0.3.1")); // a familiar address from now on
    // A distributed guesser: 2 failures from each of 3 addresses reach the login-wide cap of 6.
    for (int a = 0; a < 3; ++a) {
        for (int i = 0; i < 2; ++i)
            QCOMPARE(login("famous", "wrong password", "10.0.3.1" + QByteArray::number(a)).error().code,
                     ErrorCode::Unauthenticated);
    }
    const int before = m_hasher.verifications;
    const Result<QByteArray> stranger = login("famous", "right password", "10.0.3.99");
    QCOMPARE(stranger.error().code, ErrorCode::RateLimited);
    QCOMPARE(m_hasher.verifications - before, 0);
    QVERIFY(login("famous", "right password", "10.0.3.1"));
}

void TestAccountService::signUpsAreCappedPerAddress()
{
    for (int i = 0; i < 3; ++i)
        QVERIFY(registerUser("flood" + QByteArray::number(i), "right password", "10.0.4.1"));
    const Result<QByteArray> capped = registerUser("flood9", "right password", "10.0.4.1");
    QVERIFY(!capped);
    QCOMPARE(capped.error().code, ErrorCode::RateLimited);
    QVERIFY(capped.error().retryAfterSecs > 0);
    // Another address signs up; a bad shape is answered without counting.
    QVERIFY(registerUser("flood9", "right password", "10.0.4.2"));
    QCOMPARE(registerUser("x", "right password", "10.0.4.1").error().code, ErrorCode::InvalidArgument);
}

void TestAccountService::refreshRotatesRetriesAndDetectsReuse()
{
    QVERIFY(registerUser("refresher", "right password"));
    const Result<QByteArray> first = login("refresher", "right password", "10.0.0.3");
    QVERIFY(first);
    const QByteArray r0 =
        QJsonDocument::fromJson(*first).object().value(QStringLiteral("refresh_token")).toString().toLatin1();

    const Result<QByteArray> second = refresh(r0);
    QVERIFY(second);
    const QByteArray r1 = QJsonDocument::fromJson(*second)
                              .object()
                              .value(QStringLiteral("refresh_token"))
                              .toString()
                              .toLatin1();
    QVERIFY(r1 != r0);
    // A retry right away (the answer was lost): the same pair.
    const Result<QByteArray> retried = refresh(r0);
    QVERIFY(retried);
    QCOMPARE(*retried, *second);

    const Result<QByteArray> third = refresh(r1);
    QVERIFY(third);
    const QByteArray r2 =
        QJsonDocument::fromJson(*third).object().value(QStringLiteral("refresh_token")).toString().toLatin1();
    // r0 is two rotations old: reuse. The whole session goes, r2 included.
    const Result<QByteArray> reused = refresh(r0);
    QVERIFY(!reused);
    QCOMPARE(reused.error().code, ErrorCode::Unauthenticated);
    QVERIFY(reused.error().message.contains(QStringLiteral("revoked")));
    QCOMPARE(refresh(r2).error().code, ErrorCode::Unauthenticated);

    // Malformed and forged tokens.
    QCOMPARE(refresh("garbage").error().code, ErrorCode::Unauthenticated);
    QByteArray forged = r2;
    forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
    QCOMPARE(refresh(forged).error().code, ErrorCode::Unauthenticated);
}

void TestAccountService::logoutNeedsTheCurrentToken()
{
    QVERIFY(registerUser("leaver", "right password"));
    const Result<QByteArray> first = login("leaver", "right password", "10.0.5.1");
    QVERIFY(first);
    auto refreshTokenOf = [](const QByteArray& pair) {
        return QJsonDocument::fromJson(pair)
            .object()
            .value(QStringLiteral("refresh_token"))
            .toString()
            .toLatin1();
    };
    auto logout = [this](const QByteArray& token) {
        return await([&](auto done) {
            m_accounts->logout(token, [done](Result<void> r) {
                done(r ? Result<QByteArray>(QByteArray()) : Result<QByteArray>(r.error()));
            });
        });
    };
    const QByteArray r0 = refreshTokenOf(*first);
    const Result<QByteArray> second = refresh(r0);
    QVERIFY(second);
    const QByteArray r1 = refreshTokenOf(*second);
    // The just-replaced token (within the retry window) cannot sign the session out.
    const Result<QByteArray> stale = logout(r0);
    QVERIFY(!stale);
    QCOMPARE(stale.error().code, ErrorCode::Unauthenticated);
    const Result<QByteArray> third = refresh(r1);
    QVERIFY2(third, "the session must live on");
    const QByteArray r2 = refreshTokenOf(*third);
    QVERIFY(logout(r2));
    QCOMPARE(refresh(r2).error().code, ErrorCode::Unauthenticated);
}

QTEST_GUILESS_MAIN(TestAccountService)
#include "tst_accountservice.moc"
