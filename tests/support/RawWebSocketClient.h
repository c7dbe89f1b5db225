#pragma once

#include "WebSocketFrames.h"

#include <QByteArray>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

#include <functional>

#include <sys/socket.h>

namespace mmf {

// A raw client bound to a chosen loopback address: HTTP bytes, or a WebSocket that never answers pings and
// reads the server's close frame itself (Qt 6.4's QWebSocket reports some valid close codes, 1013, as 1002).
class RawWebSocketClient
{
public:
    static constexpr int kRawWaitMs = 10000;

    static constexpr int kSmallWindow = 4096;

    explicit RawWebSocketClient(const QHostAddress& from) { m_socket.bind(from); }

    // Before connect(): a small receive window, so that what the server sends and this client does not read
    // fills the server's side soon. True when the socket took it.
    bool shrinkReceiveWindow()
    {
        return ::setsockopt(int(m_socket.socketDescriptor()), SOL_SOCKET, SO_RCVBUF, &kSmallWindow,
                            sizeof kSmallWindow) == 0;
    }

    bool connect(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { m_received += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return m_socket.waitForConnected(kRawWaitMs);
    }
    // The upgrade request (with a token, and header lines such as "X-Forwarded-For: …\r\n"); true on 101,
    // with the rest of the bytes kept as frames.
    bool upgrade(quint16 port, const QByteArray& token, const QByteArray& extraHeaderLines = {})
    {
        if (!connect(port))
            return false;
        m_socket.write(upgradeRequest(token, extraHeaderLines));
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
    // On an upgraded socket (best with shrinkReceiveWindow()): stops reading and sends pings in bursts of
    // 1,024 (up to 32 MiB, each burst once the last has mostly left) until `enough()` or the connection ends.
    // QWebSocket answers every ping with a pong, which pile up on the server's side. A message now and then
    // keeps the idle limit away, so only pongs pile up. `afterBurst(i)` runs after burst i.
    void floodPings(const std::function<bool()>& enough, const std::function<void(int)>& afterBurst = {})
    {
        QObject::disconnect(&m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
        m_socket.setReadBufferSize(kSmallWindow);
        const QByteArray ping = clientFrame(0x89, QByteArray(125, 'p'));
        QByteArray burst = clientFrame(0x81, R"({"op":"unsubscribe","topic":"stats"})");
        for (int i = 0; i < 1024; ++i)
            burst += ping;
        for (int i = 0; i < 256 && isConnected() && !enough(); ++i) {
            send(burst);
            if (!QTest::qWaitFor([&] { return m_socket.bytesToWrite() < 4 * burst.size(); }, kRawWaitMs))
                break;
            if (afterBurst)
                afterBurst(i);
        }
    }
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
