#include "tools/ProcStats.h"

#include "metrics/DescendantProcesses.h"
#include "metrics/ProcessStat.h"

#include <unistd.h>

namespace mmf {

namespace {

// Two adjacent tick counts of /proc/PID/stat (user, then system), in seconds.
Result<double> tickSum(QByteArrayView stat, long ticksPerSecond, int userField, const char* names)
{
    const QList<QByteArrayView> fields = ProcessStat::fieldsAfterCommand(stat);
    if (fields.size() < userField - 1 || ticksPerSecond <= 0)
        return Error::invalidArgument(QStringLiteral("not a /proc/PID/stat line"));
    bool okUser = false;
    bool okSystem = false;
    const qint64 user = fields.at(userField - 3).toLongLong(&okUser);
    const qint64 system = fields.at(userField + 1 - 3).toLongLong(&okSystem);
    if (!okUser || !okSystem)
        return Error::invalidArgument(QStringLiteral("bad %1 in /proc/PID/stat").arg(QLatin1String(names)));
    return double(user + system) / double(ticksPerSecond);
}

} // namespace

Result<double> ProcStats::parseCpuSeconds(QByteArrayView stat, long ticksPerSecond)
{
    return tickSum(stat, ticksPerSecond, 14, "utime/stime");
}

Result<double> ProcStats::parseChildrenCpuSeconds(QByteArrayView stat, long ticksPerSecond)
{
    return tickSum(stat, ticksPerSecond, 16, "cutime/cstime");
}

Result<QByteArray> ProcStats::parseCommand(QByteArrayView stat)
{
    const qsizetype open = stat.indexOf('(');
    const qsizetype close = stat.lastIndexOf(')');
    if (open < 0 || close < open)
        return Error::invalidArgument(QStringLiteral("not a /proc/PID/stat line"));
    return stat.sliced(open + 1, close - open - 1).toByteArray();
}

QList<qint64> ProcStats::childPids(qint64 pid)
{
    return DescendantProcesses::childrenByParent().value(pid);
}

Result<qint64> ProcStats::parseStatusKb(QByteArrayView status, QByteArrayView key)
{
    qsizetype pos = 0;
    while (pos < status.size()) {
        qsizetype end = status.indexOf('\n', pos);
        if (end < 0)
            end = status.size();
        const QByteArrayView line = status.sliced(pos, end - pos);
        if (line.startsWith(key) && line.size() > key.size() && line[key.size()] == ':') {
            QByteArrayView value = line.sliced(key.size() + 1).trimmed();
            if (value.endsWith("kB"))
                value = value.chopped(2).trimmed();
            bool ok = false;
            const qint64 kb = value.toLongLong(&ok);
            if (!ok)
                return Error::invalidArgument(
                    QStringLiteral("bad %1 line").arg(QString::fromLatin1(key.toByteArray())));
            return kb;
        }
        pos = end + 1;
    }
    return Error::notFound(QStringLiteral("no %1 line").arg(QString::fromLatin1(key.toByteArray())));
}

Result<ProcSample> ProcStats::sample(qint64 pid)
{
    const long ticks = sysconf(_SC_CLK_TCK);
    const QString base = QStringLiteral("/proc/%1/").arg(pid);
    const QByteArray stat = ProcessStat::readFile(base + QStringLiteral("stat"));
    if (stat.isEmpty())
        return Error::notFound(QStringLiteral("no process %1").arg(pid));
    const Result<double> cpu = parseCpuSeconds(stat, ticks);
    if (!cpu)
        return cpu.error();
    const QByteArray status = ProcessStat::readFile(base + QStringLiteral("status"));
    ProcSample sample;
    sample.cpuSeconds = *cpu;
    if (Result<double> children = parseChildrenCpuSeconds(stat, ticks); children)
        sample.childrenCpuSeconds = *children;
    if (Result<QByteArray> command = parseCommand(stat); command)
        sample.command = *command;
    if (Result<qint64> rss = parseStatusKb(status, "VmRSS"); rss)
        sample.rssKb = *rss;
    if (Result<qint64> hwm = parseStatusKb(status, "VmHWM"); hwm)
        sample.peakRssKb = *hwm;
    return sample;
}

} // namespace mmf
