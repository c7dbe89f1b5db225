#pragma once

#include "core/Result.h"
#include "redis/RedisConfig.h"

#include <QList>
#include <QProcessEnvironment>
#include <QStringList>
#include <QUrl>

namespace mmf {

enum class BenchMode
{
    Throughput,
    Batch,
    Latency,
    Wait,       // POST …/tasks?wait=S in a closed loop: completion is the 200 answer with the result
    Subscribers // open many WebSocket subscribers and report the server's memory per subscriber
};

// mmf-bench's settings. Parsing checks every value; a bad one is an InvalidArgument error naming the option.
struct BenchConfig
{
    QUrl server;
    QString token;
    QString model = QStringLiteral("echo");
    int tasks = 1000;
    BenchMode mode = BenchMode::Throughput;
    int connections = 4;      // latency mode: always 1
    int window = 16;          // requests in flight per connection; latency mode: unbounded (open loop)
    int batchSize = 100;      // inputs per tasks:batch request
    double rate = 500;        // latency mode: tasks per second
    int payloadBytes = 100;   // length of the echo request's text
    int waitS = 10;           // wait mode: the ?wait= of each submit
    int subscribers = 10'000; // subscribers mode: WebSocket connections to open
    qint64 serverPid = 0;     // 0: no /proc figures
    QList<qint64> workerPids;
    QString redisUrl;          // empty: no INFO commandstats
    QString redisPasswordFile; // the password is read from this file, never taken on the command line
    int stallTimeoutS = 30;    // end with an error when no result arrives for this long
    QString latencyLog;        // empty: none (LatencyLog)
    int idleConnections = 0;   // held open and silent through the run (IdleConnections)
    bool help = false;

    // --server (env MMF_SERVER, default http://127.0.0.1:8080), --token (env MMF_TOKEN), the rest as in
    // helpText().
    static Result<BenchConfig> parse(const QStringList& args, const QProcessEnvironment& env);
    static QString helpText();
    static QString modeName(BenchMode mode);

    // The --redis connection, the password read from --redis-password-file (trailing whitespace dropped).
    // A bad URL or an unreadable file is an InvalidArgument error naming the option; never quotes the
    // password.
    Result<RedisConfig> redisConfig() const;

    // {"text": "xxx…"} with payloadBytes x's.
    QByteArray requestBody() const;
    // {"inputs": [body, body, …]} with n copies.
    QByteArray batchBody(int n) const;
};

} // namespace mmf
