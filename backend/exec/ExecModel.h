#pragma once

#include "exec/ExecModelBase.h"
#include "exec/ExecSettings.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace mmf {

class ExecSchema;
class ExecSlot;

// mmf-worker --exec: a model that is a long-running process per slot speaking JSON lines (ExecProtocol).
// `slotCount` copies of the command run at once, one per worker thread (none for --describe); each task goes
// to a free one. A task's attempt fails (and is retried by the runtime) when its process exits, breaks the
// protocol, answers with a result that is not the response type, or is killed after a cancel; the process is
// then restarted.
class ExecModel : public ExecModelBase
{
public:
    ExecModel(std::shared_ptr<const ExecSchema> schema, ExecSettings settings, int slotCount);
    ~ExecModel() override;

    QString problem() const override;
    Outcome<QByteArray> processBytes(const QByteArray& request, TaskContext& context) override;

private:
    ExecSlot* acquire();
    void release(ExecSlot* slot);

    std::vector<std::unique_ptr<ExecSlot>> m_slots;
    std::vector<ExecSlot*> m_free;
    std::mutex m_mutex;
    std::condition_variable m_freed;
};

} // namespace mmf
