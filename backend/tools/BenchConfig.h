#pragma once

#include "core/Result.h"

#include <QProcessEnvironment>
#include <QStringList>
#include <QUrl>

namespace mmf {

enum class BenchMode
{
    Throughput,
    Batch,
    Latency
};

// mmf-bench's settings. Parsing checks every value; a bad one is an InvalidArgument error naming the option.
struct BenchConfig
{
    QUrl server;
    QString token;
    QString model = QStringLiteral("echo");
    int tasks = 1000;
    BenchMode mode = BenchMode::Throughput;
    int connections = 4;    // latency mode: always 1
    int window = 16;        // requests in flight per connection; latency mode: unbounded (open loop)
    int batchSize = 100;    // inputs per tasks:batch request
    double rate = 500;      // latency mode: tasks per second
    int payloadBytes = 100; // length of the echo request's text
    qint64 serverPid = 0;   // 0: no /proc figures
    int stallTimeoutS = 30; // end with an error when no result arrives for this long
    bool help = false;

    // --server (env MMF_SERVER, default http://127.0.0.1:8080), --token (env MMF_TOKEN), the rest as in
    // helpText().
    static Result<BenchConfig> parse(const QStringList& args, const QProcessEnvironment& env);
    static QString helpText();
    static QString modeName(BenchMode mode);

    // {"text": "xxx…"} with payloadBytes x's.
    QByteArray requestBody() const;
    // {"inputs": [body, body, …]} with n copies.
    QByteArray batchBody(int n) const;
};

} // namespace mmf
