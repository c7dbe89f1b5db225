#pragma once

#include "gateway/ApiRoutes.h"

namespace mmf {

class AccountService;

// POST /api/v1/auth/register, /login, /refresh, /logout: no bearer token needed (logout proves itself with
// the refresh token). Field types are checked here; the
// policy (login and password shape) and the answers come from the account service.
class AuthController
{
public:
    explicit AuthController(AccountService& accounts);
    void registerRoutes(ApiRoutes& routes);

private:
    void registerUser(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void login(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void refresh(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void logout(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);

    AccountService& m_accounts;
};

} // namespace mmf
