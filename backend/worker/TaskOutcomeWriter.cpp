#include "worker/TaskOutcomeWriter.h"

#include "core/Clock.h"

#ifdef MMF_FAULT_HOOKS
#include "core/FaultHook.h"
#endif

namespace mmf {

#ifdef MMF_FAULT_HOOKS
namespace {
// What a fault hook prints: the tasks whose outcomes the dying worker leaves behind.
template<class Items, class TaskId> QByteArray finishedTasks(const Items& items, TaskId taskId)
{
    QByteArray ids;
    for (const auto& item : items)
        ids += (ids.isEmpty() ? "finished tasks: " : ",") + taskId(item);
    return ids;
}
} // namespace
#endif

TaskOutcomeWriter::TaskOutcomeWriter(RedisClient& redis, BrokerCalls calls, QByteArray consumer,
                                     RetryPolicy policy, const Clock& clock, QObject* parent)
    : QObject(parent)
    , m_calls(std::move(calls))
    , m_consumer(std::move(consumer))
    , m_policy(policy)
    , m_clock(clock)
    , m_writes(redis)
{
    connect(&m_writes, &RedisWriteQueue::drained, this, [this] {
        if (m_toFinish.empty())
            emit drained();
    });
}

void TaskOutcomeWriter::start(const std::vector<BrokerCalls::StartEntry>& entries, EntryAnswer answer,
                              std::function<void()> after)
{
    callPerEntry(m_calls.start(m_consumer, m_clock.nowMs(), entries), entries.size(), std::move(answer),
                 std::move(after));
}

void TaskOutcomeWriter::running(const std::vector<BrokerCalls::RunningEntry>& entries, EntryAnswer answer)
{
    callPerEntry(m_calls.running(m_consumer, m_clock.nowMs(), entries), entries.size(), std::move(answer),
                 {});
}

void TaskOutcomeWriter::callPerEntry(BrokerCall call, size_t count, EntryAnswer answer,
                                     std::function<void()> after)
{
    m_writes.call(std::move(call), [count, answer = std::move(answer),
                                    after = std::move(after)](const RedisReply& reply, bool) {
        const bool failed = reply.isError() || !reply.isArray() || reply.size() != qsizetype(count);
        for (size_t i = 0; i < count; ++i) {
            if (failed)
                answer(i, reply, true);
            else
                answer(i, reply.at(qsizetype(i)), false);
        }
        if (after)
            after();
    });
}

void TaskOutcomeWriter::log(const std::vector<BrokerCalls::LogLine>& lines)
{
    if (!lines.empty())
        m_writes.call(m_calls.log(lines));
}

void TaskOutcomeWriter::finish(BrokerCalls::Outcome outcome, OutcomeAnswer answer)
{
    m_toFinish.push_back({std::move(outcome), std::move(answer)});
    if (m_toFinish.size() == 1)
        QMetaObject::invokeMethod(this, &TaskOutcomeWriter::finishPending, Qt::QueuedConnection);
}

void TaskOutcomeWriter::finishPending()
{
    if (m_toFinish.empty())
        return;
    std::vector<Finishing> batch;
    batch.swap(m_toFinish);
    std::vector<BrokerCalls::Outcome> outcomes;
    outcomes.reserve(batch.size());
    for (const Finishing& finishing : batch)
        outcomes.push_back(finishing.outcome);
    m_writes.call(m_calls.finish(m_consumer, m_clock.nowMs(), outcomes),
                  [this, batch = std::move(batch)](const RedisReply& reply, bool resent) {
                      const bool failed =
                          reply.isError() || !reply.isArray() || reply.size() != qsizetype(batch.size());
#ifdef MMF_FAULT_HOOKS
                      // Redis has stored the outcomes and acknowledged their entries; nobody here is told.
                      if (!failed && fault::armed("die-after-finish-reply"))
                          fault::die("die-after-finish-reply", finishedTasks(batch, [](const Finishing& f) {
                                         return f.outcome.taskId;
                                     }));
#endif
                      for (size_t i = 0; i < batch.size(); ++i) {
                          if (failed)
                              batch[i].answer(reply, true, resent);
                          else
                              batch[i].answer(reply.at(qsizetype(i)), false, resent);
                      }
                      emit finishesAnswered();
                  });
#ifdef MMF_FAULT_HOOKS
    // The call is written to the socket, so Redis carries it out; the worker is gone before the answer. Both
    // hooks leave stored, acknowledged outcomes behind a worker that never learns of them: the window between
    // storing a result and acknowledging its entry, which mmf_finish closes by doing both in one call.
    if (fault::armed("die-after-finish-sent") && m_writes.writeOutNow())
        fault::die("die-after-finish-sent",
                   finishedTasks(outcomes, [](const BrokerCalls::Outcome& o) { return o.taskId; }));
#endif
}

void TaskOutcomeWriter::failAttempt(QByteArrayView entry, QByteArrayView taskId, QByteArrayView code,
                                    QByteArrayView message, Answer answer)
{
    m_writes.call(m_calls.failAttempt(m_consumer, m_clock.nowMs(), m_policy, entry, taskId, code, message),
                  [answer = std::move(answer)](const RedisReply& reply, bool) { answer(reply); });
}

void TaskOutcomeWriter::release(QByteArrayView entry, QByteArrayView taskId, Answer answer)
{
    m_writes.call(m_calls.release(m_consumer, m_clock.nowMs(), entry, taskId),
                  [answer = std::move(answer)](const RedisReply& reply, bool) { answer(reply); });
}

void TaskOutcomeWriter::deadLetter(QByteArrayView entry, QByteArrayView taskId, QByteArrayView reason,
                                   Answer answer)
{
    m_writes.call(m_calls.deadLetter(m_consumer, m_clock.nowMs(), entry, "undecodable", reason, taskId),
                  [answer = std::move(answer)](const RedisReply& reply, bool) { answer(reply); });
}

} // namespace mmf
