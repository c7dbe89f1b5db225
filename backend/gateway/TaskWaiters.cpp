#include "gateway/TaskWaiters.h"

#include <QTimer>

namespace mmf {

TaskWaiters::TaskWaiters(QObject* parent)
    : QObject(parent)
{}

TaskWaiters::~TaskWaiters()
{
    for (auto& waiters : m_byId) {
        for (Waiter& waiter : waiters)
            delete waiter.timer;
    }
}

void TaskWaiters::wait(const QByteArray& taskId, int timeoutMs, Callback callback)
{
    const quint64 serial = m_nextSerial++;
    auto* timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, taskId, serial] { expire(taskId, serial); });
    timer->start(timeoutMs);
    m_byId[taskId].push_back(Waiter{serial, std::move(callback), timer});
}

void TaskWaiters::expire(const QByteArray& taskId, quint64 serial)
{
    auto it = m_byId.find(taskId);
    if (it == m_byId.end())
        return;
    std::vector<Waiter>& waiters = *it;
    for (auto w = waiters.begin(); w != waiters.end(); ++w) {
        if (w->serial == serial) {
            Waiter waiter = std::move(*w);
            waiters.erase(w);
            if (waiters.empty())
                m_byId.erase(it);
            waiter.timer->deleteLater();
            waiter.callback(nullptr);
            return;
        }
    }
}

void TaskWaiters::onEvents(const std::vector<TaskEventRecord>& events)
{
    if (m_byId.isEmpty())
        return;
    for (const TaskEventRecord& event : events) {
        if (!event.isFinal())
            continue;
        if (!event.fromItsTasksModel()) // a waiter may be answered from the event's fields
            continue;
        auto it = m_byId.find(event.taskId);
        if (it == m_byId.end())
            continue;
        std::vector<Waiter> waiters = std::move(*it);
        m_byId.erase(it);
        for (Waiter& waiter : waiters) {
            waiter.timer->stop();
            waiter.timer->deleteLater();
            waiter.callback(&event);
        }
    }
}

} // namespace mmf
