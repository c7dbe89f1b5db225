#include "server/ServerMetrics.h"

#include "gateway/WebSocketHub.h"
#include "http/HttpServer.h"
#include "metrics/MetricsRegistry.h"

namespace mmf {

ServerMetrics::ServerMetrics(MetricsRegistry& registry, const Clock& clock, const HttpServer& http,
                             const WebSocketHub& webSockets)
    : m_registry(registry)
    , m_http(http)
    , m_webSockets(webSockets)
    , m_process(registry, clock)
{
    using T = MetricsRegistry::Type;
    m_registry.declare("mmf_build_info", T::Gauge, "Always 1; the version of this server in its label.");
    m_registry.set("mmf_build_info", {{"version", MMF_VERSION}}, 1);
    m_registry.declare("mmf_http_connections", T::Gauge,
                       "Open HTTP connections, upgraded WebSockets not included ([http] max_connections).");
    m_registry.declare("mmf_websocket_connections", T::Gauge,
                       "Open WebSockets on this server ([ws] max_connections).");
}

void ServerMetrics::collect()
{
    m_process.collect();
    m_registry.set("mmf_http_connections", {}, m_http.connectionCount());
    m_registry.set("mmf_websocket_connections", {}, m_webSockets.connectionCount());
}

} // namespace mmf
