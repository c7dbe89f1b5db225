#pragma once

#include "gateway/ApiRoutes.h"

namespace mmf {

class AccountStore;
class ServeRevocation;

// Projects and memberships: GET /api/v1/projects (`read`: one's own projects, with the members of the one the
// token administers; a superuser: every project with its members), PUT and DELETE
// /api/v1/projects/{p}/members/{login} (`admin` of that project, or a superuser). A change that takes `serve`
// away revokes it (ServeRevocation) before the answer.
class ProjectController
{
public:
    ProjectController(AccountStore& accounts, ServeRevocation& revocation);
    void registerRoutes(ApiRoutes& routes);

private:
    void listOwn(const HttpResponder& responder, const Caller& caller);
    void listAll(const HttpResponder& responder);
    void putMember(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void deleteMember(const HttpResponder& responder, const RouteParams& params);
    void withPreviousMethods(const QByteArray& login, const QByteArray& project,
                             const HttpResponder& responder,
                             std::function<void(const QByteArray& userId, const QList<QByteArray>&)> next);
    // Taking serve (or admin) away revokes the user's reach into the project's models' Redis.
    void afterChange(const QByteArray& project, const QByteArray& userId, const QList<QByteArray>& before,
                     const QList<QByteArray>& after, const HttpResponder& responder,
                     std::function<void()> answer);

    AccountStore& m_accounts;
    ServeRevocation& m_revocation;
};

} // namespace mmf
