// Accounts end to end on a real server (embedded Redis) and a real echo worker: register, login, refresh with
// rotation and reuse detection, throttling, the operator's first admin, projects and isolation, key rotation,
// and forged or malformed tokens.
#include "RawWebSocketClient.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include "auth/Base64Url.h"
#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "core/Clock.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace mmf;

namespace {

// A valid token for `user` in project default, signed by a key no server has published.
QByteArray signedByAnUnknownKey(const char* user, const char* method)
{
    v1::TokenClaims claims;
    claims.set_user_id(user);
    claims.set_project_id("default");
    claims.add_methods(method);
    claims.set_iat(QDateTime::currentSecsSinceEpoch());
    claims.set_exp(QDateTime::currentSecsSinceEpoch() + 600);
    return issueToken(SigningKey::generate(), claims);
}

} // namespace

class TestAccounts : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void registerLoginRefresh();
    void badRegistrationsNameTheField_data();
    void badRegistrationsNameTheField();
    void unknownLoginAndWrongPasswordLookTheSame();
    void repeatedFailuresPerLoginGet429();
    void projectsMembersAndIsolation();
    void tokenAttacksAreRefused_data();
    void tokenAttacksAreRefused();
    void aWebSocketWithAnUnknownKeyIsToldToTryAgain();
    void megabyteAuthorizationHeaderIsRefusedUnread();
    void ctlLoginKeepsAndRefreshesASession();
    void keyRotationKeepsOldTokensForTheGrace();
    void repeatedFailuresPerAddressGet429(); // last: it blocks this address

private:
    QJsonObject login(const QString& login, const QByteArray& password, const QString& project = {});
    QByteArray signWithServerKey(const std::function<void(v1::TokenClaims&)>& edit) const;

    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<TestHttpClient> m_anonymous;
    std::unique_ptr<WorkerFixture> m_echo;
    SystemClock m_clock;
};

void TestAccounts::initTestCase()
{
    m_server = std::make_unique<ServerFixture>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_anonymous = std::make_unique<TestHttpClient>(m_server->url());
    QVERIFY2(m_server->createAdmin(QStringLiteral("root"), "root password 1"),
             qPrintable(m_server->errorString()));
    m_echo = std::make_unique<WorkerFixture>(
        QStringLiteral("echo"), m_server->url(),
        m_server->issueToken(QStringLiteral("operator"), QStringLiteral("default"), QStringLiteral("serve")));
    QVERIFY(m_echo->start());
    QVERIFY2(m_echo->waitForReady(), m_echo->output().constData());
}

void TestAccounts::cleanupTestCase()
{
    m_echo.reset();
    m_server.reset();
}

QJsonObject TestAccounts::login(const QString& login, const QByteArray& password, const QString& project)
{
    QJsonObject body{{QStringLiteral("login"), login},
                     {QStringLiteral("password"), QString::fromUtf8(password)}};
    if (!project.isEmpty())
        body.insert(QStringLiteral("project"), project);
    const auto response = m_anonymous->postJson(QStringLiteral("/api/v1/auth/login"), body);
    return response.status == 200 ? response.json() : QJsonObject();
}

QByteArray TestAccounts::signWithServerKey(const std::function<void(v1::TokenClaims&)>& edit) const
{
    Result<SigningKey> key = SigningKey::load(m_server->dataDir() + QStringLiteral("/keys/signing.key"));
    if (!key)
        return {};
    v1::TokenClaims claims;
    claims.set_user_id("forger");
    claims.set_project_id("default");
    claims.add_methods("score");
    claims.add_methods("read");
    claims.set_iat(m_clock.nowSecs());
    claims.set_exp(m_clock.nowSecs() + 600);
    edit(claims);
    return issueToken(*key, claims);
}

