#include "http/Router.h"

#include "http/HttpUtil.h"

#include <QVarLengthArray>

namespace mmf {

namespace {

using Segments = QVarLengthArray<QByteArrayView, 16>;

void splitPath(QByteArrayView path, Segments& out)
{
    if (path.startsWith('/'))
        path = path.sliced(1);
    qsizetype start = 0;
    for (;;) {
        const qsizetype slash = path.indexOf('/', start);
        if (slash < 0) {
            out.append(path.sliced(start));
            return;
        }
        out.append(path.sliced(start, slash - start));
        start = slash + 1;
    }
}

bool isCapture(const QByteArray& segment)
{
    return segment.size() >= 2 && segment.startsWith('{') && segment.endsWith('}');
}

// Literal segments further left weigh more, so "/tasks/stats" beats "/tasks/{id}" whatever the order of
// add().
quint64 specificity(const std::vector<QByteArray>& segments)
{
    quint64 score = 0;
    for (size_t i = 0; i < segments.size() && i < 64; ++i) {
        if (!isCapture(segments[i]))
            score |= quint64(1) << (63 - i);
    }
    return score;
}

bool matches(const std::vector<QByteArray>& pattern, const Segments& path)
{
    if (pattern.size() != size_t(path.size()))
        return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        const QByteArray& p = pattern[i];
        if (isCapture(p)) {
            if (path[qsizetype(i)].isEmpty())
                return false;
        } else if (QByteArrayView(p) != path[qsizetype(i)]) {
            return false;
        }
    }
    return true;
}

bool methodMatches(const QByteArray& routeMethod, const QByteArray& requestMethod)
{
    // HEAD is answered by the GET route; the connection leaves the body off.
    return routeMethod == requestMethod || (requestMethod == "HEAD" && routeMethod == "GET");
}

} // namespace

void Router::add(QByteArray method, QByteArray pattern, Handler handler)
{
    Route route;
    route.method = std::move(method);
    Segments split;
    splitPath(pattern, split);
    for (const QByteArrayView s : split)
        route.segments.push_back(s.toByteArray());
    route.pattern = std::move(pattern);
    route.handler = std::move(handler);
    m_routes.push_back(std::move(route));
}

void Router::dispatch(HttpRequest& request, const HttpResponder& responder) const
{
    Segments path;
    splitPath(request.path, path);
    const Route* best = nullptr;
    quint64 bestScore = 0;
    bool pathKnown = false;
    QByteArray allow;
    for (const Route& route : m_routes) {
        if (!matches(route.segments, path))
            continue;
        pathKnown = true;
        if (methodMatches(route.method, request.method)) {
            const quint64 score = specificity(route.segments);
            if (!best || score > bestScore) {
                best = &route;
                bestScore = score;
            }
        } else if (!http::headerHasToken(allow, route.method)) {
            if (!allow.isEmpty())
                allow.append(", ");
            allow.append(route.method);
        }
    }
    if (best) {
        RouteParams params;
        for (size_t i = 0; i < best->segments.size(); ++i) {
            const QByteArray& s = best->segments[i];
            if (isCapture(s))
                params.insert(s.mid(1, s.size() - 2), path[qsizetype(i)].toByteArray());
        }
        best->handler(request, responder, params);
        return;
    }
    QByteArray message;
    if (pathKnown) {
        message = "method " + request.method.left(32) + " not allowed here";
        responder.sendError(405, "invalid_argument", message, {{"Allow", allow}});
    } else {
        message = "no such path: " + request.path.left(200);
        responder.sendError(404, "not_found", message);
    }
}

QByteArray Router::matchPattern(const HttpRequest& request) const
{
    Segments path;
    splitPath(request.path, path);
    const Route* best = nullptr;
    quint64 bestScore = 0;
    const Route* anyMethod = nullptr;
    for (const Route& route : m_routes) {
        if (!matches(route.segments, path))
            continue;
        if (!anyMethod)
            anyMethod = &route;
        if (methodMatches(route.method, request.method)) {
            const quint64 score = specificity(route.segments);
            if (!best || score > bestScore) {
                best = &route;
                bestScore = score;
            }
        }
    }
    if (best)
        return best->pattern;
    return anyMethod ? anyMethod->pattern : QByteArray("");
}

} // namespace mmf
