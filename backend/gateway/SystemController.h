#pragma once

#include "gateway/ApiRoutes.h"
#include "gateway/GatewayContext.h"

namespace mmf {

// Health, readiness and the public keys.
class SystemController
{
public:
    explicit SystemController(GatewayContext& context);
    void registerRoutes(ApiRoutes& routes);

private:
    void readyz(const HttpResponder& responder);
    void keys(const HttpResponder& responder);

    GatewayContext& m_context;
};

} // namespace mmf
