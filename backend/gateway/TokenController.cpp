#include "gateway/TokenController.h"

#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "core/Clock.h"
#include "gateway/ApiError.h"
#include "gateway/JsonBody.h"
#include "gateway/TaskJson.h"
#include "gateway/TokenRevocations.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace mmf {

namespace {
const QStringList kMethods{QStringLiteral("score"), QStringLiteral("read"), QStringLiteral("serve"),
                           QStringLiteral("admin"), QStringLiteral("train")};
constexpr qint64 kMaxTokenTtlSecs = 366LL * 24 * 3600;
} // namespace

TokenController::TokenController(GatewayContext& context)
    : m_context(context)
    , m_issued(context.redis, context.clock)
{}

void TokenController::registerRoutes(ApiRoutes& routes)
{
    routes.add("POST", "/api/v1/tokens", RouteAccess::method("admin"),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { issue(request, responder, caller); });
    routes.add("GET", "/api/v1/tokens", RouteAccess::method("admin"),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { list(request, responder, caller); });
    routes.add("DELETE", "/api/v1/tokens/{id}", RouteAccess::method("admin"),
               [this](HttpRequest&, const HttpResponder& responder, const RouteParams& params,
                      const Caller& caller) { revoke(params.value("id"), responder, caller); });
}

void TokenController::issue(HttpRequest& request, const HttpResponder& responder, const Caller& caller)
{
    Result<QJsonObject> body = JsonBody::parseObject(request.body);
    if (!body) {
        ApiError::send(responder, body.error());
        return;
    }
    static const QRegularExpression kName(QStringLiteral("^[A-Za-z0-9_.@-]{1,64}$"));
    static const QRegularExpression kProject(QStringLiteral("^[a-z][a-z0-9_-]{0,62}$"));
    const QString user = body->value(QStringLiteral("user")).toString();
    const QString project =
        body->value(QStringLiteral("project")).toString(QString::fromStdString(caller.claims->project_id()));
    if (!kName.match(user).hasMatch()) {
        ApiError::send(responder, Error::invalidArgument(QStringLiteral("user is 1 to 64 of [A-Za-z0-9_.@-]"),
                                                         QStringLiteral("user")));
        return;
    }
    if (!kProject.match(project).hasMatch()) {
        ApiError::send(responder,
                       Error::invalidArgument(QStringLiteral("project names match [a-z][a-z0-9_-]{0,62}"),
                                              QStringLiteral("project")));
        return;
    }
    if (!caller.administers(project.toUtf8())) {
        ApiError::send(
            responder,
            Error::permissionDenied(
                QStringLiteral("this token administers project '%1' only; a superuser issues tokens "
                               "for other projects")
                    .arg(QString::fromStdString(caller.claims->project_id()))));
        return;
    }
    const QJsonValue methodsValue = body->value(QStringLiteral("methods"));
    if (!methodsValue.isArray() || methodsValue.toArray().isEmpty()) {
        ApiError::send(responder,
                       Error::invalidArgument(QStringLiteral("methods is a non-empty array of score, read, "
                                                             "serve, admin"),
                                              QStringLiteral("methods")));
        return;
    }
    v1::TokenClaims issued;
    for (const QJsonValue& method : methodsValue.toArray()) {
        if (!kMethods.contains(method.toString())) {
            ApiError::send(responder, Error::invalidArgument(
                                          QStringLiteral("unknown method '%1'").arg(method.toString()),
                                          QStringLiteral("methods")));
            return;
        }
        issued.add_methods(method.toString().toStdString());
    }
    const QJsonValue ttlValue = body->value(QStringLiteral("ttl_s"));
    const double ttl = ttlValue.isUndefined() ? 3600 : ttlValue.toDouble(-1);
    if (!ttlValue.isUndefined() && !ttlValue.isDouble()) {
        ApiError::send(responder, Error::invalidArgument(QStringLiteral("ttl_s is a number of seconds"),
                                                         QStringLiteral("ttl_s")));
        return;
    }
    if (ttl < 1 || ttl > kMaxTokenTtlSecs) {
        ApiError::send(responder, Error::invalidArgument(
                                      QStringLiteral("ttl_s is 1 to %1 seconds").arg(kMaxTokenTtlSecs),
                                      QStringLiteral("ttl_s")));
        return;
    }
    const qint64 now = m_context.clock.nowSecs();
    issued.set_user_id(user.toStdString());
    issued.set_project_id(project.toStdString());
    issued.set_iat(now);
    issued.set_exp(now + qint64(ttl));
    issued.set_token_id(IssuedTokens::newId().toStdString());
    // Recorded first: a token handed out can always be listed and revoked.
    m_issued.record(issued, QByteArray::fromStdString(caller.claims->user_id()),
                    [this, issued, responder](Result<void> recorded) {
                        if (!recorded)
                            return ApiError::send(responder, recorded.error());
                        const QByteArray token = mmf::issueToken(m_context.signingKey, issued);
                        responder.sendJson(
                            201,
                            JsonBody::compact(QJsonObject{
                                {QStringLiteral("token"), QString::fromLatin1(token)},
                                {QStringLiteral("token_id"), QString::fromStdString(issued.token_id())},
                                {QStringLiteral("expires_at"), TaskJson::isoTime(issued.exp() * 1000)}}));
                    });
}

