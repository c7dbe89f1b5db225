#include "gateway/SystemController.h"

#include "auth/Base64Url.h"
#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "broker/BrokerLibraryGuard.h"
#include "core/Clock.h"
#include "gateway/ApiError.h"
#include "gateway/AuthGuard.h"
#include "gateway/JsonBody.h"
#include "gateway/KeyRing.h"
#include "gateway/TaskJson.h"
#include "redis/RedisClient.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace mmf {

namespace {
const QStringList kMethods{QStringLiteral("score"), QStringLiteral("read"), QStringLiteral("serve"),
                           QStringLiteral("admin"), QStringLiteral("train")};
constexpr qint64 kMaxTokenTtlSecs = 366LL * 24 * 3600;
} // namespace

SystemController::SystemController(GatewayContext& context)
    : m_context(context)
{}

void SystemController::registerRoutes(ApiRoutes& routes)
{
    routes.add("GET", "/healthz", RouteAccess::open(),
               [](HttpRequest&, const HttpResponder& responder, const RouteParams&, const Caller&) {
                   responder.sendJson(200, QByteArrayLiteral("{\"status\":\"ok\"}"));
               });
    routes.add("GET", "/readyz", RouteAccess::open(),
               [this](HttpRequest&, const HttpResponder& responder, const RouteParams&, const Caller&) {
                   readyz(responder);
               });
    routes.add("GET", "/api/v1/keys", RouteAccess::open(),
               [this](HttpRequest&, const HttpResponder& responder, const RouteParams&, const Caller&) {
                   keys(responder);
               });
    routes.add("POST", "/api/v1/tokens", RouteAccess::method("admin"),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { issueToken(request, responder, caller); });
}

void SystemController::readyz(const HttpResponder& responder)
{
    m_context.redis.command({"PING"}, [this, responder](const RedisReply& reply) {
        if (reply.isError()) {
            ApiError::send(
                responder,
                Error::unavailable(QStringLiteral("Redis is not reachable: %1").arg(reply.toString())));
            return;
        }
        // Without its own library in Redis (a newer server's is loaded) this server's calls may not be found.
        if (m_context.library && !m_context.library->ready()) {
            ApiError::send(responder, Error::unavailable(m_context.library->problem()));
            return;
        }
        responder.sendJson(200, QByteArrayLiteral("{\"status\":\"ready\"}"));
    });
}

void SystemController::keys(const HttpResponder& responder)
{
    // Read fresh from Redis: a worker asks when a task token names a key it does not know, which may be the
    // key of a server that started a moment ago on the same Redis (the periodic reload would come too late).
    m_context.keyRing.reload([this, responder] {
        QJsonArray keys;
        for (const KeyRing::PublicKeyEntry& key : m_context.keyRing.keys()) {
            keys.append(QJsonObject{
                {QStringLiteral("key_id"), QString::fromLatin1(key.keyId)},
                {QStringLiteral("public_key"), QString::fromLatin1(Base64Url::encode(key.publicKey))},
                {QStringLiteral("not_after"), key.notAfterSecs > 0
                                                  ? QJsonValue(TaskJson::isoTime(key.notAfterSecs * 1000))
                                                  : QJsonValue(QJsonValue::Null)}});
        }
        responder.sendJson(200, JsonBody::compact(QJsonObject{{QStringLiteral("keys"), keys}}));
    });
}

void SystemController::issueToken(HttpRequest& request, const HttpResponder& responder, const Caller& caller)
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
    const QByteArray token = mmf::issueToken(m_context.signingKey, issued);
    responder.sendJson(201, JsonBody::compact(QJsonObject{
                                {QStringLiteral("token"), QString::fromLatin1(token)},
                                {QStringLiteral("expires_at"), TaskJson::isoTime(issued.exp() * 1000)}}));
}

} // namespace mmf
