#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace mmf {

// mmf-worker's command line: `--model NAME --server URL (--token TOKEN | --token-file PATH) [--name N] [--concurrency N]
// [--listen ADDR:PORT] [--option key=value]... [--drain-timeout SECONDS] [--advertise-host HOST]
// [--describe]`. Both "--opt value" and "--opt=value" are accepted. MMF_SERVER and MMF_TOKEN fill --server
// and --token when they are not given (a token in the environment does not show up in `ps`).
struct WorkerOptions
{
    QString model;       // the built-in model to host
    QString name;        // the model name to register under (default: model)
    QUrl server;         // the gateway's base URL, e.g. http://127.0.0.1:8080
    QByteArray token;    // a token with `serve`
    int concurrency = 1; // most unacknowledged tasks held at once
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost); // the ping endpoint
    quint16 listenPort = 0;                                             // 0: a free port
    QString advertiseHost; // host the registry pings (default: the listen address, or this host's name)
    QMap<QString, QString> modelOptions; // --option key=value, for ModelBase::configure()
    double drainTimeoutSecs = 30;        // on SIGTERM: how long running tasks may finish
    bool describe = false;               // print the model's types and descriptors as JSON and exit
    bool help = false;

    static constexpr int kMaxConcurrency = 1024;

    // `arguments` as QCoreApplication::arguments() gives them (the program name first). Every failure is
    // invalid_argument with a message naming the option and what was expected; Error::field is the option.
    static Result<WorkerOptions> parse(const QStringList& arguments,
                                       const QHash<QString, QString>& environment);
    static QString usage();
};

} // namespace mmf
