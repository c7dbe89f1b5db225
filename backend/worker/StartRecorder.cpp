#include "worker/StartRecorder.h"

#include "core/Clock.h"
#include "worker/InHandTasks.h"
#include "worker/TaskOutcomeWriter.h"

#include <algorithm>

namespace mmf {

StartRecorder::StartRecorder(const InHandTasks& tasks, TaskOutcomeWriter& writer, const Clock& clock,
                             int recordAfterMs, Moot moot, QObject* parent)
    : QObject(parent)
    , m_tasks(tasks)
    , m_writer(writer)
    , m_clock(clock)
    , m_recordAfterMs(recordAfterMs)
    , m_moot(std::move(moot))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &StartRecorder::recordDue);
}

void StartRecorder::deferred(InHandTask& task)
{
    task.startRecorded = false;
    task.startConfirmed = false;
    if (!m_timer.isActive())
        m_timer.start(m_recordAfterMs);
}

void StartRecorder::recordDue()
{
    const qint64 due = m_clock.nowMs() - m_recordAfterMs;
    std::vector<InHandTaskPtr> tasks;
    qint64 nextReadMs = -1;
    for (const auto& [serial, task] : m_tasks) {
        if (task->startRecorded || task->state == InHandTask::State::Finishing ||
            task->state == InHandTask::State::Releasing)
            continue;
        if (task->readMs <= due)
            tasks.push_back(task);
        else if (nextReadMs < 0 || task->readMs < nextReadMs)
            nextReadMs = task->readMs;
    }
    recordNow(tasks);
    if (nextReadMs >= 0)
        m_timer.start(int(std::clamp<qint64>(nextReadMs - due, 1, m_recordAfterMs)));
}

void StartRecorder::recordNow(const std::vector<InHandTaskPtr>& tasks)
{
    std::vector<BrokerCalls::RunningEntry> entries;
    std::vector<quint64> serials;
    entries.reserve(tasks.size());
    serials.reserve(tasks.size());
    for (const InHandTaskPtr& task : tasks) {
        if (task->startRecorded)
            continue; // recorded, being recorded, or listed twice
        task->startRecorded = true;
        entries.push_back({task->entryId, task->taskId, task->readMs});
        serials.push_back(task->serial);
    }
    if (entries.empty())
        return;
    m_writer.running(entries, [this, serials](size_t index, const RedisReply& reply, bool failed) {
        const InHandTaskPtr task = m_tasks.find(serials[index]);
        if (!task || failed)
            return; // a failed call: the outcome records the start; it is fenced as always
        if (reply.view() == "run") {
            task->startConfirmed = true;
            return;
        }
        if (task->state == InHandTask::State::Running)
            m_moot(*task, reply.toString());
    });
}

} // namespace mmf
