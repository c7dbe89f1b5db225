#pragma once

#include "exec/ExecSettings.h"
#include "worker/Model.h"

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
class ExecModel : public ModelBase
{
public:
    ExecModel(std::shared_ptr<const ExecSchema> schema, ExecSettings settings, int slotCount);
    ~ExecModel() override;

    const google::protobuf::Descriptor* requestDescriptor() const override;
    const google::protobuf::Descriptor* responseDescriptor() const override;
    QByteArray descriptorSet() const override;
    QString problem() const override;
    Outcome<QByteArray> processBytes(const QByteArray& request, TaskContext& context) override;

private:
    ExecSlot* acquire();
    void release(ExecSlot* slot);

    std::shared_ptr<const ExecSchema> m_schema;
    std::vector<std::unique_ptr<ExecSlot>> m_slots;
    std::vector<ExecSlot*> m_free;
    std::mutex m_mutex;
    std::condition_variable m_freed;
};

// mmf-worker --exec-per-task: the command runs once per task, the request JSON on its stdin, the response
// JSON on its stdout; its stderr lines become the task's log lines. An exit code other than 0 fails the
// attempt with the last stderr line as the message; so do a cancel, the time limit, and output that is not
// the response type.
class ExecPerTaskModel : public ModelBase
{
public:
    ExecPerTaskModel(std::shared_ptr<const ExecSchema> schema, ExecSettings settings);

    const google::protobuf::Descriptor* requestDescriptor() const override;
    const google::protobuf::Descriptor* responseDescriptor() const override;
    QByteArray descriptorSet() const override;
    Outcome<QByteArray> processBytes(const QByteArray& request, TaskContext& context) override;

private:
    std::shared_ptr<const ExecSchema> m_schema;
    const ExecSettings m_settings;
};

} // namespace mmf
