#include "core/ApiClient.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace mmf::studio {

struct ApiClient::Pending
{
    ApiCall call;
    QPointer<QObject> context;
    bool hasContext = false;
    Callback done;
    bool retried = false;
    QPointer<QNetworkReply> reply;
};

namespace {

ErrorCode codeForStatus(int status)
{
    switch (status) {
    case 400:
        return ErrorCode::InvalidArgument;
    case 401:
        return ErrorCode::Unauthenticated;
    case 403:
        return ErrorCode::PermissionDenied;
    case 404:
        return ErrorCode::NotFound;
    case 409:
        return ErrorCode::Conflict;
    case 413:
        return ErrorCode::PayloadTooLarge;
    case 429:
        return ErrorCode::RateLimited;
    case 502:
    case 503:
    case 504:
        return ErrorCode::Unavailable;
    default:
        return ErrorCode::Internal;
    }
}

ApiResult resultFrom(QNetworkReply* reply)
{
    ApiResult result;
    result.body = reply->readAll();
    result.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonDocument document = QJsonDocument::fromJson(result.body);
    if (document.isObject())
        result.json = document.object();
    if (result.httpStatus == 0) {
        result.networkFailure = true;
        result.error = Error::unavailable(reply->error() == QNetworkReply::OperationCanceledError
                                              ? QStringLiteral("timed out or cancelled")
                                              : reply->errorString());
        return result;
    }
    if (result.httpStatus >= 200 && result.httpStatus < 300)
        return result;
    Error error{codeForStatus(result.httpStatus), {}, {}};
    const QJsonObject body = result.json.value(QLatin1String("error")).toObject();
    if (!body.isEmpty()) {
        const QString code = body.value(QLatin1String("code")).toString();
        if (!code.isEmpty())
            error.code = errorCodeFromName(code);
        error.message = body.value(QLatin1String("message")).toString();
        error.field = body.value(QLatin1String("field")).toString();
    } else {
        error.message = QStringLiteral("HTTP %1").arg(result.httpStatus);
    }
    result.error = std::move(error);
    return result;
}

} // namespace

ErrorCode errorCodeFromName(QStringView name)
{
    static constexpr ErrorCode kCodes[] = {
        ErrorCode::InvalidArgument, ErrorCode::Unauthenticated, ErrorCode::PermissionDenied,
        ErrorCode::NotFound,        ErrorCode::Conflict,        ErrorCode::PayloadTooLarge,
        ErrorCode::RateLimited,     ErrorCode::Unavailable,     ErrorCode::Internal,
    };
    for (ErrorCode code : kCodes) {
        if (name == QLatin1String(errorCodeName(code)))
            return code;
    }
    return ErrorCode::Internal;
}

ApiClient::ApiClient(QObject* parent)
    : QObject(parent)
{
    m_network.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

ApiClient::~ApiClient()
{
    // Callbacks must not run into a half-destroyed owner.
    const auto replies = m_network.findChildren<QNetworkReply*>();
    for (QNetworkReply* reply : replies) {
        reply->disconnect(this);
        reply->abort();
    }
}

void ApiClient::setBaseUrl(const QUrl& url)
{
    QUrl base = url.adjusted(QUrl::StripTrailingSlash | QUrl::RemoveQuery | QUrl::RemoveFragment);
    m_baseUrl = base;
}

QUrl ApiClient::urlFor(const QString& path, const QUrlQuery& query) const
{
    QUrl url = m_baseUrl;
    url.setPath(m_baseUrl.path() + path);
    if (!query.isEmpty())
        url.setQuery(query);
    return url;
}

void ApiClient::setAccessToken(const QByteArray& token)
{
    if (token == m_accessToken)
        return;
    m_accessToken = token;
    emit accessTokenChanged();
}

void ApiClient::send(ApiCall call, QObject* context, Callback done)
{
    auto pending = std::make_shared<Pending>();
    pending->call = std::move(call);
    pending->context = context;
    pending->hasContext = context != nullptr;
    pending->done = std::move(done);
    if (++m_pending == 1)
        emit busyChanged(true);
    start(std::move(pending));
}

void ApiClient::get(const QString& path, QObject* context, Callback done, const QUrlQuery& query)
{
    ApiCall call;
    call.path = path;
    call.query = query;
    send(std::move(call), context, std::move(done));
}

void ApiClient::post(const QString& path, const QJsonObject& body, QObject* context, Callback done)
{
    ApiCall call;
    call.method = "POST";
    call.path = path;
    call.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    send(std::move(call), context, std::move(done));
}

void ApiClient::abortAll()
{
    const auto replies = m_network.findChildren<QNetworkReply*>();
    for (QNetworkReply* reply : replies)
        reply->abort();
}

void ApiClient::start(std::shared_ptr<Pending> pending)
{
    const ApiCall& call = pending->call;
    QNetworkRequest request(urlFor(call.path, call.query));
    request.setTransferTimeout(m_timeoutMs);
    request.setRawHeader("Accept", "application/json");
    if (!call.body.isEmpty() || call.method != "GET")
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (call.authenticated && !m_accessToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_accessToken);
    for (const auto& [name, value] : call.headers)
        request.setRawHeader(name, value);
    QNetworkReply* reply = nullptr;
    if (call.method == "GET")
        reply = m_network.get(request);
    else if (call.method == "DELETE" && call.body.isEmpty())
        reply = m_network.deleteResource(request);
    else
        reply = m_network.sendCustomRequest(request, call.method, call.body);
    pending->reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, pending] {
        reply->deleteLater();
        ApiResult result = resultFrom(reply);
        if (result.httpStatus == 401 && pending->call.authenticated && pending->call.retryOnUnauthenticated &&
            !pending->retried && m_refresher) {
            refreshThenRetry(pending, result);
            return;
        }
        if (result.httpStatus == 401 && pending->call.authenticated)
            emit sessionExpired();
        finish(pending, result);
    });
}

void ApiClient::refreshThenRetry(std::shared_ptr<Pending> pending, const ApiResult& unauthorized)
{
    pending->retried = true;
    m_afterRefresh.push_back([this, pending, unauthorized](bool ok) {
        if (ok) {
            start(pending);
            return;
        }
        emit sessionExpired();
        finish(pending, unauthorized);
    });
    if (m_refreshing)
        return;
    m_refreshing = true;
    m_refresher([this](bool ok) {
        m_refreshing = false;
        auto waiters = std::move(m_afterRefresh);
        m_afterRefresh.clear();
        for (auto& waiter : waiters)
            waiter(ok);
    });
}

void ApiClient::finish(std::shared_ptr<Pending> pending, const ApiResult& result)
{
    const bool reachable = !result.networkFailure;
    if (reachable != m_reachable) {
        m_reachable = reachable;
        emit reachabilityChanged(reachable);
    }
    if (--m_pending == 0)
        emit busyChanged(false);
    if (pending->hasContext && !pending->context)
        return;
    if (pending->done)
        pending->done(result);
}

} // namespace mmf::studio
