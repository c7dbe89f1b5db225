#include "TestHttpClient.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QTimer>

namespace mmf {

QByteArray TestHttpClient::Response::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QString TestHttpClient::Response::errorCode() const
{
    return json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

TestHttpClient::TestHttpClient(QUrl base, QByteArray token)
    : m_base(std::move(base))
    , m_token(std::move(token))
{}

TestHttpClient::Response
TestHttpClient::get(const QString& path, const QList<QPair<QByteArray, QByteArray>>& headers, int timeoutMs)
{
    return send("GET", path, {}, headers, timeoutMs);
}

TestHttpClient::Response TestHttpClient::post(const QString& path, const QByteArray& body,
                                              const QList<QPair<QByteArray, QByteArray>>& headers,
                                              int timeoutMs)
{
    return send("POST", path, body, headers, timeoutMs);
}

TestHttpClient::Response TestHttpClient::postJson(const QString& path, const QJsonObject& body,
                                                  const QList<QPair<QByteArray, QByteArray>>& headers,
                                                  int timeoutMs)
{
    QList<QPair<QByteArray, QByteArray>> all = headers;
    all.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), all, timeoutMs);
}

TestHttpClient::Response TestHttpClient::send(const QByteArray& method, const QString& path,
                                              const QByteArray& body,
                                              const QList<QPair<QByteArray, QByteArray>>& headers,
                                              int timeoutMs)
{
    QNetworkRequest request(m_base.resolved(QUrl(path)));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    bool hasContentType = false;
    for (const auto& [name, value] : headers) {
        request.setRawHeader(name, value);
        hasContentType = hasContentType || name.compare("content-type", Qt::CaseInsensitive) == 0;
    }
    if (!body.isEmpty() && !hasContentType)
        request.setRawHeader("Content-Type", "application/json");
    QNetworkReply* reply = m_network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    loop.exec();
    Response response;
    if (!reply->isFinished()) {
        reply->abort();
        response.networkError = QStringLiteral("deadline passed");
        reply->deleteLater();
        return response;
    }
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.body = reply->readAll();
    response.headers = reply->rawHeaderPairs();
    if (reply->error() != QNetworkReply::NoError && response.status == 0)
        response.networkError = reply->errorString();
    reply->deleteLater();
    return response;
}

} // namespace mmf
