#pragma once

#include <QHash>
#include <QString>

namespace mmf {

// How a model process is run (mmf-worker --exec / --exec-per-task).
struct ExecSettings
{
    QString command;                           // run with /bin/sh -c
    QHash<QString, QString> environment;       // the child's whole environment (empty: inherit)
    int cancelGraceMs = 5000;                  // after a cancel, how long before the process is killed
    int taskTimeoutMs = 0;                     // per task; 0: no limit
    int restartMinMs = 250;                    // backoff after the second exit in a row, doubling...
    int restartMaxMs = 30000;                  // ...up to this
    int keepsDyingAfter = 3;                   // exits in a row before the instance reports a problem
    int tasksPerProcess = 1;                   // requests a process is sent before its answers (--exec)
    qsizetype maxLineBytes = 64 * 1024 * 1024; // one protocol line, or a per-task script's output
};

} // namespace mmf
