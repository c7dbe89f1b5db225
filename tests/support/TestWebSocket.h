#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QSslCertificate>
#include <QUrl>
#include <QWebSocket>

#include <functional>

namespace mmf {

// A real WebSocket client for tests that records every JSON message it receives.
class TestWebSocket
{
public:
    // `token` goes into the Authorization header of the handshake (empty: none).
    explicit TestWebSocket(const QUrl& serverUrl, const QByteArray& token = {});

    // Sent with the handshake; call before open().
    void setHeader(const QByteArray& name, const QByteArray& value);
    // wss:// on the same host and port, trusting only `authority`; call before open().
    void useTls(const QSslCertificate& authority);
    bool open(int timeoutMs = 10000);
    QString errorString() const { return m_socket.errorString(); }
    void abort() { m_socket.abort(); }
    void sendJson(const QJsonObject& message);
    void subscribe(const QString& topic);
    // Subscribes and waits for the server's `subscribed` answer; false on timeout.
    bool subscribeAndWait(const QString& topic, int timeoutMs = 30000);
    // Waits until a received message satisfies `match`; returns it (empty object on timeout).
    QJsonObject waitFor(const std::function<bool(const QJsonObject&)>& match, int timeoutMs = 30000);
    const QList<QJsonObject>& messages() const { return m_messages; }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    int closeCode() const { return int(m_socket.closeCode()); }
    QString closeReason() const { return m_socket.closeReason(); }
    bool waitForDisconnected(int timeoutMs = 10000);

private:
    QUrl m_url;
    QByteArray m_token;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QWebSocket m_socket;
    QList<QJsonObject> m_messages;
};

} // namespace mmf