void TestAccounts::registerLoginRefresh()
{
    const auto created =
        m_anonymous->postJson(QStringLiteral("/api/v1/auth/register"),
                              QJsonObject{{QStringLiteral("login"), QStringLiteral("alice")},
                                          {QStringLiteral("password"), QStringLiteral("alice password")}});
    QCOMPARE(created.status, 201);
    QVERIFY(!created.json().value(QStringLiteral("user_id")).toString().isEmpty());
    const auto taken =
        m_anonymous->postJson(QStringLiteral("/api/v1/auth/register"),
                              QJsonObject{{QStringLiteral("login"), QStringLiteral("ALICE")},
                                          {QStringLiteral("password"), QStringLiteral("other password")}});
    QCOMPARE(taken.status, 409);
    QCOMPARE(taken.errorCode(), QStringLiteral("conflict"));

    const QJsonObject pair = login(QStringLiteral("alice"), "alice password");
    QCOMPARE(pair.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QVERIFY(
        QDateTime::fromString(pair.value(QStringLiteral("expires_at")).toString(), Qt::ISODate).isValid());
    const QByteArray access = pair.value(QStringLiteral("access_token")).toString().toLatin1();
    const QByteArray r0 = pair.value(QStringLiteral("refresh_token")).toString().toLatin1();
    TestHttpClient alice(m_server->url(), access);
    QCOMPARE(alice.get(QStringLiteral("/api/v1/tasks")).status, 200);
    // A new user can score and read in the default project, not serve or administer.
    QCOMPARE(alice.postJson(QStringLiteral("/api/v1/tokens"), QJsonObject{}).status, 403);
    const auto done = alice.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                                     QJsonObject{{QStringLiteral("text"), QStringLiteral("hi")}});
    QCOMPARE(done.status, 200);
    QCOMPARE(done.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));

    auto refresh = [this](const QByteArray& token) {
        return m_anonymous->postJson(
            QStringLiteral("/api/v1/auth/refresh"),
            QJsonObject{{QStringLiteral("refresh_token"), QString::fromLatin1(token)}});
    };
    const auto first = refresh(r0);
    QCOMPARE(first.status, 200);
    const QByteArray r1 = first.json().value(QStringLiteral("refresh_token")).toString().toLatin1();
    QVERIFY(!r1.isEmpty() && r1 != r0);
    // The same token again at once (a lost answer): the same new pair.
    const auto retry = refresh(r0);
    QCOMPARE(retry.status, 200);
    QCOMPARE(retry.json(), first.json());
    const auto second = refresh(r1);
    QCOMPARE(second.status, 200);
    const QByteArray r2 = second.json().value(QStringLiteral("refresh_token")).toString().toLatin1();
    // r0 again, now two rotations old: reuse revokes the whole session.
    const auto reused = refresh(r0);
    QCOMPARE(reused.status, 401);
    QVERIFY(reused.json()
                .value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("revoked")));
    QCOMPARE(refresh(r2).status, 401);
    // Other sessions of the user live on.
    const QJsonObject other = login(QStringLiteral("alice"), "alice password");
    QVERIFY(!other.isEmpty());
    // Sign-out ends a session: its refresh token no longer works. A forged or unknown token changes nothing.
    const QByteArray otherRefresh = other.value(QStringLiteral("refresh_token")).toString().toLatin1();
    QByteArray forged = otherRefresh;
    forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
    auto logout = [this](const QByteArray& token) {
        return m_anonymous->postJson(
            QStringLiteral("/api/v1/auth/logout"),
            QJsonObject{{QStringLiteral("refresh_token"), QString::fromLatin1(token)}});
    };
    QCOMPARE(logout(forged).status, 204);
    const auto stillThere = refresh(otherRefresh);
    QCOMPARE(stillThere.status, 200);
    const QByteArray latest = stillThere.json().value(QStringLiteral("refresh_token")).toString().toLatin1();
    QCOMPARE(logout(latest).status, 204);
    QCOMPARE(refresh(latest).status, 401);
    QCOMPARE(logout(latest).status, 204);
    QCOMPARE(m_anonymous->post(QStringLiteral("/api/v1/auth/logout"), "{}").status, 400);
}

void TestAccounts::badRegistrationsNameTheField_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");
    QTest::newRow("short login") << QByteArray(R"({"login":"ab","password":"0123456789"})") << "login";
    QTest::newRow("login with a space")
        << QByteArray(R"({"login":"a b c","password":"0123456789"})") << "login";
    QTest::newRow("short password") << QByteArray(R"({"login":"shorty","password":"123456789"})")
                                    << "password";
    QTest::newRow("login a number") << QByteArray(R"({"login":12345,"password":"0123456789"})") << "login";
    QTest::newRow("password missing") << QByteArray(R"({"login":"nopass"})") << "password";
    QTest::newRow("not JSON") << QByteArray("{login: alice") << QString();
    QTest::newRow("an array") << QByteArray("[]") << QString();
}

