#pragma once

#include "core/ApiClient.h"

#include <QDateTime>
#include <QObject>
#include <QSettings>
#include <QTimer>
#include <QUrl>

namespace mmf::studio {

// The user's session: sign in, register, refresh, sign out. Remembers the server URL, the login and the
// refresh token in the QSettings it is given (keys session/server, session/login, session/refresh_token).
// Installs itself as the ApiClient's refresher and refreshes the access token silently a minute before it
// expires. Failures arrive as failed(result); ErrorText::forResult(result) is what to show.
class Session : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        SignedOut,
        Busy, // signing in, registering or resuming
        SignedIn,
    };
    Q_ENUM(State)

    Session(ApiClient& api, QSettings& settings, QObject* parent = nullptr);

    State state() const { return m_state; }
    bool isSignedIn() const { return m_state == State::SignedIn; }
    // The remembered server (default http://127.0.0.1:8080) and login.
    QUrl serverUrl() const;
    QString login() const;
    QDateTime expiresAt() const { return m_expiresAt; }
    // A refresh token is remembered, so resume() may sign in without a password.
    bool canResume() const;

    void signIn(const QUrl& server, const QString& login, const QString& password,
                const QString& project = {});
    // Registers the account, then signs in with it (registered() in between).
    void registerAccount(const QUrl& server, const QString& login, const QString& password);
    // Signs in with the remembered refresh token.
    void resume();
    // Uses a ready access token (scripts and tests); no refresh token, so no silent refresh.
    void useToken(const QUrl& server, const QByteArray& accessToken, const QString& login = {});
    // Exchanges the refresh token for a new pair; `done(false)` when there is none or it was refused.
    void refresh(std::function<void(bool ok)> done = {});
    // Forgets the tokens (the remembered refresh token too) but keeps the server URL and login.
    void signOut();

signals:
    void stateChanged(mmf::studio::Session::State state);
    void signedIn();
    void registered();
    void signedOut();
    // A sign-in, registration or resume failed.
    void failed(const mmf::studio::ApiResult& result);

private:
    void setState(State state);
    void acceptTokens(const QJsonObject& json);
    void scheduleRefresh();

    ApiClient& m_api;
    QSettings& m_settings;
    State m_state = State::SignedOut;
    QByteArray m_refreshToken;
    QDateTime m_expiresAt;
    QTimer m_refreshTimer;
    bool m_refreshing = false;
    std::vector<std::function<void(bool)>> m_refreshWaiters;
};

} // namespace mmf::studio
