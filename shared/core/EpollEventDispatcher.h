#pragma once

#include "core/DispatcherTimers.h"

#include <QAbstractEventDispatcher>
#include <QAtomicInt>
#include <QHash>
#include <QSet>

#include <atomic>
#include <vector>

class QSocketNotifier;
struct epoll_event;

namespace mmf {

// A Linux event dispatcher on epoll, for the headless processes' main threads (ServiceEventLoop). Qt's own
// dispatchers poll() every registered socket on every loop turn: with 10,000 idle connections that cost the
// server ~0.5 ms more CPU per task at 500 tasks/s (p99 13.9 ms). Here a turn costs what is ready, not what is
// registered. Notifier changes are applied in one batch just before waiting, so a notifier switched on and
// off within a turn (the write notifier of every HTTP answer) costs no system call. A descriptor epoll
// refuses (a regular file) is treated as poll() would: always ready. Timers: DispatcherTimers. Posted events
// are sent at the start of every processEvents(); wakeUp() from another thread writes an eventfd, once until
// the loop wakes. From the loop's own thread it writes nothing: that thread is not waiting, and its next
// processEvents() sends the posted events before it waits (one posted after that send, during it or from
// aboutToBlock(), makes the wait a poll). Every queued call a handler makes (a group commit, a Redis flush)
// was a write and a read of the eventfd and a turn of epoll more. Calls queued by the posted events just sent
// (a task's outcome → its Redis write) are sent in the same turn, a few rounds at most, before epoll is
// asked: on a task's path each such round was a poll of epoll that found nothing.
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    // How long a wait may be: nanoseconds (epoll_pwait2, Linux 5.11 on; the default, which falls back by
    // itself) or milliseconds (epoll_wait, rounded up so that timers are never early).
    enum class Waits
    {
        Nanoseconds,
        Milliseconds
    };

    explicit EpollEventDispatcher(Waits waits = Waits::Nanoseconds, QObject* parent = nullptr);
    ~EpollEventDispatcher() override;

    // False when epoll or the eventfd could not be created (out of descriptors): do not install it then.
    bool isValid() const { return m_epoll >= 0 && m_wakeFd >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier* notifier) override;
    void unregisterSocketNotifier(QSocketNotifier* notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject* object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject* object) override;
    QList<TimerInfo> registeredTimers(QObject* object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

    // Rounds of posted events one turn sends at most before it looks at descriptors and timers: a call that
    // queues itself again cannot keep them waiting longer.
    static constexpr int kSendRounds = 8;

    // System calls a test can count: wake-ups that wrote the eventfd (any thread), epoll_ctl and epoll waits
    // (the loop's thread only).
    quint64 wakeWrites() const { return m_wakeWrites.load(std::memory_order_relaxed); }
    quint64 controlCalls() const { return m_controlCalls; }
    quint64 waitCalls() const { return m_waitCalls; }

private:
    struct Descriptor
    {
        QSocketNotifier* notifiers[3] = {}; // by QSocketNotifier::Type
        QSocketNotifier* last[3] = {};      // the last notifier seen per type, registered or not
        // The events epoll has for it; 0: not in epoll (a descriptor with notifiers always asks for some).
        quint32 applied = 0;
        // A notifier new to this descriptor: tell epoll again even if the mask is the same.
        bool fresh = false;
    };

    static quint32 wantedEvents(const Descriptor& d);
    int epollControl(int op, int fd, quint32 events); // → 0 or errno
    void applyChanges();
    int wait(::epoll_event* events, int capacity, qint64 timeoutNs);
    void collect(int fd, quint32 events, std::vector<QSocketNotifier*>& pending);
    int activateNotifiers(std::vector<QSocketNotifier*>& pending);
    void drainWakeUps();

    int m_epoll = -1;
    int m_wakeFd = -1;
    QAtomicInt m_wakeUps;
    std::atomic<Qt::HANDLE> m_loopThread{nullptr}; // the thread running processEvents(), once it has
    bool m_postedInTurn = false; // a wakeUp() on the loop thread since this turn's posted events were sent
    std::atomic<quint64> m_wakeWrites{0};
    quint64 m_controlCalls = 0;
    quint64 m_waitCalls = 0;
    QAtomicInt m_interrupt;
    QHash<int, Descriptor> m_descriptors;
    QSet<int> m_changed;
    QSet<int> m_alwaysReady; // descriptors epoll refused (EPERM: regular files)
    std::vector<std::vector<QSocketNotifier*>*> m_activating; // the lists being activated (nested loops)
    DispatcherTimers m_timers;
    bool m_pwait2 = true; // epoll_pwait2 (ns timeouts) until the kernel says ENOSYS
};

} // namespace mmf
