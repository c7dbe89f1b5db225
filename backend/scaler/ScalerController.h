#pragma once

#include "gateway/ApiRoutes.h"
#include "gateway/GatewayContext.h"

namespace mmf {

class ModelDescriber;
class ScalingStore;

// GET /api/v1/scaler (read: the pool and every managed model of the caller's project, all for a superuser)
// and PUT /api/v1/models/{name}/scaling (admin). A PUT on a model the catalogue does not know yet sets its
// project (the body's, else the token's) and describes it with the worker program, so its tasks can be
// queued at zero replicas; a model that cannot be started here and has no instance is refused with 400.
class ScalerController
{
public:
    ScalerController(GatewayContext& context, ScalingStore& store, ModelDescriber& describer);
    void registerRoutes(ApiRoutes& routes);

private:
    void getScaler(const HttpResponder& responder, const Caller& caller);
    void putScaling(HttpRequest& request, const HttpResponder& responder, const RouteParams& params,
                    const Caller& caller);

    GatewayContext& m_context;
    ScalingStore& m_store;
    ModelDescriber& m_describer;
};

} // namespace mmf
