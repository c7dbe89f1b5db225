#include "worker/WorkerTaskContext.h"

#include "core/Clock.h"

#include <google/protobuf/message.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace mmf {

WorkerTaskContext::WorkerTaskContext(TaskContextHost& host, const Clock& clock, quint64 serial,
                                     QString taskId, int attempt, QString instanceName)
    : m_host(host)
    , m_clock(clock)
    , m_serial(serial)
    , m_taskId(std::move(taskId))
    , m_attempt(attempt)
    , m_instanceName(std::move(instanceName))
    , m_callNotifier(std::make_shared<CallHandle::Notifier>())
{}

void WorkerTaskContext::log(Level level, const QString& text)
{
    m_host.postLog(m_serial, m_clock.nowMs(), level, text);
}

void WorkerTaskContext::progress(double fraction, const QString& text)
{
    if (!std::isfinite(fraction))
        fraction = 0;
    m_host.postProgress(m_serial, m_clock.nowMs(), std::clamp(fraction, 0.0, 1.0), text);
}

bool WorkerTaskContext::sleepFor(int ms)
{
    std::unique_lock lock(m_sleepMutex);
    if (ms > 0)
        m_sleepWake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return isCancelled(); });
    return !isCancelled();
}

CallHandle WorkerTaskContext::call(const QString& model, const google::protobuf::Message& request)
{
    CallHandle handle(m_callNotifier);
    if (m_inline) {
        handle.finish(Error::internal(
            QStringLiteral("internal: a task run inline on the worker's event loop cannot call models (its "
                           "model's runsInline() must return false for such a request)")));
        return handle;
    }
    QByteArray bytes(qsizetype(request.ByteSizeLong()), Qt::Uninitialized);
    request.SerializeToArray(bytes.data(), int(bytes.size()));
    m_host.postCall(m_serial, model, std::move(bytes), handle);
    return handle;
}

void WorkerTaskContext::cancel()
{
    {
        // Taken so a sleeper between its check and its wait cannot miss the wake-up.
        std::lock_guard lock(m_sleepMutex);
        m_cancelled.store(true, std::memory_order_release);
    }
    m_sleepWake.notify_all();
}

} // namespace mmf
