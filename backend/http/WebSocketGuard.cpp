#include "http/WebSocketGuard.h"

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

namespace mmf {

namespace {
Q_LOGGING_CATEGORY(lcGuard, "mmf.http.ws")
}

WebSocketGuard::WebSocketGuard(QTcpSocket* transport, quint64 maxFrameBytes, int pingIntervalMs,
                               qint64 maxSendBufferBytes, QString client)
    : QObject(transport)
    , m_transport(transport)
    , m_checker(maxFrameBytes)
    , m_pingIntervalMs(pingIntervalMs)
    , m_maxSendBufferBytes(maxSendBufferBytes)
    , m_client(std::move(client))
{
    connect(transport, &QTcpSocket::readyRead, this, &WebSocketGuard::beforeWebSocket);
}

void WebSocketGuard::attach(QWebSocket* socket)
{
    m_socket = socket;
    // Connected after QWebSocket's own slot, so it runs after QWebSocket has read what it could.
    connect(m_transport, &QTcpSocket::readyRead, this, &WebSocketGuard::afterWebSocket);
    connect(socket, &QWebSocket::pong, this, [this] { m_sinceHeard.restart(); });
    m_sinceHeard.start();
    m_checked = 0;
    beforeWebSocket(); // frames sent before the handshake's answer
    if (m_pingIntervalMs > 0) {
        m_pingTimer = new QTimer(this);
        m_pingTimer->setInterval(m_pingIntervalMs);
        connect(m_pingTimer, &QTimer::timeout, this, &WebSocketGuard::onPingTimer);
        m_pingTimer->start();
    }
}

void WebSocketGuard::beforeWebSocket()
{
    if (!m_socket)
        return; // the handshake is QWebSocketServer's
    if (m_refused) {
        m_transport->skip(m_transport->bytesAvailable()); // nothing more reaches QWebSocket
        return;
    }
    const qint64 available = m_transport->bytesAvailable();
    if (available <= m_checked)
        return;
    m_sinceHeard.restart();
    const QByteArray buffered = m_transport->peek(available);
    if (!m_checker.feed(buffered.constData() + m_checked, buffered.size() - m_checked)) {
        refuse(m_checker.closeCode(), m_checker.reason());
        return;
    }
    m_checked = buffered.size();
}

void WebSocketGuard::afterWebSocket()
{
    m_checked = m_transport->bytesAvailable();
    // QWebSocket has answered the pings it read: the pongs count against the same bound as our pushes.
    if (!m_refused && m_maxSendBufferBytes > 0 && m_transport->bytesToWrite() > m_maxSendBufferBytes) {
        qCWarning(lcGuard).noquote()
            << QStringLiteral(
                   "closing a WebSocket peer from %1 with 1008: it does not read its answers (over "
                   "%2 bytes queued)")
                   .arg(m_client)
                   .arg(m_maxSendBufferBytes);
        refuse(1008, "send buffer over its bound: read what the server sends");
    }
}

void WebSocketGuard::onPingTimer()
{
    if (!m_socket || m_refused)
        return;
    if (m_sinceHeard.elapsed() >= 2 * qint64(m_pingIntervalMs)) {
        qCInfo(lcGuard).noquote() << QStringLiteral("dropping a WebSocket peer from %1 silent for %2 ms")
                                         .arg(m_client)
                                         .arg(m_sinceHeard.elapsed());
        m_pingTimer->stop();
        m_socket->abort(); // a half-open peer would never read a close frame
        return;
    }
    m_socket->ping();
}

void WebSocketGuard::refuse(int code, const char* reason)
{
    m_refused = true;
    if (m_pingTimer)
        m_pingTimer->stop();
    m_transport->skip(m_transport->bytesAvailable());
    m_checked = 0;
    if (m_socket)
        m_socket->close(QWebSocketProtocol::CloseCode(code), QString::fromLatin1(reason));
    // The close frame is flushed first; a peer that does not read it is cut off after a while.
    m_transport->disconnectFromHost();
    QTimer::singleShot(5000, m_transport, [transport = m_transport] { transport->abort(); });
}

} // namespace mmf
