#pragma once

#include "gateway/ApiRoutes.h"
#include "gateway/GatewayContext.h"
#include "gateway/IssuedTokens.h"

namespace mmf {

// Tokens for workers and scripts: issued by a project's admin (a superuser: for any project), recorded
// (IssuedTokens) before they are handed out, listed per project and revoked by id (TokenRevocations) while
// they are valid.
class TokenController
{
public:
    explicit TokenController(GatewayContext& context);
    void registerRoutes(ApiRoutes& routes);

private:
    void issue(HttpRequest& request, const HttpResponder& responder, const Caller& caller);
    void list(const HttpRequest& request, const HttpResponder& responder, const Caller& caller);
    void revoke(const QByteArray& id, const HttpResponder& responder, const Caller& caller);

    GatewayContext& m_context;
    IssuedTokens m_issued;
};

} // namespace mmf
