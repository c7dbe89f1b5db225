#pragma once

#include "exec/ExecModelBase.h"
#include "exec/ExecSettings.h"

namespace mmf {

// mmf-worker --exec-per-task: the command runs once per task, the request JSON on its stdin, the response
// JSON on its stdout; its stderr lines become the task's log lines. An exit code other than 0 fails the
// attempt with the last stderr line as the message; so do a cancel, the time limit, and output that is not
// the response type.
class ExecPerTaskModel : public ExecModelBase
{
public:
    ExecPerTaskModel(std::shared_ptr<const ExecSchema> schema, ExecSettings settings);

    Outcome<QByteArray> processBytes(const QByteArray& request, TaskContext& context) override;

private:
    const ExecSettings m_settings;
};

} // namespace mmf
