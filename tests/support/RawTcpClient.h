#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

namespace mmf {

// A raw client of an HTTP server in the test's own process: writes bytes (also before the connection is made:
// the socket keeps them), collects everything the server sends. Waits spin the event loop, so the server
// keeps running.
class RawTcpClient
{
public:
    static constexpr int kWaitMs = 5000;

    explicit RawTcpClient(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, [this] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    // Connected by the kernel: a server that holds its connections may not have taken it yet.
    bool isConnected() const { return socket.state() == QAbstractSocket::ConnectedState; }
    bool waitConnected(int timeoutMs = kWaitMs)
    {
        return QTest::qWaitFor([this] { return isConnected(); }, timeoutMs);
    }
    void send(const QByteArray& bytes) { socket.write(bytes); }
    bool closedByServer() const { return socket.state() == QAbstractSocket::UnconnectedState; }

    QTcpSocket socket;
    QByteArray received;
};

} // namespace mmf
