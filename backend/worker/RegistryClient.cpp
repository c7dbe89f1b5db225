#include "worker/RegistryClient.h"

#include "auth/Base64Url.h"
#include "auth/TokenCodec.h"
#include "worker/WorkerLog.h"

#include <google/protobuf/util/json_util.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace mmf {

namespace {

constexpr int kRegisterTimeoutMs = 15000;
constexpr int kKeysTimeoutMs = 10000;

qint64 parseNotAfter(const QString& text, bool* ok)
{
    *ok = true;
    if (text.isEmpty())
        return 0;
    const QDateTime when = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!when.isValid()) {
        *ok = false;
        return 0;
    }
    return when.toSecsSinceEpoch();
}

QNetworkRequest jsonRequest(const QUrl& url, const QByteArray& authorization, int timeoutMs)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/json");
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    request.setTransferTimeout(timeoutMs);
    return request;
}

} // namespace

RegistryClient::RegistryClient(QUrl server, QByteArray token, QObject* parent)
    : QObject(parent)
    , m_server(std::move(server))
    , m_authorization(token.isEmpty() ? QByteArray() : "Bearer " + token)
{}

QUrl RegistryClient::endpoint(const QString& path) const
{
    QUrl url = m_server;
    url.setPath(m_server.path() + path);
    return url;
}

QByteArray RegistryClient::registrationJson(const v1::RegisterInstanceRequest& request)
{
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    options.always_print_primitive_fields = true;
    std::string json;
    google::protobuf::util::MessageToJsonString(request, &json, options);
    return QByteArray::fromStdString(json);
}

Result<RegistryClient::Registration> RegistryClient::parseRegistration(const QByteArray& json)
{
    Registration registration;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true; // newer servers may say more
    const auto status =
        google::protobuf::util::JsonStringToMessage(json.toStdString(), &registration.response, options);
    if (!status.ok())
        return Error::internal(QStringLiteral("the registration answer is not valid: %1")
                                   .arg(QString::fromStdString(std::string(status.message()))));
    if (registration.response.instance_id().empty())
        return Error::internal(QStringLiteral("the registration answer has no instance_id"));
    const QJsonObject object = QJsonDocument::fromJson(json).object();
    const auto positive = [&](const char* name, qint64 fallback) {
        const qint64 value = qint64(object.value(QLatin1String(name)).toDouble(-1));
        return value > 0 ? value : fallback;
    };
    registration.retentionSecs = positive("retention_s", registration.retentionSecs);
    registration.eventsMaxLen = int(positive("events_maxlen", registration.eventsMaxLen));
    registration.inlineResultLimit = int(positive("inline_result_limit", registration.inlineResultLimit));
    return registration;
}

Result<QList<RegistryClient::TrustedKey>>
RegistryClient::trustedKeys(const google::protobuf::RepeatedPtrField<v1::PublicKey>& keys)
{
    QList<TrustedKey> out;
    out.reserve(keys.size());
    for (const v1::PublicKey& key : keys) {
        TrustedKey trusted;
        trusted.keyId = QByteArray::fromStdString(key.key_id());
        const auto raw =
            Base64Url::decode(QByteArrayView(key.public_key().data(), qsizetype(key.public_key().size())));
        if (trusted.keyId.isEmpty() || !raw || raw->size() != 32)
            return Error::internal(QStringLiteral("public key '%1' is not a base64url Ed25519 key")
                                       .arg(QString::fromUtf8(trusted.keyId)));
        trusted.publicKey = *raw;
        bool ok = false;
        trusted.notAfterSecs = parseNotAfter(QString::fromStdString(key.not_after()), &ok);
        if (!ok)
            return Error::internal(
                QStringLiteral("public key '%1' has a bad not_after").arg(QString::fromUtf8(trusted.keyId)));
        out.append(std::move(trusted));
    }
    return out;
}

Result<QList<RegistryClient::TrustedKey>> RegistryClient::parseKeysJson(const QByteArray& json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (!document.isObject() || !document.object().value(QLatin1String("keys")).isArray())
        return Error::internal(QStringLiteral("the keys answer is not {\"keys\": [...]}"));
    google::protobuf::RepeatedPtrField<v1::PublicKey> keys;
    for (const QJsonValue& value : document.object().value(QLatin1String("keys")).toArray()) {
        const QJsonObject object = value.toObject();
        v1::PublicKey* key = keys.Add();
        key->set_key_id(object.value(QLatin1String("key_id")).toString().toStdString());
        key->set_public_key(object.value(QLatin1String("public_key")).toString().toStdString());
        key->set_not_after(object.value(QLatin1String("not_after")).toString().toStdString());
    }
    return trustedKeys(keys);
}

