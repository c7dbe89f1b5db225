#include "server/ServerHttp.h"

#include "server/ServerAuth.h"
#include "server/ServerScaling.h"
#include "server/ServerTasks.h"

namespace mmf {

ServerHttp::ServerHttp(GatewayContext context, const HttpLimits& limits, ServerAuth& auth, ServerTasks& tasks,
                       ServerScaling& scaling)
    : m_context(context)
    , m_gateway(m_context, limits)
    , m_tasks(m_context)
    , m_registry(m_context)
    , m_catalog(m_context, m_registry)
    , m_deadLetters(m_context)
    , m_system(m_context)
    , m_tokens(m_context)
    , m_scraped(tasks.metrics().registry(), m_context.clock, m_gateway.httpServer(), limits,
                tasks.webSockets(), m_context.redis)
    , m_metrics(tasks.metrics().registry(), [this] { m_scraped.collect(); })
    , m_openApi(m_context)
    , m_auth(auth.accounts())
    , m_projects(auth.accounts().store(), tasks.revocation())
    , m_scaler(m_context, scaling.store(), scaling.describer())
{
    ApiRoutes& routes = m_gateway.routes();
    m_tasks.registerRoutes(routes);
    m_registry.registerRoutes(routes);
    m_catalog.registerRoutes(routes);
    m_deadLetters.registerRoutes(routes);
    m_system.registerRoutes(routes);
    m_tokens.registerRoutes(routes);
    m_apiDocs.registerRoutes(routes);
    m_metrics.registerRoutes(routes);
    m_openApi.registerRoutes(routes);
    m_auth.registerRoutes(routes);
    m_projects.registerRoutes(routes);
    m_scaler.registerRoutes(routes);
    m_gateway.setRequestObserver([metrics = &tasks.metrics()](const QByteArray& route, int status) {
        metrics->onHttpRequest(route, status);
    });
}

ServerHttp::~ServerHttp()
{
    // Answers still due after this (a deferred ?wait) must not count into metrics that may be gone.
    m_gateway.setRequestObserver({});
}

} // namespace mmf
