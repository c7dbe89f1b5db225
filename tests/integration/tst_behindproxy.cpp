// A real server behind a reverse proxy (`--trusted-proxies 127.0.0.1`): this test plays the proxy from
// 127.0.0.1 and a direct client from 127.0.0.2, over raw HTTP. Each forwarded client is throttled, capped and
// checked as itself; a header from a peer that is not a trusted proxy changes nothing.
#include "CredentialsJson.h"
#include "RawHttpConnection.h"
#include "RawWebSocketClient.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"
#include "WebSocketFrames.h"
#include "models/EchoModel.h"
#include "worker/ModelDescription.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>
#include <vector>

using namespace mmf;

namespace {

const QString kProxy = QStringLiteral("127.0.0.1");
const QString kDirect = QStringLiteral("127.0.0.2");

// X-Forwarded-For (none when empty), and a bearer token when given.
RawHttpConnection::Headers headers(const QByteArray& forwardedFor, const QByteArray& token = {})
{
    RawHttpConnection::Headers out;
    if (!forwardedFor.isEmpty())
        out << qMakePair(QByteArray("X-Forwarded-For"), forwardedFor);
    if (!token.isEmpty())
        out << qMakePair(QByteArray("Authorization"), "Bearer " + token);
    out << qMakePair(QByteArray("Content-Type"), QByteArray("application/json"));
    return out;
}

} // namespace

class TestBehindProxy : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void eachForwardedClientIsThrottledOnItsOwn();
    void aClientCannotNameItsOwnAddress();
    void theProxyIsNotCappedButEachClientsWebSocketsAre();
    void aRegistrantBehindTheProxyIsPingedAtItsOwnAddress();
    void webSocketLogLinesNameTheForwardedClient();

private:
    int signIn(const QString& from, const QByteArray& forwardedFor, const QByteArray& login,
               const QByteArray& password);
    // A WebSocket through the proxy for `forwardedFor`, not yet open.
    std::unique_ptr<TestWebSocket> webSocketFor(const QByteArray& forwardedFor);

    std::unique_ptr<ServerFixture> m_server;
    QByteArray m_token;
};

void TestBehindProxy::initTestCase()
{
    m_server = std::make_unique<ServerFixture>(QStringList{QStringLiteral("--trusted-proxies"), kProxy,
                                                           QStringLiteral("--max-connections-per-address"),
                                                           QStringLiteral("4")});
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_token =
        m_server->issueToken(QStringLiteral("watcher"), QStringLiteral("default"), QStringLiteral("read"));
    QVERIFY(!m_token.isEmpty());
    TestHttpClient anonymous(m_server->url());
    QCOMPARE(
        anonymous.post(QStringLiteral("/api/v1/auth/register"), credentialsJson("owner", "owner password 1"))
            .status,
        201);
    QCOMPARE(
        anonymous.post(QStringLiteral("/api/v1/auth/register"), credentialsJson("other", "other password 1"))
            .status,
        201);
}

