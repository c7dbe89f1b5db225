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

bool methodMatches(const QByteArray& routeMethod, const QByteArray& requestMethod)
{
    // HEAD is answered by the GET route; the connection leaves the body off.
    return routeMethod == requestMethod || (requestMethod == "HEAD" && routeMethod == "GET");
}

} // namespace

QByteArray Router::Match::pattern() const
{
    if (m_route)
        return m_route->pattern;
    return m_anyMethod ? m_anyMethod->pattern : QByteArray("");
}

void Router::add(QByteArray method, QByteArray pattern, Handler handler)
{
    auto route = std::make_unique<Route>();
    route->method = std::move(method);
    Segments split;
    splitPath(pattern, split);
    for (const QByteArrayView s : split) {
        route->segments.push_back(s.toByteArray());
        const bool capture = isCapture(route->segments.back());
        route->captures.push_back(capture);
        // So "/tasks/stats" beats "/tasks/{id}" whatever the order of add().
        const size_t i = route->segments.size() - 1;
        if (!capture && i < 64)
            route->specificity |= quint64(1) << (63 - i);
    }
    route->pattern = std::move(pattern);
    route->handler = std::move(handler);
    const size_t size = route->segments.size();
    if (m_bySize.size() <= size)
        m_bySize.resize(size + 1);
    m_bySize[size].push_back(route.get());
    m_routes.push_back(std::move(route));
}

Router::Match Router::match(const HttpRequest& request) const
{
    Match found;
    Segments path;
    splitPath(request.path, path);
    if (size_t(path.size()) >= m_bySize.size())
        return found;
    for (const Route* route : m_bySize[size_t(path.size())]) {
        bool matches = true;
        for (qsizetype i = 0; i < path.size() && matches; ++i) {
            matches = route->captures[size_t(i)] ? !path[i].isEmpty()
                                                 : QByteArrayView(route->segments[size_t(i)]) == path[i];
        }
        if (!matches)
            continue;
        if (!found.m_anyMethod)
            found.m_anyMethod = route;
        if (methodMatches(route->method, request.method)) {
            if (!found.m_route || route->specificity > found.m_route->specificity)
                found.m_route = route;
        } else if (!http::headerHasToken(found.m_allow, route->method)) {
            if (!found.m_allow.isEmpty())
                found.m_allow.append(", ");
            found.m_allow.append(route->method);
        }
    }
    if (found.m_route) {
        for (size_t i = 0; i < found.m_route->segments.size(); ++i) {
            const QByteArray& s = found.m_route->segments[i];
            if (found.m_route->captures[i])
                found.m_params.insert(s.mid(1, s.size() - 2), path[qsizetype(i)].toByteArray());
        }
    }
    return found;
}

void Router::dispatch(HttpRequest& request, const HttpResponder& responder) const
{
    dispatch(request, responder, match(request));
}

void Router::dispatch(HttpRequest& request, const HttpResponder& responder, const Match& match) const
{
    if (match.m_route) {
        match.m_route->handler(request, responder, match.m_params);
        return;
    }
    QByteArray message;
    if (match.m_anyMethod) {
        message = "method " + request.method.left(32) + " not allowed here";
        responder.sendError(405, "invalid_argument", message, {{"Allow", match.m_allow}});
    } else {
        message = "no such path: " + request.path.left(200);
        responder.sendError(404, "not_found", message);
    }
}

} // namespace mmf
