// A WebSocket's claims are not trusted once: against two live mmf-servers sharing one redis-server, a socket
// is closed when its token expires (and a fresh token for the same user extends it), when its user is
// removed from the project or loses `read` (changed through the other server), and a re-subscribe is refused
// after that; the `stats` topic shows the caller's project's models only, as GET /api/v1/models does.
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"

#include <QJsonArray>
#include <QTest>

#include <memory>

using namespace mmf;

namespace {

constexpr int kWaitMs = 10000;

bool isType(const QJsonObject& message, const char* type)
{
    return message.value(QStringLiteral("type")).toString() == QLatin1String(type);
}

QStringList modelNames(const QJsonObject& stats)
{
    QStringList names;
    for (const QJsonValue& entry : stats.value(QStringLiteral("models")).toArray())
        names << entry.toObject().value(QStringLiteral("name")).toString();
    return names;
}

} // namespace

class TestWebSocketClaims : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void expiredTokenClosesTheSocket();
    void freshTokenForTheSameUserExtendsTheSocket();
    void removedMemberLosesTheSocket();
    void withdrawnReadClosesTheSocket();
    void statsShowTheCallersProjectOnly();

private:
    // A registered user in the default project; returns an access token.
    QByteArray registerUser(const QString& login);

    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<ServerFixture> m_first;
    std::unique_ptr<ServerFixture> m_second;
    std::unique_ptr<TestHttpClient> m_root; // the superuser, on the first server
    QByteArray m_rootToken;
    std::unique_ptr<WorkerFixture> m_echo;
};

void TestWebSocketClaims::initTestCase()
{
    m_redis = std::make_unique<RedisServerFixture>(
        QStringLiteral("test-secret-%1").arg(QCoreApplication::applicationPid()));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    const QStringList args{QStringLiteral("--ws-access-recheck"), QStringLiteral("0.3")};
    m_first = std::make_unique<ServerFixture>(args);
    QVERIFY2(m_first->start(m_redis->url()), qPrintable(m_first->errorString()));
    m_second = std::make_unique<ServerFixture>(args);
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
    m_echo = std::make_unique<WorkerFixture>(
        QStringLiteral("echo"), m_first->url(),
        m_first->issueToken(QStringLiteral("operator"), QStringLiteral("default"), QStringLiteral("serve")));
    QVERIFY(m_echo->start());
    QVERIFY2(m_echo->waitForReady(), m_echo->output().right(2000).constData());
}

void TestWebSocketClaims::cleanupTestCase()
{
    m_echo.reset();
    if (m_second)
        QCOMPARE(m_second->stop(), 0);
    if (m_first)
        QCOMPARE(m_first->stop(), 0);
}

QByteArray TestWebSocketClaims::registerUser(const QString& login)
{
    TestHttpClient anonymous(m_first->url());
    const QJsonObject credentials{{QStringLiteral("login"), login},
                                  {QStringLiteral("password"), login + QStringLiteral(" password")}};
    if (anonymous.postJson(QStringLiteral("/api/v1/auth/register"), credentials).status != 201)
        return {};
    const auto pair = anonymous.postJson(QStringLiteral("/api/v1/auth/login"), credentials);
    return pair.json().value(QStringLiteral("access_token")).toString().toLatin1();
}

void TestWebSocketClaims::expiredTokenClosesTheSocket()
{
    const QByteArray shortLived =
        m_first->issueToken(QStringLiteral("dave"), QStringLiteral("default"), QStringLiteral("read"), 3);
    QVERIFY(!shortLived.isEmpty());
    TestWebSocket socket(m_first->url(), shortLived);
    QVERIFY(socket.open());
    socket.subscribe(QStringLiteral("stats"));
    QVERIFY(!socket.waitFor([](const QJsonObject& m) { return isType(m, "stats"); }, kWaitMs).isEmpty());
    QVERIFY2(socket.waitForDisconnected(kWaitMs), "a socket outlived its token");
    QCOMPARE(socket.closeCode(), 1008);
    QCOMPARE(socket.closeReason(), QStringLiteral("token expired"));

    // The same token can no longer open one either.
    TestWebSocket again(m_first->url(), shortLived);
    if (again.open(2000))
        QVERIFY(again.waitForDisconnected(kWaitMs));
    QCOMPARE(again.closeCode(), 1008);
}

void TestWebSocketClaims::freshTokenForTheSameUserExtendsTheSocket()
{
    const QByteArray shortLived =
        m_first->issueToken(QStringLiteral("frank"), QStringLiteral("default"), QStringLiteral("read"), 3);
    const QByteArray fresh =
        m_first->issueToken(QStringLiteral("frank"), QStringLiteral("default"), QStringLiteral("read"), 3600);
    const QByteArray someoneElse =
        m_first->issueToken(QStringLiteral("grace"), QStringLiteral("default"), QStringLiteral("read"), 3600);
    TestWebSocket socket(m_first->url(), shortLived);
    QVERIFY(socket.open());
    // Another user's token is refused: the socket keeps its user.
    socket.sendJson(QJsonObject{{QStringLiteral("op"), QStringLiteral("auth")},
                                {QStringLiteral("token"), QString::fromLatin1(someoneElse)}});
    const QJsonObject refused =
        socket.waitFor([](const QJsonObject& m) { return isType(m, "error"); }, kWaitMs);
    QCOMPARE(refused.value(QStringLiteral("code")).toString(), QStringLiteral("invalid_argument"));
    socket.sendJson(QJsonObject{{QStringLiteral("op"), QStringLiteral("auth")},
                                {QStringLiteral("token"), QString::fromLatin1(fresh)}});
    QVERIFY(
        !socket.waitFor([](const QJsonObject& m) { return isType(m, "authenticated"); }, kWaitMs).isEmpty());
    socket.subscribe(QStringLiteral("stats"));
    // Past the first token's expiry (3 s) the socket still streams.
    QVERIFY(!socket.waitFor([](const QJsonObject& m) { return isType(m, "stats"); }, kWaitMs).isEmpty());
    QTest::qWait(4500);
    QVERIFY(socket.isConnected());
    const qsizetype seen = socket.messages().size();
    QTRY_VERIFY_WITH_TIMEOUT(socket.messages().size() > seen, kWaitMs);
}