void TestAccounts::badRegistrationsNameTheField()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    const auto response = m_anonymous->post(QStringLiteral("/api/v1/auth/register"), body);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.errorCode(), QStringLiteral("invalid_argument"));
    if (!field.isEmpty())
        QCOMPARE(response.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("field"))
                     .toString(),
                 field);
}

void TestAccounts::unknownLoginAndWrongPasswordLookTheSame()
{
    const auto wrong =
        m_anonymous->postJson(QStringLiteral("/api/v1/auth/login"),
                              QJsonObject{{QStringLiteral("login"), QStringLiteral("root")},
                                          {QStringLiteral("password"), QStringLiteral("not the password")}});
    const auto unknown =
        m_anonymous->postJson(QStringLiteral("/api/v1/auth/login"),
                              QJsonObject{{QStringLiteral("login"), QStringLiteral("nobody")},
                                          {QStringLiteral("password"), QStringLiteral("not the password")}});
    QCOMPARE(wrong.status, 401);
    QCOMPARE(unknown.status, 401);
    QCOMPARE(unknown.body, wrong.body);
}

void TestAccounts::repeatedFailuresPerLoginGet429()
{
    QCOMPARE(m_anonymous
                 ->postJson(QStringLiteral("/api/v1/auth/register"),
                            QJsonObject{{QStringLiteral("login"), QStringLiteral("victim")},
                                        {QStringLiteral("password"), QStringLiteral("victim password")}})
                 .status,
             201);
    const QJsonObject wrong{{QStringLiteral("login"), QStringLiteral("victim")},
                            {QStringLiteral("password"), QStringLiteral("guess guess guess")}};
    for (int i = 0; i < 5; ++i)
        QCOMPARE(m_anonymous->postJson(QStringLiteral("/api/v1/auth/login"), wrong).status, 401);
    const auto limited =
        m_anonymous->postJson(QStringLiteral("/api/v1/auth/login"),
                              QJsonObject{{QStringLiteral("login"), QStringLiteral("victim")},
                                          {QStringLiteral("password"), QStringLiteral("victim password")}});
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("rate_limited"));
    QVERIFY(limited.header("Retry-After").toInt() > 0);
}

