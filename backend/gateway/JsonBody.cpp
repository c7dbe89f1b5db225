#include "gateway/JsonBody.h"

#include "http/HttpRequest.h"

#include <QJsonParseError>

#include <cmath>

namespace mmf::JsonBody {

Result<QJsonObject> parseObject(const QByteArray& body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return Error::invalidArgument(
            QStringLiteral("malformed JSON at offset %1: %2").arg(error.offset).arg(error.errorString()));
    if (!document.isObject())
        return Error::invalidArgument(QStringLiteral("the body must be a JSON object"));
    return document.object();
}

QByteArray compact(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool acceptsProtobuf(const HttpRequest& request)
{
    return request.header("accept").contains("application/x-protobuf");
}

bool isProtobufBody(const HttpRequest& request)
{
    return request.header("content-type").startsWith("application/x-protobuf");
}

Result<int> waitMs(const HttpRequest& request, int maxSecs)
{
    bool found = false;
    const QByteArray value = request.queryParam("wait", &found);
    if (!found || value.isEmpty())
        return 0;
    bool ok = false;
    const double seconds = value.toDouble(&ok);
    if (!ok || !std::isfinite(seconds) || seconds < 0 || seconds > maxSecs)
        return Error::invalidArgument(QStringLiteral("wait is a number of seconds from 0 to %1").arg(maxSecs),
                                      QStringLiteral("wait"));
    return int(seconds * 1000);
}

} // namespace mmf::JsonBody
