#include "gateway/ApiDocsController.h"

#include "http/HttpResponder.h"

#include <QFile>

namespace mmf {

namespace {

struct Asset
{
    const char* name;
    const char* contentType;
};

// Only these names are served: a request never names a path of its own.
constexpr Asset kAssets[] = {
    {"index.html", "text/html; charset=utf-8"},
    {"mmf-docs.js", "text/javascript; charset=utf-8"},
    {"swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
    {"swagger-ui.css", "text/css; charset=utf-8"},
    {"LICENSE", "text/plain; charset=utf-8"},
};

} // namespace

void ApiDocsController::registerRoutes(ApiRoutes& routes)
{
    using namespace std::placeholders;
    routes.addOpen("GET", "/docs", std::bind(&ApiDocsController::page, this, _1, _2, _3));
    routes.addOpen("GET", "/docs/{file}", std::bind(&ApiDocsController::asset, this, _1, _2, _3));
}

void ApiDocsController::page(HttpRequest&, const HttpResponder& responder, const RouteParams&)
{
    sendFile(responder, QByteArrayLiteral("index.html"));
}

void ApiDocsController::asset(HttpRequest&, const HttpResponder& responder, const RouteParams& params)
{
    sendFile(responder, params.value(QByteArrayLiteral("file")));
}

void ApiDocsController::sendFile(const HttpResponder& responder, const QByteArray& name) const
{
    for (const Asset& asset : kAssets) {
        if (name != asset.name)
            continue;
        QFile file(QStringLiteral(":/mmf/apidocs/") + QLatin1String(asset.name));
        if (!file.open(QIODevice::ReadOnly)) {
            responder.sendError(404, "not_found",
                                "this server was built without the API page (-DMMF_API_PAGE=OFF)");
            return;
        }
        // The page and its scripts come from this server only; Swagger UI styles some elements inline.
        responder.send(200, asset.contentType, file.readAll(),
                       {{"Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                         "frame-ancestors 'none'"},
                        {"X-Content-Type-Options", "nosniff"},
                        {"Cache-Control", "no-cache"}});
        return;
    }
    responder.sendError(404, "not_found", "no such file under /docs");
}

} // namespace mmf
