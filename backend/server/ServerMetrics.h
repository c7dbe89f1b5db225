#pragma once

#include "metrics/ProcessMetrics.h"

namespace mmf {

class Clock;
class HttpServer;
class MetricsRegistry;
class WebSocketHub;

// What /metrics reads at the scrape itself, besides the task figures: the process (ProcessMetrics), the open
// HTTP connections and WebSockets against their caps, and the build (mmf_build_info{version}).
class ServerMetrics
{
public:
    ServerMetrics(MetricsRegistry& registry, const Clock& clock, const HttpServer& http,
                  const WebSocketHub& webSockets);
    void collect();

private:
    MetricsRegistry& m_registry;
    const HttpServer& m_http;
    const WebSocketHub& m_webSockets;
    ProcessMetrics m_process; // read at most once a second
};

} // namespace mmf
