#pragma once

#include "tools/ApiRequest.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <functional>

namespace mmf {

// The answer to one ApiRequest. status is 0 when no HTTP answer came (refused, reset, timed out): the server
// is unreachable and networkError says why.
struct ApiResponse
{
    int status = 0;
    QByteArray body;
    QString networkError;

    bool reachable() const { return status > 0; }
    bool ok() const { return status >= 200 && status < 300; }
};

// Sends public API calls with the bearer token over QNetworkAccessManager (event loop, never blocks).
class ApiClient : public QObject
{
    Q_OBJECT
public:
    ApiClient(QUrl server, QString token, QObject* parent = nullptr);

    const QUrl& server() const { return m_server; }
    // Later requests carry this bearer token (after a silent refresh).
    void setToken(const QString& token)
    {
        m_authorization = token.isEmpty() ? QByteArray() : "Bearer " + token.toUtf8();
    }

    // Calls `done` exactly once on the event loop, unless `context` is destroyed first (then never).
    void send(const ApiRequest& request, QObject* context, std::function<void(const ApiResponse&)> done);

private:
    QNetworkAccessManager m_network;
    QUrl m_server;
    QByteArray m_authorization;
};

} // namespace mmf
