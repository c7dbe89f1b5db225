#pragma once

#include "core/Result.h"

#include <QByteArray>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace mmf {

// A sub-task started by model code with TaskContext::call(). The call runs on the runtime's event loop; model
// code (on a worker thread) waits for it here. Several handles of one task share one notifier, so waitAny()
// wakes on whichever finishes first.
class CallHandle
{
public:
    struct Notifier
    {
        std::mutex mutex;
        std::condition_variable changed;
    };

    CallHandle() = default;
    explicit CallHandle(std::shared_ptr<Notifier> notifier);

    // Blocks until the sub-task ends: the response bytes (binary protobuf), or the error (a failed sub-task
    // is an Error whose message carries its code and message).
    Result<QByteArray> wait() const;
    bool isFinished() const;
    // The sub-task's id once the gateway accepted it (empty before, or when submitting failed).
    QByteArray taskId() const;

    // Blocks until at least one of `handles` has finished; returns the index of a finished one, or -1 if the
    // list is empty.
    static int waitAny(const std::vector<CallHandle>& handles);

    // For the runtime: record the sub-task id, then the outcome (wakes waiters).
    void setTaskId(QByteArray id) const;
    void finish(Result<QByteArray> outcome) const;

private:
    struct State
    {
        std::shared_ptr<Notifier> notifier;
        std::optional<Result<QByteArray>> outcome;
        QByteArray taskId;
    };
    std::shared_ptr<State> m_state;
};

} // namespace mmf
