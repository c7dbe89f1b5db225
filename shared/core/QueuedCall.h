#pragma once

#include <QObject>

#include <functional>

namespace mmf {

// Runs an action once at the loop's next turn however often it is requested in this one: the writes a turn
// queues on a socket leave in one write, the submits a turn gathers go to Redis in one call. Requested and
// run on the thread the object lives in; a request still queued when the object is destroyed is dropped with
// it. On EpollEventDispatcher a request costs no system call (a call queued on the loop's own thread writes
// no eventfd). The action must not destroy the QueuedCall it runs from (deleteLater its owner instead).
class QueuedCall final : public QObject
{
public:
    explicit QueuedCall(std::function<void()> action, QObject* parent = nullptr);

    void request();
    bool isQueued() const { return m_queued; }

private:
    std::function<void()> m_action;
    bool m_queued = false;
};

} // namespace mmf