void TestAccounts::projectsMembersAndIsolation()
{
    const QJsonObject rootPair = login(QStringLiteral("root"), "root password 1");
    QVERIFY(!rootPair.isEmpty());
    TestHttpClient root(m_server->url(),
                        rootPair.value(QStringLiteral("access_token")).toString().toLatin1());
    QCOMPARE(m_anonymous
                 ->postJson(QStringLiteral("/api/v1/auth/register"),
                            QJsonObject{{QStringLiteral("login"), QStringLiteral("vic")},
                                        {QStringLiteral("password"), QStringLiteral("vic password")}})
                 .status,
             201);
    // Only an admin manages members; a task token or a plain user cannot.
    TestHttpClient vicDefault(m_server->url(), login(QStringLiteral("vic"), "vic password")
                                                   .value(QStringLiteral("access_token"))
                                                   .toString()
                                                   .toLatin1());
    const QByteArray methods = R"({"methods":["score","read"]})";
    QCOMPARE(vicDefault.send("PUT", QStringLiteral("/api/v1/projects/vision/members/vic"), methods, {}, 10000)
                 .status,
             403);
    const auto put =
        root.send("PUT", QStringLiteral("/api/v1/projects/vision/members/vic"), methods, {}, 10000);
    QCOMPARE(put.status, 200);
    QCOMPARE(put.json().value(QStringLiteral("project")).toString(), QStringLiteral("vision"));
    QCOMPARE(
        root.send("PUT", QStringLiteral("/api/v1/projects/vision/members/nobody"), methods, {}, 10000).status,
        404);
    QCOMPARE(
        root.send("PUT", QStringLiteral("/api/v1/projects/Bad*Name/members/vic"), methods, {}, 10000).status,
        400);
    QCOMPARE(root.send("PUT", QStringLiteral("/api/v1/projects/vision/members/vic"), R"({"methods":["fly"]})",
                       {}, 10000)
                 .status,
             400);

    const QJsonObject vision = login(QStringLiteral("vic"), "vic password", QStringLiteral("vision"));
    QCOMPARE(vision.value(QStringLiteral("project")).toString(), QStringLiteral("vision"));
    TestHttpClient vic(m_server->url(), vision.value(QStringLiteral("access_token")).toString().toLatin1());
    // echo belongs to the default project: another project's model is 403.
    const auto crossProject = vic.postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                                           QJsonObject{{QStringLiteral("text"), QStringLiteral("x")}});
    QCOMPARE(crossProject.status, 403);
    QCOMPARE(crossProject.errorCode(), QStringLiteral("permission_denied"));
    // The user's own task is theirs alone: another user gets 404.
    const auto own = vicDefault.postJson(QStringLiteral("/api/v1/models/echo/tasks"),
                                         QJsonObject{{QStringLiteral("text"), QStringLiteral("mine")}});
    QCOMPARE(own.status, 202);
    const QString taskId = own.json().value(QStringLiteral("task_id")).toString();
    TestHttpClient alice(m_server->url(), login(QStringLiteral("alice"), "alice password")
                                              .value(QStringLiteral("access_token"))
                                              .toString()
                                              .toLatin1());
    QCOMPARE(alice.get(QStringLiteral("/api/v1/tasks/") + taskId).status, 404);
    QCOMPARE(root.get(QStringLiteral("/api/v1/tasks/") + taskId).status, 200);

    const auto mine = vic.get(QStringLiteral("/api/v1/projects"));
    QCOMPARE(mine.status, 200);
    QStringList names;
    for (const QJsonValue& p : mine.json().value(QStringLiteral("projects")).toArray())
        names << p.toObject().value(QStringLiteral("name")).toString();
    QCOMPARE(names, (QStringList{QStringLiteral("default"), QStringLiteral("vision")}));
    const auto all = root.get(QStringLiteral("/api/v1/projects"));
    QCOMPARE(all.json().value(QStringLiteral("projects")).toArray().size(), 2);

    QCOMPARE(root.send("DELETE", QStringLiteral("/api/v1/projects/vision/members/vic"), {}, {}, 10000).status,
             204);
    QCOMPARE(root.send("DELETE", QStringLiteral("/api/v1/projects/vision/members/vic"), {}, {}, 10000).status,
             404);
    const auto gone =
        m_anonymous->postJson(QStringLiteral("/api/v1/auth/login"),
                              QJsonObject{{QStringLiteral("login"), QStringLiteral("vic")},
                                          {QStringLiteral("password"), QStringLiteral("vic password")},
                                          {QStringLiteral("project"), QStringLiteral("vision")}});
    QCOMPARE(gone.status, 403);
}

void TestAccounts::tokenAttacksAreRefused_data()
{
    QTest::addColumn<QByteArray>("token");
    const QByteArray good = signWithServerKey([](v1::TokenClaims&) {});
    QVERIFY(!good.isEmpty());
    const qsizetype dot = good.indexOf('.');
    auto flip = [](QByteArray token, qsizetype at) {
        token[at] = token[at] == 'A' ? 'Q' : 'A';
        return token;
    };
    QTest::newRow("flipped bit in the claims") << flip(good, 3);
    QTest::newRow("flipped bit in the signature") << flip(good, dot + 5);
    QTest::newRow("truncated") << good.left(good.size() - 4);
    QTest::newRow("extra bytes") << good + "AAAA";
    QTest::newRow("no signature") << good.left(dot + 1);
    QTest::newRow("unknown key id") << signedByAnUnknownKey("forger", "admin");
    QTest::newRow("expired") << signWithServerKey([this](v1::TokenClaims& c) {
        c.set_iat(m_clock.nowSecs() - 600);
        c.set_exp(m_clock.nowSecs() - 300);
    });
    QTest::newRow("issued in the future") << signWithServerKey([this](v1::TokenClaims& c) {
        c.set_iat(m_clock.nowSecs() + 3600);
        c.set_exp(m_clock.nowSecs() + 7200);
    });
    QByteArray standardAlphabet = good;
    standardAlphabet.replace('-', '+').replace('_', '/');
    if (standardAlphabet == good)
        standardAlphabet[2] = '+';
    QTest::newRow("standard base64 alphabet") << standardAlphabet;
    QTest::newRow("base64 padding") << good.left(dot) + "==." + good.mid(dot + 1);
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("7 KB of letters") << QByteArray(7000, 'A');
}

