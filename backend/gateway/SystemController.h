#pragma once

#include "gateway/GatewayContext.h"
#include "http/Router.h"

namespace mmf {

// Health, readiness, the public keys and token issuing.
class SystemController
{
public:
    explicit SystemController(GatewayContext& context);
    void registerRoutes(Router& router);

private:
    void healthz(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void readyz(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void keys(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void issueToken(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);

    GatewayContext& m_context;
};

} // namespace mmf
