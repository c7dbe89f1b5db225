#pragma once

#include "broker/BrokerCall.h"

#include <QByteArray>
#include <QByteArrayView>

#include <vector>

namespace mmf {

// How a failed attempt is retried: backoff initialMs × factor^(attempt − 1), capped at maxMs; after
// maxAttempts attempts the task is dead-lettered. A policy an admin set on the model (mmf:{m}:retry) wins
// over this one.
struct RetryPolicy
{
    int maxAttempts = 3;
    qint64 initialMs = 1000;
    double factor = 2;
    qint64 maxMs = 30000;
};

struct BrokerLimits
{
    qint64 retentionSecs = 86400;
    int eventsMaxLen = 100000;     // MAXLEN ~ of the events stream
    int inlineResultLimit = 65536; // results up to this size ride along in the result event
};

// Typed builders of the broker library's calls for one model (BrokerLibrary holds the functions). Shared by
// the gateway, the worker runtime, maintenance and the tests, so no call site spells positional arguments.
class BrokerCalls
{
public:
    BrokerCalls(QByteArrayView model, BrokerLimits limits);

    const QByteArray& model() const { return m_model; }
    const QByteArray& tasksKey() const { return m_tasks; }
    const BrokerLimits& limits() const { return m_limits; }

    struct NewTask
    {
        QByteArray id;
        QByteArray envelope; // serialized mmf.v1.TaskEnvelope
        QByteArray user;
        QByteArray project;
        QByteArray parent;
        bool ifAbsent = false; // an idempotent retry: a task that exists already is left alone
        QByteArray request;    // the envelope's request: the task hash keeps it (not the whole envelope)
    };
    // → per task "ok" | "existing"
    BrokerCall submit(qint64 nowMs, const std::vector<NewTask>& tasks) const;

    struct StartEntry
    {
        QByteArray entry;
        QByteArray taskId; // empty: the entry names none
    };
    // → per entry {"run", attempt, envelope} | {"skip", status} | {"gone"}
    BrokerCall start(QByteArrayView consumer, qint64 nowMs, const std::vector<StartEntry>& entries) const;

    struct RunningEntry
    {
        QByteArray entry;
        QByteArray taskId;
        qint64 startedMs = 0;
    };
    // Records the start of tasks the worker runs already (entries that carry their envelope).
    // → per entry "run" | the status that makes the run moot | "gone"
    BrokerCall running(QByteArrayView consumer, qint64 nowMs, const std::vector<RunningEntry>& entries) const;

    struct LogLine
    {
        QByteArray taskId;
        QByteArray user;
        qint64 tsMs = 0;
        bool progress = false; // else a log line
        QByteArray value;      // level name, or the fraction
        QByteArray text;
    };
    // → number of lines
    BrokerCall log(const std::vector<LogLine>& lines) const;

    struct Outcome
    {
        QByteArray entry;
        QByteArray taskId;
        QByteArray status; // "succeeded" | "failed"
        QByteArray result;
        QByteArray code;
        QByteArray message;
    };
    // Fenced per entry. → per outcome "ok" | "lost" | the status that made it moot
    BrokerCall finish(QByteArrayView consumer, qint64 nowMs, const std::vector<Outcome>& outcomes) const;
    // Fenced. → "retry" | "dead" | "lost" | a final status
    BrokerCall failAttempt(QByteArrayView consumer, qint64 nowMs, const RetryPolicy& policy,
                           QByteArrayView entry, QByteArrayView taskId, QByteArrayView code,
                           QByteArrayView message) const;
    // Fenced. → "released" | "lost" | a final status
    BrokerCall release(QByteArrayView consumer, qint64 nowMs, QByteArrayView entry,
                       QByteArrayView taskId) const;
    // Fenced. `taskId` empty when the entry names none. → "ok" | "lost"
    BrokerCall deadLetter(QByteArrayView consumer, qint64 nowMs, QByteArrayView entry, QByteArrayView code,
                          QByteArrayView message, QByteArrayView taskId) const;

    // → {reclaimed, payload lost, next cursor}
    BrokerCall reclaim(qint64 minIdleMs, qint64 nowMs, const RetryPolicy& policy, int count) const;
    // → number of tasks re-queued or dead-lettered
    BrokerCall reclaimConsumer(QByteArrayView consumer, qint64 nowMs, const RetryPolicy& policy,
                               int count) const;
    // Then syncHold, so a lost syncHold call heals on the next tick. → number re-queued
    BrokerCall promote(qint64 nowMs, int limit) const;
    // Paused: the group's cursor waits at the stream's end (entries no worker has read stay unread) and new
    // tasks are held in mmf:{m}:held; not paused: the cursor goes back and the held tasks to the stream. →
    // number of held tasks queued again
    BrokerCall syncHold() const;
    // → "cancelled" | "cancelled_running" | the final status it had | "gone"
    BrokerCall cancel(QByteArrayView taskId, qint64 nowMs) const;
    // `envelope` empty: keep the stored one. → "ok" | "not_found"
    BrokerCall replay(QByteArrayView taskId, QByteArrayView envelope, qint64 nowMs) const;
    // → 1 | 0
    BrokerCall discardDead(QByteArrayView taskId) const;

private:
    BrokerCall call(const char* function, std::vector<QByteArray> args) const;
    void appendPolicy(std::vector<QByteArray>& args, const RetryPolicy& policy) const;

    QByteArray m_model;
    QByteArray m_tasks;
    BrokerLimits m_limits;
};

} // namespace mmf
