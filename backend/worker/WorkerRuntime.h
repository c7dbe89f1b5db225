#pragma once

#include "broker/StreamEntry.h"
#include "redis/RedisClient.h"
#include "redis/RedisConfig.h"
#include "worker/ClaimKeeper.h"
#include "worker/InHandTasks.h"
#include "worker/InlineRunGuard.h"
#include "worker/StartRecorder.h"
#include "worker/SubTaskCaller.h"
#include "worker/TaskOutcomeWriter.h"
#include "worker/TaskStreamReader.h"
#include "worker/TaskTokenCheck.h"
#include "worker/WorkerOutbox.h"
#include "worker/WorkerShutdown.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>
#include <vector>

namespace mmf {

class AsyncModel;
class Clock;
class ModelBase;
class RegistryClient;
class TaskExecutor;
class TokenVerifier;

// What the runtime needs to know after registration.
struct WorkerRuntimeSettings
{
    QString modelName;   // the registered model name: Redis keys, and the model claim of task tokens
    QByteArray project;  // the model's project: task tokens of any other project are refused (empty: all are)
    QString consumer;    // this instance's consumer name in the group
    QUrl server;         // for sub-task calls
    int concurrency = 1; // most unacknowledged tasks held at once (= worker threads, unless an AsyncModel)
    int claimTimeoutMs = 30000;
    int maxAttempts = 3;
    int backoffInitialMs = 1000;
    double backoffFactor = 2;
    int backoffMaxMs = 30000;
    qint64 retentionSecs = 86400;
    int eventsMaxLen = 100000;
    int inlineResultLimit = 65536;
    int blockMs = 2000;         // XREADGROUP BLOCK
    int cancelPollMs = 250;     // how often in-hand tasks' status is checked for a cancel
    int keyRefreshMs = 60000;   // periodic GET /api/v1/keys
    int keyRefetchMinMs = 5000; // at most one fetch per this on unknown key ids
    int keyWaitMaxMs = 60000;   // a task whose key stays unknown this long (fetches failing) is refused
    int writeGraceMs = 10000;   // on shutdown, after the drain: how long unsent Redis writes may still wait
    // A task read from an entry that carries its envelope runs at once; once it has run this long (or writes
    // a log line, progress or a call) its start is recorded (a status read, a watcher, the studio see it
    // running); quicker ones record their start with their outcome: one call and two hash writes fewer per
    // task. Below the claim renewal period (claimTimeoutMs / 3, at least 100 ms).
    int recordStartAfterMs = 50;
    // A task the model lets run inline (ModelBase::runsInline) may hold the event loop this long; runs that
    // overstay it because they block or compute send every later task to the worker threads (InlineRunGuard).
    int inlineBudgetUs = 1000;
};

// Runs the model's tasks: takes entries from its stream (TaskStreamReader) while it has free slots and runs
// them at once (the read is the start: an entry carries the envelope; a task's start is recorded with its
// outcome, or by mmf_running once it runs longer or logs; entries of older servers are started first, one
// call per read), checks each task token (TaskTokenCheck), runs the model on worker threads (or inline on the
// loop when the model says a request is that quick: ModelBase::runsInline; or, for an AsyncModel, started on
// the loop and answered there, with no worker threads at all), streams log lines, stores the
// outcomes with the fenced functions (TaskOutcomeWriter: one call per event-loop turn), renews its claims and
// polls for cancellation, and stops gracefully (WorkerShutdown). Nothing computed is dropped silently: writes
// that meet an unavailable Redis are retried in order. Lives on the event loop thread.
class WorkerRuntime : public QObject
{
    Q_OBJECT
public:
    struct Stats
    {
        qint64 succeeded = 0;
        qint64 failed = 0; // failed finishes and failed attempts
        int inHand = 0;
        QString currentTaskId; // the longest-running task, empty when idle
        int writesPending = 0; // Redis writes not yet answered
        int commandsPending =
            0; // commands sent on the runtime's connection (status reads, writes) unanswered
        bool writesBlocked = false; // writes wait for Redis to come back
    };

