#include "core/QueuedCall.h"

namespace mmf {

QueuedCall::QueuedCall(std::function<void()> action, QObject* parent)
    : QObject(parent)
    , m_action(std::move(action))
{}

void QueuedCall::request()
{
    if (m_queued)
        return;
    m_queued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            // Cleared first: the action may request the next turn's call.
            m_queued = false;
            m_action();
        },
        Qt::QueuedConnection);
}

} // namespace mmf