void TokenController::list(const HttpRequest& request, const HttpResponder& responder, const Caller& caller)
{
    const QByteArray project = request.queryParam("project");
    const QByteArray wanted =
        project.isEmpty() ? QByteArray::fromStdString(caller.claims->project_id()) : project;
    if (!caller.administers(wanted)) {
        ApiError::send(responder,
                       Error::permissionDenied(QStringLiteral("this token does not administer project '%1'")
                                                   .arg(QString::fromUtf8(wanted))));
        return;
    }
    m_issued.list([wanted, responder](Result<std::vector<IssuedTokens::Entry>> entries) {
        if (!entries)
            return ApiError::send(responder, entries.error());
        QJsonArray tokens;
        for (const IssuedTokens::Entry& entry : *entries) {
            if (entry.project != wanted)
                continue;
            QJsonArray methods;
            for (const QByteArray& method : entry.methods)
                methods.append(QString::fromUtf8(method));
            tokens.append(
                QJsonObject{{QStringLiteral("token_id"), QString::fromLatin1(entry.id)},
                            {QStringLiteral("user"), QString::fromUtf8(entry.user)},
                            {QStringLiteral("project"), QString::fromUtf8(entry.project)},
                            {QStringLiteral("methods"), methods},
                            {QStringLiteral("issued_at"), TaskJson::isoTime(entry.issuedAtSecs * 1000)},
                            {QStringLiteral("expires_at"), TaskJson::isoTime(entry.expiresAtSecs * 1000)},
                            {QStringLiteral("issued_by"), QString::fromUtf8(entry.issuedBy)}});
        }
        responder.sendJson(200, JsonBody::compact(QJsonObject{{QStringLiteral("tokens"), tokens}}));
    });
}

void TokenController::revoke(const QByteArray& id, const HttpResponder& responder, const Caller& caller)
{
    // A token of a project the caller does not administer answers as one that does not exist.
    const auto notFound = [id] {
        return Error::notFound(
            QStringLiteral("no token '%1' is valid in a project you administer").arg(QString::fromUtf8(id)));
    };
    m_issued.find(id,
                  [this, id, caller, responder, notFound](Result<std::optional<IssuedTokens::Entry>> entry) {
                      if (!entry)
                          return ApiError::send(responder, entry.error());
                      if (!*entry || !caller.administers((*entry)->project))
                          return ApiError::send(responder, notFound());
                      m_context.tokenRevocations.revoke(
                          id, (*entry)->expiresAtSecs, [this, id, responder](Result<void> done) {
                              if (!done)
                                  return ApiError::send(responder, done.error());
                              m_issued.remove(id);
                              responder.send(204, {}, {});
                          });
                  });
}

} // namespace mmf
