// Tokens for workers and scripts can be revoked one by one, on every server: against two live mmf-servers
// sharing one redis-server, a token issued through the API is listed for its project's admins, revoked by id
// (DELETE /api/v1/tokens/{id}), then refused by both servers and its WebSocket closed; only an admin of the
// token's project may revoke it; a token made by `mmf-server token issue` is revoked by
// `mmf-server token revoke --id`.
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"

#include "worker/TaskTokenCheck.h"

#include "mmf/v1/token.pb.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <memory>

using namespace mmf;

namespace {

constexpr int kWaitMs = 10000;

// The id a token carries (read without verifying it: the servers verify).
QByteArray tokenIdOf(const QByteArray& token)
{
    const std::optional<v1::TokenClaims> claims = TaskTokenCheck::unverifiedClaims(token);
    return claims ? QByteArray::fromStdString(claims->token_id()) : QByteArray();
}

QStringList listedIds(const TestHttpClient::Response& response)
{
    QStringList ids;
    for (const QJsonValue& token : response.json().value(QStringLiteral("tokens")).toArray())
        ids << token.toObject().value(QStringLiteral("token_id")).toString();
    return ids;
}

} // namespace

class TestTokenRevocation : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void anIssuedTokenIsListedThenRevokedEverywhere();
    void onlyAnAdminOfTheTokensProjectRevokesIt();
    void anOperatorTokenIsRevokedFromTheCommandLine();
    void mmfctlListsAndRevokesTokens();

private:
    // mmfctl as root against the first server: its output (both channels).
    QByteArray ctl(const QStringList& args, int* exitCode);
    // POST /api/v1/tokens as root; the answer's JSON.
    QJsonObject issue(const QString& user, const QString& project, const QStringList& methods);

    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<ServerFixture> m_first;
    std::unique_ptr<ServerFixture> m_second;
    std::unique_ptr<TestHttpClient> m_root; // the superuser, on the first server
    QByteArray m_rootToken;
};

void TestTokenRevocation::initTestCase()
{
    m_redis = std::make_unique<RedisServerFixture>(
        QStringLiteral("test-secret-%1").arg(QCoreApplication::applicationPid()));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    m_first = std::make_unique<ServerFixture>();
    QVERIFY2(m_first->start(m_redis->url()), qPrintable(m_first->errorString()));
    m_second = std::make_unique<ServerFixture>();
    QVERIFY2(m_second->start(m_redis->url()), qPrintable(m_second->errorString()));
    QVERIFY2(m_first->createAdmin(QStringLiteral("root"), "root password 1"),
             qPrintable(m_first->errorString()));
    TestHttpClient anonymous(m_first->url());
    const auto login =
        anonymous.postJson(QStringLiteral("/api/v1/auth/login"),
                           QJsonObject{{QStringLiteral("login"), QStringLiteral("root")},
                                       {QStringLiteral("password"), QStringLiteral("root password 1")}});
    QCOMPARE(login.status, 200);
    m_rootToken = login.json().value(QStringLiteral("access_token")).toString().toLatin1();
    m_root = std::make_unique<TestHttpClient>(m_first->url(), m_rootToken);
}

void TestTokenRevocation::cleanupTestCase()
{
    if (m_second)
        QCOMPARE(m_second->stop(), 0);
    if (m_first)
        QCOMPARE(m_first->stop(), 0);
}

QByteArray TestTokenRevocation::ctl(const QStringList& args, int* exitCode)
{
    QProcess ctl;
    ctl.setProcessChannelMode(QProcess::MergedChannels);
    ctl.start(ServerFixture::ctlProgram(),
              QStringList{QStringLiteral("--server"), m_first->url().toString(), QStringLiteral("--token"),
                          QString::fromLatin1(m_rootToken)} +
                  args);
    *exitCode = ctl.waitForFinished(30000) ? ctl.exitCode() : -1;
    return ctl.readAll();
}

QJsonObject TestTokenRevocation::issue(const QString& user, const QString& project,
                                       const QStringList& methods)
{
    const auto issued =
        m_root->postJson(QStringLiteral("/api/v1/tokens"),
                         QJsonObject{{QStringLiteral("user"), user},
                                     {QStringLiteral("project"), project},
                                     {QStringLiteral("methods"), QJsonArray::fromStringList(methods)},
                                     {QStringLiteral("ttl_s"), 600}});
    return issued.status == 201 ? issued.json() : QJsonObject();
}

