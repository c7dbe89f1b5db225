#pragma once

#include "core/Result.h"
#include "gateway/GatewayContext.h"
#include "gateway/RegistryController.h"
#include "gateway/SystemController.h"
#include "gateway/TaskController.h"
#include "http/HttpLimits.h"
#include "http/HttpServer.h"
#include "http/Router.h"

#include <QHostAddress>
#include <QObject>

namespace mmf {

// The HTTP + WebSocket front of the server: the router with every route of API v1, and the listening socket.
class Gateway : public QObject
{
    Q_OBJECT
public:
    Gateway(GatewayContext& context, const HttpLimits& limits, QObject* parent = nullptr);

    Result<quint16> listen(const QHostAddress& address, quint16 port);
    void close();
    HttpServer& httpServer() { return m_server; }
    RegistryController& registry() { return m_registry; }

private:
    GatewayContext& m_context;
    HttpServer m_server;
    Router m_router;
    TaskController m_tasks;
    RegistryController m_registry;
    SystemController m_system;
};

} // namespace mmf
