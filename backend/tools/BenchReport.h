#pragma once

#include "tools/BenchProcesses.h"
#include "tools/RedisCommandStats.h"

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
    int idleWanted = 0;    // --idle-connections
    int idleHeld = 0;      // of those, still open at the end
    double elapsedS = 0;   // first submit written → last completion
    double tasksPerS = 0;  // completions per second, end to end
    double submitPerS = 0; // accepted tasks per second (submit answers)
    double p50Ms = 0;
    double p99Ms = 0;
    double p999Ms = 0;
    bool showP999 = false;
    QList<ProcUsage> processes;                 // with --server-pid / --worker-pids
    std::optional<QList<CommandStat>> commands; // with --redis: INFO commandstats after the run
    std::optional<qint64> aofRewrites;          // with --redis: AOF rewrites Redis ran during the run
    std::optional<qint64> lastForkUs;           // with --redis: how long Redis stood still for its last fork
    QString firstError;                         // e.g. "429 rate_limited: queue full"
    QString error;                              // why the run ended early, if it did
};

// The figures of a subscribers run.
struct SubscribersSummary
{
    int wanted = 0;
    int subscribed = 0;
    int errors = 0;      // connections refused, lost or answered with an error before subscribing
    double elapsedS = 0; // first connection attempt → last subscription confirmed
    qint64 serverRssBeforeKb = 0;
    qint64 serverRssAfterKb = 0;
    double serverCpuS = 0; // the server's CPU time while the subscribers connected and subscribed
    qint64 clientRssAfterKb = 0;
    QString firstError;
    QString error; // why the run ended early, if it did
};

class BenchReport
{
public:
    // One line of space-separated key=value pairs in a fixed order; strings with spaces are double-quoted.
    // With processes: cpu_us_per_task=NAME:µs,…,all:µs (CPU time over the run / completed tasks) and
    // rss_mb=NAME:MB,… (after the run).
    static QString summaryLine(const BenchSummary& summary);
    // "redis_commands mode=M calls_per_task=C us_per_task=U NAME=calls/µs … aof_rewrites=N": the maxCommands
    // commands that took most time, per completed task, then the AOF rewrites during the run when known.
    // Empty without commands.
    static QString commandsLine(const BenchSummary& summary, int maxCommands);
    static QString subscribersLine(const SubscribersSummary& summary);
};

} // namespace mmf
