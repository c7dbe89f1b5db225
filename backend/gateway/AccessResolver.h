#pragma once

#include "core/Error.h"
#include "gateway/Caller.h"
#include "gateway/RouteAccess.h"
#include "http/HttpRequest.h"
#include "http/HttpResponder.h"
#include "http/Router.h"

#include <functional>

namespace mmf {

class AuthGuard;
class ModelCatalog;

// Applies a route's RouteAccess before its handler runs: authenticates, refuses task tokens where they have
// no place, validates the {name} of a model route (one answer for an invalid name: 400), looks the model up
// (404) and checks the caller reaches its project (403). The handler gets the caller and the model; on any
// failure it never runs and the client gets the API error object.
class AccessResolver
{
public:
    using Next = std::function<void(HttpRequest&, const Caller&)>;

    AccessResolver(const AuthGuard& auth, ModelCatalog& catalog);

    void resolve(const RouteAccess& access, HttpRequest& request, const RouteParams& params,
                 const HttpResponder& responder, const Next& next) const;

    static Error invalidModelName();

private:
    void checkModel(const RouteAccess& access, Caller caller, const ModelInfoPtr& model,
                    const QByteArray& name, HttpRequest& request, const HttpResponder& responder,
                    const Next& next) const;

    const AuthGuard& m_auth;
    ModelCatalog& m_catalog;
};

} // namespace mmf
