#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QPointer>

#include <functional>
#include <memory>

namespace mmf {

class HttpConnection;

// The way to answer one request, now or later (a request that waits for a task's result keeps its responder).
// Copyable; the first send() wins, later ones are ignored. Answers go out in request order on a keep-alive
// connection. Sending after the client went away is a no-op. Use it on the server's thread.
class HttpResponder
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    // Receives the answer instead of a connection (unit tests of handlers, in-process callers).
    using Sink = std::function<void(int status, const QByteArray& contentType, const QByteArray& body,
                                    const Headers& extraHeaders)>;

    HttpResponder() = default;
    HttpResponder(QPointer<HttpConnection> connection, quint64 sequence);
    explicit HttpResponder(Sink sink);

    // Extra headers whose name or value holds CR or LF are dropped (no response splitting).
    void send(int status, QByteArray contentType, QByteArray body,
              const QList<QPair<QByteArray, QByteArray>>& extraHeaders = {}) const;
    void sendJson(int status, const QByteArray& json,
                  const QList<QPair<QByteArray, QByteArray>>& extraHeaders = {}) const
    {
        send(status, QByteArrayLiteral("application/json"), json, extraHeaders);
    }
    // The API error object {"error":{"code":code,"message":message}} (message JSON-escaped).
    void sendError(int status, QByteArrayView code, QByteArrayView message,
                   const QList<QPair<QByteArray, QByteArray>>& extraHeaders = {}) const;
    // False once the client closed the connection or the answer was sent.
    bool isPending() const;

private:
    struct State;
    std::shared_ptr<State> m_state;
};

} // namespace mmf
