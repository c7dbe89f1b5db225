#include "gateway/ApiRoutes.h"

namespace mmf {

ApiRoutes::ApiRoutes(Router& router, const AccessResolver& resolver)
    : m_router(router)
    , m_resolver(resolver)
{}

void ApiRoutes::add(QByteArray method, QByteArray pattern, RouteAccess access, Handler handler)
{
    m_declared.push_back({method, pattern, access});
    m_router.add(std::move(method), std::move(pattern),
                 [resolver = &m_resolver, access, handler = std::move(handler)](
                     HttpRequest& request, const HttpResponder& responder, const RouteParams& params) {
                     resolver->resolve(access, request, params, responder,
                                       [&handler, responder, params](HttpRequest& req, const Caller& caller) {
                                           handler(req, responder, params, caller);
                                       });
                 });
}

void ApiRoutes::addOpen(QByteArray method, QByteArray pattern, Router::Handler handler)
{
    m_declared.push_back({method, pattern, RouteAccess::open()});
    m_router.add(std::move(method), std::move(pattern), std::move(handler));
}

} // namespace mmf