void TestTokenRevocation::anIssuedTokenIsListedThenRevokedEverywhere()
{
    const QJsonObject issued = issue(QStringLiteral("bot"), QStringLiteral("default"),
                                     {QStringLiteral("score"), QStringLiteral("read")});
    const QByteArray token = issued.value(QStringLiteral("token")).toString().toLatin1();
    const QString id = issued.value(QStringLiteral("token_id")).toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(id).hasMatch(), qPrintable(id));
    QCOMPARE(QString::fromLatin1(tokenIdOf(token)), id); // the id is in the signed claims

    // Listed for the project's admins, with what it grants; the token itself is not.
    const auto listed = m_root->get(QStringLiteral("/api/v1/tokens?project=default"));
    QCOMPARE(listed.status, 200);
    QVERIFY(listedIds(listed).contains(id));
    QVERIFY(!listed.body.contains(token));
    for (const QJsonValue& entry : listed.json().value(QStringLiteral("tokens")).toArray()) {
        const QJsonObject object = entry.toObject();
        if (object.value(QStringLiteral("token_id")).toString() != id)
            continue;
        QCOMPARE(object.value(QStringLiteral("user")).toString(), QStringLiteral("bot"));
        QCOMPARE(object.value(QStringLiteral("methods")).toArray(),
                 (QJsonArray{QStringLiteral("score"), QStringLiteral("read")}));
        QVERIFY(!object.value(QStringLiteral("issued_by")).toString().isEmpty());
        QVERIFY(!object.value(QStringLiteral("expires_at")).toString().isEmpty());
    }

    TestHttpClient onFirst(m_first->url(), token);
    TestHttpClient onSecond(m_second->url(), token);
    QCOMPARE(onFirst.get(QStringLiteral("/api/v1/tasks?limit=1")).status, 200);
    QCOMPARE(onSecond.get(QStringLiteral("/api/v1/tasks?limit=1")).status, 200);
    TestWebSocket socket(m_second->url(), token);
    QVERIFY(socket.open());
    QVERIFY(socket.subscribeAndWait(QStringLiteral("stats"), kWaitMs));

    QCOMPARE(m_root->send("DELETE", QStringLiteral("/api/v1/tokens/") + id, QByteArray(), {}, 10000).status,
             204);
    // The server that revoked it knows at once; the other one at its next read of the revoked set.
    const auto refused = onFirst.get(QStringLiteral("/api/v1/tasks?limit=1"));
    QCOMPARE(refused.status, 401);
    QVERIFY2(refused.body.contains("this token was revoked"), refused.body.constData());
    QCOMPARE(onSecond
                 .pollUntil(
                     QStringLiteral("/api/v1/tasks?limit=1"),
                     [](const TestHttpClient::Response& r) { return r.status != 200; }, kWaitMs)
                 .status,
             401);
    QVERIFY2(socket.waitForDisconnected(kWaitMs), "a socket outlived its revoked token");
    QCOMPARE(socket.closeCode(), 1008);
    QCOMPARE(socket.closeReason(), QStringLiteral("token revoked"));

    // Gone from the list; a second revocation finds nothing.
    QVERIFY(!listedIds(m_root->get(QStringLiteral("/api/v1/tokens?project=default"))).contains(id));
    const auto again =
        m_root->send("DELETE", QStringLiteral("/api/v1/tokens/") + id, QByteArray(), {}, 10000);
    QCOMPARE(again.status, 404);
    QCOMPARE(again.errorCode(), QStringLiteral("not_found"));
}

void TestTokenRevocation::onlyAnAdminOfTheTokensProjectRevokesIt()
{
    const QByteArray otherAdmin =
        issue(QStringLiteral("boss"), QStringLiteral("other"), {QStringLiteral("admin")})
            .value(QStringLiteral("token"))
            .toString()
            .toLatin1();
    const QByteArray scorer = issue(QStringLiteral("scorer"), QStringLiteral("default"),
                                    {QStringLiteral("score"), QStringLiteral("read")})
                                  .value(QStringLiteral("token"))
                                  .toString()
                                  .toLatin1();
    const QJsonObject target =
        issue(QStringLiteral("target"), QStringLiteral("default"), {QStringLiteral("read")});
    const QString id = target.value(QStringLiteral("token_id")).toString();
    QVERIFY(!otherAdmin.isEmpty() && !scorer.isEmpty() && !id.isEmpty());

    // An admin of another project neither sees nor revokes it (as if it did not exist); without admin, 403.
    TestHttpClient boss(m_first->url(), otherAdmin);
    QVERIFY(!listedIds(boss.get(QStringLiteral("/api/v1/tokens"))).contains(id));
    QCOMPARE(boss.get(QStringLiteral("/api/v1/tokens?project=default")).status, 403);
    QCOMPARE(boss.send("DELETE", QStringLiteral("/api/v1/tokens/") + id, QByteArray(), {}, 10000).status,
             404);
    TestHttpClient plain(m_first->url(), scorer);
    QCOMPARE(plain.send("DELETE", QStringLiteral("/api/v1/tokens/") + id, QByteArray(), {}, 10000).status,
             403);
    TestHttpClient bearer(m_first->url(), target.value(QStringLiteral("token")).toString().toLatin1());
    QCOMPARE(bearer.get(QStringLiteral("/api/v1/tasks?limit=1")).status, 200); // still valid
}

