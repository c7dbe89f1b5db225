#include "worker/TaskTokenCheck.h"

#include "auth/Base64Url.h"
#include "auth/TokenCodec.h"
#include "core/Clock.h"
#include "worker/RegistryClient.h"
#include "worker/WorkerLog.h"

#include <QPointer>

namespace mmf {

TaskTokenCheck::TaskTokenCheck(Settings settings, TokenVerifier& verifier, RegistryClient& registry,
                               const Clock& clock, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_model8(m_settings.modelName.toUtf8())
    , m_verifier(verifier)
    , m_registry(registry)
    , m_clock(clock)
{
    connect(&m_refreshTimer, &QTimer::timeout, this, &TaskTokenCheck::requestRefresh);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &TaskTokenCheck::requestRefresh);
}

void TaskTokenCheck::start()
{
    m_refreshTimer.start(qMax(1000, m_settings.keyRefreshMs));
}

void TaskTokenCheck::stop()
{
    m_stopped = true;
    m_refreshTimer.stop();
    m_retryTimer.stop();
}

std::optional<v1::TokenClaims> TaskTokenCheck::unverifiedClaims(QByteArrayView token)
{
    const qsizetype dot = token.indexOf('.');
    if (dot <= 0 || token.size() > TokenVerifier::kMaxTokenBytes)
        return std::nullopt;
    const auto claimsBytes = Base64Url::decode(token.first(dot));
    if (!claimsBytes)
        return std::nullopt;
    v1::TokenClaims claims;
    if (!claims.ParseFromArray(claimsBytes->constData(), int(claimsBytes->size())))
        return std::nullopt;
    return claims;
}

TaskTokenCheck::Verdict TaskTokenCheck::check(const QByteArray& token, Wait& wait, QString* denial)
{
    const auto deny = [denial](QString why) {
        *denial = std::move(why);
        return Verdict::Denied;
    };
    // The key id, read without verifying, tells "unknown key" from "bad token".
    const std::optional<v1::TokenClaims> claimed = unverifiedClaims(token);
    if (!claimed)
        return deny(QStringLiteral("the task token is malformed"));
    const QByteArray keyId = QByteArray::fromStdString(claimed->key_id());
    if (!m_verifier.knowsKey(keyId)) {
        const qint64 now = m_clock.nowMs();
        if (wait.sinceMs == 0) {
            wait.sinceMs = now;
            wait.generation = m_generation;
        }
        if (m_generation > wait.generation)
            return deny(QStringLiteral("the task token was signed by an unknown key"));
        if (now - wait.sinceMs >= m_settings.keyWaitMaxMs)
            return deny(QStringLiteral("the task token's key could not be fetched"));
        requestRefresh();
        return Verdict::WaitForKeys;
    }
    const Result<SharedTokenClaims> claims = m_verifier.verifyShared(token);
    if (!claims)
        return deny(claims.error().message);
    if (!hasMethod(**claims, "score"))
        return deny(QStringLiteral("the task token does not grant score"));
    if (QByteArray::fromStdString((*claims)->model()) != m_model8)
        return deny(QStringLiteral("the task token is for model '%1', not '%2'")
                        .arg(QString::fromStdString((*claims)->model()), m_settings.modelName));
    if (QByteArrayView((*claims)->project_id()) != m_settings.project)
        return deny(
            QStringLiteral("the task token is for project '%1', not the model's project '%2'")
                .arg(QString::fromStdString((*claims)->project_id()), QString::fromUtf8(m_settings.project)));
    return Verdict::Accepted;
}

void TaskTokenCheck::requestRefresh()
{
    if (m_fetchInFlight || m_stopped)
        return;
    const qint64 wait = m_lastFetchMs + m_settings.keyRefetchMinMs - m_clock.nowMs();
    if (m_lastFetchMs != 0 && wait > 0) {
        if (!m_retryTimer.isActive())
            m_retryTimer.start(int(wait));
        return;
    }
    fetch();
}

void TaskTokenCheck::fetch()
{
    m_fetchInFlight = true;
    m_lastFetchMs = m_clock.nowMs();
    QPointer<TaskTokenCheck> self(this);
    m_registry.fetchKeys([this, self](Result<QList<RegistryClient::TrustedKey>> keys) {
        if (!self)
            return;
        m_fetchInFlight = false;
        if (!keys) {
            qCWarning(lcWorker).noquote() << keys.error().message;
        } else if (keys->isEmpty()) {
            qCWarning(lcWorker) << "the server lists no keys; keeping the ones known";
        } else {
            RegistryClient::applyKeys(m_verifier, *keys, m_knownKeys, true);
            ++m_generation;
        }
        emit keysFetched();
    });
}

} // namespace mmf
