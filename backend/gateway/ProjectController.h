#pragma once

#include "http/Router.h"

namespace mmf {

class AccountStore;
class AuthGuard;

// Projects and memberships: GET /api/v1/projects (`read`: one's own projects; `admin`: every project with
// its members), PUT and DELETE /api/v1/projects/{p}/members/{login} (`admin`).
class ProjectController
{
public:
    ProjectController(AccountStore& accounts, const AuthGuard& auth);
    void registerRoutes(Router& router);

private:
    void list(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void putMember(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void deleteMember(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);

    AccountStore& m_accounts;
    const AuthGuard& m_auth;
};

} // namespace mmf
