#pragma once

#include "broker/BrokerCalls.h"

#include "mmf/v1/registry.pb.h"

#include <QByteArray>
#include <QStringList>

namespace mmf {

// The settings the gateway's services read (filled from ServerConfig by the server).
struct GatewaySettings
{
    qint64 retentionSecs = 86400;
    qint64 queueLimit = 100000;
    int eventsMaxLen = 100000;     // MAXLEN ~ of each events stream
    int inlineResultLimit = 65536; // results up to this size ride along in the result event
    int claimTimeoutMs = 30000;    // a pending task's claim older than this belongs to a dead instance
    double pingIntervalSecs = 10;
    QStringList registryAllowedHosts; // besides a registrant's own address (RegistryHostRule)
    QStringList trustedProxies;       // peers whose X-Forwarded-For names the client (TrustedProxies)
    int maxWaitSecs = 60;             // ?wait=S is 0..60
    int maxBatch = 10000;             // inputs per tasks:batch
    int retryMaxAttempts = 3;
    int retryBackoffInitialMs = 1000;
    double retryBackoffFactor = 2;
    int retryBackoffMaxMs = 30000;
    // Where workers reach Redis (host, or a unix socket path with port 0). As whom: each model's own ACL user
    // (ModelRedisUsers), never the server's credentials, which are deliberately not here.
    QByteArray workerRedisHost;
    quint16 workerRedisPort = 0;
    int workerRedisDb = 0;

    BrokerLimits brokerLimits() const { return {retentionSecs, eventsMaxLen, inlineResultLimit}; }
    BrokerCalls brokerCalls(QByteArrayView model) const { return BrokerCalls(model, brokerLimits()); }
    // A model's own policy (set with PATCH) when it has one, else the server's defaults.
    RetryPolicy retryPolicy(const v1::RetryPolicy& own) const
    {
        if (own.max_attempts() > 0)
            return {int(own.max_attempts()), own.backoff_initial_ms(), own.backoff_factor(),
                    own.backoff_max_ms()};
        return {retryMaxAttempts, retryBackoffInitialMs, retryBackoffFactor, retryBackoffMaxMs};
    }
};

} // namespace mmf
