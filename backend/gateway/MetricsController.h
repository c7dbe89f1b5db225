#pragma once

#include "gateway/ApiRoutes.h"

namespace mmf {

class TaskMetrics;

// GET /metrics: the Prometheus text exposition, without auth (the main port binds loopback by default; put it
// behind the network policy that guards the scrape). Gauges are as fresh as the last poll (at most ~1 s old).
class MetricsController
{
public:
    explicit MetricsController(TaskMetrics& metrics);
    void registerRoutes(ApiRoutes& routes);

private:
    void metrics(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);

    TaskMetrics& m_metrics;
};

} // namespace mmf
