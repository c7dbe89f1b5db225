#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace mmf {

// The server's effective settings, typed. Defaults here are the documented ones (docs/CONFIGURATION.md,
// checked by tst_config against the settings table); ConfigLoader fills the rest from the command line,
// environment and INI file. Durations are milliseconds whatever unit their setting is written in.
struct ServerConfig
{
    // ADDR:PORT to listen on. host is an IP address (IPv6 without brackets) or "localhost"; port 0 = any free
    // one.
    struct Address
    {
        QString host;
        quint16 port = 0;

        bool isEmpty() const { return host.isEmpty(); }
        // "127.0.0.1:8080", "[::1]:0"; empty for an empty address.
        QString toString() const;
        bool operator==(const Address&) const = default;
    };

    // [server]
    QString dataDir; // absolute; empty = not given (the server requires it, some tools do not)
    Address listen{QStringLiteral("127.0.0.1"), 8080};
    Address metricsListen; // empty: /metrics is served on `listen`

    // [redis]
    QString redisUrl; // empty = embedded redis-server under dataDir; may carry a password: never log it
    QString redisAppendfsync = QStringLiteral("everysec"); // always | everysec | no
    int redisAofRewritePercentage = 100;                   // embedded: auto-aof-rewrite-percentage

    // [registry]
    qint64 pingIntervalMs = 10 * 1000;
    // Hosts a registration may name besides its own peer address: CIDRs ("10.0.0.0/8", an address alone is
    // one host) and exact host names, lower case. Empty: only the registering connection's address.
    QStringList registryAllowedHosts;

    // [http]
    qint64 maxBodyBytes = 16 * 1024 * 1024;
    int maxRequestLine = 8 * 1024;
    int maxHeaderBytes = 8 * 1024;
    int maxHeadersTotal = 16 * 1024;
    int maxHeaderCount = 100;
    int headerTimeoutMs = 10 * 1000;
    int idleTimeoutMs = 60 * 1000;
    int bodyTimeoutMs = 300 * 1000;
    int maxConnections = 10000;
    int maxConnectionsPerAddress = 256;
    // Reverse proxies whose X-Forwarded-For names the client: addresses and CIDRs. Empty: the header is
    // ignored, every client is the connection's peer.
    QStringList trustedProxies;

    // [ws]
    qint64 wsMaxMessageBytes = 1024 * 1024;
    qint64 wsMaxSendBufferBytes = 8 * 1024 * 1024;
    int wsPingIntervalMs = 30 * 1000;
    int wsMaxConnections = 4096;
    int wsMaxPerUser = 32;
    int wsIdleTimeoutMs = 300 * 1000;
    int wsAccessRecheckMs = 10 * 1000;

    // [tasks]
    int queueLimit = 100000;
    qint64 retentionMs = 86400LL * 1000;
    qint64 claimTimeoutMs = 30 * 1000;
    int maxAttempts = 3;
    qint64 backoffInitialMs = 1000;
    double backoffFactor = 2.0;
    qint64 backoffMaxMs = 30 * 1000;

    // [pool]: resource name → amount, e.g. cpu=8, gpu=1, mem_mb=16000
    QMap<QString, qint64> pool = defaultPool();

    // [scaler]
    int scalerTasksPerReplica = 1;
    qint64 scalerCooldownMs = 30 * 1000;
    qint64 scalerIntervalMs = 1000;
    QString workerProgram; // empty: mmf-worker next to the server

    // [scaling]: model name → "mode:dynamic min:0 max:3 cpu:1 ..." (parsed by the scaler's ScalingSpec)
    QMap<QString, QString> scaling;

    // [auth]
    qint64 accessTtlMs = 900LL * 1000;
    qint64 refreshTtlMs = 30LL * 86400 * 1000;
    QString defaultProject = QStringLiteral("default");
    QStringList defaultMethods{QStringLiteral("score"), QStringLiteral("read")};
    int maxFailuresPerLogin = 5;
    int maxFailuresPerAddress = 20;
    int maxFailuresPerLoginTotal = 100;
    qint64 failureWindowMs = 300LL * 1000;
    int maxRegistrationsPerAddress = 20;
    qint64 registrationWindowMs = 3600LL * 1000;

    // [log]
    QtMsgType logLevel = QtInfoMsg; // the lowest level written

    bool operator==(const ServerConfig&) const = default;

    // cpu = the machine's cores (QThread::idealThreadCount()).
    static QMap<QString, qint64> defaultPool();
};

} // namespace mmf
