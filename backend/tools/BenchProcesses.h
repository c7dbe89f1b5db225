#pragma once

#include "core/Result.h"

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
    bool gone = false; // not there at the second sample: its figures are the first sample's
};

// The processes whose CPU and memory a run reports, sampled from /proc before and after: the server and its
// direct children (its embedded redis-server, named "redis"), the workers ("worker1", …) and this process
// ("client").
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

private:
    qint64 m_serverPid;
    QList<qint64> m_workerPids;
    qint64 m_clientPid;
    QList<ProcUsage> m_usage;
};

} // namespace mmf
