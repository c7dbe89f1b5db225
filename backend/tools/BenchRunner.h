#pragma once

#include "tools/BenchConfig.h"
#include "tools/BenchConnection.h"
#include "tools/BenchEvents.h"
#include "tools/BenchProcesses.h"
#include "tools/BenchReport.h"
#include "tools/IdleConnections.h"
#include "tools/LatencyLog.h"
#include "tools/LatencyStats.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

namespace mmf {

class RedisClient;

// One benchmark run: subscribe to model/<name>, open the connections, submit config.tasks tasks in the chosen
// mode, and count completions from the pushes (wait mode: from the 200 answers, without a subscription).
// Ends when every task has completed or been refused, when no result arrives for stallTimeoutS (an error
// summary, never a hang), or when the event socket is lost. With --server-pid / --worker-pids it samples the
// processes' CPU and RSS just before the first submit and at the end; with a Redis config it resets INFO
// commandstats just before the first submit and reads them at the end. Emits finished() once: 0 all
// succeeded, 1 failures or errors, 3 could not connect or subscribe (or reach Redis).
class BenchRunner : public QObject
{
    Q_OBJECT
public:
    explicit BenchRunner(BenchConfig config, std::optional<RedisConfig> redis = std::nullopt,
                         std::optional<LatencyLog> latencyLog = std::nullopt, QObject* parent = nullptr);
    ~BenchRunner() override;

    // Parses the arguments, runs one benchmark in a local event loop and prints its summary line (or the
    // usage error / help). Returns the exit code.
    static int exec(const QStringList& args, const QProcessEnvironment& env);

    void start();
    const BenchSummary& summary() const { return m_summary; }

signals:
    void finished(int exitCode);

private:
    void startLoad();
    void openLoad();
    void openConnections();
    void begin();
    void run();
    void onWaitAnswer(const HttpResponseParser::Response& response, qint64 writtenNs);
    void fill(BenchConnection* connection);
    void onResponse(const HttpResponseParser::Response& response, qint64 writtenNs, int tasks);
    void accept(const QByteArray& taskId, qint64 writtenNs);
    void onFinal(const QByteArray& taskId, bool succeeded, qint64 arrivedNs);
    void complete(const QByteArray& taskId, bool succeeded, qint64 latencyNs, qint64 arrivedNs);
    void onConnectionLost(BenchConnection* connection, const QString& reason, int lostTasks);
    void recordError(const QString& error, int tasks);
    void latencyTick();
    void checkStall();
    void checkDone();
    void end(const QString& error, int exitCode);
    QByteArray formatRequest(const QByteArray& path, const QByteArray& body) const;

    struct Early
    {
        qint64 arrivedNs;
        bool succeeded;
    };

    BenchConfig m_config;
    QElapsedTimer m_clock;         // before the members that keep a reference to it
    double m_clockStartUnixMs = 0; // wall time when m_clock started, for the latency log
    std::optional<LatencyLog> m_latencyLog;
    IdleConnections m_idle;
    BenchEvents m_events;
    std::vector<std::unique_ptr<BenchConnection>> m_connections;
    QByteArray m_singleRequest;
    QByteArray m_fullBatchRequest;
    QByteArray m_batchPath;
    QHash<QByteArray, qint64> m_waiting; // accepted, not completed: task id → submit written
    QHash<QByteArray, Early> m_early;    // completed before its submit answer arrived
    LatencyStats m_latency;
    QTimer m_startDeadline;
    QTimer m_watchdog;
    QTimer m_pacer;
    int m_connected = 0;
    int m_submitted = 0;
    int m_accepted = 0;
    int m_errors = 0;
    int m_succeeded = 0;
    int m_failed = 0;
    qint64 m_t0Ns = 0;
    qint64 m_lastCompletionNs = 0;
    qint64 m_lastAcceptNs = 0;
    qint64 m_lastProgressNs = 0;
    qint64 m_scheduleBaseNs = 0; // latency mode: task i is due at base + i · interval
    double m_intervalNs = 0;
    int m_slips = 0;
    bool m_running = false;
    bool m_ended = false;
    BenchProcesses m_processes;
    bool m_measuring = false; // the processes' first sample was taken
    std::unique_ptr<RedisClient> m_redis;
    bool m_statsReset = false;
    QString m_firstError;
    BenchSummary m_summary;
};

} // namespace mmf
