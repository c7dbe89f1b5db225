#pragma once

#include "core/Result.h"
#include "gateway/AccessResolver.h"
#include "gateway/ApiRoutes.h"
#include "gateway/GatewayContext.h"
#include "http/HttpLimits.h"
#include "http/HttpServer.h"
#include "http/Router.h"

#include <QHostAddress>
#include <QObject>

#include <functional>

namespace mmf {

// The HTTP + WebSocket front of the server: the listening socket, the router, and the access resolver every
// route of API v1 goes through (the server's HTTP assembly registers the controllers' routes on routes()).
class Gateway : public QObject
{
    Q_OBJECT
public:
    Gateway(GatewayContext& context, const HttpLimits& limits, QObject* parent = nullptr);

    // Told of every answered request: the matched route pattern ("" when none) and the status code.
    using RequestObserver = std::function<void(const QByteArray& route, int status)>;

    Result<quint16> listen(const QHostAddress& address, quint16 port);
    ApiRoutes& routes() { return m_routes; }
    void setRequestObserver(RequestObserver observer) { m_observer = std::move(observer); }
    void close();
    HttpServer& httpServer() { return m_server; }

private:
    GatewayContext& m_context;
    HttpServer m_server;
    Router m_router;
    AccessResolver m_resolver;
    ApiRoutes m_routes;
    RequestObserver m_observer;
};

} // namespace mmf
