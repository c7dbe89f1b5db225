#include "gateway/Gateway.h"

#include "gateway/GatewaySettings.h"
#include "gateway/WebSocketHub.h"

#include <QPointer>

namespace mmf {

Gateway::Gateway(GatewayContext& context, const HttpLimits& limits, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_server(limits)
    , m_resolver(context.auth, context.catalog)
    , m_routes(m_router, m_resolver)
{
    m_server.setTrustedProxies(TrustedProxies(context.settings.trustedProxies));
    m_server.setHandler([this](HttpRequest& request, const HttpResponder& responder) {
        if (!m_observer) {
            m_router.dispatch(request, responder);
            return;
        }
        // Count the answer when it goes out (handlers may answer later, e.g. ?wait=S), labelled with the
        // pattern of the one match the request is dispatched from.
        // QPointer: a deferred answer may come after the gateway is gone (shutdown).
        const Router::Match match = m_router.match(request);
        const HttpResponder counted([self = QPointer<Gateway>(this), responder, route = match.pattern()](
                                        int status, const QByteArray& contentType, const QByteArray& body,
                                        const HttpResponder::Headers& headers) {
            if (self && self->m_observer)
                self->m_observer(route, status);
            responder.send(status, contentType, body, headers);
        });
        m_router.dispatch(request, counted, match);
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
