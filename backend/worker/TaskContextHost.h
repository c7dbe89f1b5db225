#pragma once

#include "worker/CallHandle.h"
#include "worker/TaskContext.h"

#include <QByteArray>
#include <QString>

namespace mmf {

// Where a WorkerTaskContext forwards what model code asks for. Called on worker threads: implementations
// must be thread-safe and must not block (they hand the work to the event loop).
class TaskContextHost
{
public:
    virtual ~TaskContextHost() = default;

    // `serial` identifies the task in the runtime; `tsMs` is when the model asked.
    virtual void postLog(quint64 serial, qint64 tsMs, TaskContext::Level level, const QString& text) = 0;
    virtual void postProgress(quint64 serial, qint64 tsMs, double fraction, const QString& text) = 0;
    // The runtime submits `request` (binary) to `model` and finishes `handle` when the sub-task ends.
    virtual void postCall(quint64 serial, const QString& model, QByteArray request, CallHandle handle) = 0;
};

} // namespace mmf
