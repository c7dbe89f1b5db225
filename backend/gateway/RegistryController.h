#pragma once

#include "gateway/GatewayContext.h"
#include "gateway/ModelInfo.h"
#include "http/Router.h"

#include <QJsonObject>

namespace mmf {

// Instances joining and leaving, and the model catalogue routes (GET /api/v1/models, /api/v1/models/{name}).
class RegistryController
{
public:
    explicit RegistryController(GatewayContext& context);
    void registerRoutes(Router& router);

    // The list entry of a model: {name, project, status, instances, queue_depth, ...}.
    QJsonObject modelSummary(const ModelInfoPtr& model) const;

private:
    void registerInstance(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void removeInstance(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void listModels(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void getModel(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);

    GatewayContext& m_context;
};

} // namespace mmf
