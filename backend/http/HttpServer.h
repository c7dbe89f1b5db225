#pragma once

#include "core/Result.h"
#include "http/HttpLimits.h"
#include "http/HttpRequest.h"
#include "http/HttpResponder.h"
#include "http/TrustedProxies.h"

#include <QHostAddress>
#include <QObject>

#include <functional>

class QWebSocket;

namespace mmf {

// A small HTTP/1.1 server on QTcpServer and a strict parser of its own (HttpRequestParser): keep-alive,
// pipelining (answers in order), deferred answers, limits enforced while reading (a too-large Content-Length
// is refused with 413 before any body byte is read; a chunked body is cut at the limit), and WebSocket
// upgrades handed to QWebSocketServer on one path. Error answers it makes itself use the API's error object:
// {"error":{"code":...,"message":...}}.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    // The request lives for the call only: copy or move out what must outlive it. An exception escaping the
    // handler is answered with 500.
    using Handler = std::function<void(HttpRequest& request, const HttpResponder& responder)>;
    // Called with an open WebSocket (limits already set on it) and the upgrade request (for its headers).
    // The handler takes ownership of the socket.
    using WebSocketHandler = std::function<void(QWebSocket* socket, const HttpRequest& upgradeRequest)>;

    explicit HttpServer(HttpLimits limits, QObject* parent = nullptr);
    ~HttpServer() override;

    void setHandler(Handler handler);
    // Upgrade requests for `path` go to `handler`; a plain GET of that path gets 426.
    void setWebSocketHandler(QByteArray path, WebSocketHandler handler);

    // Reverse proxies whose X-Forwarded-For names the client (HttpRequest::clientAddress); call before
    // listen(). A trusted proxy's connections are not capped per address; its clients' WebSockets are.
    void setTrustedProxies(TrustedProxies proxies);

    // Binds and listens; returns the bound port (useful with port 0).
    Result<quint16> listen(const QHostAddress& address, quint16 port);
    // While held (before or after listen()), new connections wait in the listen backlog, unanswered; open
    // ones are served as before.
    void holdAccepting(bool hold);
    // Stops accepting; open connections finish their current answers.
    void close();
    // Open HTTP connections (upgraded WebSockets belong to their handler and are not counted).
    int connectionCount() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace mmf
