#pragma once

#include "exec/ExecModelBase.h"
#include "exec/ExecSettings.h"
#include "exec/ExecSlot.h"
#include "worker/AsyncModel.h"

#include <QTimer>

#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

namespace mmf {

class ExecSchema;

// mmf-worker --exec: a model that is a long-running process per slot speaking JSON lines (ExecProtocol).
// `slotCount` copies of the command run at once (none for --describe); each task goes to the least busy one
// with room (ExecSettings::tasksPerProcess each). The
// slots run on the worker's event loop (AsyncModel): a task costs the worker no thread hand-over, only the
// pipe writes and reads. A task's attempt fails (and is retried by the runtime) when its process exits,
// breaks the protocol, answers with a result that is not the response type, or is killed after a cancel;
// the process is then restarted.
class ExecModel : public ExecModelBase, public AsyncModel
{
public:
    ExecModel(std::shared_ptr<const ExecSchema> schema, ExecSettings settings, int slotCount);
    ~ExecModel() override; // asks every process to stop, and waits (ExecSlot::stopGracefully)

    QString problem() const override;
    // Runs through start() only: the runtime never calls this for an AsyncModel. Fails the attempt.
    Outcome<QByteArray> processBytes(const QByteArray& request, TaskContext& context) override;

    void start(const QByteArray& request, std::shared_ptr<TaskContext> context, Done done) override;
    void forgetRuns() override;

private:
    struct Waiting
    {
        QByteArray json;
        std::shared_ptr<TaskContext> context;
        Done done;
    };

    // The least busy slot with room, or null.
    ExecSlot* freeSlot() const;
    void runOn(ExecSlot* slot, QByteArray json, std::shared_ptr<TaskContext> context, Done done);
    void onSlotDone(ExecSlot* slot, quint64 run, ExecSlot::Outcome outcome);
    AsyncOutcome toOutcome(ExecSlot::Outcome outcome) const;
    void checkCancels();

    std::vector<std::unique_ptr<ExecSlot>> m_slots;
    // The runtime's `done` of each run in hand, by run number (cleared by forgetRuns()).
    std::unordered_map<quint64, Done> m_done;
    quint64 m_lastRun = 0;
    // More runs than slots (the runtime never starts more than its concurrency; kept for safety).
    std::deque<Waiting> m_waiting;
    // While tasks run: how a cancel reaches a model process (the context's flag, read every 50 ms).
    QTimer m_cancelPoll;
};

} // namespace mmf
