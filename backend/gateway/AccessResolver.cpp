#include "gateway/AccessResolver.h"

#include "auth/TokenCodec.h"
#include "broker/BrokerKeys.h"
#include "gateway/ApiError.h"
#include "gateway/AuthGuard.h"
#include "gateway/ModelCatalog.h"

#include <memory>

namespace mmf {

AccessResolver::AccessResolver(const AuthGuard& auth, ModelCatalog& catalog)
    : m_auth(auth)
    , m_catalog(catalog)
{}

Error AccessResolver::invalidModelName()
{
    return Error::invalidArgument(QStringLiteral("model names match [a-z][a-z0-9_-]{0,62}"),
                                  QStringLiteral("name"));
}

void AccessResolver::resolve(const RouteAccess& access, HttpRequest& request, const RouteParams& params,
                             const HttpResponder& responder, const Next& next) const
{
    Caller caller;
    if (!access.authenticated)
        return next(request, caller);

    // A task token holds `score` only; where task tokens are welcome their reach is the task rule's, so the
    // route's method is not asked of them.
    Result<SharedTokenClaims> claims = m_auth.authenticate(request, {});
    if (!claims)
        return ApiError::send(responder, claims.error());
    caller.claims = std::move(*claims);
    if (caller.isTaskToken()) {
        if (!access.taskTokens)
            return ApiError::send(responder, Error::permissionDenied(QStringLiteral(
                                                 "a task token (model code's) cannot call this route")));
    } else if (!access.needed.isEmpty() && !hasMethod(*caller.claims, access.needed)) {
        return ApiError::send(responder, Error::permissionDenied(
                                             QStringLiteral("this token does not grant '%1' in project '%2'")
                                                 .arg(QString::fromLatin1(access.needed),
                                                      QString::fromStdString(caller.claims->project_id()))));
    }
    if (access.superuserOnly && !caller.isSuperuser())
        return ApiError::send(responder,
                              Error::permissionDenied(QStringLiteral("only a superuser may do this")));
    if (access.onProject && !caller.reachesProject(params.value("project")))
        return ApiError::send(responder, Error::permissionDenied(
                                             QStringLiteral("this token reaches project '%1' only")
                                                 .arg(QString::fromStdString(caller.claims->project_id()))));
    if (access.model == RouteAccess::Model::None)
        return next(request, caller);

    const QByteArray name = params.value("name");
    if (!BrokerKeys::isValidModelName(name))
        return ApiError::send(responder, invalidModelName());
    if (ModelInfoPtr known = m_catalog.find(name))
        return checkModel(access, std::move(caller), known, name, request, responder, next);
    // Not in memory: the lookup answers later, so the request moves to the heap for the handler.
    auto kept = std::make_shared<HttpRequest>(std::move(request));
    m_catalog.lookup(name, [this, access, caller = std::move(caller), name, kept, responder,
                            next](Result<ModelInfoPtr> found) {
        if (!found)
            return ApiError::send(responder, found.error());
        checkModel(access, caller, *found, name, *kept, responder, next);
    });
}

void AccessResolver::checkModel(const RouteAccess& access, Caller caller, const ModelInfoPtr& model,
                                const QByteArray& name, HttpRequest& request, const HttpResponder& responder,
                                const Next& next) const
{
    if (!model) {
        if (access.model == RouteAccess::Model::MayBeNew)
            return next(request, caller);
        return ApiError::send(responder,
                              Error::notFound(QStringLiteral("no model %1").arg(QString::fromUtf8(name))));
    }
    if (!caller.reachesProject(model->project))
        return ApiError::send(
            responder,
            Error::permissionDenied(
                QStringLiteral("model %1 belongs to another project").arg(QString::fromUtf8(name))));
    caller.model = model;
    next(request, caller);
}

} // namespace mmf