RegistryClient::Failure RegistryClient::classify(int status, const QByteArray& body,
                                                 const QString& networkError)
{
    Failure failure;
    failure.httpStatus = status;
    if (status == 0) {
        failure.retryable = true;
        failure.code = QStringLiteral("unavailable");
        failure.message = networkError.isEmpty() ? QStringLiteral("no answer from the server") : networkError;
        return failure;
    }
    failure.retryable = status >= 500 || status == 408 || status == 429;
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(QLatin1String("error")).toObject();
    failure.code = error.value(QLatin1String("code")).toString();
    failure.message = error.value(QLatin1String("message")).toString();
    if (failure.code.isEmpty())
        failure.code = QStringLiteral("http_%1").arg(status);
    if (failure.message.isEmpty())
        failure.message = QStringLiteral("the server answered HTTP %1").arg(status);
    return failure;
}

void RegistryClient::applyKeys(TokenVerifier& verifier, const QList<TrustedKey>& keys,
                               QList<QByteArray>& known, bool replace)
{
    QList<QByteArray> now;
    for (const TrustedKey& key : keys) {
        verifier.setTrustedKey(key.keyId, key.publicKey, key.notAfterSecs);
        now.append(key.keyId);
    }
    if (replace) {
        for (const QByteArray& id : std::as_const(known)) {
            if (!now.contains(id)) {
                qCInfo(lcWorker).noquote() << "key" << id << "is no longer trusted";
                verifier.removeTrustedKey(id);
            }
        }
        known = now;
    } else {
        for (const QByteArray& id : std::as_const(now)) {
            if (!known.contains(id))
                known.append(id);
        }
    }
}

void RegistryClient::registerInstance(const v1::RegisterInstanceRequest& request,
                                      std::function<void(bool, const Registration&, const Failure&)> done)
{
    QNetworkReply* reply = m_network.post(jsonRequest(endpoint(QStringLiteral("/api/v1/registry/instances")),
                                                      m_authorization, kRegisterTimeoutMs),
                                          registrationJson(request));
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status == 200 || status == 201) {
            Result<Registration> registration = parseRegistration(body);
            if (registration) {
                done(true, *registration, {});
                return;
            }
            Failure failure;
            failure.retryable = false;
            failure.httpStatus = status;
            failure.code = QStringLiteral("internal");
            failure.message = registration.error().message;
            done(false, {}, failure);
            return;
        }
        done(false, {}, classify(status, body, reply->errorString()));
    });
}

void RegistryClient::fetchKeys(std::function<void(Result<QList<TrustedKey>>)> done)
{
    QNetworkReply* reply =
        m_network.get(jsonRequest(endpoint(QStringLiteral("/api/v1/keys")), {}, kKeysTimeoutMs));
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status != 200) {
            const Failure failure = classify(status, body, reply->errorString());
            done(Error::unavailable(
                QStringLiteral("cannot fetch the keys: %1: %2").arg(failure.code, failure.message)));
            return;
        }
        done(parseKeysJson(body));
    });
}

void RegistryClient::unregister(const QString& instanceId, int timeoutMs, std::function<void(bool)> done)
{
    // setPath() encodes what needs encoding.
    const QString path = QStringLiteral("/api/v1/registry/instances/") + instanceId;
    QNetworkRequest request = jsonRequest(endpoint(path), m_authorization, timeoutMs);
    QNetworkReply* reply = m_network.deleteResource(request);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool ok = status >= 200 && status < 300;
        if (!ok)
            qCWarning(lcWorker).noquote()
                << "logging out of the registry failed:"
                << (status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString());
        if (done)
            done(ok);
    });
}

void RegistryClient::fetchCredentials(const QString& instanceId,
                                      std::function<void(Result<QPair<QString, QString>>)> done)
{
    const QString path = QStringLiteral("/api/v1/registry/instances/%1/credentials").arg(instanceId);
    QNetworkRequest request = jsonRequest(endpoint(path), m_authorization, 10000);
    QNetworkReply* reply = m_network.get(request);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
        if (status != 200) {
            const Error error{status == 403 || status == 404 ? ErrorCode::PermissionDenied
                                                             : ErrorCode::Unavailable,
                              status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString(),
                              {}};
            return done(error);
        }
        done(QPair<QString, QString>(body.value(QStringLiteral("user")).toString(),
                                     body.value(QStringLiteral("password")).toString()));
    });
}

} // namespace mmf
