#pragma once

#include "gateway/ApiRoutes.h"
#include "gateway/GatewayContext.h"

namespace mmf {

// Health, readiness, the public keys and token issuing.
class SystemController
{
public:
    explicit SystemController(GatewayContext& context);
    void registerRoutes(ApiRoutes& routes);

private:
    void readyz(const HttpResponder& responder);
    void keys(const HttpResponder& responder);
    // A project's admin issues tokens for that project only; a superuser for any.
    void issueToken(HttpRequest& request, const HttpResponder& responder, const Caller& caller);

    GatewayContext& m_context;
};

} // namespace mmf
