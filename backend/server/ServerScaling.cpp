#include "server/ServerScaling.h"

#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "core/Clock.h"
#include "gateway/ModelCatalog.h"

namespace mmf {

namespace {

ScalerSettings scalerSettingsFrom(const ServerConfig& config)
{
    ScalerSettings settings;
    settings.tasksPerReplica = config.scalerTasksPerReplica;
    settings.cooldownMs = config.scalerCooldownMs;
    settings.intervalMs = config.scalerIntervalMs;
    return settings;
}

} // namespace

Result<std::unique_ptr<ServerScaling>> ServerScaling::create(RedisClient& redis, ModelCatalog& catalog,
                                                             const SigningKey& signingKey, const Clock& clock,
                                                             const ServerConfig& config)
{
    std::unique_ptr<ServerScaling> scaling(new ServerScaling(redis, catalog, signingKey, clock, config));
    for (auto it = config.scaling.cbegin(); it != config.scaling.cend(); ++it) {
        Result<ScalingSpec> spec = ScalingSpec::fromConfigText(it.value());
        if (!spec)
            return Error::invalidArgument(
                QStringLiteral("[scaling] %1: %2").arg(it.key(), spec.error().message));
        if (spec->project.isEmpty())
            spec->project = config.defaultProject.toUtf8();
        scaling->m_store.putFromConfig(it.key().toUtf8(), *spec);
    }
    // A model the scaler cold-starts takes tasks with no replica running: the one "can take tasks" rule.
    catalog.setLivenessHook([store = &scaling->m_store](const QByteArray& name) {
        const std::optional<ModelScaling> found = store->scalingOf(name);
        return found && found->coldStarts;
    });
    return scaling;
}

ServerScaling::ServerScaling(RedisClient& redis, ModelCatalog& catalog, const SigningKey& signingKey,
                             const Clock& clock, const ServerConfig& config)
    : m_store(redis, config.pool)
    , m_describer(redis, clock, config.workerProgram)
    , m_scaler(m_store, catalog, m_describer, clock, scalerSettingsFrom(config),
               [&signingKey, &clock](const QByteArray& project) {
                   // The workers' serve token, for the model's project; they re-register with it after a
                   // restart.
                   v1::TokenClaims claims;
                   claims.set_user_id("mmf-scaler");
                   claims.set_project_id(project.toStdString());
                   claims.add_methods("serve");
                   claims.set_iat(clock.nowSecs());
                   claims.set_exp(clock.nowSecs() + 30LL * 86400);
                   return issueToken(signingKey, claims);
               })
{}

} // namespace mmf
