// EventStream against an in-process WebSocket server on loopback: the bearer token in the upgrade, counted
// subscriptions, typed signals for pushes, and after a dropped connection a reconnect that subscribes again.
#include "core/ApiClient.h"
#include "core/EventStream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace mmf::studio;

class TestStudioEventStream : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void sendsTokenAndSubscriptions();
    void pushesBecomeTypedSignals();
    void subscriptionsAreCounted();
    void reconnectsAndSubscribesAgain();
    void policyCloseRefreshesBeforeReconnecting();

private:
    QWebSocket* waitForClient();
    QStringList opsReceived(QWebSocket* socket, int count);

    std::unique_ptr<QWebSocketServer> m_server;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<EventStream> m_stream;
    QList<QWebSocket*> m_clients;
    QHash<QWebSocket*, QStringList> m_received;
};

void TestStudioEventStream::init()
{
    m_server = std::make_unique<QWebSocketServer>(QStringLiteral("test"), QWebSocketServer::NonSecureMode);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    connect(m_server.get(), &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket* socket = m_server->nextPendingConnection()) {
            m_clients.append(socket);
            connect(socket, &QWebSocket::textMessageReceived, this,
                    [this, socket](const QString& text) { m_received[socket].append(text); });
        }
    });
    m_api = std::make_unique<ApiClient>();
    m_api->setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->serverPort())));
    m_api->setAccessToken("token-1");
    m_stream = std::make_unique<EventStream>(*m_api);
    m_stream->setBackoff(50, 200);
}

void TestStudioEventStream::cleanup()
{
    m_stream.reset();
    m_api.reset();
    qDeleteAll(m_clients);
    m_clients.clear();
    m_received.clear();
    m_server.reset();
}

QWebSocket* TestStudioEventStream::waitForClient()
{
    const int before = int(m_clients.size());
    (void)QTest::qWaitFor([&] { return m_clients.size() > before; }, 5000);
    return m_clients.size() > before ? m_clients.last() : nullptr;
}

QStringList TestStudioEventStream::opsReceived(QWebSocket* socket, int count)
{
    (void)QTest::qWaitFor([&] { return m_received.value(socket).size() >= count; }, 5000);
    QStringList ops;
    for (const QString& text : m_received.value(socket)) {
        const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
        ops.append(message.value(QLatin1String("op")).toString() + QLatin1Char(' ') +
                   message.value(QLatin1String("topic")).toString());
    }
    return ops;
}

void TestStudioEventStream::sendsTokenAndSubscriptions()
{
    m_stream->subscribe(QStringLiteral("stats"));
    QSignalSpy state(m_stream.get(), &EventStream::stateChanged);
    m_stream->open();
    QWebSocket* client = waitForClient();
    QVERIFY(client);
    QCOMPARE(client->request().rawHeader("Authorization"), QByteArray("Bearer token-1"));
    QTRY_VERIFY(m_stream->isOpen());
    m_stream->subscribe(QStringLiteral("task/7"));
    QCOMPARE(opsReceived(client, 2), (QStringList{"subscribe stats", "subscribe task/7"}));
}

void TestStudioEventStream::pushesBecomeTypedSignals()
{
    m_stream->open();
    QWebSocket* client = waitForClient();
    QVERIFY(client);
    QTRY_VERIFY(m_stream->isOpen());
    QSignalSpy logs(m_stream.get(), &EventStream::logReceived);
    QSignalSpy statuses(m_stream.get(), &EventStream::statusReceived);
    QSignalSpy results(m_stream.get(), &EventStream::resultReceived);
    QSignalSpy stats(m_stream.get(), &EventStream::statsReceived);
    QSignalSpy errors(m_stream.get(), &EventStream::errorReceived);
    client->sendTextMessage(QStringLiteral(
        R"({"type":"log","task_id":"t1","seq":3,"ts":"2026-11-26T10:00:00.000Z","level":"warning","text":"hot"})"));
    client->sendTextMessage(
        QStringLiteral(R"({"type":"status","task_id":"t1","model":"echo","status":"running","attempts":2})"));
    client->sendTextMessage(QStringLiteral(
        R"({"type":"result","task_id":"t1","status":"succeeded","result":{"a":1},"error":null})"));
    client->sendTextMessage(
        QStringLiteral(R"({"type":"stats","ts":"x","models":[{"name":"echo","instances":1}]})"));
    client->sendTextMessage(QStringLiteral(R"({"type":"error","code":"permission_denied","message":"no"})"));
    QTRY_COMPARE(errors.count(), 1);
    QCOMPARE(logs.count(), 1);
    QCOMPARE(logs.at(0).at(0).toString(), QStringLiteral("t1"));
    QCOMPARE(logs.at(0).at(1).toLongLong(), 3);
    QCOMPARE(logs.at(0).at(2).toDateTime(), QDateTime(QDate(2026, 11, 26), QTime(10, 0), Qt::UTC));
    QCOMPARE(logs.at(0).at(3).toString(), QStringLiteral("warning"));
    QCOMPARE(logs.at(0).at(4).toString(), QStringLiteral("hot"));
    QCOMPARE(statuses.at(0).at(2).toString(), QStringLiteral("running"));
    QCOMPARE(statuses.at(0).at(3).toInt(), 2);
    QCOMPARE(results.at(0).at(2).value<QJsonValue>().toObject().value(QLatin1String("a")).toInt(), 1);
    QCOMPARE(stats.at(0).at(0).value<QJsonObject>().value(QLatin1String("models")).toArray().size(), 1);
    QCOMPARE(errors.at(0).at(0).toString(), QStringLiteral("permission_denied"));
}

