#pragma once

#include "metrics/ProcessMetrics.h"

#include <QMetaObject>

namespace mmf {

class Clock;
class HttpServer;
struct HttpLimits;
class MetricsRegistry;
class RedisClient;
class WebSocketHub;

// What /metrics reads at the scrape itself, besides the task figures: the process (ProcessMetrics), the open
// HTTP connections and WebSockets against their caps, the server's Redis connection (up now, and how often it
// was lost), and the build (mmf_build_info{version}).
class ServerMetrics
{
public:
    // `limits` gives the caps the connection gauges are read against (exported once, as *_limit gauges).
    ServerMetrics(MetricsRegistry& registry, const Clock& clock, const HttpServer& http,
                  const HttpLimits& limits, const WebSocketHub& webSockets, RedisClient& redis);
    ~ServerMetrics();
    ServerMetrics(const ServerMetrics&) = delete;
    ServerMetrics& operator=(const ServerMetrics&) = delete;
    void collect();

private:
    MetricsRegistry& m_registry;
    const HttpServer& m_http;
    const WebSocketHub& m_webSockets;
    RedisClient& m_redis;
    QMetaObject::Connection m_redisLost;
    ProcessMetrics m_process; // read at most once a second
};

} // namespace mmf
