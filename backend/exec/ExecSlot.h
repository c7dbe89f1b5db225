#pragma once

#include "core/QueuedCall.h"
#include "exec/ExecProtocol.h"
#include "exec/ExecSettings.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

class QSocketNotifier;

namespace mmf {

class ChildProcess;
class TaskContext;

// One long-running model process, driven from the thread's event loop: starts it, writes requests and
// cancels to its stdin as it takes them, reads its stdout (the JSON-lines protocol) and stderr (to the
// worker's log) when they are readable, notices when it exits or breaks the protocol and restarts it,
// immediately the first time and then with a doubling backoff. Nothing here waits: a process that closed its
// output gets a second to exit (its pidfd says when) before it is killed, and a killed one is reaped when it
// is gone. Up to ExecSettings::tasksPerProcess tasks at a time (1 unless the operator says the model takes
// more, --tasks-per-process), told apart by their ids; their log and progress lines reach each task's context
// as they arrive. A process that exits, breaks the protocol or is killed fails every task it had.
class ExecSlot : public QObject
{
    Q_OBJECT
public:
    struct Outcome
    {
        enum class Kind
        {
            Result, // resultJson holds the response
            Error,  // the model's error: final unless retry
            Failed  // the attempt failed (process exited, garbage, timeout, cancel): message says why
        };
        Kind kind = Kind::Failed;
        QByteArray resultJson;
        QString code;
        QString message;
        bool retry = true;
    };
    using Done = std::function<void(Outcome)>;

    // Starts the process at once.
    ExecSlot(int index, ExecSettings settings, QObject* parent = nullptr);
    ~ExecSlot() override; // kills the process (stopGracefully() first for a gentle stop)

    int index() const { return m_index; }           // 1, 2, ...
    int load() const { return int(m_jobs.size()); } // tasks in hand
    bool isBusy() const { return !m_jobs.empty(); }
    bool hasRoom() const { return load() < m_settings.tasksPerProcess; }
    // Sends the request (once the process is up) and calls `done` once, on this thread, with how it ended —
    // at once when the process keeps dying. Only while hasRoom(); `id` differs from those in hand.
    void run(const QString& id, const QByteArray& requestJson, std::shared_ptr<TaskContext> context,
             Done done);
    // Sends the cancel line for each task whose context says it was cancelled (then a kill after the
    // grace).
    void checkCancelled();
    // The tasks' contexts go (the runtime that gave them is going away): their logs go nowhere and a cancel
    // no longer reaches the process; each `done` is still called.
    void dropContext();
    // Empty while healthy; else "the model process keeps exiting ..." (shown in the instance's status).
    QString problem() const;

    // EOF on every process's stdin asks a well-behaved model to finish; then SIGTERM, then SIGKILL, each
    // after `graceMs`, waiting for all the processes at once. For a stop: the slots are dead afterwards.
    static void stopGracefully(const std::vector<ExecSlot*>& all, int graceMs);

private:
    struct Job
    {
        QString id;
        QByteArray line;
        std::shared_ptr<TaskContext> context;
        Done done;
        bool sent = false;
        bool cancelSent = false;
        bool timedOut = false;
        // Made when needed (most tasks have neither): --task-timeout, and the cancel's grace.
        std::unique_ptr<QTimer> timeout;
        std::unique_ptr<QTimer> kill;
    };

    void startProcess();
    void send();
    Job* sentJob(const QString& id) const;
    // A single-shot timer of `job` that calls `fire` with it.
    std::unique_ptr<QTimer> jobTimer(Job* job, int ms, void (ExecSlot::*fire)(Job*));
    void onTimedOut(Job* job);
    void onOutput();
    void onErrors();
    void watchInput();
    // Writes what waits for stdin, if the process is up: when the pipe has room, and at the end of a turn
    // that queued input (m_flushInput: many tasks come in one turn, and leave in one write).
    void pushInput();
    void handleStdout(const QByteArray& bytes);
    void handleStderr(const QByteArray& bytes, bool flush);
    void requestCancel(Job* job, bool timedOut);
    void onKillDue(Job* job);
    void protocolBroken(const QString& why);
    // It closed stdout or stdin: expect it to be exiting; its exit (or a kill after a second) settles it.
    void processGone(const QString& why);
    void onGoneExited();
    void noteFailure(const QString& reason);
    // Jobs waiting for a process that keeps exiting fail at once.
    void failWaitingJobsIfDying();
    // Kills the process now (its reaping is left to reapDying()); a new one starts at once.
    void killProcess();
    void dropProcess();
    void reapDying();
    void finishJob(Job* job, Outcome outcome);
    // Every job the process had (sent to it), or with `all` every job in hand, ends with `outcome`.
    void failJobs(const Outcome& outcome, bool all);

    const int m_index;
    const ExecSettings m_settings;

    std::vector<std::unique_ptr<Job>> m_jobs; // in the order they came
    int m_failuresInRow = 0;
    QString m_lastFailure;

    std::unique_ptr<ChildProcess> m_child;
    std::unique_ptr<QSocketNotifier> m_outNotifier;
    std::unique_ptr<QSocketNotifier> m_errNotifier;
    std::unique_ptr<QSocketNotifier> m_inNotifier;
    std::unique_ptr<QSocketNotifier> m_exitNotifier;
    QString m_goneWhy; // set while a process that closed its output is given its second to exit
    QByteArray m_outBuffer;
    QByteArray m_errBuffer;
    QString m_lastStderr;
    // Killed processes not reaped yet, and what tells when they are gone.
    struct Dying
    {
        std::unique_ptr<ChildProcess> child;
        std::unique_ptr<QSocketNotifier> exit;
    };
    std::vector<Dying> m_dying;

    QueuedCall m_flushInput{[this] { pushInput(); }, this};
    QTimer m_restartTimer;
    QTimer m_goneTimer;
    QTimer m_reapTimer; // polls reaping where the kernel gives no pidfd
};

} // namespace mmf
