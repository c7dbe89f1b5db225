#pragma once

#include "core/Error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <optional>

namespace mmf::studio {

// The outcome of one API call. httpStatus is 0 when no HTTP answer came (refused, reset, timed out, aborted);
// then error is unavailable and `networkFailure` is true. A non-2xx answer maps the API's error body
// {"error": {code, message, field}} to `error` (a body without one becomes a code derived from the status).
struct ApiResult
{
    int httpStatus = 0;
    QByteArray body;
    QJsonObject json; // the body when it is a JSON object
    std::optional<Error> error;
    bool networkFailure = false;

    bool ok() const { return !error.has_value(); }
};

// One call of the public API v1. body is sent as application/json when not empty (or for POST/PUT/PATCH).
struct ApiCall
{
    QByteArray method = "GET";
    QString path; // e.g. "/api/v1/models"
    QUrlQuery query;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    bool authenticated = true;          // attach "Authorization: Bearer <access token>"
    bool retryOnUnauthenticated = true; // on 401: refresh the session once, silently, then retry once
};

// Talks JSON to the server over QNetworkAccessManager; never blocks. Every call ends in exactly one callback
// on the event loop, unless `context` was destroyed first (then none). Calls time out (default 30 s) as
// unavailable. A 401 on an authenticated call triggers one refresh through the refresher (concurrent 401s
// share it) and one retry; when the refresh fails the 401 is delivered and sessionExpired() is emitted.
class ApiClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const ApiResult&)>;
    // Refreshes the access token and calls `done(true)` when a new one is set.
    using Refresher = std::function<void(std::function<void(bool ok)> done)>;

    explicit ApiClient(QObject* parent = nullptr);
    ~ApiClient() override;

    void setBaseUrl(const QUrl& url);
    QUrl baseUrl() const { return m_baseUrl; }
    // The absolute URL of an API path on the current server.
    QUrl urlFor(const QString& path, const QUrlQuery& query = {}) const;

    void setAccessToken(const QByteArray& token);
    QByteArray accessToken() const { return m_accessToken; }
    void setRefresher(Refresher refresher) { m_refresher = std::move(refresher); }
    void setTimeout(int ms) { m_timeoutMs = ms; }

    void send(ApiCall call, QObject* context, Callback done);
    void get(const QString& path, QObject* context, Callback done, const QUrlQuery& query = {});
    void post(const QString& path, const QJsonObject& body, QObject* context, Callback done);
    // Aborts every call in flight (their callbacks get an aborted, unavailable result).
    void abortAll();

    // Calls in flight (a retried call counts once).
    int pendingCount() const { return m_pending; }
    bool isBusy() const { return m_pending > 0; }

    QNetworkAccessManager& network() { return m_network; }

signals:
    void busyChanged(bool busy);
    void accessTokenChanged();
    // A call got 401 and the silent refresh did not help: the user must sign in again.
    void sessionExpired();
    // Whether the last call reached the server (false after a refused or timed-out connection).
    void reachabilityChanged(bool reachable);

private:
    struct Pending;
    void start(std::shared_ptr<Pending> pending);
    void finish(std::shared_ptr<Pending> pending, const ApiResult& result);
    void refreshThenRetry(std::shared_ptr<Pending> pending, const ApiResult& unauthorized);

    QNetworkAccessManager m_network;
    QUrl m_baseUrl;
    QByteArray m_accessToken;
    Refresher m_refresher;
    int m_timeoutMs = 30000;
    int m_pending = 0;
    bool m_reachable = true;
    bool m_refreshing = false;
    std::vector<std::function<void(bool)>> m_afterRefresh;
};

// Maps an API error code name ("not_found") to the code; Internal for an unknown name.
ErrorCode errorCodeFromName(QStringView name);

} // namespace mmf::studio
