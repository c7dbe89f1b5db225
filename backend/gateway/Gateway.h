#pragma once

#include "core/Result.h"
#include "gateway/AccessResolver.h"
#include "gateway/ApiDocsController.h"
#include "gateway/ApiRoutes.h"
#include "gateway/CatalogController.h"
#include "gateway/DeadLetterController.h"
#include "gateway/GatewayContext.h"
#include "gateway/RegistryController.h"
#include "gateway/SystemController.h"
#include "gateway/TaskController.h"
#include "http/HttpLimits.h"
#include "http/HttpServer.h"
#include "http/Router.h"

#include <QHostAddress>
#include <QObject>

#include <functional>

namespace mmf {

// The HTTP + WebSocket front of the server: the router with every route of API v1, and the listening socket.
class Gateway : public QObject
{
    Q_OBJECT
public:
    Gateway(GatewayContext& context, const HttpLimits& limits, QObject* parent = nullptr);

    // Told of every answered request: the matched route pattern ("" when none) and the status code.
    using RequestObserver = std::function<void(const QByteArray& route, int status)>;

    Result<quint16> listen(const QHostAddress& address, quint16 port);
    // More routes (metrics, OpenAPI) from controllers the server owns.
    ApiRoutes& routes() { return m_routes; }
    void setRequestObserver(RequestObserver observer) { m_observer = std::move(observer); }
    void close();
    HttpServer& httpServer() { return m_server; }
    RegistryController& registry() { return m_registry; }

private:
    GatewayContext& m_context;
    HttpServer m_server;
    Router m_router;
    AccessResolver m_resolver;
    ApiRoutes m_routes;
    TaskController m_tasks;
    RegistryController m_registry;
    CatalogController m_catalogRoutes;
    DeadLetterController m_deadLetters;
    SystemController m_system;
    ApiDocsController m_apiDocs;
    RequestObserver m_observer;
};

} // namespace mmf
