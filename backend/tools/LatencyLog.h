#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <cstdio>

namespace mmf {

// mmf-bench --latency-log: one line per completed task, so that a tail can be traced to its tasks (their
// records carry created/started/finished) and to what else happened at that moment (Redis's log, the
// server's):
//   <submit written, Unix ms with 3 decimals> <latency ms with 3 decimals> <task id, or -> <succeeded|failed>
// Lines go through stdio's buffer (no system call per task); close() says whether every write succeeded.
class LatencyLog
{
public:
    static Result<LatencyLog> open(const QString& path);
    LatencyLog(LatencyLog&& other) noexcept;
    LatencyLog& operator=(LatencyLog&& other) noexcept;
    LatencyLog(const LatencyLog&) = delete;
    LatencyLog& operator=(const LatencyLog&) = delete;
    ~LatencyLog();

    void add(double submittedUnixMs, qint64 latencyNs, const QByteArray& taskId, bool succeeded);
    // Flushes and closes; an error names the file (a full disk shows here, not as a short log).
    Result<void> close();

private:
    LatencyLog(std::FILE* file, QString path);

    std::FILE* m_file = nullptr;
    QString m_path;
};

} // namespace mmf
