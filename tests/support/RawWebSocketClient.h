#pragma once

#include "WebSocketFrames.h"

#include <QByteArray>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

namespace mmf {

// A raw client bound to a chosen loopback address: HTTP bytes, or a WebSocket that never answers pings and
// reads the server's close frame itself (Qt 6.4's QWebSocket reports some valid close codes, 1013, as 1002).
class RawWebSocketClient
{
public:
    static constexpr int kRawWaitMs = 10000;

    explicit RawWebSocketClient(const QHostAddress& from) { m_socket.bind(from); }

    bool connect(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { m_received += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return m_socket.waitForConnected(kRawWaitMs);
    }
    // The upgrade request (with a token); true on 101, with the rest of the bytes kept as frames.
    bool upgrade(quint16 port, const QByteArray& token)
    {
        if (!connect(port))
            return false;
        m_socket.write(upgradeRequest(token));
        if (!QTest::qWaitFor([this] { return m_received.contains("\r\n\r\n"); }, kRawWaitMs))
            return false;
        m_head = m_received.left(m_received.indexOf("\r\n\r\n") + 4);
        m_received.remove(0, m_head.size());
        return m_head.startsWith("HTTP/1.1 101");
    }
    void subscribe(const QByteArray& topic)
    {
        send(clientFrame(0x81, "{\"op\":\"subscribe\",\"topic\":\"" + topic + "\"}"));
    }
    void send(const QByteArray& bytes) { m_socket.write(bytes); }
    bool waitFor(const QByteArray& text, int timeoutMs = kRawWaitMs)
    {
        return QTest::qWaitFor([&] { return m_received.contains(text); }, timeoutMs);
    }
    bool waitClosed(int timeoutMs = kRawWaitMs)
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; },
                               timeoutMs);
    }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void abort() { m_socket.abort(); }
    QTcpSocket& socket() { return m_socket; }
    const QByteArray& head() const { return m_head; }
    const QByteArray& received() const { return m_received; }
    // The first HTTP status in what was received (0: none yet).
    int httpStatus() const
    {
        const QByteArray& bytes = m_head.isEmpty() ? m_received : m_head;
        return bytes.startsWith("HTTP/1.1 ") ? bytes.mid(9, 3).toInt() : 0;
    }
    // The status code and reason of the first close frame the server sent (0: none).
    int closeCode(QByteArray* reason = nullptr) const { return serverCloseCode(m_received, reason); }

private:
    QTcpSocket m_socket;
    QByteArray m_head;
    QByteArray m_received;
};

} // namespace mmf