    // `model`, `verifier`, `registry` (key refetches) and `clock` must outlive the runtime.
    WorkerRuntime(WorkerRuntimeSettings settings, RedisConfig redis, ModelBase& model,
                  TokenVerifier& verifier, RegistryClient& registry, const Clock& clock,
                  QObject* parent = nullptr);
    ~WorkerRuntime() override;

    void start();
    // The project a token claims, read without verifying it (empty when it does not decode). The worker's own
    // serve token, once the server accepted its registration, names the model's project.
    static QByteArray claimedProject(QByteArrayView token);
    // Stops reading; tasks not started go back at once; running ones get up to `drainMs` to finish, then are
    // cancelled and given back (release: the attempt does not count). Emits stopped() once nothing is in hand
    // and the writes are through (or the write grace ran out; what could not be written is logged).
    void shutdown(int drainMs);
    // A second signal: give the running tasks back now.
    void hurry();
    // Stops the worker threads; false if model code did not return within `timeoutMs` (exit without cleanup).
    bool stopThreads(int timeoutMs);

    Stats stats() const;
    const WorkerRuntimeSettings& settings() const { return m_settings; }
    // The model's Redis password was rotated: both connections use these from their next attempt.
    void setRedisCredentials(const QString& user, const QString& password);

signals:
    void stopped();
    // Redis refused the model's credentials (the server rotated the password): fetch the current ones.
    void redisCredentialsRejected();

private:
    void readMore();
    void accept(StreamEntry&& entry);
    // One start call for the entries accepted from one read.
    void startPending();
    void onStarted(quint64 serial, const RedisReply& reply, bool failed);
    // The envelope's user, token and request into `task`; false when it does not decode as this task's.
    static bool takeEnvelope(InHandTask& task, const QByteArray& env);
    void verify(const InHandTaskPtr& task);
    void recheckWaiting();
    void run(const InHandTaskPtr& task);
    void drainOutbox();
    void finishTask(const InHandTaskPtr& task, const QByteArray& status, const QByteArray& result,
                    const QString& code, const QString& message);
    void onFinished(quint64 serial, const QByteArray& status, const QString& code, qint64 tookMs,
                    const RedisReply& reply, bool failed, bool resent);
    void checkEarlierFinish(quint64 serial, const QByteArray& status, const QString& code, qint64 tookMs);
    void failAttempt(const InHandTaskPtr& task, const QString& code, const QString& message);
    void release(const InHandTaskPtr& task);
    void deadLetter(const InHandTaskPtr& task, const QString& reason);
    void cancelTask(InHandTask& task, const QString& why);
    void abortCalls(InHandTask& task, const QString& code, const QString& message);
    void remove(quint64 serial, bool readAfter = true);

    void giveBack();
    void maybeFinishShutdown();
    void finishShutdown();

    const WorkerRuntimeSettings m_settings;
    ModelBase& m_model;
    const Clock& m_clock;
    const QByteArray m_model8;    // model name, UTF-8
    const QByteArray m_consumer8; // consumer name, UTF-8
    const QByteArray m_tasksKey;

    InHandTasks m_tasks;
    std::vector<quint64> m_toStart; // accepted from the current read, to start in one call
    qint64 m_succeeded = 0;
    qint64 m_failed = 0;
    InlineRunGuard m_inlineRuns{m_settings.inlineBudgetUs};

    TaskTokenCheck m_tokens;
    WorkerShutdown m_shutdown;
    // Declared before m_redis and m_outcomes, through which they call Redis: they go after them, so an answer
    // those hand out as they go reaches neither half-destroyed.
    ClaimKeeper m_claims;
    StartRecorder m_starts;

    SubTaskCaller m_caller;
    WorkerOutbox m_outbox;
    // The model, when it runs tasks on this loop (then there are no worker threads).
    AsyncModel* const m_async;
    // Worker threads use the outbox and the model: stopped (in the destructor) before either goes.
    std::unique_ptr<TaskExecutor> m_executor;
    // Declared last so they go first: no Redis callback reaches a half-destroyed runtime.
    RedisClient m_redis; // commands and the writer's calls
    TaskStreamReader m_reader;
    TaskOutcomeWriter m_outcomes;
};

} // namespace mmf
