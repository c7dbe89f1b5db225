#pragma once

#include "core/ApiClient.h"

#include <QJsonParseError>
#include <QString>

namespace mmf::studio {

// The server never translates: these turn error codes into the studio's own tr() text ("The server cannot be
// reached.", "Your session has expired. Please sign in again.", …), followed by the server's detail and the
// field at fault when there is one.
namespace ErrorText {

QString forCode(ErrorCode code);
QString forResult(const ApiResult& result);
QString forError(const Error& error);
// What a JSON syntax error is, in words (Qt's own parser messages are English only).
QString forJsonParseError(QJsonParseError::ParseError error);

} // namespace ErrorText
} // namespace mmf::studio