void TestAccounts::tokenAttacksAreRefused()
{
    QFETCH(QByteArray, token);
    TestHttpClient client(m_server->url());
    auto response = client.get(QStringLiteral("/api/v1/tasks"), {{"Authorization", "Bearer " + token}});
    if (QByteArrayView(QTest::currentDataTag()) == "unknown key id") {
        // The key may be another server's new one: "try again" while the keys are read again, then 401.
        QCOMPARE(response.status, 503);
        QCOMPARE(response.errorCode(), QStringLiteral("unavailable"));
        QVERIFY(!response.header("Retry-After").isEmpty());
        QDeadlineTimer deadline(10000);
        while (response.status == 503 && !deadline.hasExpired())
            response = client.get(QStringLiteral("/api/v1/tasks"), {{"Authorization", "Bearer " + token}});
    }
    QCOMPARE(response.status, 401);
    QCOMPARE(response.errorCode(), QStringLiteral("unauthenticated"));
    QCOMPARE(m_anonymous->get(QStringLiteral("/healthz")).status, 200);
}

void TestAccounts::aWebSocketWithAnUnknownKeyIsToldToTryAgain()
{
    const QByteArray token = signedByAnUnknownKey("newcomer", "read");
    // The close code the server sends after the handshake (read raw: Qt 6.4's client reports 1013 as 1002).
    const auto closeCode = [this, &token] {
        RawWebSocketClient client(QHostAddress::LocalHost);
        return client.upgrade(m_server->port(), token) && client.waitClosed() ? client.closeCode() : 0;
    };
    // First "try again later" (1013) while the server reads the keys again...
    QCOMPARE(closeCode(), 1013);
    // ...then, the key not found, a refusal (1008).
    QDeadlineTimer deadline(10000);
    int code = 1013;
    while (code == 1013 && !deadline.hasExpired())
        code = closeCode();
    QCOMPARE(code, 1008);
}

void TestAccounts::megabyteAuthorizationHeaderIsRefusedUnread()
{
    // Refused by the header limits before any token code runs: 431 (a header this size is not a token to
    // judge), the connection closed, the server unharmed.
    TestHttpClient client(m_server->url());
    const auto response = client.get(QStringLiteral("/api/v1/tasks"),
                                     {{"Authorization", "Bearer " + QByteArray(1 << 20, 'A')}});
    QCOMPARE(response.status, 431);
    QCOMPARE(m_anonymous->get(QStringLiteral("/healthz")).status, 200);
}

