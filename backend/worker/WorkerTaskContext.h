#pragma once

#include "worker/TaskContext.h"
#include "worker/TaskContextHost.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace mmf {

class Clock;

// The TaskContext the runtime gives a model for one attempt of one task. Logs, progress and calls are
// forwarded to the host (the event loop); cancellation is a flag set from the loop that also wakes
// sleepFor().
class WorkerTaskContext final : public TaskContext
{
public:
    // `host` and `clock` must outlive the context's use by the model.
    WorkerTaskContext(TaskContextHost& host, const Clock& clock, quint64 serial, QString taskId, int attempt,
                      QString instanceName);

    QString taskId() const override { return m_taskId; }
    int attempt() const override { return m_attempt; }
    QString instanceName() const override { return m_instanceName; }

    void log(Level level, const QString& text) override;
    void progress(double fraction, const QString& text = {}) override;
    bool isCancelled() const override { return m_cancelled.load(std::memory_order_acquire); }
    bool sleepFor(int ms) override;
    CallHandle call(const QString& model, const google::protobuf::Message& request) override;

    // From the loop: the task was cancelled or is being given back. Idempotent.
    void cancel();
    // From the loop, before the model runs: this run is inline on the loop, so a call fails at once (waiting
    // for its answer would wait for the loop that waits for the run).
    void setInline() { m_inline = true; }
    quint64 serial() const { return m_serial; }

private:
    TaskContextHost& m_host;
    const Clock& m_clock;
    const quint64 m_serial;
    const QString m_taskId;
    const int m_attempt;
    const QString m_instanceName;
    bool m_inline = false;
    std::atomic<bool> m_cancelled{false};
    std::mutex m_sleepMutex;
    std::condition_variable m_sleepWake;
    // Shared by every CallHandle of this task, so CallHandle::waitAny() wakes on any of them.
    const std::shared_ptr<CallHandle::Notifier> m_callNotifier;
};

} // namespace mmf
