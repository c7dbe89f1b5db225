#pragma once

#include "tools/ProcStats.h"

#include <QString>

#include <optional>

namespace mmf {

// The figures of one benchmark run.
struct BenchSummary
{
    QString mode;
    int tasks = 0; // asked for
    int succeeded = 0;
    int failed = 0; // ended failed, cancelled or dead-lettered
    int errors = 0; // refused at submit, or lost with a broken connection
    int connections = 0;
    int window = 0;        // 0: unbounded
    int batchSize = 0;     // batch mode only
    double rate = 0;       // latency mode only
    int slips = 0;         // latency mode: times the schedule was rebased after a stall
    double elapsedS = 0;   // first submit written → last completion
    double tasksPerS = 0;  // completions per second, end to end
    double submitPerS = 0; // accepted tasks per second (submit answers)
    double p50Ms = 0;
    double p99Ms = 0;
    double p999Ms = 0;
    bool showP999 = false;
    std::optional<ProcSample> before;
    std::optional<ProcSample> after;
    QString firstError; // e.g. "429 rate_limited: queue full"
    QString error;      // why the run ended early, if it did
};

class BenchReport
{
public:
    // One line of space-separated key=value pairs in a fixed order; strings with spaces are double-quoted.
    static QString summaryLine(const BenchSummary& summary);
};

} // namespace mmf
