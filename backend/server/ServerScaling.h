#pragma once

#include "config/ServerConfig.h"
#include "core/Result.h"
#include "scaler/ModelDescriber.h"
#include "scaler/Scaler.h"
#include "scaler/ScalingStore.h"

#include <memory>

namespace mmf {

class Clock;
class ModelCatalog;
class RedisClient;
class SigningKey;

// The scaler: specs and figures in Redis (every server), decisions on the leader only. The catalogue learns
// from it which models take tasks at zero replicas (cold start).
class ServerScaling
{
public:
    // invalid_argument for a `[scaling]` entry of the configuration that does not parse.
    static Result<std::unique_ptr<ServerScaling>> create(RedisClient& redis, ModelCatalog& catalog,
                                                         const SigningKey& signingKey, const Clock& clock,
                                                         const ServerConfig& config);

    ScalingStore& store() { return m_store; }
    ModelDescriber& describer() { return m_describer; }
    Scaler& scaler() { return m_scaler; }

private:
    ServerScaling(RedisClient& redis, ModelCatalog& catalog, const SigningKey& signingKey, const Clock& clock,
                  const ServerConfig& config);

    ScalingStore m_store;
    ModelDescriber m_describer;
    Scaler m_scaler;
};

} // namespace mmf
