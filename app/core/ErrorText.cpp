#include "core/ErrorText.h"

#include <QCoreApplication>

namespace mmf::studio::ErrorText {

QString forCode(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument:
        return QCoreApplication::translate("ErrorText", "The request is not valid.");
    case ErrorCode::Unauthenticated:
        return QCoreApplication::translate(
            "ErrorText", "You are not signed in, or your session has expired. Please sign in again.");
    case ErrorCode::PermissionDenied:
        return QCoreApplication::translate("ErrorText", "You are not allowed to do this.");
    case ErrorCode::NotFound:
        return QCoreApplication::translate("ErrorText", "It no longer exists on the server.");
    case ErrorCode::Conflict:
        return QCoreApplication::translate("ErrorText", "It conflicts with something that already exists.");
    case ErrorCode::PayloadTooLarge:
        return QCoreApplication::translate("ErrorText", "The request is too large for the server.");
    case ErrorCode::RateLimited:
        return QCoreApplication::translate("ErrorText",
                                           "Too many requests. Please wait a moment and try again.");
    case ErrorCode::Unavailable:
        return QCoreApplication::translate("ErrorText", "The service is unavailable right now.");
    case ErrorCode::Internal:
        break;
    }
    return QCoreApplication::translate("ErrorText", "The server failed unexpectedly.");
}

QString forError(const Error& error)
{
    QString text = forCode(error.code);
    if (!error.field.isEmpty())
        text += QLatin1Char(' ') + QCoreApplication::translate("ErrorText", "Field: %1.").arg(error.field);
    if (!error.message.isEmpty())
        text += QLatin1Char(' ') + QCoreApplication::translate("ErrorText", "Details: %1").arg(error.message);
    return text;
}

QString forResult(const ApiResult& result)
{
    if (result.ok())
        return {};
    if (result.networkFailure) {
        return QCoreApplication::translate(
                   "ErrorText",
                   "The server cannot be reached. Check the address and that the server is running.") +
               QLatin1Char(' ') +
               QCoreApplication::translate("ErrorText", "Details: %1").arg(result.error->message);
    }
    return forError(*result.error);
}

} // namespace mmf::studio::ErrorText
