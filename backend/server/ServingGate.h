#pragma once

#include <QObject>
#include <QTimer>

#include <functional>

namespace mmf {

class HttpServer;

// A server that has just started holds its HTTP connections in the listen backlog until it can answer them
// (the caller's `ready`: Redis connected, the broker library checked, the revoked tokens read). Without the
// hold a client that came right after the "listening on" line (a script, a worker, a unit after systemd's
// READY=1) got 503 "redis not connected" or "has not read the revoked tokens yet". The hold lasts at most
// `limitMs`: with Redis away at the start the server then serves, and what needs Redis gets 503 as it would
// later. Only the start is held; a server that loses Redis later answers 503 at once.
class ServingGate : public QObject
{
    Q_OBJECT
public:
    ServingGate(HttpServer& http, std::function<bool()> ready, int limitMs, QObject* parent = nullptr);

    // Holds new connections until ready() or the limit (call before HttpServer::listen()); serving() comes
    // then, or at the next turn of the event loop when ready() holds already.
    void hold();
    // Opens when ready() says so; call whenever what it reads may have changed.
    void check();
    bool isHolding() const { return m_holding; }

signals:
    // The server takes connections (once).
    void serving();

private:
    void open();

    HttpServer& m_http;
    std::function<bool()> m_ready;
    QTimer m_limit;
    bool m_holding = false;
};

} // namespace mmf
