#include "tools/ApiClient.h"

#include "tools/CtlRequests.h"

#include <QNetworkReply>
#include <QNetworkRequest>

namespace mmf {

ApiClient::ApiClient(QUrl server, QString token, QObject* parent)
    : QObject(parent)
    , m_server(std::move(server))
{
    if (!token.isEmpty())
        m_authorization = "Bearer " + token.toUtf8();
}

void ApiClient::send(const ApiRequest& request, QObject* context,
                     std::function<void(const ApiResponse&)> done)
{
    QNetworkRequest networkRequest(CtlRequests::url(m_server, request));
    if (!m_authorization.isEmpty())
        networkRequest.setRawHeader("Authorization", m_authorization);
    networkRequest.setRawHeader("Accept", "application/json");
    if (!request.body.isEmpty())
        networkRequest.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!request.idempotencyKey.isEmpty())
        networkRequest.setRawHeader("Idempotency-Key", request.idempotencyKey);
    networkRequest.setTransferTimeout(request.timeoutMs);

    QNetworkReply* reply = m_network.sendCustomRequest(networkRequest, request.method, request.body);
    connect(reply, &QNetworkReply::finished, context,
            [reply, done = std::move(done), timeoutMs = request.timeoutMs] {
                reply->deleteLater();
                ApiResponse response;
                const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
                if (status.isValid()) {
                    response.status = status.toInt();
                    response.body = reply->readAll();
                } else if (reply->error() == QNetworkReply::OperationCanceledError) {
                    // setTransferTimeout aborts with OperationCanceledError.
                    response.networkError = QStringLiteral("no answer within %1 s").arg(timeoutMs / 1000);
                } else {
                    response.networkError = reply->errorString();
                }
                done(response);
            });
}

} // namespace mmf
