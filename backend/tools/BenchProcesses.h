#pragma once

#include "core/Result.h"
#include "metrics/DescendantProcesses.h"

#include <QList>
#include <QString>

namespace mmf {

// One measured process of a benchmark run: CPU time and RSS before and after.
struct ProcUsage
{
    QString name; // "server", "redis", "worker1", "client", …
    qint64 pid = 0;
    double cpuBeforeS = 0;
    double cpuAfterS = 0;
    qint64 rssBeforeKb = 0;
    qint64 rssAfterKb = 0;
    bool gone = false;  // not there at the second sample: its figures are the first sample's
    bool forks = false; // the CPU of pid's descendants (Redis's AOF rewrites, a worker's model processes),
                        // not pid's own, and their RSS together
    bool noRss = false; // Redis's forks: their memory is Redis's own pages, shared until written
};

// The processes whose CPU and memory a run reports, sampled from /proc before and after: the server and its
// direct children (its embedded redis-server, named "redis", and the CPU of that Redis's forks, "redis_fork":
// an AOF rewrite runs in a child of Redis, on the same cores, and is in no process's own figure), the workers
// ("worker1", …; a worker that has child processes — its --exec model processes — also "worker1_models",
// their CPU and memory) and this process ("client").
class BenchProcesses
{
public:
    BenchProcesses(qint64 serverPid, QList<qint64> workerPids, qint64 clientPid);

    // Finds the server's children and takes the first sample. NotFound when a named process is not running.
    Result<void> sampleBefore();
    void sampleAfter();
    const QList<ProcUsage>& usage() const { return m_usage; }

    // The report name of a server's child from its command: "redis-server" → "redis", else the command.
    static QString childName(const QByteArray& command);
    // The CPU of pid's descendants so far (DescendantProcesses): the children it has waited for and those
    // still running with their own descendants.
    static Result<double> descendantsCpuSeconds(qint64 pid);

private:
    void addDescendants(const QString& name, qint64 pid, const DescendantProcesses::Usage& below,
                        bool withRss);

    qint64 m_serverPid;
    QList<qint64> m_workerPids;
    qint64 m_clientPid;
    QList<ProcUsage> m_usage;
};

} // namespace mmf
