#pragma once

#include "worker/TaskError.h"

#include "core/Error.h"

namespace mmf {

// The failure of a sub-task started with TaskContext::call(), as a TaskError.
// Format agreed with the runtime: CallHandle::wait() reports a failed sub-task as an Error whose message is
// "<code>: <message>", <code> being the child's TaskError code (e.g. "division_by_zero: division by zero:
// 5 / 0"). A message without such a prefix (the call could not be submitted, e.g. unavailable) keeps the
// Error's own API code.
class CallError
{
public:
    static TaskError toTaskError(const Error& error);
    // The message format the runtime uses (for the runtime and for fakes in tests).
    static QString format(const QString& code, const QString& message);
};

} // namespace mmf
