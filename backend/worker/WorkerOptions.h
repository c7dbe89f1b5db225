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

// mmf-worker's command line: `--model NAME --server URL (--token TOKEN | --token-file PATH) [--name N]
// [--concurrency N]
// [--listen ADDR:PORT] [--option key=value]... [--drain-timeout SECONDS] [--advertise-host HOST]
// [--describe]`, and for a model run as a process `--exec CMD | --exec-per-task CMD --proto FILE
// [--proto-path DIR]... --request TYPE --response TYPE [--cancel-grace SECONDS] [--task-timeout SECONDS]`,
// and for --exec `[--tasks-per-process N]`. Both "--opt value" and "--opt=value" are accepted. MMF_SERVER and
// MMF_TOKEN fill --server and --token when they are not given; --token-file FILE reads the token from a file
// (neither shows up in `ps`; --token does, so it still works but earns a warning).
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
    // A model run as a process (--exec or --exec-per-task); --model is then the name it registers under.
    QString execCommand;        // --exec: one long-running process per slot, JSON lines
    QString execPerTaskCommand; // --exec-per-task: one process per task
    QString protoFile;          // --proto: the .proto defining the request and response
    QStringList protoPaths;     // --proto-path: import roots (default: the folder of --proto)
    QString requestType;        // --request: full name, e.g. pkg.Request
    QString responseType;       // --response
    double cancelGraceSecs = 5; // after a cancel, how long the process has before it is killed
    double taskTimeoutSecs = 0; // per task; 0: no limit (--exec-per-task defaults to 600)
    int tasksPerProcess = 1;    // --exec: requests one process is sent at once (its own threads or asyncio)
    bool help = false;
    // Said on stderr at start: e.g. --token, which `ps` shows to every local user (kept for old scripts).
    QStringList warnings;

    static constexpr int kMaxConcurrency = 1024;
    static constexpr int kMaxTasksPerProcess = 256;

    bool isExec() const { return !execCommand.isEmpty() || !execPerTaskCommand.isEmpty(); }

    // `arguments` as QCoreApplication::arguments() gives them (the program name first). Every failure is
    // invalid_argument with a message naming the option and what was expected; Error::field is the option.
    static Result<WorkerOptions> parse(const QStringList& arguments,
                                       const QHash<QString, QString>& environment);
    static QString usage();
};

} // namespace mmf
