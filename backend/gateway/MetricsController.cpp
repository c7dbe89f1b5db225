#include "gateway/MetricsController.h"

#include "metrics/MetricsRegistry.h"

namespace mmf {

MetricsController::MetricsController(MetricsRegistry& registry, std::function<void()> beforeScrape)
    : m_registry(registry)
    , m_beforeScrape(std::move(beforeScrape))
{}

void MetricsController::registerRoutes(ApiRoutes& routes)
{
    using namespace std::placeholders;
    routes.addOpen("GET", "/metrics", std::bind(&MetricsController::metrics, this, _1, _2, _3));
}

void MetricsController::metrics(HttpRequest&, const HttpResponder& responder, const RouteParams&)
{
    if (m_beforeScrape)
        m_beforeScrape();
    responder.send(200, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                   m_registry.exposition());
}

} // namespace mmf
