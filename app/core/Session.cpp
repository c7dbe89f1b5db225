#include "core/Session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace mmf::studio {

namespace {
const QString kServerKey = QStringLiteral("session/server");
const QString kLoginKey = QStringLiteral("session/login");
const QString kRefreshKey = QStringLiteral("session/refresh_token");
const QString kDefaultServer = QStringLiteral("http://127.0.0.1:8080");
// The settings file holds a 30-day refresh token: readable by its owner alone (as mmfctl's session file),
// whatever the umask. Made so before the token is written; QSettings keeps the mode when it rewrites it.
void keepPrivate(QSettings& settings)
{
    const QString path = settings.fileName();
    if (settings.format() == QSettings::NativeFormat && !QFileInfo(path).isAbsolute())
        return; // not a file
    if (!QFileInfo::exists(path)) {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        file.open(QIODevice::WriteOnly, QFile::ReadOwner | QFile::WriteOwner);
    }
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
}

} // namespace

Session::Session(ApiClient& api, QSettings& settings, QObject* parent)
    : QObject(parent)
    , m_api(api)
    , m_settings(settings)
{
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, [this] { refresh(); });
    m_api.setBaseUrl(serverUrl());
    m_api.setRefresher([this](std::function<void(bool)> done) { refresh(std::move(done)); });
}

QUrl Session::serverUrl() const
{
    const QUrl url(m_settings.value(kServerKey).toString());
    return url.isValid() && !url.isEmpty() ? url : QUrl(kDefaultServer);
}

QString Session::login() const
{
    return m_settings.value(kLoginKey).toString();
}

bool Session::canResume() const
{
    return !m_settings.value(kRefreshKey).toString().isEmpty();
}

void Session::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void Session::signIn(const QUrl& server, const QString& login, const QString& password,
                     const QString& project)
{
    m_settings.setValue(kServerKey, server.toString());
    m_settings.setValue(kLoginKey, login);
    m_api.setBaseUrl(server);
    setState(State::Busy);
    QJsonObject body{{QStringLiteral("login"), login}, {QStringLiteral("password"), password}};
    if (!project.isEmpty())
        body.insert(QStringLiteral("project"), project);
    ApiCall call;
    call.method = "POST";
    call.path = QStringLiteral("/api/v1/auth/login");
    call.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    call.authenticated = false;
    m_api.send(std::move(call), this, [this](const ApiResult& result) {
        if (!result.ok()) {
            setState(State::SignedOut);
            emit failed(result);
            return;
        }
        acceptTokens(result.json);
        setState(State::SignedIn);
        emit signedIn();
    });
}

void Session::registerAccount(const QUrl& server, const QString& login, const QString& password)
{
    m_api.setBaseUrl(server);
    setState(State::Busy);
    ApiCall call;
    call.method = "POST";
    call.path = QStringLiteral("/api/v1/auth/register");
    call.body =
        QJsonDocument(QJsonObject{{QStringLiteral("login"), login}, {QStringLiteral("password"), password}})
            .toJson(QJsonDocument::Compact);
    call.authenticated = false;
    m_api.send(std::move(call), this, [this, server, login, password](const ApiResult& result) {
        if (!result.ok()) {
            setState(State::SignedOut);
            emit failed(result);
            return;
        }
        emit registered();
        signIn(server, login, password);
    });
}

void Session::resume()
{
    m_api.setBaseUrl(serverUrl());
    m_refreshToken = m_settings.value(kRefreshKey).toString().toUtf8();
    setState(State::Busy);
    refresh([this](bool ok) {
        if (ok) {
            setState(State::SignedIn);
            emit signedIn();
        }
    });
}

void Session::useToken(const QUrl& server, const QByteArray& accessToken, const QString& login)
{
    m_settings.setValue(kServerKey, server.toString());
    if (!login.isEmpty())
        m_settings.setValue(kLoginKey, login);
    m_api.setBaseUrl(server);
    m_refreshToken.clear();
    m_expiresAt = {};
    m_refreshTimer.stop();
    m_api.setAccessToken(accessToken);
    setState(State::SignedIn);
    emit signedIn();
}

