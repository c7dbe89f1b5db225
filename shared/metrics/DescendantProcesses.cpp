#include "metrics/DescendantProcesses.h"

#include "metrics/ProcessStat.h"

#include <QDir>

#include <unistd.h>

namespace mmf {

namespace {

// Every live process's parsed stat line, by pid (one pass over /proc).
QHash<qint64, ProcessStat> readAll(const QString& procRoot)
{
    QHash<qint64, ProcessStat> stats;
    for (const QString& entry : QDir(procRoot).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        if (const std::optional<ProcessStat> stat =
                ProcessStat::parse(ProcessStat::readFile(procRoot + u'/' + entry + QStringLiteral("/stat"))))
            stats.insert(pid, *stat);
    }
    return stats;
}

QHash<qint64, QList<qint64>> childrenOf(const QHash<qint64, ProcessStat>& stats)
{
    QHash<qint64, QList<qint64>> children;
    for (auto it = stats.begin(); it != stats.end(); ++it) {
        if (it->parentPid != it.key())
            children[it->parentPid].append(it.key());
    }
    return children;
}

} // namespace

QHash<qint64, QList<qint64>> DescendantProcesses::childrenByParent(const QString& procRoot)
{
    return childrenOf(readAll(procRoot));
}

std::optional<DescendantProcesses::Usage> DescendantProcesses::of(qint64 pid, const QString& procRoot)
{
    const QHash<qint64, ProcessStat> stats = readAll(procRoot);
    const auto self = stats.constFind(pid);
    if (self == stats.cend())
        return std::nullopt;
    static const double ticksPerSecond = double(::sysconf(_SC_CLK_TCK));
    static const double pageBytes = double(::sysconf(_SC_PAGESIZE));
    const QHash<qint64, QList<qint64>> children = childrenOf(stats);
    Usage usage;
    quint64 ticks = self->childUserTicks + self->childSystemTicks;
    QList<qint64> below = children.value(pid);
    while (!below.isEmpty()) {
        const qint64 child = below.takeLast();
        const ProcessStat stat = stats.value(child);
        ++usage.count;
        ticks += stat.userTicks + stat.systemTicks + stat.childUserTicks + stat.childSystemTicks;
        usage.residentBytes += double(stat.residentPages) * pageBytes;
        below += children.value(child);
    }
    usage.cpuSeconds = double(ticks) / ticksPerSecond;
    return usage;
}

} // namespace mmf
