#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mmf {

struct HttpRequest;

// Small helpers for the JSON the routes read and write.
namespace JsonBody {

// The body as a JSON object; malformed JSON or another top-level type is invalid_argument.
Result<QJsonObject> parseObject(const QByteArray& body);
QByteArray compact(const QJsonObject& object);
// True when the request asks for binary protobuf (Accept: application/x-protobuf).
bool acceptsProtobuf(const HttpRequest& request);
// True when the body is binary protobuf (Content-Type: application/x-protobuf).
bool isProtobufBody(const HttpRequest& request);
// ?wait=S as milliseconds in [0, maxSecs]; invalid_argument naming "wait" otherwise.
Result<int> waitMs(const HttpRequest& request, int maxSecs);

} // namespace JsonBody
} // namespace mmf
