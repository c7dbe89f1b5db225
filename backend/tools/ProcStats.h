#pragma once

#include "core/Result.h"

#include <QByteArrayView>

namespace mmf {

// CPU time and memory of a process (and its direct children, e.g. the server's embedded redis-server), read
// from /proc on Linux.
struct ProcSample
{
    double cpuSeconds = 0;         // utime + stime of the process
    qint64 rssKb = 0;              // VmRSS
    qint64 peakRssKb = 0;          // VmHWM
    double childrenCpuSeconds = 0; // utime + stime of the live direct children
    qint64 childrenRssKb = 0;
    int children = 0;
};

class ProcStats
{
public:
    // NotFound when the process does not exist (or /proc is not there).
    static Result<ProcSample> sample(qint64 pid);

    // utime + stime in seconds from the text of /proc/PID/stat (the command may contain spaces and
    // parentheses).
    static Result<double> parseCpuSeconds(QByteArrayView stat, long ticksPerSecond);
    static Result<qint64> parseParentPid(QByteArrayView stat);
    // A "Key:   123 kB" line of /proc/PID/status, in kB.
    static Result<qint64> parseStatusKb(QByteArrayView status, QByteArrayView key);
};

} // namespace mmf
