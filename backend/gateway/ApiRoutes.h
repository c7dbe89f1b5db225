#pragma once

#include "gateway/AccessResolver.h"
#include "gateway/RouteAccess.h"
#include "http/Router.h"

#include <functional>
#include <vector>

namespace mmf {

// Registers the routes of API v1, each with what it needs: the handler runs only once the AccessResolver
// has let the caller through, and gets the caller (and the model of a model route).
class ApiRoutes
{
public:
    using Handler =
        std::function<void(HttpRequest&, const HttpResponder&, const RouteParams&, const Caller&)>;
    struct Declared
    {
        QByteArray method;
        QByteArray pattern;
        RouteAccess access;
    };

    ApiRoutes(Router& router, const AccessResolver& resolver);

    void add(QByteArray method, QByteArray pattern, RouteAccess access, Handler handler);
    // A route anyone may call (sign-in, health, the docs page, the scrape): declared open, no caller.
    void addOpen(QByteArray method, QByteArray pattern, Router::Handler handler);
    // Every route with its access, for the OpenAPI document and the route audit test.
    const std::vector<Declared>& declared() const { return m_declared; }

private:
    Router& m_router;
    const AccessResolver& m_resolver;
    std::vector<Declared> m_declared;
};

} // namespace mmf
