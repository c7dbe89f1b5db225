#pragma once

#include "gateway/ApiRoutes.h"

namespace mmf {

// GET /docs: the interactive API page (Swagger UI from npm, compiled in as :/mmf/apidocs/*), and its files
// under /docs/<name>. The page itself needs no token; it asks for one to load /api/v1/openapi.json (`read`).
// A server built with -DMMF_API_PAGE=OFF answers 404 naming that.
class ApiDocsController
{
public:
    void registerRoutes(ApiRoutes& routes);

private:
    void page(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void asset(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void sendFile(const HttpResponder& responder, const QByteArray& name) const;
};

} // namespace mmf
