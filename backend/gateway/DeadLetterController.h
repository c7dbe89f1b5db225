#pragma once

#include "gateway/ApiRoutes.h"
#include "gateway/GatewayContext.h"
#include "gateway/TaskTokenMinter.h"

namespace mmf {

// A model's dead letters, all routes `admin`:
//   GET    /api/v1/models/{name}/dead-letters?limit=&before=  newest first (before: RFC 3339, exclusive)
//   POST   /api/v1/models/{name}/dead-letters:replay          {task_ids: [...]} | {all: true} →
//          {replayed, not_found, refused}: each task queued again under its own id, attempts 0, a fresh task
//          token. Everything in a dead letter is written by the model's own Redis user, so the owner it names
//          is a claim: a replay goes ahead only when the server's own list of that user's tasks holds the id
//          (and the id names this model); otherwise the task is `refused` and stays dead.
//   DELETE /api/v1/models/{name}/dead-letters/{task_id}        204; the task stays dead_lettered
// Admin of the model's project only (the AccessResolver); unknown model → 404. Redis trouble → 503.
class DeadLetterController
{
public:
    explicit DeadLetterController(GatewayContext& context);
    void registerRoutes(ApiRoutes& routes);

private:
    void list(HttpRequest& request, const HttpResponder& responder, const QByteArray& model);
    void replay(HttpRequest& request, const HttpResponder& responder, const ModelInfo& model);
    void discard(const HttpResponder& responder, const QByteArray& model, const QByteArray& taskId);
    void replayTasks(const ModelInfoPtr& model, const QList<QByteArray>& taskIds,
                     const HttpResponder& responder);

    GatewayContext& m_context;
    // Replays get a fresh task token for the task's user and project (the stored one may be near expiry).
    TaskTokenMinter m_minter;
};

} // namespace mmf
