#include "server/ServerMetrics.h"

#include "gateway/WebSocketHub.h"
#include "http/HttpServer.h"
#include "metrics/MetricsRegistry.h"
#include "redis/RedisClient.h"

#include <unistd.h>

namespace mmf {

ServerMetrics::ServerMetrics(MetricsRegistry& registry, const Clock& clock, const HttpServer& http,
                             const HttpLimits& limits, const WebSocketHub& webSockets, RedisClient& redis)
    : m_registry(registry)
    , m_http(http)
    , m_webSockets(webSockets)
    , m_redis(redis)
    , m_process(registry, clock, 1000, QStringLiteral("/proc/self"), qint64(::getpid())) // the embedded Redis
{
    using T = MetricsRegistry::Type;
    m_registry.declare("mmf_build_info", T::Gauge, "Always 1; the version of this server in its label.");
    m_registry.set("mmf_build_info", {{"version", MMF_VERSION}}, 1);
    m_registry.declare("mmf_http_connections", T::Gauge,
                       "Open HTTP connections, upgraded WebSockets not included ([http] max_connections).");
    m_registry.declare("mmf_websocket_connections", T::Gauge,
                       "Open WebSockets on this server ([ws] max_connections).");
    m_registry.declare("mmf_http_connections_limit", T::Gauge,
                       "HTTP connections this server holds at most ([http] max_connections).");
    m_registry.set("mmf_http_connections_limit", {}, limits.maxConnections);
    m_registry.declare(
        "mmf_websocket_connections_limit", T::Gauge,
        "WebSockets this server holds at most ([ws] max_connections; a further upgrade gets 503).");
    m_registry.set("mmf_websocket_connections_limit", {}, limits.wsMaxConnections);
    m_registry.declare("mmf_redis_connected", T::Gauge, "1 while this server's Redis connection is up.");
    m_registry.declare(
        "mmf_redis_disconnects_total", T::Counter,
        "Times this server lost its Redis connection (closed, or a command past its deadline).");
    m_registry.add("mmf_redis_disconnects_total", {}, 0);
    m_redisLost = QObject::connect(&m_redis, &RedisClient::disconnected,
                                   [this] { m_registry.add("mmf_redis_disconnects_total", {}); });
}

ServerMetrics::~ServerMetrics()
{
    QObject::disconnect(m_redisLost);
}

void ServerMetrics::collect()
{
    m_process.collect();
    m_registry.set("mmf_http_connections", {}, m_http.connectionCount());
    m_registry.set("mmf_websocket_connections", {}, m_webSockets.connectionCount());
    m_registry.set("mmf_redis_connected", {}, m_redis.isConnected() ? 1 : 0);
}

} // namespace mmf