void TestTokenRevocation::anOperatorTokenIsRevokedFromTheCommandLine()
{
    const QByteArray token = m_first->issueToken(QStringLiteral("operator-script"), QStringLiteral("default"),
                                                 QStringLiteral("score,read"));
    const QByteArray id = tokenIdOf(token);
    QCOMPARE(id.size(), 32);
    TestHttpClient onSecond(m_second->url(), token);
    QCOMPARE(onSecond.get(QStringLiteral("/api/v1/tasks?limit=1")).status, 200);
    QVERIFY2(m_first->revokeToken(id), qPrintable(m_first->errorString()));
    QVERIFY2(m_first->errorString().contains(QStringLiteral("revoked token ") + QString::fromLatin1(id)),
             qPrintable(m_first->errorString()));
    const auto refused = onSecond.pollUntil(
        QStringLiteral("/api/v1/tasks?limit=1"),
        [](const TestHttpClient::Response& r) { return r.status != 200; }, kWaitMs);
    QCOMPARE(refused.status, 401);
    QVERIFY2(refused.body.contains("this token was revoked"), refused.body.constData());
    // A token issued through the API, revoked from the command line: refused, and no longer listed.
    const QJsonObject issued =
        issue(QStringLiteral("api-bot"), QStringLiteral("default"), {QStringLiteral("read")});
    const QString apiId = issued.value(QStringLiteral("token_id")).toString();
    QVERIFY(listedIds(m_root->get(QStringLiteral("/api/v1/tokens"))).contains(apiId));
    QVERIFY2(m_first->revokeToken(apiId.toLatin1()), qPrintable(m_first->errorString()));
    QVERIFY2(m_first->errorString().contains(QStringLiteral("(until it expires)")),
             qPrintable(m_first->errorString()));
    QVERIFY(!listedIds(m_root->get(QStringLiteral("/api/v1/tokens"))).contains(apiId));
    TestHttpClient apiBearer(m_second->url(), issued.value(QStringLiteral("token")).toString().toLatin1());
    QCOMPARE(apiBearer
                 .pollUntil(
                     QStringLiteral("/api/v1/tasks?limit=1"),
                     [](const TestHttpClient::Response& r) { return r.status != 200; }, kWaitMs)
                 .status,
             401);
    // A malformed id is a usage error that names the option.
    QVERIFY(!m_first->revokeToken("not-an-id"));
    QVERIFY2(m_first->errorString().contains(QStringLiteral("--id")), qPrintable(m_first->errorString()));
}

void TestTokenRevocation::mmfctlListsAndRevokesTokens()
{
    int code = -1;
    const QByteArray issued =
        ctl({QStringLiteral("token"), QStringLiteral("issue"), QStringLiteral("--user"),
             QStringLiteral("ctl-bot"), QStringLiteral("--methods"), QStringLiteral("read")},
            &code);
    QCOMPARE(code, 0);
    const QByteArray token = issued.trimmed().split('\n').last();
    const QByteArray id = tokenIdOf(token);
    QCOMPARE(id.size(), 32);
    const QByteArray listed = ctl({QStringLiteral("token"), QStringLiteral("list")}, &code);
    QCOMPARE(code, 0);
    QVERIFY2(listed.startsWith("ID") && listed.contains(id) && listed.contains("ctl-bot"),
             listed.constData());
    const QByteArray revoked =
        ctl({QStringLiteral("token"), QStringLiteral("revoke"), QString::fromLatin1(id)}, &code);
    QCOMPARE(code, 0);
    QCOMPARE(revoked.trimmed(), "revoked " + id);
    TestHttpClient bearer(m_first->url(), token);
    QCOMPARE(bearer.get(QStringLiteral("/api/v1/tasks?limit=1")).status, 401);
    QVERIFY(!ctl({QStringLiteral("token"), QStringLiteral("list")}, &code).contains(id));
    // Revoking it again: the server's 404, as mmfctl's error and exit code.
    const QByteArray again =
        ctl({QStringLiteral("token"), QStringLiteral("revoke"), QString::fromLatin1(id)}, &code);
    QVERIFY2(code != 0 && again.contains("not_found"), again.constData());
}

QTEST_MAIN(TestTokenRevocation)
#include "tst_tokenrevocation.moc"
