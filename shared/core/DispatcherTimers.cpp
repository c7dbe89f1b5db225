#include "core/DispatcherTimers.h"

#include <QCoreApplication>
#include <QTimerEvent>

#include <algorithm>
#include <vector>

namespace mmf {

void DispatcherTimers::add(int id, qint64 intervalMs, Qt::TimerType type, QObject* object, qint64 nowNs)
{
    remove(id); // an id is registered once; a stale entry must not keep its deadline
    Timer timer;
    timer.intervalMs = std::max<qint64>(0, intervalMs);
    timer.deadlineNs = nowNs + timer.intervalMs * 1'000'000;
    timer.object = object;
    timer.type = type;
    m_timers.insert(id, timer);
    m_byDeadline.emplace(timer.deadlineNs, id);
    m_byObject.insert(object, id);
}

bool DispatcherTimers::remove(int id)
{
    const auto it = m_timers.find(id);
    if (it == m_timers.end())
        return false;
    m_byDeadline.erase({it->deadlineNs, id});
    m_byObject.remove(it->object, id);
    m_timers.erase(it);
    return true;
}

bool DispatcherTimers::removeAll(QObject* object)
{
    const QList<int> ids = m_byObject.values(object);
    for (const int id : ids)
        remove(id);
    return !ids.isEmpty();
}

QList<QAbstractEventDispatcher::TimerInfo> DispatcherTimers::timersOf(QObject* object) const
{
    QList<QAbstractEventDispatcher::TimerInfo> out;
    for (auto it = m_byObject.constFind(object); it != m_byObject.cend() && it.key() == object; ++it) {
        const Timer& timer = *m_timers.constFind(it.value());
        out.append(QAbstractEventDispatcher::TimerInfo(it.value(), int(timer.intervalMs), timer.type));
    }
    return out;
}

int DispatcherTimers::remainingMs(int id, qint64 nowNs) const
{
    const auto it = m_timers.constFind(id);
    if (it == m_timers.cend())
        return -1;
    const qint64 left = it->deadlineNs - nowNs;
    return left <= 0 ? 0 : int((left + 999'999) / 1'000'000);
}

qint64 DispatcherTimers::waitNs(qint64 nowNs) const
{
    // The earliest deadline among timers not being delivered (one in a nested loop must not spin it).
    for (const auto& [deadline, id] : m_byDeadline) {
        if (m_timers.constFind(id)->delivering)
            continue;
        return std::max<qint64>(0, deadline - nowNs);
    }
    return -1;
}

int DispatcherTimers::activate(qint64 nowNs)
{
    std::vector<int> due;
    for (const auto& [deadline, id] : m_byDeadline) {
        if (deadline > nowNs)
            break;
        due.push_back(id);
    }
    int fired = 0;
    for (const int id : due) {
        auto it = m_timers.find(id);
        // Gone, re-registered under the same id with a later deadline, or in a handler further up the stack.
        if (it == m_timers.end() || it->deadlineNs > nowNs || it->delivering)
            continue;
        m_byDeadline.erase({it->deadlineNs, id});
        const qint64 intervalNs = it->intervalMs * 1'000'000;
        it->deadlineNs += intervalNs;
        if (it->deadlineNs <= nowNs)
            it->deadlineNs = nowNs + intervalNs;
        m_byDeadline.emplace(it->deadlineNs, id);
        it->delivering = true;
        QObject* object = it->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        // The handler may have removed the timer, or removed it and registered another under its id.
        if (auto after = m_timers.find(id); after != m_timers.end() && after->object == object)
            after->delivering = false;
    }
    return fired;
}

} // namespace mmf
