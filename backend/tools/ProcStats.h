#pragma once

#include "core/Result.h"

#include <QByteArrayView>
#include <QList>

namespace mmf {

// CPU time and memory of one process, read from /proc on Linux.
struct ProcSample
{
    double cpuSeconds = 0;         // utime + stime of the process
    double childrenCpuSeconds = 0; // cutime + cstime: its children that ended and were waited for
    qint64 rssKb = 0;              // VmRSS
    qint64 peakRssKb = 0;          // VmHWM
    QByteArray command;            // e.g. "redis-server"
};

class ProcStats
{
public:
    // NotFound when the process does not exist (or /proc is not there).
    static Result<ProcSample> sample(qint64 pid);

    // utime + stime in seconds from the text of /proc/PID/stat (the command may contain spaces and
    // parentheses).
    static Result<double> parseCpuSeconds(QByteArrayView stat, long ticksPerSecond);
    // cutime + cstime in seconds: the CPU of the children the process has waited for.
    static Result<double> parseChildrenCpuSeconds(QByteArrayView stat, long ticksPerSecond);
    // The command name: the text between the first '(' and the last ')'.
    static Result<QByteArray> parseCommand(QByteArrayView stat);
    // The live direct children of a process, by scanning /proc (a few hundred small reads).
    static QList<qint64> childPids(qint64 pid);
    // A "Key:   123 kB" line of /proc/PID/status, in kB.
    static Result<qint64> parseStatusKb(QByteArrayView status, QByteArrayView key);
};

} // namespace mmf
