#pragma once

#include "http/HttpRequest.h"
#include "http/HttpResponder.h"

#include <QByteArray>
#include <QHash>

#include <functional>
#include <vector>

namespace mmf {

// Path parameters captured by a route, e.g. {"name": "echo"} for "/api/v1/models/{name}/tasks".
using RouteParams = QHash<QByteArray, QByteArray>;

// Maps (method, path pattern) to handlers. Patterns are split on '/'; a segment "{x}" captures one path
// segment, other segments (including ones like "tasks:batch") match literally. Unknown path → 404; known path
// with another method → 405 with an Allow header.
class Router
{
public:
    using Handler = std::function<void(HttpRequest&, const HttpResponder&, const RouteParams&)>;

    void add(QByteArray method, QByteArray pattern, Handler handler);
    // Dispatches, or answers 404/405 itself with the API error object.
    void dispatch(HttpRequest& request, const HttpResponder& responder) const;
    // The pattern that matched (for metrics labels), or "" when none. A known path asked with another method
    // (a 405) gives the path's pattern.
    QByteArray matchPattern(const HttpRequest& request) const;

private:
    struct Route
    {
        QByteArray method;
        QByteArray pattern;
        std::vector<QByteArray> segments;
        Handler handler;
    };
    std::vector<Route> m_routes;
};

} // namespace mmf
