#pragma once

#include "gateway/ApiRoutes.h"
#include "gateway/GatewayContext.h"
#include "gateway/ModelInfo.h"
#include "gateway/TaskRecord.h"

#include "mmf/v1/token.pb.h"

#include <functional>

namespace mmf {

// Task routes of API v1: submit (with wait and Idempotency-Key), tasks:batch, get (with wait), list (search,
// time range, paging, sub-tasks under their parent), cancel, logs, timeline.
class TaskController
{
public:
    explicit TaskController(GatewayContext& context);
    void registerRoutes(ApiRoutes& routes);

private:
    void submit(HttpRequest& request, const HttpResponder& responder, const Caller& caller);
    void submitBatch(HttpRequest& request, const HttpResponder& responder, const Caller& caller);
    void get(HttpRequest& request, const HttpResponder& responder, const RouteParams& params,
             const Caller& caller);
    void list(HttpRequest& request, const HttpResponder& responder, const Caller& caller);
    void cancel(const HttpResponder& responder, const RouteParams& params, const Caller& caller);
    void logs(HttpRequest& request, const HttpResponder& responder, const RouteParams& params,
              const Caller& caller);
    void timeline(const HttpResponder& responder, const RouteParams& params, const Caller& caller);
    // False, and 503 answered, when no instance of the model is live.
    bool hasLiveInstance(const QByteArray& name, const HttpResponder& responder) const;
    // Answers with the task as it is now: 200 when final (binary result if asked for and succeeded), else
    // `pendingStatus` (202 after a submit, 200 for a read).
    void answerWithTask(const HttpResponder& responder, const TaskRecord& record, bool binary,
                        int pendingStatus);
    // Waits up to waitMs for the task to end, then answers with it.
    void answerAfterWait(const HttpResponder& responder, const QByteArray& taskId,
                         const v1::TokenClaims& caller, int waitMs, bool binary, int pendingStatus);

    GatewayContext& m_context;
};

} // namespace mmf
