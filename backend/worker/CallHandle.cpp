#include "worker/CallHandle.h"

namespace mmf {

CallHandle::CallHandle(std::shared_ptr<Notifier> notifier)
    : m_state(std::make_shared<State>())
{
    m_state->notifier = std::move(notifier);
}

Result<QByteArray> CallHandle::wait() const
{
    if (!m_state)
        return Error::internal(QStringLiteral("empty call handle"));
    std::unique_lock lock(m_state->notifier->mutex);
    m_state->notifier->changed.wait(lock, [this] { return m_state->outcome.has_value(); });
    return *m_state->outcome;
}

bool CallHandle::isFinished() const
{
    if (!m_state)
        return true;
    std::lock_guard lock(m_state->notifier->mutex);
    return m_state->outcome.has_value();
}

QByteArray CallHandle::taskId() const
{
    if (!m_state)
        return {};
    std::lock_guard lock(m_state->notifier->mutex);
    return m_state->taskId;
}

int CallHandle::waitAny(const std::vector<CallHandle>& handles)
{
    if (handles.empty())
        return -1;
    auto notifier = handles.front().m_state->notifier;
    std::unique_lock lock(notifier->mutex);
    int found = -1;
    notifier->changed.wait(lock, [&] {
        for (size_t i = 0; i < handles.size(); ++i) {
            if (handles[i].m_state->outcome.has_value()) {
                found = int(i);
                return true;
            }
        }
        return false;
    });
    return found;
}

void CallHandle::setTaskId(QByteArray id) const
{
    std::lock_guard lock(m_state->notifier->mutex);
    m_state->taskId = std::move(id);
}

void CallHandle::finish(Result<QByteArray> outcome) const
{
    {
        std::lock_guard lock(m_state->notifier->mutex);
        if (m_state->outcome.has_value())
            return;
        m_state->outcome.emplace(std::move(outcome));
    }
    m_state->notifier->changed.notify_all();
}

} // namespace mmf
