#pragma once

#include "worker/InHandTask.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <vector>

namespace mmf {

class Clock;
class InHandTasks;
class TaskOutcomeWriter;

// Records, with mmf_running, the start of tasks that run while Redis does not know it (the read is the start:
// a quick task's start goes with its outcome, in one call). A task is recorded once it has run
// `recordAfterMs` (a status read, a watcher, the studio then see it running), or at once when it is seen
// running (a log line, progress, a sub-task call). Those due together go as one call. Lives on the event
// loop thread.
class StartRecorder : public QObject
{
    Q_OBJECT
public:
    // Redis answered that the task is `status` (cancelled, …) instead of starting: the run is moot.
    using Moot = std::function<void(InHandTask& task, const QString& status)>;

    // `tasks`, `writer` and `clock` must outlive the recorder.
    StartRecorder(const InHandTasks& tasks, TaskOutcomeWriter& writer, const Clock& clock, int recordAfterMs,
                  Moot moot, QObject* parent = nullptr);

    // `task` runs from now on with its start unrecorded.
    void deferred(InHandTask& task);
    // Records the starts of those of `tasks` not recorded yet (or on their way).
    void recordNow(const std::vector<InHandTaskPtr>& tasks);

private:
    // The tasks read `recordAfterMs` ago or earlier whose start is still unrecorded.
    void recordDue();

    const InHandTasks& m_tasks;
    TaskOutcomeWriter& m_writer;
    const Clock& m_clock;
    const int m_recordAfterMs;
    const Moot m_moot;
    QTimer m_timer;
};

} // namespace mmf