void TestAccounts::ctlLoginKeepsAndRefreshesASession()
{
    QTemporaryDir home;
    const QString sessionPath = home.filePath(QStringLiteral("session.json"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MMF_SESSION_FILE"), sessionPath);
    env.remove(QStringLiteral("MMF_TOKEN"));
    env.insert(QStringLiteral("MMF_SERVER"), m_server->url().toString());
    auto ctl = [&](const QStringList& args, const QByteArray& input = {}) {
        QProcess process;
        process.setProcessEnvironment(env);
        process.start(ServerFixture::ctlProgram(), args);
        process.write(input);
        process.closeWriteChannel();
        process.waitForFinished(30000);
        return std::make_pair(process.exitCode(),
                              process.readAllStandardOutput() + process.readAllStandardError());
    };
    const auto wrong = ctl({QStringLiteral("login"), QStringLiteral("alice")}, "not her password\n");
    QCOMPARE(wrong.first, 1);
    QVERIFY(!QFile::exists(sessionPath));
    const auto signedIn = ctl({QStringLiteral("login"), QStringLiteral("alice")}, "alice password\n");
    QVERIFY2(signedIn.first == 0, signedIn.second.constData());
    QVERIFY(signedIn.second.contains("alice"));
    QVERIFY(!signedIn.second.contains("alice password"));
    QCOMPARE(QFile::permissions(sessionPath) & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    const auto listed = ctl({QStringLiteral("list")});
    QVERIFY2(listed.first == 0, listed.second.constData());

    // An expired access token is refreshed silently, and the rotated refresh token is saved.
    QFile file(sessionPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonObject saved = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    const QString oldRefresh = saved.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!oldRefresh.isEmpty());
    saved.insert(QStringLiteral("expires_at"), QStringLiteral("2000-01-01T00:00:00Z"));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(saved).toJson());
    file.close();
    const auto refreshed = ctl({QStringLiteral("list")});
    QVERIFY2(refreshed.first == 0, refreshed.second.constData());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject after = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    QVERIFY(after.value(QStringLiteral("refresh_token")).toString() != oldRefresh);
    QVERIFY(QDateTime::fromString(after.value(QStringLiteral("expires_at")).toString(), Qt::ISODate) >
            QDateTime::currentDateTimeUtc());

    const QString lastRefresh = after.value(QStringLiteral("refresh_token")).toString();
    QCOMPARE(ctl({QStringLiteral("logout")}).first, 0);
    QVERIFY(!QFile::exists(sessionPath));
    // The server ended the session as well.
    QCOMPARE(m_anonymous
                 ->postJson(QStringLiteral("/api/v1/auth/refresh"),
                            QJsonObject{{QStringLiteral("refresh_token"), lastRefresh}})
                 .status,
             401);
}

void TestAccounts::keyRotationKeepsOldTokensForTheGrace()
{
    const QByteArray oldToken = m_server->issueToken(QStringLiteral("rotor"), QStringLiteral("default"),
                                                     QStringLiteral("score,read"));
    TestHttpClient old(m_server->url(), oldToken);
    QCOMPARE(old.get(QStringLiteral("/api/v1/tasks")).status, 200);

    const QByteArray newKeyId = m_server->rotateKeys(4);
    QVERIFY2(!newKeyId.isEmpty(), qPrintable(m_server->errorString()));
    const auto both =
        m_anonymous->pollUntil(QStringLiteral("/api/v1/keys"), [&](const TestHttpClient::Response& r) {
            return r.json().value(QStringLiteral("keys")).toArray().size() == 2;
        });
    QCOMPARE(both.json().value(QStringLiteral("keys")).toArray().size(), 2);
    // The server signs with the new key now; the old token still works during the grace.
    const QJsonObject pair = login(QStringLiteral("root"), "root password 1");
    const QByteArray fresh = pair.value(QStringLiteral("access_token")).toString().toLatin1();
    TestHttpClient root(m_server->url(), fresh);
    QCOMPARE(old.get(QStringLiteral("/api/v1/tasks")).status, 200);
    // Workers learn the new key: a task (with a task token of the new key) still runs.
    const auto served =
        root.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                      QJsonObject{{QStringLiteral("text"), QStringLiteral("after rotation")}});
    QCOMPARE(served.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    // After the grace the old key is dropped everywhere.
    const auto dropped = old.pollUntil(
        QStringLiteral("/api/v1/tasks"), [](const TestHttpClient::Response& r) { return r.status == 401; },
        20000);
    QCOMPARE(dropped.status, 401);
    const auto one =
        m_anonymous->pollUntil(QStringLiteral("/api/v1/keys"), [&](const TestHttpClient::Response& r) {
            return r.json().value(QStringLiteral("keys")).toArray().size() == 1;
        });
    const QJsonArray keys = one.json().value(QStringLiteral("keys")).toArray();
    QCOMPARE(keys.size(), 1);
    QCOMPARE(keys.first().toObject().value(QStringLiteral("key_id")).toString().toLatin1(), newKeyId);
    QCOMPARE(root.get(QStringLiteral("/api/v1/tasks")).status, 200);
}

void TestAccounts::repeatedFailuresPerAddressGet429()
{
    // 20 failures from one address, each on another login, then even a right password from there waits.
    for (int i = 0; i < 20; ++i) {
        const auto r = m_anonymous->postJson(
            QStringLiteral("/api/v1/auth/login"),
            QJsonObject{{QStringLiteral("login"), QStringLiteral("spray%1").arg(i)},
                        {QStringLiteral("password"), QStringLiteral("password spray")}});
        if (r.status == 429)
            break; // earlier tests' failures count too
        QCOMPARE(r.status, 401);
    }
    const auto limited =
        m_anonymous->postJson(QStringLiteral("/api/v1/auth/login"),
                              QJsonObject{{QStringLiteral("login"), QStringLiteral("root")},
                                          {QStringLiteral("password"), QStringLiteral("root password 1")}});
    QCOMPARE(limited.status, 429);
    QVERIFY(limited.header("Retry-After").toInt() > 0);
}

QTEST_GUILESS_MAIN(TestAccounts)
#include "tst_accounts.moc"
