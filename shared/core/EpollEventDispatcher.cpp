#include "core/EpollEventDispatcher.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <ctime>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace mmf {

namespace {

Q_LOGGING_CATEGORY(lcDispatcher, "mmf.eventloop")

qint64 nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The events each notifier type asks for, and those that activate it: as Qt's poll() dispatcher, an error or
// a hang-up activates every notifier of the descriptor.
constexpr quint32 kAsked[3] = {EPOLLIN, EPOLLOUT, EPOLLPRI};
constexpr quint32 kActivating[3] = {EPOLLIN | EPOLLHUP | EPOLLERR, EPOLLOUT | EPOLLHUP | EPOLLERR,
                                    EPOLLPRI | EPOLLHUP | EPOLLERR};

int control(int epoll, int op, int fd, quint32 events)
{
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    return epoll_ctl(epoll, op, fd, &event) == 0 ? 0 : errno;
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(Waits waits, QObject* parent)
    : QAbstractEventDispatcher(parent)
    , m_pwait2(waits == Waits::Nanoseconds)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epoll >= 0 && m_wakeFd >= 0 && control(m_epoll, EPOLL_CTL_ADD, m_wakeFd, EPOLLIN) != 0) {
        ::close(m_wakeFd);
        m_wakeFd = -1;
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupt.storeRelaxed(0);
    m_loopThread.store(QThread::currentThreadId(), std::memory_order_relaxed);
    m_postedInTurn = false;
    emit awake();
    QCoreApplication::sendPostedEvents();
    // Qt sends an event posted during the send at the next one: that is now, not after a poll of epoll.
    for (int round = 1; m_postedInTurn && round < kSendRounds && !m_interrupt.loadRelaxed(); ++round) {
        m_postedInTurn = false;
        QCoreApplication::sendPostedEvents();
    }
    if (m_interrupt.loadRelaxed())
        return false;

    const bool withTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool withNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    qint64 timeoutNs = (flags & QEventLoop::WaitForMoreEvents) ? -1 : 0;
    if (withTimers) {
        const qint64 next = m_timers.waitNs(nowNs());
        if (next >= 0 && (timeoutNs < 0 || next < timeoutNs))
            timeoutNs = next;
    }
    if (withNotifiers && !m_alwaysReady.isEmpty())
        timeoutNs = 0;
    if (timeoutNs != 0)
        emit aboutToBlock();
    applyChanges();
    // A descriptor epoll refused just now (a notifier new this turn) is ready as well.
    if (withNotifiers && !m_alwaysReady.isEmpty())
        timeoutNs = 0;
    // Posted on this thread after the last send (during it, past the rounds, or from aboutToBlock): no
    // eventfd was written for it, so look without waiting.
    if (m_postedInTurn)
        timeoutNs = 0;

    epoll_event events[256]; // per call: a handler below may run a nested loop
    const int ready = wait(events, int(std::size(events)), timeoutNs);
    std::vector<QSocketNotifier*> pending;
    for (int i = 0; i < ready; ++i) {
        if (events[i].data.fd == m_wakeFd)
            drainWakeUps();
        else if (withNotifiers)
            collect(events[i].data.fd, events[i].events, pending);
    }
    int activated = 0;
    if (withNotifiers) {
        for (const int fd : std::as_const(m_alwaysReady))
            collect(fd, EPOLLIN | EPOLLOUT, pending); // what poll() says of a regular file
        activated += activateNotifiers(pending);
    }
    if (withTimers)
        activated += m_timers.activate(nowNs());
    return activated > 0;
}

int EpollEventDispatcher::wait(epoll_event* events, int capacity, qint64 timeoutNs)
{
    int ready = -1;
    ++m_waitCalls;
    if (m_pwait2) {
        timespec timeout{};
        timespec* bounded = nullptr;
        if (timeoutNs >= 0) {
            timeout.tv_sec = time_t(timeoutNs / 1'000'000'000);
            timeout.tv_nsec = long(timeoutNs % 1'000'000'000);
            bounded = &timeout;
        }
        ready = epoll_pwait2(m_epoll, events, capacity, bounded, nullptr);
        // ENOSYS before Linux 5.11, EPERM under a seccomp filter that does not know the call: from then on
        // epoll_wait, in milliseconds rounded up so that timers are never early.
        if (ready < 0 && errno != EINTR)
            m_pwait2 = false;
    }
    if (!m_pwait2) {
        const int ms = timeoutNs < 0 ? -1 : int(std::min<qint64>((timeoutNs + 999'999) / 1'000'000, INT_MAX));
        ready = epoll_wait(m_epoll, events, capacity, ms);
    }
    return ready < 0 ? 0 : ready; // EINTR: a signal; the caller's loop comes round again
}

void EpollEventDispatcher::drainWakeUps()
{
    quint64 count = 0;
    while (::read(m_wakeFd, &count, sizeof count) < 0 && errno == EINTR) {
    }
    // After the read: a wakeUp() from now on writes again. One racing with the read was for an event posted
    // before the next processEvents() sends the posted events, so nothing waits for it.
    m_wakeUps.storeRelease(0);
}

void EpollEventDispatcher::collect(int fd, quint32 events, std::vector<QSocketNotifier*>& pending)
{
    const auto it = m_descriptors.constFind(fd);
    if (it == m_descriptors.cend())
        return;
    for (int type = 0; type < 3; ++type) {
        if (QSocketNotifier* notifier = it->notifiers[type]; notifier && (events & kActivating[type]))
            pending.push_back(notifier);
    }
}

int EpollEventDispatcher::activateNotifiers(std::vector<QSocketNotifier*>& pending)
{
    m_activating.push_back(&pending);
    int activated = 0;
    for (QSocketNotifier*& slot : pending) {
        QSocketNotifier* notifier = std::exchange(slot, nullptr);
        if (!notifier)
            continue; // unregistered by an earlier handler of this turn
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(notifier, &event);
        ++activated;
    }
    m_activating.pop_back();
    return activated;
}

quint32 EpollEventDispatcher::wantedEvents(const Descriptor& d)
{
    quint32 events = 0;
    for (int type = 0; type < 3; ++type) {
        if (d.notifiers[type])
            events |= kAsked[type];
    }
    return events;
}

int EpollEventDispatcher::epollControl(int op, int fd, quint32 events)
{
    ++m_controlCalls;
    return control(m_epoll, op, fd, events);
}

void EpollEventDispatcher::applyChanges()
{
    for (const int fd : std::as_const(m_changed)) {
        const auto it = m_descriptors.find(fd);
        if (it == m_descriptors.end() || m_alwaysReady.contains(fd))
            continue;
        Descriptor& d = *it;
        const quint32 wanted = wantedEvents(d);
        int error = 0;
        if (d.applied == 0) {
            error = epollControl(EPOLL_CTL_ADD, fd, wanted);
            if (error == EEXIST)
                error = epollControl(EPOLL_CTL_MOD, fd, wanted);
        } else if (wanted != d.applied || d.fresh) {
            error = epollControl(EPOLL_CTL_MOD, fd, wanted);
            if (error == ENOENT) // the descriptor was closed and its number reused meanwhile
                error = epollControl(EPOLL_CTL_ADD, fd, wanted);
        }
        if (error == EPERM) {
            d.applied = 0;
            m_alwaysReady.insert(fd);
            continue;
        }
        if (error != 0) {
            qCWarning(lcDispatcher,
                      "socket notifier on descriptor %d: epoll_ctl failed (%s); it gets no events", fd,
                      strerror(error));
            d.applied = 0;
            continue;
        }
        d.applied = wanted;
        d.fresh = false;
    }
    m_changed.clear();
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier* notifier)
{
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    if (fd < 0 || type < 0 || type > 2)
        return;
    Descriptor& d = m_descriptors[fd];
    if (d.last[type] != notifier)
        d.fresh = true;
    d.notifiers[type] = notifier;
    d.last[type] = notifier;
    m_changed.insert(fd);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier* notifier)
{
    for (std::vector<QSocketNotifier*>* pending : m_activating)
        std::replace(pending->begin(), pending->end(), notifier, static_cast<QSocketNotifier*>(nullptr));
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    const auto it = m_descriptors.find(fd);
    if (it == m_descriptors.end() || type < 0 || type > 2 || it->notifiers[type] != notifier)
        return;
    it->notifiers[type] = nullptr;
    if (wantedEvents(*it) != 0) {
        m_changed.insert(fd);
        return;
    }
    // Its last notifier: forget the descriptor now, while its number still names this socket (Qt switches
    // notifiers off before it closes a socket), so a socket that gets the number next starts afresh.
    if (it->applied != 0)
        epollControl(EPOLL_CTL_DEL, fd, 0);
    m_alwaysReady.remove(fd);
    m_changed.remove(fd);
    m_descriptors.erase(it);
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject* object)
{
    m_timers.add(timerId, interval, timerType, object, nowNs());
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    return m_timers.remove(timerId);
}

bool EpollEventDispatcher::unregisterTimers(QObject* object)
{
    return m_timers.removeAll(object);
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject* object) const
{
    return m_timers.timersOf(object);
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    return m_timers.remainingMs(timerId, nowNs());
}

void EpollEventDispatcher::wakeUp()
{
    if (QThread::currentThreadId() == m_loopThread.load(std::memory_order_relaxed)) {
        m_postedInTurn = true;
        return;
    }
    if (!m_wakeUps.testAndSetAcquire(0, 1))
        return; // a wake-up is on its way already
    const quint64 one = 1;
    m_wakeWrites.fetch_add(1, std::memory_order_relaxed);
    while (::write(m_wakeFd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

void EpollEventDispatcher::interrupt()
{
    m_interrupt.storeRelaxed(1);
    wakeUp();
}

} // namespace mmf