void TestStudioEventStream::subscriptionsAreCounted()
{
    m_stream->open();
    QWebSocket* client = waitForClient();
    QVERIFY(client);
    QTRY_VERIFY(m_stream->isOpen());
    m_stream->subscribe(QStringLiteral("model/echo"));
    m_stream->subscribe(QStringLiteral("model/echo"));
    m_stream->unsubscribe(QStringLiteral("model/echo")); // one holder left: nothing sent
    m_stream->subscribe(QStringLiteral("stats"));
    m_stream->unsubscribe(QStringLiteral("model/echo"));
    QCOMPARE(opsReceived(client, 3),
             (QStringList{"subscribe model/echo", "subscribe stats", "unsubscribe model/echo"}));
    QCOMPARE(m_stream->topics(), QStringList{QStringLiteral("stats")});
}

void TestStudioEventStream::reconnectsAndSubscribesAgain()
{
    m_stream->subscribe(QStringLiteral("stats"));
    m_stream->subscribe(QStringLiteral("task/9"));
    m_stream->open();
    QWebSocket* first = waitForClient();
    QVERIFY(first);
    QCOMPARE(opsReceived(first, 2).size(), 2);

    QSignalSpy state(m_stream.get(), &EventStream::stateChanged);
    first->close(QWebSocketProtocol::CloseCodeGoingAway); // the server drops us
    QWebSocket* second = waitForClient();
    QVERIFY(second);
    QCOMPARE(second->request().rawHeader("Authorization"), QByteArray("Bearer token-1"));
    QCOMPARE(opsReceived(second, 2), (QStringList{"subscribe stats", "subscribe task/9"}));
    QTRY_VERIFY(m_stream->isOpen());
    bool sawReconnecting = false;
    for (const auto& args : state)
        sawReconnecting |= args.at(0).value<EventStream::State>() == EventStream::State::Reconnecting;
    QVERIFY(sawReconnecting);

    m_stream->close();
    QCOMPARE(m_stream->state(), EventStream::State::Closed);
}

// The server closes a socket with 1008 when its token expires: the stream makes an authenticated call first
// (which refreshes the token on 401) rather than reconnecting with the expired one.
void TestStudioEventStream::policyCloseRefreshesBeforeReconnecting()
{
    // One port for both: upgrade requests go to a WebSocket server, other requests are recorded and answered.
    QTcpServer front;
    QVERIFY(front.listen(QHostAddress::LocalHost, 0));
    QWebSocketServer sockets(QStringLiteral("test"), QWebSocketServer::NonSecureMode);
    QList<QWebSocket*> clients;
    QStringList log; // "ws" per WebSocket, "GET <path>" per plain request, in arrival order
    connect(&sockets, &QWebSocketServer::newConnection, this, [&] {
        while (QWebSocket* socket = sockets.nextPendingConnection()) {
            clients.append(socket);
            log.append(QStringLiteral("ws"));
        }
    });
    connect(&front, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket* socket = front.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, this, [&, socket] {
                const QByteArray head = socket->peek(socket->bytesAvailable());
                if (!head.contains("\r\n\r\n"))
                    return;
                socket->disconnect(this);
                if (head.toLower().contains("upgrade: websocket")) {
                    sockets.handleConnection(socket);
                    return;
                }
                log.append(QStringLiteral("GET ") + QString::fromLatin1(head.split(' ').value(1)));
                socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                              "Connection: close\r\n\r\n[]");
                socket->disconnectFromHost();
            });
        }
    });
    m_api->setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(front.serverPort())));
    m_stream->subscribe(QStringLiteral("stats"));
    m_stream->open();
    QTRY_COMPARE(clients.size(), 1);
    QTRY_VERIFY(m_stream->isOpen());
    clients.first()->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("token expired"));
    QTRY_COMPARE_WITH_TIMEOUT(clients.size(), 2, 5000);
    QCOMPARE(log, (QStringList{"ws", "GET /api/v1/models", "ws"}));
    m_stream->close();
    qDeleteAll(clients);
}

QTEST_GUILESS_MAIN(TestStudioEventStream)
#include "tst_studio_eventstream.moc"