void Session::refresh(std::function<void(bool)> done)
{
    if (done)
        m_refreshWaiters.push_back(std::move(done));
    if (m_refreshing)
        return;
    auto finishAll = [this](bool ok) {
        m_refreshing = false;
        auto waiters = std::move(m_refreshWaiters);
        m_refreshWaiters.clear();
        for (auto& waiter : waiters)
            waiter(ok);
    };
    if (m_refreshToken.isEmpty()) {
        finishAll(false);
        return;
    }
    m_refreshing = true;
    ApiCall call;
    call.method = "POST";
    call.path = QStringLiteral("/api/v1/auth/refresh");
    call.body =
        QJsonDocument(QJsonObject{{QStringLiteral("refresh_token"), QString::fromUtf8(m_refreshToken)}})
            .toJson(QJsonDocument::Compact);
    call.authenticated = false;
    m_api.send(std::move(call), this, [this, finishAll](const ApiResult& result) {
        if (result.ok()) {
            acceptTokens(result.json);
            finishAll(true);
            return;
        }
        const bool wasSignedIn = m_state == State::SignedIn;
        if (result.networkFailure && wasSignedIn) {
            // Keep the session: the server may come back. Try again in a while.
            m_refreshTimer.start(15000);
            finishAll(false);
            return;
        }
        if (!result.networkFailure) {
            // The refresh token was refused: the session is over.
            m_refreshToken.clear();
            m_settings.remove(kRefreshKey);
        }
        if (wasSignedIn) {
            signOut();
        } else {
            m_api.setAccessToken({});
            setState(State::SignedOut);
        }
        emit failed(result);
        finishAll(false);
    });
}

void Session::signOut()
{
    if (!m_refreshToken.isEmpty()) {
        // Best effort: the server ends the session; signing out here does not wait for it.
        ApiCall call;
        call.method = "POST";
        call.path = QStringLiteral("/api/v1/auth/logout");
        call.body =
            QJsonDocument(QJsonObject{{QStringLiteral("refresh_token"), QString::fromUtf8(m_refreshToken)}})
                .toJson(QJsonDocument::Compact);
        call.authenticated = false;
        call.retryOnUnauthenticated = false;
        m_api.send(call, &m_api, [](const ApiResult&) {});
    }
    m_refreshTimer.stop();
    m_refreshToken.clear();
    m_expiresAt = {};
    m_settings.remove(kRefreshKey);
    m_api.setAccessToken({});
    setState(State::SignedOut);
    emit signedOut();
}

void Session::acceptTokens(const QJsonObject& json)
{
    m_api.setAccessToken(json.value(QLatin1String("access_token")).toString().toUtf8());
    m_refreshToken = json.value(QLatin1String("refresh_token")).toString().toUtf8();
    m_expiresAt =
        QDateTime::fromString(json.value(QLatin1String("expires_at")).toString(), Qt::ISODateWithMs);
    if (m_refreshToken.isEmpty())
        m_settings.remove(kRefreshKey);
    else {
        keepPrivate(m_settings);
        m_settings.setValue(kRefreshKey, QString::fromUtf8(m_refreshToken));
        m_settings.sync();
        keepPrivate(m_settings);
    }
    scheduleRefresh();
}

void Session::scheduleRefresh()
{
    m_refreshTimer.stop();
    if (!m_expiresAt.isValid() || m_refreshToken.isEmpty())
        return;
    const qint64 inMs = QDateTime::currentDateTimeUtc().msecsTo(m_expiresAt) - 60000;
    m_refreshTimer.start(int(std::clamp<qint64>(inMs, 5000, 24LL * 3600 * 1000)));
}

} // namespace mmf::studio
