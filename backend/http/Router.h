#pragma once

#include "http/HttpRequest.h"
#include "http/HttpResponder.h"

#include <QByteArray>
#include <QHash>

#include <functional>
#include <memory>
#include <vector>

namespace mmf {

// Path parameters captured by a route, e.g. {"name": "echo"} for "/api/v1/models/{name}/tasks".
using RouteParams = QHash<QByteArray, QByteArray>;

// Maps (method, path pattern) to handlers. Patterns are split on '/'; a segment "{x}" captures one path
// segment, other segments (including ones like "tasks:batch") match literally. Unknown path → 404; known path
// with another method → 405 with an Allow header. A request is matched once (match()), against the routes of
// its number of segments only; the gateway labels its metrics and dispatches from that one match.
class Router
{
    struct Route;

public:
    using Handler = std::function<void(HttpRequest&, const HttpResponder&, const RouteParams&)>;

    // What one request matched: the route to run and its captures, or why none runs.
    class Match
    {
    public:
        bool found() const { return m_route != nullptr; }
        // The pattern that matched (for metrics labels), or "" when none. A known path asked with another
        // method (a 405) gives the path's pattern.
        QByteArray pattern() const;

    private:
        friend class Router;
        const Route* m_route = nullptr;     // the most specific route of the request's method
        const Route* m_anyMethod = nullptr; // the first route of the path, any method
        RouteParams m_params;
        QByteArray m_allow; // the path's other methods (405)
    };

    void add(QByteArray method, QByteArray pattern, Handler handler);
    Match match(const HttpRequest& request) const;
    // Dispatches, or answers 404/405 itself with the API error object.
    void dispatch(HttpRequest& request, const HttpResponder& responder) const;
    void dispatch(HttpRequest& request, const HttpResponder& responder, const Match& match) const;

private:
    struct Route
    {
        QByteArray method;
        QByteArray pattern;
        std::vector<QByteArray> segments;
        std::vector<bool> captures; // per segment: "{x}"
        quint64 specificity = 0;    // literal segments further left weigh more
        Handler handler;
    };
    // Each route in its own allocation, so a Match's pointers stay valid while routes are added.
    std::vector<std::unique_ptr<Route>> m_routes;
    // By number of segments: the routes a path of that many segments can match, in the order added.
    std::vector<std::vector<const Route*>> m_bySize;
};

} // namespace mmf
