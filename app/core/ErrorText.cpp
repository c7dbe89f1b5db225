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

QString forJsonParseError(QJsonParseError::ParseError error)
{
    switch (error) {
    case QJsonParseError::NoError:
        return {};
    case QJsonParseError::UnterminatedObject:
        return QCoreApplication::translate("ErrorText", "an object is not closed: a '}' or a ',' is missing");
    case QJsonParseError::MissingNameSeparator:
        return QCoreApplication::translate("ErrorText", "a ':' is missing after a member name");
    case QJsonParseError::UnterminatedArray:
        return QCoreApplication::translate("ErrorText", "a list is not closed: a ']' or a ',' is missing");
    case QJsonParseError::MissingValueSeparator:
        return QCoreApplication::translate("ErrorText", "a ',' is missing between two values");
    case QJsonParseError::IllegalValue:
        return QCoreApplication::translate(
            "ErrorText",
            "this is not a JSON value (text needs double quotes; true, false and null are lower case)");
    case QJsonParseError::TerminationByNumber:
        return QCoreApplication::translate("ErrorText", "the text ends inside a number");
    case QJsonParseError::IllegalNumber:
        return QCoreApplication::translate("ErrorText", "this number is not valid");
    case QJsonParseError::IllegalEscapeSequence:
        return QCoreApplication::translate("ErrorText", "this escape sequence is not valid");
    case QJsonParseError::IllegalUTF8String:
        return QCoreApplication::translate("ErrorText", "the text is not valid UTF-8");
    case QJsonParseError::UnterminatedString:
        return QCoreApplication::translate("ErrorText", "a string is not closed: a '\"' is missing");
    case QJsonParseError::MissingObject:
        return QCoreApplication::translate("ErrorText", "an object ({…}) was expected");
    case QJsonParseError::DeepNesting:
        return QCoreApplication::translate("ErrorText", "the JSON is nested too deeply");
    case QJsonParseError::DocumentTooLarge:
        return QCoreApplication::translate("ErrorText", "the JSON is too large");
    case QJsonParseError::GarbageAtEnd:
        return QCoreApplication::translate("ErrorText", "there is more text after the end of the JSON");
    }
    return QCoreApplication::translate("ErrorText", "the JSON is not valid");
}

} // namespace mmf::studio::ErrorText
