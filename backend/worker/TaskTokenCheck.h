#pragma once

#include "mmf/v1/token.pb.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <optional>

namespace mmf {

class Clock;
class RegistryClient;
class TokenVerifier;

// Decides whether a task token lets this instance run the task: signature with the server's published keys,
// expiry, `score`, this model, and the model's project. A token signed by a key id not known yet triggers a
// key fetch (at most one per keyRefetchMinMs) and waits for it, up to keyWaitMaxMs; the keys are also
// refreshed periodically, so a rotated key is learnt before its first token arrives. Lives on the event loop
// thread.
class TaskTokenCheck : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QString modelName;
        QByteArray project; // tokens of any other project are refused (empty: all are accepted)
        int keyRefreshMs = 60000;
        int keyRefetchMinMs = 5000;
        int keyWaitMaxMs = 60000;
    };
    enum class Verdict
    {
        Accepted,
        Denied,
        WaitForKeys // check again on keysFetched()
    };
    // Per task: since when, and from which fetch on, it waits for an unknown key.
    struct Wait
    {
        qint64 sinceMs = 0;
        quint64 generation = 0;
    };

    // `verifier`, `registry` and `clock` must outlive the check.
    TaskTokenCheck(Settings settings, TokenVerifier& verifier, RegistryClient& registry, const Clock& clock,
                   QObject* parent = nullptr);

    void start();
    void stop();
    // Denied: `denial` says why.
    Verdict check(const QByteArray& token, Wait& wait, QString* denial);

    // A token's claims, not verified (empty when it is not "<base64url claims>.<base64url signature>").
    static std::optional<v1::TokenClaims> unverifiedClaims(QByteArrayView token);

signals:
    // A key fetch ended (with keys or not): tasks waiting may be checked again.
    void keysFetched();

private:
    void requestRefresh();
    void fetch();

    const Settings m_settings;
    const QByteArray m_model8;
    TokenVerifier& m_verifier;
    RegistryClient& m_registry;
    const Clock& m_clock;
    QList<QByteArray> m_knownKeys;
    bool m_fetchInFlight = false;
    bool m_stopped = false;
    qint64 m_lastFetchMs = 0;
    quint64 m_generation = 0; // successful fetches so far
    QTimer m_refreshTimer;
    QTimer m_retryTimer;
};

} // namespace mmf
