#include "metrics/ProcessMetrics.h"

#include "core/Clock.h"
#include "metrics/DescendantProcesses.h"
#include "metrics/MetricsRegistry.h"
#include "metrics/ProcessStat.h"

#include <QDir>

#include <unistd.h>

namespace mmf {

namespace {

// The boot time in seconds since the epoch (the `btime` line of /proc/stat), or -1.
double bootSeconds()
{
    for (const QByteArray& line : ProcessStat::readFile(QStringLiteral("/proc/stat")).split('\n')) {
        if (line.startsWith("btime ")) {
            bool ok = false;
            const qint64 seconds = line.mid(6).trimmed().toLongLong(&ok);
            return ok ? double(seconds) : -1;
        }
    }
    return -1;
}

} // namespace

ProcessMetrics::ProcessMetrics(MetricsRegistry& registry, const Clock& clock, qint64 minIntervalMs,
                               QString procDir, qint64 descendantsOf)
    : m_registry(registry)
    , m_clock(clock)
    , m_minIntervalMs(minIntervalMs)
    , m_procDir(std::move(procDir))
    , m_descendantsOf(descendantsOf)
{
    using T = MetricsRegistry::Type;
    m_registry.declare("process_cpu_seconds_total", T::Counter,
                       "Total user and system CPU time spent in seconds.");
    m_registry.declare("process_resident_memory_bytes", T::Gauge, "Resident memory size in bytes.");
    m_registry.declare("process_virtual_memory_bytes", T::Gauge, "Virtual memory size in bytes.");
    m_registry.declare("process_open_fds", T::Gauge, "Number of open file descriptors.");
    m_registry.declare("process_max_fds", T::Gauge, "Maximum number of open file descriptors.");
    m_registry.declare("process_start_time_seconds", T::Gauge,
                       "Start time of the process since unix epoch in seconds.");
    m_registry.declare("process_threads", T::Gauge, "Number of OS threads in the process.");
    if (m_descendantsOf > 0) {
        m_registry.declare("mmf_descendant_processes", T::Gauge,
                           "Processes below this one (a worker's --exec model processes, a server's "
                           "embedded Redis and its forks).");
        m_registry.declare(
            "mmf_descendant_processes_cpu_seconds_total", T::Counter,
            "User and system CPU time of the processes below this one, the ended ones included.");
        m_registry.declare("mmf_descendant_processes_resident_memory_bytes", T::Gauge,
                           "Resident memory of the processes below this one, summed.");
    }
}

void ProcessMetrics::collect()
{
    const qint64 now = m_clock.nowMs();
    if (m_lastReadMs != 0 && now >= m_lastReadMs && now - m_lastReadMs < m_minIntervalMs)
        return;
    m_lastReadMs = now;
    read();
}

void ProcessMetrics::read()
{
    const std::optional<ProcessStat> stat =
        ProcessStat::parse(ProcessStat::readFile(m_procDir + QStringLiteral("/stat")));
    if (stat) {
        static const double ticksPerSecond = double(::sysconf(_SC_CLK_TCK));
        static const double pageBytes = double(::sysconf(_SC_PAGESIZE));
        m_registry.raiseTo("process_cpu_seconds_total", {},
                           double(stat->userTicks + stat->systemTicks) / ticksPerSecond);
        m_registry.set("process_resident_memory_bytes", {}, double(stat->residentPages) * pageBytes);
        m_registry.set("process_virtual_memory_bytes", {}, double(stat->virtualBytes));
        m_registry.set("process_threads", {}, double(stat->threads));
        if (m_bootSeconds < 0)
            m_bootSeconds = bootSeconds();
        if (m_bootSeconds >= 0)
            m_registry.set("process_start_time_seconds", {},
                           m_bootSeconds + double(stat->startTicks) / ticksPerSecond);
    }
    const QDir fds(m_procDir + QStringLiteral("/fd"));
    if (fds.exists())
        m_registry.set("process_open_fds", {},
                       double(fds.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size()));
    // The limit of the process named by procDir: its "limits" file ("Max open files  SOFT  HARD  files").
    for (const QByteArray& line : ProcessStat::readFile(m_procDir + QStringLiteral("/limits")).split('\n')) {
        if (!line.startsWith("Max open files"))
            continue;
        const QList<QByteArray> words = line.mid(14).simplified().split(' ');
        bool ok = false;
        const double soft = words.value(0).toDouble(&ok);
        if (ok)
            m_registry.set("process_max_fds", {}, soft);
    }
    if (m_descendantsOf > 0) {
        if (const std::optional<DescendantProcesses::Usage> below =
                DescendantProcesses::of(m_descendantsOf)) {
            m_registry.set("mmf_descendant_processes", {}, below->count);
            m_registry.raiseTo("mmf_descendant_processes_cpu_seconds_total", {}, below->cpuSeconds);
            m_registry.set("mmf_descendant_processes_resident_memory_bytes", {}, below->residentBytes);
        }
    }
}

} // namespace mmf
