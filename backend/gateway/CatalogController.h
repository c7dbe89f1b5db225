#pragma once

#include "gateway/ApiRoutes.h"
#include "gateway/GatewayContext.h"

namespace mmf {

class RegistryController;

// The catalogue's admin and detail routes: PATCH /api/v1/models/{name} (admin: metadata and retry policy, a
// partial update, 200 with the model as GET shows it, 400 naming the bad field) and
// GET /api/v1/models/{name}/instances (read: the live instances with their ping figures). Both answer 404 for
// an unknown model and 403 for another project's model (the AccessResolver decides).
class CatalogController
{
public:
    CatalogController(GatewayContext& context, const RegistryController& registry);
    void registerRoutes(ApiRoutes& routes);

private:
    void patchModel(HttpRequest& request, const HttpResponder& responder, const Caller& caller);
    void listInstances(const HttpResponder& responder, const Caller& caller);

    GatewayContext& m_context;
    const RegistryController& m_registry;
};

} // namespace mmf
