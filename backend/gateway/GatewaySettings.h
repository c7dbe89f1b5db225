#pragma once

#include <QByteArray>

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
    int maxWaitSecs = 60; // ?wait=S is 0..60
    int maxBatch = 10000; // inputs per tasks:batch
    int retryMaxAttempts = 3;
    int retryBackoffInitialMs = 1000;
    double retryBackoffFactor = 2;
    int retryBackoffMaxMs = 30000;
    // Where workers reach Redis (host, or a unix socket path with port 0). As whom: each model's own ACL user
    // (ModelRedisUsers), never the server's credentials, which are deliberately not here.
    QByteArray workerRedisHost;
    quint16 workerRedisPort = 0;
    int workerRedisDb = 0;
};

} // namespace mmf
