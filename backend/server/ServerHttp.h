#pragma once

#include "gateway/ApiDocsController.h"
#include "gateway/AuthController.h"
#include "gateway/CatalogController.h"
#include "gateway/DeadLetterController.h"
#include "gateway/Gateway.h"
#include "gateway/GatewayContext.h"
#include "gateway/MetricsController.h"
#include "gateway/OpenApiController.h"
#include "gateway/ProjectController.h"
#include "gateway/RegistryController.h"
#include "gateway/SystemController.h"
#include "gateway/TaskController.h"
#include "gateway/TokenController.h"
#include "http/HttpLimits.h"
#include "scaler/ScalerController.h"
#include "server/ServerMetrics.h"

namespace mmf {

class ServerAuth;
class ServerScaling;
class ServerTasks;

// HTTP with every controller: the gateway (socket, router, access resolver) and each controller of API v1,
// whose routes are all registered here, in one place, each with the access it declares.
class ServerHttp
{
public:
    ServerHttp(GatewayContext context, const HttpLimits& limits, ServerAuth& auth, ServerTasks& tasks,
               ServerScaling& scaling);
    ~ServerHttp();

    Gateway& gateway() { return m_gateway; }
    const ApiRoutes& routes() { return m_gateway.routes(); }

private:
    GatewayContext m_context;
    Gateway m_gateway;
    TaskController m_tasks;
    RegistryController m_registry;
    CatalogController m_catalog;
    DeadLetterController m_deadLetters;
    SystemController m_system;
    TokenController m_tokens;
    ApiDocsController m_apiDocs;
    ServerMetrics m_scraped;
    MetricsController m_metrics;
    OpenApiController m_openApi;
    AuthController m_auth;
    ProjectController m_projects;
    ScalerController m_scaler;
};

} // namespace mmf
