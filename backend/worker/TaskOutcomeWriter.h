#pragma once

#include "broker/BrokerCalls.h"
#include "worker/RedisWriteQueue.h"

#include <QByteArray>
#include <QObject>

#include <functional>
#include <vector>

namespace mmf {

class Clock;
class RedisClient;

// Everything an instance writes about its tasks, as broker library calls through a RedisWriteQueue (kept and
// re-sent in order while Redis is away or refuses writes for now): starts, log lines, outcomes, failed attempts, give-backs and dead
// letters. Starts of one read go as one call; outcomes of one event-loop turn go as one call, each still
// fenced on its own entry. Lives on the event loop thread.
class TaskOutcomeWriter : public QObject
{
    Q_OBJECT
public:
    // `failed`: the call as a whole failed (a Redis error), and `reply` is that error.
    using EntryAnswer = std::function<void(size_t index, const RedisReply& reply, bool failed)>;
    // `resent`: the call went out more than once, so an earlier try may have been carried out.
    using OutcomeAnswer = std::function<void(const RedisReply& reply, bool failed, bool resent)>;
    using Answer = std::function<void(const RedisReply& reply)>;

    // `redis` and `clock` must outlive the writer.
    TaskOutcomeWriter(RedisClient& redis, BrokerCalls calls, QByteArray consumer, RetryPolicy policy,
                      const Clock& clock, QObject* parent = nullptr);

    void start(const std::vector<BrokerCalls::StartEntry>& entries, EntryAnswer answer,
               std::function<void()> after);
    // Records starts of tasks that run already; `answer` gets each entry's verdict.
    void running(const std::vector<BrokerCalls::RunningEntry>& entries, EntryAnswer answer);
    void log(const std::vector<BrokerCalls::LogLine>& lines);
    void finish(BrokerCalls::Outcome outcome, OutcomeAnswer answer);
    void failAttempt(QByteArrayView entry, QByteArrayView taskId, QByteArrayView code, QByteArrayView message,
                     Answer answer);
    void release(QByteArrayView entry, QByteArrayView taskId, Answer answer);
    void deadLetter(QByteArrayView entry, QByteArrayView taskId, QByteArrayView reason, Answer answer);

    // Writes not answered yet, including outcomes waiting for this turn's call.
    int pendingCount() const { return m_writes.pendingCount() + int(m_toFinish.size()); }
    bool isBlocked() const { return m_writes.isBlocked(); }

signals:
    // pendingCount() dropped to 0.
    void drained();
    // A finish call was answered (its tasks are out of hand): the caller may take more.
    void finishesAnswered();

private:
    struct Finishing
    {
        BrokerCalls::Outcome outcome;
        OutcomeAnswer answer;
    };
    void finishPending();
    // One call whose reply holds an answer per entry.
    void callPerEntry(BrokerCall call, size_t count, EntryAnswer answer, std::function<void()> after);

    const BrokerCalls m_calls;
    const QByteArray m_consumer;
    const RetryPolicy m_policy;
    const Clock& m_clock;
    std::vector<Finishing> m_toFinish;
    RedisWriteQueue m_writes;
};

} // namespace mmf
