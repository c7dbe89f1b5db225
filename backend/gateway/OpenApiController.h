#pragma once

#include "gateway/ApiRoutes.h"
#include "gateway/GatewayContext.h"
#include "gateway/ModelInfo.h"

#include <QJsonObject>

namespace mmf {

// GET /api/v1/openapi.json (method `read`): an OpenAPI 3.1 document of the routes this server implements,
// plus one submit path per live model of the caller's project (every project's for a superuser) with that
// model's request schema (field comments as descriptions). Built per request from the catalogue in memory.
class OpenApiController
{
public:
    explicit OpenApiController(GatewayContext& context);
    void registerRoutes(ApiRoutes& routes);

    // The document; `models` are the live models to add submit paths for. Exposed for tests.
    static QJsonObject document(const QList<ModelInfoPtr>& models, const QString& serverUrl);

private:
    void openApi(HttpRequest& request, const HttpResponder& responder, const Caller& caller);

    GatewayContext& m_context;
};

} // namespace mmf