void TestBehindProxy::cleanupTestCase()
{
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

int TestBehindProxy::signIn(const QString& from, const QByteArray& forwardedFor, const QByteArray& login,
                            const QByteArray& password)
{
    RawHttpConnection connection(m_server->port(), from);
    return connection.request("POST", "/api/v1/auth/login", headers(forwardedFor),
                              credentialsJson(login, password));
}

void TestBehindProxy::eachForwardedClientIsThrottledOnItsOwn()
{
    // A guesser behind the proxy locks its own (login, address) pair after 5 failures...
    for (int i = 0; i < 5; ++i)
        QCOMPARE(signIn(kProxy, "192.0.2.66, 203.0.113.7", "owner", "guess"), 401);
    QCOMPARE(signIn(kProxy, "203.0.113.7", "owner", "guess"), 429);
    // ...whatever it writes left of what the proxy appended...
    QCOMPARE(signIn(kProxy, "198.51.100.1, 203.0.113.7", "owner", "guess"), 429);
    // ...and not the owner, behind the same proxy at another address (without the setting both are the
    // proxy's 127.0.0.1: this would be 429).
    QCOMPARE(signIn(kProxy, "203.0.113.8", "owner", "owner password 1"), 200);
    QCOMPARE(signIn(kProxy, "203.0.113.7", "owner", "owner password 1"), 429);
}

void TestBehindProxy::aClientCannotNameItsOwnAddress()
{
    // 127.0.0.2 is no trusted proxy: its X-Forwarded-For is ignored, every guess counts for 127.0.0.2.
    for (int i = 0; i < 5; ++i)
        QCOMPARE(signIn(kDirect, "198.51.100." + QByteArray::number(10 + i), "other", "guess"), 401);
    QCOMPARE(signIn(kDirect, "198.51.100.99", "other", "other password 1"), 429);
    // The address it named is not locked (it was never counted).
    QCOMPARE(signIn(kProxy, "198.51.100.10", "other", "other password 1"), 200);
}

std::unique_ptr<TestWebSocket> TestBehindProxy::webSocketFor(const QByteArray& forwardedFor)
{
    auto socket = std::make_unique<TestWebSocket>(m_server->url(), m_token);
    socket->setHeader("X-Forwarded-For", forwardedFor);
    return socket;
}

void TestBehindProxy::theProxyIsNotCappedButEachClientsWebSocketsAre()
{
    // The proxy holds more keep-alive connections than one address may (4): it carries everyone's.
    std::vector<std::unique_ptr<RawHttpConnection>> held;
    for (int i = 0; i < 6; ++i) {
        held.push_back(std::make_unique<RawHttpConnection>(m_server->port(), kProxy));
        QCOMPARE(held.back()->request("GET", "/healthz", headers("203.0.113." + QByteArray::number(20 + i))),
                 200);
    }
    // A direct client is still capped at 4.
    std::vector<std::unique_ptr<RawHttpConnection>> direct;
    for (int i = 0; i < 4; ++i) {
        direct.push_back(std::make_unique<RawHttpConnection>(m_server->port(), kDirect));
        QCOMPARE(direct.back()->request("GET", "/healthz"), 200);
    }
    RawHttpConnection fifth(m_server->port(), kDirect);
    QCOMPARE(fifth.request("GET", "/healthz"), 429);

    // Through the proxy, one client's WebSockets are capped at 4 by the address forwarded for it...
    std::vector<std::unique_ptr<TestWebSocket>> sockets;
    for (int i = 0; i < 4; ++i) {
        sockets.push_back(webSocketFor("203.0.113.40"));
        QVERIFY2(sockets.back()->open(), qPrintable(sockets.back()->errorString()));
    }
    auto refused = webSocketFor("203.0.113.40");
    QVERIFY(!refused->open());
    QVERIFY2(refused->errorString().contains(QLatin1String("429")), qPrintable(refused->errorString()));
    // ...another client's are not.
    auto another = webSocketFor("203.0.113.41");
    QVERIFY2(another->open(), qPrintable(another->errorString()));
    // A closed one gives its place back.
    sockets.front()->abort();
    QTRY_VERIFY_WITH_TIMEOUT(webSocketFor("203.0.113.40")->open(), 10000);
}

void TestBehindProxy::aRegistrantBehindTheProxyIsPingedAtItsOwnAddress()
{
    // The registry pings only a registrant's own address: behind the proxy that is the forwarded one.
    const QByteArray serve =
        m_server->issueToken(QStringLiteral("operator"), QStringLiteral("default"), QStringLiteral("serve"));
    Result<ModelDescription> echo = ModelDescription::of(EchoModel());
    QVERIFY(echo);
    QJsonObject fields = QJsonDocument::fromJson(echo->toJson(QStringLiteral("proxied"))).object();
    fields.insert(QStringLiteral("name"), QStringLiteral("behind-the-proxy"));
    fields.insert(QStringLiteral("host"), QString()); // the registrant's own address
    fields.insert(QStringLiteral("port"), 9);
    fields.insert(QStringLiteral("concurrency"), 1);
    RawHttpConnection viaProxy(m_server->port(), kProxy);
    QCOMPARE(viaProxy.request("POST", "/api/v1/registry/instances", headers("127.0.0.5", serve),
                              QJsonDocument(fields).toJson(QJsonDocument::Compact)),
             201);
    // Stored for the pings (nothing listens there) as the forwarded address, not the proxy's.
    const QJsonArray instances = TestHttpClient(m_server->url(), m_token)
                                     .get(QStringLiteral("/api/v1/models/proxied/instances"))
                                     .json()
                                     .value(QStringLiteral("instances"))
                                     .toArray();
    QCOMPARE(instances.size(), 1);
    QCOMPARE(instances.at(0).toObject().value(QStringLiteral("host")).toString(),
             QStringLiteral("127.0.0.5"));

    // A direct client naming that address (and claiming it in the header) is refused. (Another address than
    // the last test's direct client, whose closed connections the server may not have counted off yet.)
    RawHttpConnection direct(m_server->port(), QStringLiteral("127.0.0.3"));
    fields.insert(QStringLiteral("name"), QStringLiteral("direct"));
    fields.insert(QStringLiteral("host"), QStringLiteral("127.0.0.5"));
    QCOMPARE(direct.request("POST", "/api/v1/registry/instances", headers("127.0.0.5", serve),
                            QJsonDocument(fields).toJson(QJsonDocument::Compact)),
             403);
    QVERIFY2(direct.reply().contains("names host 127.0.0.5 for pings but comes from 127.0.0.3"),
             direct.reply().constData());
}

QTEST_GUILESS_MAIN(TestBehindProxy)
void TestBehindProxy::webSocketLogLinesNameTheForwardedClient()
{
    // A server of its own, with a send bound small enough for one answer to pass it and a short ping
    // interval: the three lines an operator reads about a WebSocket it closes or drops.
    ServerFixture server({QStringLiteral("--trusted-proxies"), kProxy,
                          QStringLiteral("--ws-max-send-buffer-bytes"), QStringLiteral("1024"),
                          QStringLiteral("--ws-ping-interval"), QStringLiteral("0.3")});
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QByteArray token =
        server.issueToken(QStringLiteral("watcher"), QStringLiteral("default"), QStringLiteral("read"));
    const auto logged = [&server](const QByteArray& line) { return server.output().contains(line); };

    // The hub: an answer over the bound (an unknown op is named in the error) closes the subscriber.
    RawWebSocketClient chatty{QHostAddress(kProxy)};
    QVERIFY(chatty.upgrade(server.port(), token, "X-Forwarded-For: 203.0.113.40\r\n"));
    chatty.send(clientFrame(0x81, "{\"op\":\"" + QByteArray(1500, 'o') + "\"}"));
    QTRY_VERIFY_WITH_TIMEOUT(
        logged("closing a WebSocket subscriber from 203.0.113.40 via proxy 127.0.0.1 with 1008"), 10000);

    // The guard: pongs a peer never reads.
    RawWebSocketClient flood{QHostAddress(kProxy)};
    QVERIFY(flood.shrinkReceiveWindow());
    QVERIFY(flood.upgrade(server.port(), token, "X-Forwarded-For: 203.0.113.41\r\n"));
    const QByteArray floodLine = "closing a WebSocket peer from 203.0.113.41 via proxy 127.0.0.1 with 1008";
    flood.floodPings([&] { return logged(floodLine); });
    QTRY_VERIFY_WITH_TIMEOUT(logged(floodLine), 10000);

    // The guard: a peer that answers no ping (this raw client never does) is dropped; a direct client is
    // named by its own address.
    RawWebSocketClient silent{QHostAddress(kProxy)};
    QVERIFY(silent.upgrade(server.port(), token, "X-Forwarded-For: 203.0.113.42\r\n"));
    RawWebSocketClient direct{QHostAddress(kDirect)};
    QVERIFY(direct.upgrade(server.port(), token, "X-Forwarded-For: 203.0.113.43\r\n"));
    QTRY_VERIFY_WITH_TIMEOUT(logged("dropping a WebSocket peer from 203.0.113.42 via proxy 127.0.0.1 silent"),
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(logged("dropping a WebSocket peer from 127.0.0.2 silent"), 10000);
    QVERIFY(!logged("203.0.113.43"));
    QCOMPARE(server.stop(), 0);
}

#include "tst_behindproxy.moc"
