#pragma once

#include <QString>

namespace mmf {

class Clock;
class MetricsRegistry;

// The process collector every Prometheus client library exports, for this process: CPU seconds, resident and
// virtual memory, open and allowed descriptors, start time and threads, under the names those libraries use
// (process_*), so the usual dashboards and alerts (e.g. open_fds / max_fds) apply. Read from /proc at each
// collect() (a scrape), at most once per `minIntervalMs`: procfs reads never wait for a disk, but listing the
// descriptors costs ~0.45 µs each (10,000 WebSockets: ~4.5 ms), and /metrics is open to whoever reaches it.
class ProcessMetrics
{
public:
    // `procDir` is /proc/<pid> of the process to describe (tests may name another one). With `descendantsOf`
    // (a pid, normally this process's) also the processes below it (DescendantProcesses: one pass over /proc
    // per reading): mmf_descendant_processes, …_cpu_seconds_total, …_resident_memory_bytes.
    ProcessMetrics(MetricsRegistry& registry, const Clock& clock, qint64 minIntervalMs = 1000,
                   QString procDir = QStringLiteral("/proc/self"), qint64 descendantsOf = 0);
    void collect();

private:
    void read();

    MetricsRegistry& m_registry;
    const Clock& m_clock;
    qint64 m_minIntervalMs;
    qint64 m_lastReadMs = 0; // 0: never
    QString m_procDir;
    qint64 m_descendantsOf;
    double m_bootSeconds = -1; // btime of /proc/stat, read once (-1: not yet, or unreadable)
};

} // namespace mmf
