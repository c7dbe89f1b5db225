#pragma once

#include "http/WebSocketFrameChecker.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QTcpSocket;
class QTimer;
class QWebSocket;

namespace mmf {

// Stands in front of QWebSocket on an upgraded connection. It checks every frame header the client sends
// (WebSocketFrameChecker) before QWebSocket reads it: Qt accepts unmasked client frames, so this is where
// they are refused, with close code 1002 (and 1009 for an oversized frame). It also pings the client every
// `pingIntervalMs` and drops a peer that has sent nothing, not even a pong, for two intervals: a half-open
// connection would otherwise hold its subscriptions forever. And it closes (1008) a peer whose unread
// answers pass `maxSendBufferBytes`: QWebSocket answers every ping with a pong by itself, so a client that
// floods pings and reads nothing would otherwise grow the server's buffer without bound.
//
// How it sees the bytes first: its readyRead slot is connected before QWebSocketServer makes the QWebSocket,
// so Qt calls it first; it checks the bytes it has not seen (the socket's buffer ends with them) and, after
// QWebSocket has read, notes how many stayed in the buffer (all already checked).
class WebSocketGuard : public QObject
{
    Q_OBJECT
public:
    // Before the transport is handed to QWebSocketServer. Becomes a child of the transport. `client` names
    // the peer in log lines (http::describeClient: the forwarded client behind a trusted proxy).
    WebSocketGuard(QTcpSocket* transport, quint64 maxFrameBytes, int pingIntervalMs,
                   qint64 maxSendBufferBytes, QString client);
    // Once QWebSocket owns the transport (its handshake is done): start checking and pinging.
    void attach(QWebSocket* socket);

private:
    void beforeWebSocket();
    void afterWebSocket();
    void onPingTimer();
    void refuse(int code, const char* reason);

    QTcpSocket* m_transport;
    QPointer<QWebSocket> m_socket;
    WebSocketFrameChecker m_checker;
    qint64 m_checked = 0; // bytes at the end of the transport's buffer that were checked
    bool m_refused = false;
    int m_pingIntervalMs;
    qint64 m_maxSendBufferBytes;
    QTimer* m_pingTimer = nullptr;
    QElapsedTimer m_sinceHeard;
    QString m_client;
};

} // namespace mmf
