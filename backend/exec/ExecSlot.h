#pragma once

#include "exec/ExecProtocol.h"
#include "exec/ExecSettings.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QString>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace mmf {

class ChildProcess;
class TaskContext;

// One long-running model process and the thread that drives it: starts it, writes requests and cancels to
// its stdin, reads its stdout (the JSON-lines protocol) and stderr (to the worker's log), notices when it
// exits or breaks the protocol and restarts it, immediately the first time and then with a doubling backoff.
// run() is called from a worker thread, one task at a time; the process's log and progress lines reach the
// task's context on that calling thread.
class ExecSlot
{
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

    ExecSlot(int index, ExecSettings settings);
    ~ExecSlot(); // stops the process (EOF on stdin, then a kill) and the thread
    ExecSlot(const ExecSlot&) = delete;
    ExecSlot& operator=(const ExecSlot&) = delete;

    // Sends the request and blocks until the process answers, fails, or (after context.isCancelled()) stops.
    Outcome run(const QString& id, const QByteArray& requestJson, TaskContext& context);
    // Empty while healthy; else "the model process keeps exiting ..." (shown in the instance's status).
    QString problem() const;

private:
    struct Job
    {
        QString id;
        QByteArray line;
        QDeadlineTimer timeout{QDeadlineTimer::Forever};
        bool sent = false;
        bool cancelRequested = false;
        bool cancelSent = false;
        bool timedOut = false;
        QDeadlineTimer killAt{QDeadlineTimer::Forever};
        std::deque<ExecProtocol::Message> events;
        bool done = false;
        Outcome outcome;
    };

    void loop();
    void wake();
    bool startProcess();
    void handleStdout(const QByteArray& bytes);
    void handleStderr(const QByteArray& bytes, bool flush);
    void protocolBroken(const QString& why);
    void processGone(const QString& why);
    void noteFailure(const QString& reason);
    void stopProcess(bool gracefully);
    Job* activeJob();                // under m_mutex
    void finishJob(Outcome outcome); // takes m_mutex

    const int m_index;
    const ExecSettings m_settings;

    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    Job* m_job = nullptr;
    bool m_stopping = false;
    int m_failuresInRow = 0;
    QString m_lastFailure;

    int m_wakeFds[2] = {-1, -1};
    // Owned by the slot's thread.
    std::unique_ptr<ChildProcess> m_child;
    QByteArray m_outBuffer;
    QByteArray m_errBuffer;
    QString m_lastStderr;
    QDeadlineTimer m_restartAt;
    std::thread m_thread;
};

} // namespace mmf
