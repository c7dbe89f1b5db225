#include "gateway/AuthController.h"

#include "accounts/AccountService.h"
#include "gateway/ApiError.h"
#include "gateway/JsonBody.h"
#include "http/HttpRequest.h"
#include "http/HttpResponder.h"

#include <QJsonObject>

namespace mmf {

namespace {

// A required string field; invalid_argument naming it when absent or of another type.
Result<QByteArray> stringField(const QJsonObject& body, const QString& name, bool required = true)
{
    const QJsonValue value = body.value(name);
    if (value.isUndefined() && !required)
        return QByteArray();
    if (!value.isString())
        return Error::invalidArgument(QStringLiteral("%1 must be a string").arg(name), name);
    return value.toString().toUtf8();
}

struct Credentials
{
    QByteArray login;
    QByteArray password;
    QJsonObject body;
};

// The body's login and password (both required strings).
Result<Credentials> credentials(const HttpRequest& request)
{
    Result<QJsonObject> body = JsonBody::parseObject(request.body);
    if (!body)
        return body.error();
    Result<QByteArray> login = stringField(*body, QStringLiteral("login"));
    if (!login)
        return login.error();
    Result<QByteArray> password = stringField(*body, QStringLiteral("password"));
    if (!password)
        return password.error();
    return Credentials{*login, *password, *body};
}

// The body's refresh_token.
Result<QByteArray> refreshTokenOf(const HttpRequest& request)
{
    Result<QJsonObject> body = JsonBody::parseObject(request.body);
    if (!body)
        return body.error();
    return stringField(*body, QStringLiteral("refresh_token"));
}

} // namespace

AuthController::AuthController(AccountService& accounts)
    : m_accounts(accounts)
{}

void AuthController::registerRoutes(ApiRoutes& routes)
{
    using namespace std::placeholders;
    routes.addOpen("POST", "/api/v1/auth/register",
                   std::bind(&AuthController::registerUser, this, _1, _2, _3));
    routes.addOpen("POST", "/api/v1/auth/login", std::bind(&AuthController::login, this, _1, _2, _3));
    routes.addOpen("POST", "/api/v1/auth/refresh", std::bind(&AuthController::refresh, this, _1, _2, _3));
    routes.addOpen("POST", "/api/v1/auth/logout", std::bind(&AuthController::logout, this, _1, _2, _3));
}

void AuthController::registerUser(HttpRequest& request, const HttpResponder& responder, const RouteParams&)
{
    Result<Credentials> given = credentials(request);
    if (!given)
        return ApiError::send(responder, given.error());
    const QByteArray login = given->login;
    const QByteArray from = request.clientAddress.toString().toLatin1(); // sign-ups are capped per address
    m_accounts.registerUser(login, given->password, from, [responder, login](Result<QByteArray> userId) {
        if (!userId)
            return ApiError::send(responder, userId.error());
        responder.sendJson(
            201, JsonBody::compact(QJsonObject{{QStringLiteral("user_id"), QString::fromLatin1(*userId)},
                                               {QStringLiteral("login"), QString::fromUtf8(login)}}));
    });
}

void AuthController::login(HttpRequest& request, const HttpResponder& responder, const RouteParams&)
{
    Result<Credentials> given = credentials(request);
    if (!given)
        return ApiError::send(responder, given.error());
    Result<QByteArray> project = stringField(given->body, QStringLiteral("project"), false);
    if (!project)
        return ApiError::send(responder, project.error());
    m_accounts.login(given->login, given->password, *project, request.clientAddress.toString().toLatin1(),
                     [responder](Result<QByteArray> answer) {
                         if (!answer)
                             return ApiError::send(responder, answer.error());
                         responder.sendJson(200, *answer, {{"Cache-Control", "no-store"}});
                     });
}

void AuthController::refresh(HttpRequest& request, const HttpResponder& responder, const RouteParams&)
{
    Result<QByteArray> token = refreshTokenOf(request);
    if (!token)
        return ApiError::send(responder, token.error());
    m_accounts.refresh(*token, [responder](Result<QByteArray> answer) {
        if (!answer)
            return ApiError::send(responder, answer.error());
        responder.sendJson(200, *answer, {{"Cache-Control", "no-store"}});
    });
}

void AuthController::logout(HttpRequest& request, const HttpResponder& responder, const RouteParams&)
{
    Result<QByteArray> token = refreshTokenOf(request);
    if (!token)
        return ApiError::send(responder, token.error());
    m_accounts.logout(*token, [responder](Result<void> done) {
        if (!done)
            return ApiError::send(responder, done.error());
        responder.send(204, {}, {});
    });
}

} // namespace mmf
