#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>

#include <set>
#include <utility>

class QObject;

namespace mmf {

// The timers of one event dispatcher (EpollEventDispatcher), ordered by deadline so that finding the next one
// and the due ones costs O(log n) however many are registered (a server has a ping timer per WebSocket).
// Times are steady-clock nanoseconds passed in by the caller. Semantics follow Qt's own dispatchers: a timer
// fires at most once per activate(); its next deadline is the previous one plus its interval, or now plus the
// interval when that is already past; a timer is not fired again while its event is being delivered (a nested
// event loop in its handler); coarse timers are kept as precise ones (allowed: the type is a hint).
class DispatcherTimers
{
public:
    void add(int id, qint64 intervalMs, Qt::TimerType type, QObject* object, qint64 nowNs);
    bool remove(int id);
    bool removeAll(QObject* object);
    QList<QAbstractEventDispatcher::TimerInfo> timersOf(QObject* object) const;
    // Milliseconds until timer `id` fires (0 when due), -1 when there is no such timer.
    int remainingMs(int id, qint64 nowNs) const;
    // Nanoseconds until the earliest timer may fire (0 when one is due), -1 when there is none.
    qint64 waitNs(qint64 nowNs) const;
    bool empty() const { return m_timers.isEmpty(); }

    // Sends a QTimerEvent to each timer due at `nowNs`; handlers may add and remove timers meanwhile.
    // Returns the number of events sent.
    int activate(qint64 nowNs);

private:
    struct Timer
    {
        qint64 intervalMs = 0;
        qint64 deadlineNs = 0;
        QObject* object = nullptr;
        Qt::TimerType type = Qt::CoarseTimer;
        bool delivering = false;
    };

    QHash<int, Timer> m_timers;
    std::set<std::pair<qint64, int>> m_byDeadline; // (deadline, id)
    // An object's timers, for removeAll() and timersOf(): a server destroys a WebSocket's ping timer with it,
    // and a scan of every timer per destroyed object would grow with the connections held.
    QMultiHash<QObject*, int> m_byObject;
};

} // namespace mmf
