#pragma once

#include "core/Result.h"

#include "mmf/v1/registry.pb.h"

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <functional>

namespace mmf {

class TokenVerifier;

// The worker's few calls to the server's registry (not a hot path): register, fetch the trusted keys, log
// out. All asynchronous; the token is sent as a bearer token and never logged.
class RegistryClient : public QObject
{
    Q_OBJECT
public:
    struct Registration
    {
        v1::RegisterInstanceResponse response;
        // Not (yet) fields of RegisterInstanceResponse: read from the JSON when the server sends them.
        qint64 retentionSecs = 86400;
        int eventsMaxLen = 100000;
        int inlineResultLimit = 65536;
    };
    // Why a call did not succeed. `retryable`: the server could not be reached, or answered 5xx, 408 or 429.
    struct Failure
    {
        bool retryable = true;
        int httpStatus = 0; // 0: no HTTP answer
        QString code;       // the API error code, e.g. "conflict"
        QString message;
    };
    struct TrustedKey
    {
        QByteArray keyId;
        QByteArray publicKey;    // 32 raw bytes
        qint64 notAfterSecs = 0; // 0: no end
    };

    RegistryClient(QUrl server, QByteArray token, QObject* parent = nullptr);

    void registerInstance(const v1::RegisterInstanceRequest& request,
                          std::function<void(bool ok, const Registration&, const Failure&)> done);
    // GET /api/v1/keys (no authentication needed).
    void fetchKeys(std::function<void(Result<QList<TrustedKey>>)> done);
    // DELETE /api/v1/registry/instances/{id}; best effort within `timeoutMs`.
    void unregister(const QString& instanceId, int timeoutMs, std::function<void(bool ok)> done);
    // The model's current Redis user and password (after the server rotated it); an error names the status.
    void fetchCredentials(const QString& instanceId,
                          std::function<void(Result<QPair<QString, QString>>)> done);

    // Pure parts, for tests.
    static QByteArray registrationJson(const v1::RegisterInstanceRequest& request);
    static Result<Registration> parseRegistration(const QByteArray& json);
    // {"keys": [{key_id, public_key, not_after}]}
    static Result<QList<TrustedKey>> parseKeysJson(const QByteArray& json);
    static Result<QList<TrustedKey>>
    trustedKeys(const google::protobuf::RepeatedPtrField<v1::PublicKey>& keys);
    // A failed answer: `status` 0 for no HTTP answer (then `networkError` says why).
    static Failure classify(int status, const QByteArray& body, const QString& networkError);
    // Makes `verifier` trust exactly `keys` when `replace` (keys it knew but `keys` lacks are dropped), else
    // adds them.
    static void applyKeys(TokenVerifier& verifier, const QList<TrustedKey>& keys, QList<QByteArray>& known,
                          bool replace);

private:
    QUrl endpoint(const QString& path) const;

    QUrl m_server;
    QByteArray m_authorization;
    QNetworkAccessManager m_network;
};

} // namespace mmf
