#include "broker/BrokerCalls.h"

#include "broker/BrokerKeys.h"

namespace mmf {

namespace {

QByteArray num(qint64 value)
{
    return QByteArray::number(value);
}

QByteArray bytes(QByteArrayView view)
{
    return view.toByteArray();
}

} // namespace

BrokerCalls::BrokerCalls(QByteArrayView model, BrokerLimits limits)
    : m_model(model.toByteArray())
    , m_tasks(BrokerKeys::tasks(model))
    , m_limits(limits)
{}

BrokerCall BrokerCalls::call(const char* function, std::vector<QByteArray> args) const
{
    return BrokerCall{QByteArray(function), m_tasks, std::move(args)};
}

void BrokerCalls::appendPolicy(std::vector<QByteArray>& args, const RetryPolicy& policy) const
{
    args.insert(args.end(), {num(policy.maxAttempts), num(policy.initialMs),
                             QByteArray::number(policy.factor, 'g', 10), num(policy.maxMs)});
}

BrokerCall BrokerCalls::submit(qint64 nowMs, const std::vector<NewTask>& tasks) const
{
    std::vector<QByteArray> args;
    args.reserve(2 + 7 * tasks.size());
    args.push_back(num(nowMs));
    args.push_back(num(m_limits.retentionSecs));
    for (const NewTask& task : tasks)
        args.insert(args.end(), {task.id, task.envelope, task.user, task.project,
                                 task.parent.isNull() ? QByteArray("") : task.parent,
                                 task.ifAbsent ? QByteArray("1") : QByteArray("0"),
                                 task.request.isNull() ? QByteArray("") : task.request});
    return call("mmf_submit2", std::move(args));
}

BrokerCall BrokerCalls::start(QByteArrayView consumer, qint64 nowMs,
                              const std::vector<StartEntry>& entries) const
{
    std::vector<QByteArray> args;
    args.reserve(3 + 2 * entries.size());
    args.insert(args.end(), {bytes(consumer), num(nowMs), num(m_limits.eventsMaxLen)});
    for (const StartEntry& entry : entries)
        args.insert(args.end(), {entry.entry, entry.taskId.isNull() ? QByteArray("") : entry.taskId});
    return call("mmf_start", std::move(args));
}

BrokerCall BrokerCalls::running(QByteArrayView consumer, qint64 nowMs,
                                const std::vector<RunningEntry>& entries) const
{
    std::vector<QByteArray> args;
    args.reserve(3 + 3 * entries.size());
    args.insert(args.end(), {bytes(consumer), num(nowMs), num(m_limits.eventsMaxLen)});
    for (const RunningEntry& entry : entries)
        args.insert(args.end(), {entry.entry, entry.taskId, num(entry.startedMs)});
    return call("mmf_running", std::move(args));
}

BrokerCall BrokerCalls::log(const std::vector<LogLine>& lines) const
{
    std::vector<QByteArray> args;
    args.reserve(2 + 6 * lines.size());
    args.insert(args.end(), {num(m_limits.retentionSecs), num(m_limits.eventsMaxLen)});
    for (const LogLine& line : lines)
        args.insert(args.end(), {line.taskId, line.user.isNull() ? QByteArray("") : line.user, num(line.tsMs),
                                 line.progress ? QByteArray("p") : QByteArray("l"), line.value, line.text});
    return call("mmf_log", std::move(args));
}

BrokerCall BrokerCalls::finish(QByteArrayView consumer, qint64 nowMs,
                               const std::vector<Outcome>& outcomes) const
{
    std::vector<QByteArray> args;
    args.reserve(5 + 6 * outcomes.size());
    args.insert(args.end(), {bytes(consumer), num(nowMs), num(m_limits.retentionSecs),
                             num(m_limits.eventsMaxLen), num(m_limits.inlineResultLimit)});
    for (const Outcome& outcome : outcomes)
        args.insert(args.end(), {outcome.entry, outcome.taskId, outcome.status,
                                 outcome.result.isNull() ? QByteArray("") : outcome.result,
                                 outcome.code.isNull() ? QByteArray("") : outcome.code,
                                 outcome.message.isNull() ? QByteArray("") : outcome.message});
    return call("mmf_finish", std::move(args));
}

BrokerCall BrokerCalls::failAttempt(QByteArrayView consumer, qint64 nowMs, const RetryPolicy& policy,
                                    QByteArrayView entry, QByteArrayView taskId, QByteArrayView code,
                                    QByteArrayView message) const
{
    std::vector<QByteArray> args{bytes(consumer), num(nowMs), num(m_limits.eventsMaxLen)};
    appendPolicy(args, policy);
    args.insert(args.end(), {bytes(entry), bytes(taskId), bytes(code), bytes(message)});
    return call("mmf_fail_attempt", std::move(args));
}

BrokerCall BrokerCalls::release(QByteArrayView consumer, qint64 nowMs, QByteArrayView entry,
                                QByteArrayView taskId) const
{
    return call("mmf_release",
                {bytes(consumer), num(nowMs), num(m_limits.eventsMaxLen), bytes(entry), bytes(taskId)});
}

BrokerCall BrokerCalls::deadLetter(QByteArrayView consumer, qint64 nowMs, QByteArrayView entry,
                                   QByteArrayView code, QByteArrayView message, QByteArrayView taskId) const
{
    return call("mmf_dead_letter", {bytes(consumer), num(nowMs), num(m_limits.eventsMaxLen), bytes(entry),
                                    bytes(code), bytes(message), bytes(taskId)});
}

BrokerCall BrokerCalls::reclaim(qint64 minIdleMs, qint64 nowMs, const RetryPolicy& policy, int count) const
{
    std::vector<QByteArray> args{num(minIdleMs), num(nowMs)};
    appendPolicy(args, policy);
    args.insert(args.end(), {num(m_limits.eventsMaxLen), num(count)});
    return call("mmf_reclaim", std::move(args));
}

BrokerCall BrokerCalls::reclaimConsumer(QByteArrayView consumer, qint64 nowMs, const RetryPolicy& policy,
                                        int count) const
{
    std::vector<QByteArray> args{bytes(consumer), num(nowMs)};
    appendPolicy(args, policy);
    args.insert(args.end(), {num(m_limits.eventsMaxLen), num(count)});
    return call("mmf_reclaim_consumer", std::move(args));
}

BrokerCall BrokerCalls::promote(qint64 nowMs, int limit) const
{
    return call("mmf_promote", {num(nowMs), num(limit)});
}

BrokerCall BrokerCalls::syncHold() const
{
    return call("mmf_sync_hold", {});
}

BrokerCall BrokerCalls::cancel(QByteArrayView taskId, qint64 nowMs) const
{
    return call("mmf_cancel", {bytes(taskId), num(nowMs), num(m_limits.eventsMaxLen)});
}

BrokerCall BrokerCalls::replay(QByteArrayView taskId, QByteArrayView envelope, qint64 nowMs) const
{
    return call("mmf_replay", {bytes(taskId), envelope.isNull() ? QByteArray("") : bytes(envelope),
                               num(nowMs), num(m_limits.retentionSecs), num(m_limits.eventsMaxLen)});
}

BrokerCall BrokerCalls::discardDead(QByteArrayView taskId) const
{
    return call("mmf_discard_dead", {bytes(taskId)});
}

} // namespace mmf
