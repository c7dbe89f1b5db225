#pragma once

#include "gateway/ApiRoutes.h"

namespace mmf {

class AccountStore;

// Projects and memberships: GET /api/v1/projects (`read`: one's own projects, with the members of the one the
// token administers; a superuser: every project with its members), PUT and DELETE
// /api/v1/projects/{p}/members/{login} (`admin` of that project, or a superuser).
class ProjectController
{
public:
    explicit ProjectController(AccountStore& accounts);
    void registerRoutes(ApiRoutes& routes);

private:
    void listOwn(const HttpResponder& responder, const Caller& caller);
    void listAll(const HttpResponder& responder);
    void putMember(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void deleteMember(const HttpResponder& responder, const RouteParams& params);

    AccountStore& m_accounts;
};

} // namespace mmf
