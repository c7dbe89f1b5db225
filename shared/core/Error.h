#pragma once

#include <QString>

namespace mmf {

// The API's error codes. The gateway maps them to HTTP statuses in one place (HttpStatus in backend/gateway).
enum class ErrorCode
{
    InvalidArgument,
    Unauthenticated,
    PermissionDenied,
    NotFound,
    Conflict,
    PayloadTooLarge,
    RateLimited,
    Unavailable,
    Internal,
};

// The wire name of a code, e.g. "invalid_argument".
const char* errorCodeName(ErrorCode code);

// An error as libraries return it: a code from the API list, a message naming the problem, and, when one
// field of a request is to blame, its path (e.g. "points[1].x").
struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;
    QString field;
    // For rate_limited and unavailable: when to try again (the Retry-After header); 0 means 1 second.
    int retryAfterSecs = 0;

    static Error invalidArgument(QString message, QString field = {})
    {
        return {ErrorCode::InvalidArgument, std::move(message), std::move(field)};
    }
    static Error unauthenticated(QString message)
    {
        return {ErrorCode::Unauthenticated, std::move(message), {}};
    }
    static Error permissionDenied(QString message)
    {
        return {ErrorCode::PermissionDenied, std::move(message), {}};
    }
    static Error notFound(QString message) { return {ErrorCode::NotFound, std::move(message), {}}; }
    static Error conflict(QString message) { return {ErrorCode::Conflict, std::move(message), {}}; }
    static Error unavailable(QString message) { return {ErrorCode::Unavailable, std::move(message), {}}; }
    static Error rateLimited(QString message, int retryAfterSecs)
    {
        return {ErrorCode::RateLimited, std::move(message), {}, retryAfterSecs};
    }
    static Error internal(QString message) { return {ErrorCode::Internal, std::move(message), {}}; }
};

} // namespace mmf