void TestWebSocketClaims::removedMemberLosesTheSocket()
{
    const QByteArray carol = registerUser(QStringLiteral("carol"));
    QVERIFY(!carol.isEmpty());
    // On the second server; the membership changes through the first.
    TestWebSocket socket(m_second->url(), carol);
    QVERIFY(socket.open());
    QVERIFY(socket.subscribeAndWait(QStringLiteral("model/echo"), kWaitMs));

    const auto removed =
        m_root->send("DELETE", QStringLiteral("/api/v1/projects/default/members/carol"), {}, {}, kWaitMs);
    QCOMPARE(removed.status, 204);
    QVERIFY2(socket.waitForDisconnected(kWaitMs), "a removed member's socket kept streaming");
    QCOMPARE(socket.closeCode(), 1008);
    QVERIFY2(socket.closeReason().contains(QStringLiteral("no longer a member of project 'default'")),
             qPrintable(socket.closeReason()));

    // Her token has not expired, but a new socket cannot subscribe.
    TestWebSocket again(m_second->url(), carol);
    QVERIFY(again.open());
    again.subscribe(QStringLiteral("stats"));
    QVERIFY(again.waitForDisconnected(kWaitMs));
    QCOMPARE(again.closeCode(), 1008);
    QVERIFY(again.waitFor([](const QJsonObject& m) { return isType(m, "subscribed"); }, 100).isEmpty());
}

void TestWebSocketClaims::withdrawnReadClosesTheSocket()
{
    const QByteArray erin = registerUser(QStringLiteral("erin"));
    QVERIFY(!erin.isEmpty());
    TestWebSocket socket(m_second->url(), erin);
    QVERIFY(socket.open());
    QVERIFY(socket.subscribeAndWait(QStringLiteral("stats"), kWaitMs));

    const auto changed =
        m_root->send("PUT", QStringLiteral("/api/v1/projects/default/members/erin"),
                     R"({"methods":["score"]})", {{"Content-Type", "application/json"}}, kWaitMs);
    QCOMPARE(changed.status, 200);
    QVERIFY2(socket.waitForDisconnected(kWaitMs), "a socket kept streaming after 'read' was withdrawn");
    QCOMPARE(socket.closeCode(), 1008);
    QVERIFY2(socket.closeReason().contains(QStringLiteral("'read'")), qPrintable(socket.closeReason()));
}

void TestWebSocketClaims::statsShowTheCallersProjectOnly()
{
    WorkerFixture other(
        QStringLiteral("calc"), m_first->url(),
        m_first->issueToken(QStringLiteral("operator"), QStringLiteral("other"), QStringLiteral("serve")));
    QVERIFY(other.start());
    QVERIFY2(other.waitForReady(), other.output().right(2000).constData());

    TestWebSocket all(m_first->url(), m_rootToken); // a superuser sees every project's models
    QVERIFY(all.open());
    all.subscribe(QStringLiteral("stats"));
    const QJsonObject both = all.waitFor(
        [](const QJsonObject& m) {
            const QStringList names = modelNames(m);
            return isType(m, "stats") && names.contains(QStringLiteral("echo")) &&
                   names.contains(QStringLiteral("calc"));
        },
        20000);
    QVERIFY2(!both.isEmpty(), "the superuser's stats never showed both models");

    // An admin of the default project sees its own project's models only, like any member.
    const QByteArray admin =
        m_first->issueToken(QStringLiteral("boss"), QStringLiteral("default"), QStringLiteral("read,admin"));
    TestWebSocket projectAdmin(m_first->url(), admin);
    QVERIFY(projectAdmin.open());
    projectAdmin.subscribe(QStringLiteral("stats"));
    const QJsonObject adminStats = projectAdmin.waitFor(
        [](const QJsonObject& m) {
            return isType(m, "stats") && modelNames(m).contains(QStringLiteral("echo"));
        },
        kWaitMs);
    QVERIFY(!adminStats.isEmpty());
    QVERIFY(!modelNames(adminStats).contains(QStringLiteral("calc")));

    const QByteArray alice =
        m_first->issueToken(QStringLiteral("alice"), QStringLiteral("default"), QStringLiteral("read"));
    TestHttpClient rest(m_first->url(), alice);
    const auto models = rest.get(QStringLiteral("/api/v1/models"));
    QCOMPARE(models.status, 200);
    QVERIFY(!models.body.contains("\"calc\""));

    TestWebSocket own(m_first->url(), alice);
    QVERIFY(own.open());
    own.subscribe(QStringLiteral("stats"));
    const auto statsMessages = [&own] {
        QList<QJsonObject> out;
        for (const QJsonObject& m : own.messages()) {
            if (isType(m, "stats"))
                out << m;
        }
        return out;
    };
    QTRY_VERIFY_WITH_TIMEOUT(statsMessages().size() >= 3, kWaitMs); // pushes after both models are known
    for (const QJsonObject& stats : statsMessages()) {
        QVERIFY(modelNames(stats).contains(QStringLiteral("echo")));
        QVERIFY2(!modelNames(stats).contains(QStringLiteral("calc")), "stats showed another project's model");
    }
}

QTEST_GUILESS_MAIN(TestWebSocketClaims)
#include "tst_wsclaims.moc"
