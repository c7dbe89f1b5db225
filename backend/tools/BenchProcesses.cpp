#include "tools/BenchProcesses.h"

#include "tools/ProcStats.h"

namespace mmf {

BenchProcesses::BenchProcesses(qint64 serverPid, QList<qint64> workerPids, qint64 clientPid)
    : m_serverPid(serverPid)
    , m_workerPids(std::move(workerPids))
    , m_clientPid(clientPid)
{}

QString BenchProcesses::childName(const QByteArray& command)
{
    if (command.startsWith("redis-server"))
        return QStringLiteral("redis");
    return QString::fromUtf8(command);
}

Result<double> BenchProcesses::descendantsCpuSeconds(qint64 pid)
{
    const std::optional<DescendantProcesses::Usage> below = DescendantProcesses::of(pid);
    if (!below)
        return Error::notFound(QStringLiteral("no process %1").arg(pid));
    return below->cpuSeconds;
}

void BenchProcesses::addDescendants(const QString& name, qint64 pid, const DescendantProcesses::Usage& below,
                                    bool withRss)
{
    const qint64 rssKb = qint64(below.residentBytes / 1024);
    m_usage.append({name, pid, below.cpuSeconds, below.cpuSeconds, rssKb, rssKb, false, true, !withRss});
}

Result<void> BenchProcesses::sampleBefore()
{
    m_usage.clear();
    auto add = [this](const QString& name, qint64 pid) -> Result<void> {
        const Result<ProcSample> sample = ProcStats::sample(pid);
        if (!sample)
            return Error::notFound(QStringLiteral("%1 (pid %2) is not running").arg(name).arg(pid));
        m_usage.append(
            {name, pid, sample->cpuSeconds, sample->cpuSeconds, sample->rssKb, sample->rssKb, false});
        return {};
    };
    if (m_serverPid > 0) {
        // Children first: the embedded Redis is where most of the CPU goes, so it leads the line.
        for (const qint64 child : ProcStats::childPids(m_serverPid)) {
            const Result<ProcSample> sample = ProcStats::sample(child);
            if (!sample)
                continue;
            const QString name = childName(sample->command);
            m_usage.append(
                {name, child, sample->cpuSeconds, sample->cpuSeconds, sample->rssKb, sample->rssKb, false});
            if (name == QLatin1String("redis"))
                if (const std::optional<DescendantProcesses::Usage> forks = DescendantProcesses::of(child))
                    addDescendants(QStringLiteral("redis_fork"), child, *forks, false);
        }
        if (Result<void> server = add(QStringLiteral("server"), m_serverPid); !server)
            return server;
    }
    for (qsizetype i = 0; i < m_workerPids.size(); ++i) {
        const QString name = QStringLiteral("worker%1").arg(i + 1);
        if (Result<void> worker = add(name, m_workerPids.at(i)); !worker)
            return worker;
        // One /proc pass tells both whether it has model processes and what they used so far.
        const std::optional<DescendantProcesses::Usage> models = DescendantProcesses::of(m_workerPids.at(i));
        if (models && models->count > 0)
            addDescendants(name + QStringLiteral("_models"), m_workerPids.at(i), *models, true);
    }
    if (m_clientPid > 0)
        return add(QStringLiteral("client"), m_clientPid);
    return {};
}

void BenchProcesses::sampleAfter()
{
    // In reverse: the client (last before, first now) is read before the /proc scans, which are not its run.
    for (auto it = m_usage.rbegin(); it != m_usage.rend(); ++it) {
        ProcUsage& usage = *it;
        if (usage.forks) {
            const std::optional<DescendantProcesses::Usage> below = DescendantProcesses::of(usage.pid);
            usage.gone = !below;
            if (below) {
                usage.cpuAfterS = below->cpuSeconds;
                usage.rssAfterKb = qint64(below->residentBytes / 1024);
            }
            continue;
        }
        const Result<ProcSample> sample = ProcStats::sample(usage.pid);
        usage.gone = !sample;
        if (sample) {
            usage.cpuAfterS = sample->cpuSeconds;
            usage.rssAfterKb = sample->rssKb;
        }
    }
}

} // namespace mmf
