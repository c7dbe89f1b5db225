#pragma once

#include "gateway/ApiRoutes.h"

#include <functional>

namespace mmf {

class MetricsRegistry;

// GET /metrics: the Prometheus text exposition, without auth (the main port binds loopback by default; put it
// behind the network policy that guards the scrape). Task gauges are as fresh as the last poll (at most ~1 s
// old); `beforeScrape` refreshes what is read at the scrape itself (the process, the connections).
class MetricsController
{
public:
    MetricsController(MetricsRegistry& registry, std::function<void()> beforeScrape = {});
    void registerRoutes(ApiRoutes& routes);

private:
    void metrics(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);

    MetricsRegistry& m_registry;
    std::function<void()> m_beforeScrape;
};

} // namespace mmf
