#include "gateway/SystemController.h"

#include "auth/Base64Url.h"
#include "broker/BrokerLibraryGuard.h"
#include "gateway/ApiError.h"
#include "gateway/JsonBody.h"
#include "gateway/KeyRing.h"
#include "gateway/TaskJson.h"
#include "redis/RedisClient.h"

#include <QJsonArray>

namespace mmf {

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

} // namespace mmf
