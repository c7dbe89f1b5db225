#pragma once

#include <QString>

namespace mmf {

class MetricsRegistry;

// The process collector every Prometheus client library exports, for this process: CPU seconds, resident and
// virtual memory, open and allowed descriptors, start time and threads, under the names those libraries use
// (process_*), so the usual dashboards and alerts (e.g. open_fds / max_fds) apply. Read from /proc at each
// collect() (a scrape): procfs reads never wait for a disk.
class ProcessMetrics
{
public:
    // `procDir` is /proc/<pid> of the process to describe (tests may name another one).
    explicit ProcessMetrics(MetricsRegistry& registry, QString procDir = QStringLiteral("/proc/self"));
    void collect();

private:
    MetricsRegistry& m_registry;
    QString m_procDir;
    double m_cpuSeconds = 0;   // what the counter holds: it grows by the difference at each read
    double m_bootSeconds = -1; // btime of /proc/stat, read once (-1: not yet, or unreadable)
};

} // namespace mmf
