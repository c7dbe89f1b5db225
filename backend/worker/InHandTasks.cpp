#include "worker/InHandTasks.h"

namespace mmf {

InHandTaskPtr InHandTasks::add()
{
    auto task = std::make_shared<InHandTask>();
    task->serial = ++m_nextSerial;
    m_tasks.emplace(task->serial, task);
    return task;
}

InHandTaskPtr InHandTasks::find(quint64 serial) const
{
    const auto it = m_tasks.find(serial);
    return it == m_tasks.end() ? nullptr : it->second;
}

std::vector<InHandTaskPtr> InHandTasks::inState(InHandTask::State state) const
{
    std::vector<InHandTaskPtr> tasks;
    for (const auto& [serial, task] : m_tasks) {
        if (task->state == state)
            tasks.push_back(task);
    }
    return tasks;
}

} // namespace mmf
