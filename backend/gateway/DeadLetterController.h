#pragma once

#include "gateway/GatewayContext.h"
#include "gateway/TaskTokenMinter.h"
#include "http/Router.h"

namespace mmf {

// A model's dead letters, all routes `admin`:
//   GET    /api/v1/models/{name}/dead-letters?limit=&before=  newest first (before: RFC 3339, exclusive)
//   POST   /api/v1/models/{name}/dead-letters:replay          {task_ids: [...]} | {all: true} →
//          {replayed, not_found}: each task queued again under its own id, attempts 0, a fresh task token
//   DELETE /api/v1/models/{name}/dead-letters/{task_id}        204; the task stays dead_lettered
// Unknown model → 404. Redis trouble → 503.
class DeadLetterController
{
public:
    explicit DeadLetterController(GatewayContext& context);
    void registerRoutes(Router& router);

private:
    void list(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void replay(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    void discard(HttpRequest& request, const HttpResponder& responder, const RouteParams& params);
    // Authenticates as admin and finds the model; calls `next` only when both succeed (else answers).
    void withModel(HttpRequest& request, const HttpResponder& responder, const RouteParams& params,
                   std::function<void(const QByteArray& model)> next);
    void replayTasks(const QByteArray& model, const QList<QByteArray>& taskIds,
                     const HttpResponder& responder);

    GatewayContext& m_context;
    // Replays get a fresh task token for the task's user and project (the stored one may be near expiry).
    TaskTokenMinter m_minter;
};

} // namespace mmf
