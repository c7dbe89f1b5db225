#include "worker/ClaimKeeper.h"

#include "broker/BrokerKeys.h"
#include "redis/RedisClient.h"
#include "worker/InHandTasks.h"
#include "worker/WorkerLog.h"
#include "worker/WorkerTaskContext.h"

namespace mmf {

ClaimKeeper::ClaimKeeper(Settings settings, const InHandTasks& tasks, RedisClient& redis, Stop stop,
                         QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_tasks(tasks)
    , m_redis(redis)
    , m_stop(std::move(stop))
{
    connect(&m_renewTimer, &QTimer::timeout, this, &ClaimKeeper::renew);
    connect(&m_pollTimer, &QTimer::timeout, this, &ClaimKeeper::pollCancellations);
}

void ClaimKeeper::start()
{
    m_renewTimer.start(m_settings.renewEveryMs);
    m_pollTimer.start(m_settings.pollEveryMs);
}

void ClaimKeeper::stop()
{
    m_renewTimer.stop();
    m_pollTimer.stop();
}

void ClaimKeeper::renew()
{
    if (m_tasks.empty())
        return;
    std::vector<QByteArray> args;
    args.reserve(m_tasks.size() + 6);
    args.insert(args.end(), {QByteArrayLiteral("XCLAIM"), m_settings.tasksKey, QByteArray(BrokerKeys::kGroup),
                             m_settings.consumer, QByteArrayLiteral("0")});
    // Not the entries of tasks whose start is unrecorded: their idle time is how mmf_finish knows when they
    // started (they are younger than a renewal period: StartRecorder).
    for (const auto& [serial, task] : m_tasks) {
        if (task->startRecorded)
            args.push_back(task->entryId);
    }
    if (args.size() == 5)
        return;
    args.push_back(QByteArrayLiteral("JUSTID"));
    m_redis.command(args, [](const RedisReply& reply) {
        if (reply.isError())
            qCWarning(lcWorker).noquote() << "renewing claims failed:" << reply.toString();
    });
}

void ClaimKeeper::pollCancellations()
{
    for (const auto& [serial, task] : m_tasks) {
        if (task->state != InHandTask::State::Running || task->context->isCancelled())
            continue;
        const quint64 id = serial;
        // "queued" is moot only if the start was known recorded when the read was sent: a recording queued
        // meanwhile (mmf_running behind this HGET, or still in the writer) is not in what Redis answers.
        const bool confirmed = task->startConfirmed;
        m_redis.command({"HGET", task->taskKey, "st"}, [this, id, confirmed](const RedisReply& reply) {
            if (reply.isError())
                return;
            const InHandTaskPtr task = m_tasks.find(id);
            if (!task || task->state != InHandTask::State::Running)
                return;
            if (reply.isNil())
                m_stop(*task, QStringLiteral("is gone from Redis; stopping it"));
            else if (reply.view() == "cancelled")
                m_stop(*task, QStringLiteral("was cancelled"));
            else if (reply.view() != "running" && (confirmed || reply.view() != "queued"))
                m_stop(*task, QStringLiteral("is %1 meanwhile; stopping it").arg(reply.toString()));
        });
    }
}

} // namespace mmf
