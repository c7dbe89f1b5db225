#include "gateway/MetricsController.h"

#include "gateway/TaskMetrics.h"

namespace mmf {

MetricsController::MetricsController(TaskMetrics& metrics)
    : m_metrics(metrics)
{}

void MetricsController::registerRoutes(ApiRoutes& routes)
{
    using namespace std::placeholders;
    routes.addOpen("GET", "/metrics", std::bind(&MetricsController::metrics, this, _1, _2, _3));
}

void MetricsController::metrics(HttpRequest&, const HttpResponder& responder, const RouteParams&)
{
    responder.send(200, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                   m_metrics.registry().exposition());
}

} // namespace mmf
