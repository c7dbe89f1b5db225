// ServingGate: a starting server's connections wait until it is ready, or until the hold's limit; a real
// HttpServer on loopback and a real client socket.
#include "RawTcpClient.h"
#include "http/HttpServer.h"
#include "server/ServingGate.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace mmf;

namespace {

constexpr int kWaitMs = 5000;

// Sends one GET on a new connection (held by the socket until it is made) and collects the answer.
class Client : public RawTcpClient
{
public:
    explicit Client(quint16 port)
        : RawTcpClient(port)
    {
        send("GET / HTTP/1.1\r\nHost: test\r\n\r\n");
    }
    bool answered() const { return received.startsWith("HTTP/1.1 200"); }
};

} // namespace

class TestServingGate : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<HttpServer> m_server;
    quint16 m_port = 0;
    bool m_ready = false;

    void listen()
    {
        m_server->setHandler(
            [](HttpRequest&, const HttpResponder& responder) { responder.send(200, "text/plain", "ok"); });
        const Result<quint16> port = m_server->listen(QHostAddress::LocalHost, 0);
        QVERIFY(port.ok());
        m_port = *port;
    }

private slots:
    void init()
    {
        m_server = std::make_unique<HttpServer>(HttpLimits{});
        m_ready = false;
    }

    void cleanup() { m_server.reset(); }

    void holdsUntilReady()
    {
        ServingGate gate(
            *m_server, [this] { return m_ready; }, 60000);
        QSignalSpy serving(&gate, &ServingGate::serving);
        gate.hold();
        listen();
        QVERIFY(gate.isHolding());
        Client client(m_port);
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), kWaitMs); // in the backlog
        gate.check();                                            // not ready: still held
        QTest::qWait(100);
        QVERIFY(gate.isHolding());
        QVERIFY(!client.answered());
        QCOMPARE(m_server->connectionCount(), 0);
        QCOMPARE(serving.count(), 0);
        m_ready = true;
        gate.check();
        QVERIFY(!gate.isHolding());
        QCOMPARE(serving.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(client.answered(), kWaitMs);
        gate.check(); // once
        QCOMPARE(serving.count(), 1);
    }

    void servesAfterTheLimitWhenNeverReady()
    {
        ServingGate gate(
            *m_server, [this] { return m_ready; }, 300);
        QSignalSpy serving(&gate, &ServingGate::serving);
        gate.hold();
        listen();
        Client client(m_port);
        QTRY_VERIFY_WITH_TIMEOUT(client.answered(), kWaitMs);
        QVERIFY(!gate.isHolding());
        QVERIFY(!m_ready);
        QCOMPARE(serving.count(), 1);
    }

    void aReadyServerIsNotHeld()
    {
        m_ready = true;
        ServingGate gate(
            *m_server, [this] { return m_ready; }, 60000);
        QSignalSpy serving(&gate, &ServingGate::serving);
        gate.hold();
        QVERIFY(!gate.isHolding());
        QCOMPARE(serving.count(), 0); // not before the caller listens: at the next turn
        listen();
        QTRY_COMPARE_WITH_TIMEOUT(serving.count(), 1, kWaitMs);
        Client client(m_port);
        QTRY_VERIFY_WITH_TIMEOUT(client.answered(), kWaitMs);
    }
};

QTEST_GUILESS_MAIN(TestServingGate)
#include "tst_servinggate.moc"
