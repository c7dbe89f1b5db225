#include "gateway/Gateway.h"

#include "gateway/WebSocketHub.h"

namespace mmf {

Gateway::Gateway(GatewayContext& context, const HttpLimits& limits, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_server(limits)
    , m_tasks(context)
    , m_registry(context)
    , m_system(context)
{
    m_tasks.registerRoutes(m_router);
    m_registry.registerRoutes(m_router);
    m_system.registerRoutes(m_router);
    m_server.setHandler([this](HttpRequest& request, const HttpResponder& responder) {
        m_router.dispatch(request, responder);
    });
    m_server.setWebSocketHandler("/api/v1/ws", [this](QWebSocket* socket, const HttpRequest& upgrade) {
        m_context.webSockets.accept(socket, upgrade);
    });
}

Result<quint16> Gateway::listen(const QHostAddress& address, quint16 port)
{
    return m_server.listen(address, port);
}

void Gateway::close()
{
    m_server.close();
}

} // namespace mmf
