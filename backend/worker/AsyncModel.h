#pragma once

#include "worker/TaskError.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <memory>
#include <variant>

namespace mmf {

class TaskContext;

// This attempt failed and is retried, as when a model's processBytes() throws.
struct AttemptFailure
{
    QString message;
};

// How an asynchronous run ends: the response bytes, a TaskError (the task fails at once), or an
// AttemptFailure.
using AsyncOutcome = std::variant<QByteArray, TaskError, AttemptFailure>;

// A model whose runs wait on something outside the worker (a model process) without holding a thread: the
// runtime starts each task on its event-loop thread and the model answers there when the outside answers.
// Per task that spares the two hand-overs between the loop and a worker thread, and a thread per slot. A
// ModelBase that is also an AsyncModel is run only through start(); the runtime then keeps no worker
// threads.
class AsyncModel
{
public:
    using Done = std::function<void(AsyncOutcome)>;

    virtual ~AsyncModel() = default;

    // On the event-loop thread. `done` is called once, on that thread, possibly before start() returns;
    // logs, progress and isCancelled() go through `context`, which the model keeps until then. Never more
    // runs at once than the runtime's concurrency. A throw fails the attempt.
    virtual void start(const QByteArray& request, std::shared_ptr<TaskContext> context, Done done) = 0;
    // The runtime is going away: no `done` may be called any more (the runs themselves may go on).
    virtual void forgetRuns() = 0;
};

} // namespace mmf
