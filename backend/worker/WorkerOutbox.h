#pragma once

#include "worker/CallHandle.h"
#include "worker/TaskContextHost.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <mutex>
#include <vector>

namespace mmf {

// What worker threads hand to the event loop, in the order they produced it: log lines, progress, sub-task
// calls and outcomes. One mutex-protected vector; `wake` is called (on the producing thread) only when the
// box goes from empty to non-empty, so a burst costs the loop one wake-up and one batch.
class WorkerOutbox final : public TaskContextHost
{
public:
    struct Item
    {
        enum class Kind
        {
            Log,
            Progress,
            Call,
            Response,
            TaskError,
            Exception
        };
        Kind kind = Kind::Log;
        quint64 serial = 0;
        qint64 tsMs = 0;
        TaskContext::Level level = TaskContext::Level::Info;
        double fraction = 0;
        QString text;      // log/progress text, call model name, TaskError code
        QString message;   // TaskError / exception message
        QByteArray bytes;  // response bytes, call request bytes
        CallHandle handle; // calls
    };

    // `wake` must be thread-safe (e.g. a queued QMetaObject::invokeMethod).
    explicit WorkerOutbox(std::function<void()> wake);

    void push(Item item);
    std::vector<Item> takeAll();

    void postLog(quint64 serial, qint64 tsMs, TaskContext::Level level, const QString& text) override;
    void postProgress(quint64 serial, qint64 tsMs, double fraction, const QString& text) override;
    void postCall(quint64 serial, const QString& model, QByteArray request, CallHandle handle) override;

private:
    std::function<void()> m_wake;
    std::mutex m_mutex;
    std::vector<Item> m_items;
};

} // namespace mmf
