#pragma once

#include "core/Error.h"

#include <QByteArray>

namespace mmf {

class HttpResponder;

// The one place where error codes become HTTP statuses and the API's error object.
namespace ApiError {

int httpStatus(ErrorCode code);
// {"error":{"code":"...","message":"...","field":"..."}} (field only when set).
QByteArray toJson(const Error& error);
void send(const HttpResponder& responder, const Error& error);

} // namespace ApiError
} // namespace mmf
