#pragma once

#include "worker/CallHandle.h"

#include <QString>

namespace google::protobuf {
class Message;
}

namespace mmf {

// What a model's process() may do besides computing: log, report progress, notice cancellation, call other
// models. Every method is safe to call from the model's worker thread; the runtime forwards to its event
// loop.
class TaskContext
{
public:
    enum class Level
    {
        Debug,
        Info,
        Warning,
        Error
    };

    virtual ~TaskContext() = default;

    virtual QString taskId() const = 0;
    // 1 for the first attempt.
    virtual int attempt() const = 0;
    // Name of the instance running the task.
    virtual QString instanceName() const = 0;

    // Appends a line to the task's log; subscribers see it live.
    virtual void log(Level level, const QString& text) = 0;
    void debug(const QString& text) { log(Level::Debug, text); }
    void info(const QString& text) { log(Level::Info, text); }
    void warning(const QString& text) { log(Level::Warning, text); }
    void error(const QString& text) { log(Level::Error, text); }
    // Reports progress, fraction in 0..1.
    virtual void progress(double fraction, const QString& text = {}) = 0;

    // True once the task was cancelled (or the instance is shutting down and must give it back). A model that
    // notices should return soon; its answer is then discarded.
    virtual bool isCancelled() const = 0;
    // Sleeps up to `ms`, waking early on cancellation. Returns false when cancelled.
    virtual bool sleepFor(int ms) = 0;

    // Submits `request` to `model` through the gateway with this task's token (the child records this task as
    // its parent) and returns at once; wait on the handle for the response bytes.
    virtual CallHandle call(const QString& model, const google::protobuf::Message& request) = 0;
};

} // namespace mmf
