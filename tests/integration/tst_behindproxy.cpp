// A real server behind a reverse proxy (`--trusted-proxies 127.0.0.1`): this test plays the proxy from
// 127.0.0.1 and a direct client from 127.0.0.2, over raw HTTP. Each forwarded client is throttled, capped and
// checked as itself; a header from a peer that is not a trusted proxy changes nothing.
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "models/EchoModel.h"
#include "worker/ModelDescription.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

#include <memory>
#include <vector>

using namespace mmf;

namespace {

const QString kProxy = QStringLiteral("127.0.0.1");
const QString kDirect = QStringLiteral("127.0.0.2");

// One keep-alive HTTP/1.1 connection from a chosen loopback address; each request waits for its whole answer.
class RawConnection
{
public:
    RawConnection(quint16 port, const QString& from)
    {
        m_socket.bind(QHostAddress(from), 0);
        m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    }

    // The status of the answer (0: none), `forwardedFor` sent as X-Forwarded-For unless empty.
    int request(const QByteArray& method, const QByteArray& path, const QByteArray& forwardedFor,
                const QByteArray& body = {}, const QByteArray& token = {})
    {
        if (m_socket.state() != QAbstractSocket::ConnectedState && !m_socket.waitForConnected(10000))
            return 0;
        QByteArray head = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        if (!forwardedFor.isEmpty())
            head += "X-Forwarded-For: " + forwardedFor + "\r\n";
        if (!token.isEmpty())
            head += "Authorization: Bearer " + token + "\r\n";
        if (!body.isEmpty())
            head += "Content-Type: application/json\r\n";
        m_socket.write(head + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        m_reply.clear();
        QDeadlineTimer deadline(60000);
        while (!complete() && !deadline.hasExpired()) {
            if (!m_socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
                break;
            m_reply += m_socket.readAll();
        }
        return complete() ? m_reply.mid(9, 3).toInt() : 0;
    }
    const QByteArray& reply() const { return m_reply; }

private:
    bool complete() const
    {
        const qsizetype end = m_reply.indexOf("\r\n\r\n");
        if (!m_reply.startsWith("HTTP/1.1 ") || end < 0)
            return false;
        const QByteArray head = m_reply.left(end).toLower();
        const qsizetype at = head.indexOf("content-length:");
        const qsizetype length =
            at < 0 ? 0 : head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
        return m_reply.size() >= end + 4 + length;
    }

    QTcpSocket m_socket;
    QByteArray m_reply;
};

QByteArray credentials(const QByteArray& login, const QByteArray& password)
{
    return R"({"login":")" + login + R"(","password":")" + password + R"("})";
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

private:
    int signIn(const QString& from, const QByteArray& forwardedFor, const QByteArray& login,
               const QByteArray& password);
    // Opens a WebSocket through the proxy for `forwardedFor`; true once open, false when refused.
    bool openWebSocket(QWebSocket& socket, const QByteArray& forwardedFor);

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
    QCOMPARE(anonymous.post(QStringLiteral("/api/v1/auth/register"), credentials("owner", "owner password 1"))
                 .status,
             201);
    QCOMPARE(anonymous.post(QStringLiteral("/api/v1/auth/register"), credentials("other", "other password 1"))
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
    RawConnection connection(m_server->port(), from);
    return connection.request("POST", "/api/v1/auth/login", forwardedFor, credentials(login, password));
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

bool TestBehindProxy::openWebSocket(QWebSocket& socket, const QByteArray& forwardedFor)
{
    QUrl url = m_server->url();
    url.setScheme(QStringLiteral("ws"));
    url.setPath(QStringLiteral("/api/v1/ws"));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_token);
    request.setRawHeader("X-Forwarded-For", forwardedFor);
    bool ended = false;
    QObject::connect(&socket, &QWebSocket::connected, &socket, [&ended] { ended = true; });
    QObject::connect(&socket, &QWebSocket::disconnected, &socket, [&ended] { ended = true; });
    QObject::connect(&socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), &socket,
                     [&ended](QAbstractSocket::SocketError) { ended = true; });
    socket.open(request);
    QDeadlineTimer deadline(10000);
    while (!ended && !deadline.hasExpired())
        QTest::qWait(5);
    socket.disconnect(); // the flag is a local of this call
    return socket.state() == QAbstractSocket::ConnectedState;
}

void TestBehindProxy::theProxyIsNotCappedButEachClientsWebSocketsAre()
{
    // The proxy holds more keep-alive connections than one address may (4): it carries everyone's.
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 6; ++i) {
        held.push_back(std::make_unique<RawConnection>(m_server->port(), kProxy));
        QCOMPARE(held.back()->request("GET", "/healthz", "203.0.113." + QByteArray::number(20 + i)), 200);
    }
    // A direct client is still capped at 4.
    std::vector<std::unique_ptr<RawConnection>> direct;
    for (int i = 0; i < 4; ++i) {
        direct.push_back(std::make_unique<RawConnection>(m_server->port(), kDirect));
        QCOMPARE(direct.back()->request("GET", "/healthz", {}), 200);
    }
    RawConnection fifth(m_server->port(), kDirect);
    QCOMPARE(fifth.request("GET", "/healthz", {}), 429);

    // Through the proxy, one client's WebSockets are capped at 4 by the address forwarded for it...
    std::vector<std::unique_ptr<QWebSocket>> sockets;
    for (int i = 0; i < 4; ++i) {
        sockets.push_back(std::make_unique<QWebSocket>());
        QVERIFY2(openWebSocket(*sockets.back(), "203.0.113.40"), qPrintable(sockets.back()->errorString()));
    }
    QWebSocket refused;
    QVERIFY(!openWebSocket(refused, "203.0.113.40"));
    QVERIFY2(refused.errorString().contains(QLatin1String("429")), qPrintable(refused.errorString()));
    // ...another client's are not.
    QWebSocket another;
    QVERIFY2(openWebSocket(another, "203.0.113.41"), qPrintable(another.errorString()));
    // A closed one gives its place back.
    sockets.front()->close();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            QWebSocket again;
            const bool open = openWebSocket(again, "203.0.113.40");
            again.abort();
            return open;
        }(),
        10000);
    for (auto& socket : sockets)
        socket->abort();
    another.abort();
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
    RawConnection viaProxy(m_server->port(), kProxy);
    QCOMPARE(viaProxy.request("POST", "/api/v1/registry/instances", "127.0.0.5",
                              QJsonDocument(fields).toJson(QJsonDocument::Compact), serve),
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
    RawConnection direct(m_server->port(), QStringLiteral("127.0.0.3"));
    fields.insert(QStringLiteral("name"), QStringLiteral("direct"));
    fields.insert(QStringLiteral("host"), QStringLiteral("127.0.0.5"));
    QCOMPARE(direct.request("POST", "/api/v1/registry/instances", "127.0.0.5",
                            QJsonDocument(fields).toJson(QJsonDocument::Compact), serve),
             403);
    QVERIFY2(direct.reply().contains("names host 127.0.0.5 for pings but comes from 127.0.0.3"),
             direct.reply().constData());
}

QTEST_GUILESS_MAIN(TestBehindProxy)
#include "tst_behindproxy.moc"
