#include "gateway/ApiError.h"

#include "http/HttpResponder.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace mmf::ApiError {

int httpStatus(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument:
        return 400;
    case ErrorCode::Unauthenticated:
        return 401;
    case ErrorCode::PermissionDenied:
        return 403;
    case ErrorCode::NotFound:
        return 404;
    case ErrorCode::Conflict:
        return 409;
    case ErrorCode::PayloadTooLarge:
        return 413;
    case ErrorCode::RateLimited:
        return 429;
    case ErrorCode::Unavailable:
        return 503;
    case ErrorCode::Internal:
        return 500;
    }
    return 500;
}

QByteArray toJson(const Error& error)
{
    QJsonObject inner{{QStringLiteral("code"), QString::fromLatin1(errorCodeName(error.code))},
                      {QStringLiteral("message"), error.message}};
    if (!error.field.isEmpty())
        inner.insert(QStringLiteral("field"), error.field);
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), inner}}).toJson(QJsonDocument::Compact);
}

void send(const HttpResponder& responder, const Error& error)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (error.code == ErrorCode::Unauthenticated)
        headers.append({QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer")});
    if (error.code == ErrorCode::RateLimited || error.code == ErrorCode::Unavailable)
        headers.append({QByteArrayLiteral("Retry-After"), QByteArray::number(qMax(1, error.retryAfterSecs))});
    responder.sendJson(httpStatus(error.code), toJson(error), headers);
}

} // namespace mmf::ApiError
