#include "gateway/TaskController.h"

#include "broker/BrokerKeys.h"
#include "broker/TaskIdGenerator.h"
#include "gateway/ApiError.h"
#include "gateway/GatewaySettings.h"
#include "gateway/JsonBody.h"
#include "gateway/ModelCatalog.h"
#include "gateway/TaskJson.h"
#include "gateway/TaskRecord.h"
#include "gateway/TaskService.h"
#include "gateway/TaskWaiters.h"
#include "schema/DescriptorSet.h"
#include "schema/ProtoJson.h"

#include <google/protobuf/message.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>

#include <memory>
#include <optional>

namespace mmf {

namespace {

constexpr int kMaxIdempotencyKey = 200;

bool validIdempotencyKey(const QByteArray& key)
{
    if (key.isEmpty() || key.size() > kMaxIdempotencyKey)
        return false;
    for (char c : key) {
        if (c < 0x21 || c > 0x7e)
            return false;
    }
    return true;
}

// Validates a request body against the model's request type and returns it as binary protobuf.
// An id no task can have is answered as an unknown task is (404), before Redis is asked.
bool validTaskId(const QByteArray& taskId, const HttpResponder& responder)
{
    if (TaskIdGenerator::isValid(taskId))
        return true;
    ApiError::send(responder, Error::notFound(QStringLiteral("no task %1").arg(QString::fromUtf8(taskId))));
    return false;
}

Result<QByteArray> requestBytes(const ModelInfo& model, const HttpRequest& request)
{
    if (JsonBody::isProtobufBody(request)) {
        std::unique_ptr<google::protobuf::Message> message(
            model.descriptors->prototype(model.request)->New());
        if (!message->ParseFromArray(request.body.constData(), int(request.body.size())))
            return Error::invalidArgument(QStringLiteral("the body is not a valid binary %1")
                                              .arg(QString::fromLatin1(model.requestType)));
        return request.body;
    }
    // curl -d sends form encoding by default; its body is still JSON to us.
    const QByteArray contentType = request.header("content-type");
    if (!contentType.isEmpty() && !contentType.startsWith("application/json") &&
        !contentType.startsWith("application/x-www-form-urlencoded"))
        return Error::invalidArgument(
            QStringLiteral("send application/json or application/x-protobuf, not %1")
                .arg(QString::fromLatin1(contentType)));
    return ProtoJson::jsonToBinary(*model.descriptors, model.request, request.body);
}

} // namespace

TaskController::TaskController(GatewayContext& context)
    : m_context(context)
{}

void TaskController::registerRoutes(ApiRoutes& routes)
{
    // Model code acts with its task token: it submits sub-tasks and reads or cancels them (AccessPolicy).
    routes.add("POST", "/api/v1/models/{name}/tasks", RouteAccess::method("score").onModel().forTaskTokens(),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { submit(request, responder, caller); });
    routes.add("POST", "/api/v1/models/{name}/tasks:batch", RouteAccess::method("score").onModel(),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { submitBatch(request, responder, caller); });
    routes.add("GET", "/api/v1/tasks", RouteAccess::method("read"),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { list(request, responder, caller); });
    routes.add("GET", "/api/v1/tasks/{id}", RouteAccess::method("read").forTaskTokens(),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams& params,
                      const Caller& caller) { get(request, responder, params, caller); });
    routes.add("POST", "/api/v1/tasks/{id}/cancel", RouteAccess::method("score").forTaskTokens(),
               [this](HttpRequest&, const HttpResponder& responder, const RouteParams& params,
                      const Caller& caller) { cancel(responder, params, caller); });
    routes.add("GET", "/api/v1/tasks/{id}/logs", RouteAccess::method("read").forTaskTokens(),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams& params,
                      const Caller& caller) { logs(request, responder, params, caller); });
    routes.add("GET", "/api/v1/tasks/{id}/timeline", RouteAccess::method("read").forTaskTokens(),
               [this](HttpRequest&, const HttpResponder& responder, const RouteParams& params,
                      const Caller& caller) { timeline(responder, params, caller); });
}

void TaskController::submit(HttpRequest& request, const HttpResponder& responder, const Caller& caller)
{
    const ModelInfoPtr model = caller.model;
    const QByteArray name = model->name;
    Result<int> waitParam = JsonBody::waitMs(request, m_context.settings.maxWaitSecs);
    if (!waitParam) {
        ApiError::send(responder, waitParam.error());
        return;
    }
    const int waitMs = *waitParam;
    const QByteArray idempotencyKey = request.header("idempotency-key");
    if (!idempotencyKey.isNull() && !validIdempotencyKey(idempotencyKey)) {
        ApiError::send(responder,
                       Error::invalidArgument(QStringLiteral("Idempotency-Key is 1 to 200 visible ASCII "
                                                             "characters"),
                                              QStringLiteral("Idempotency-Key")));
        return;
    }
    QByteArray parent = request.header("x-mmf-parent-task-id");
    if (caller.isTaskToken()) {
        // Model code submits sub-tasks of its own tasks only, and their parent is what lets it read them.
        if (!TaskIdGenerator::isValid(parent) ||
            TaskIdGenerator::modelOf(parent) != QByteArrayView(caller.claims->model())) {
            ApiError::send(
                responder,
                Error::permissionDenied(
                    QStringLiteral("a task token submits sub-tasks only: X-MMF-Parent-Task-Id names a "
                                   "task of model %1")
                        .arg(QString::fromStdString(caller.claims->model()))));
            return;
        }
    } else {
        parent.clear(); // only model code, with its task token, records a parent
    }

    const v1::TokenClaims& claims = *caller.claims;
    Result<QByteArray> bytes = requestBytes(*model, request);
    if (!bytes) {
        ApiError::send(responder, bytes.error());
        return;
    }
    if (!hasLiveInstance(name, responder))
        return;
    TaskService::Submission submission;
    submission.model = model;
    submission.request = *bytes;
    submission.caller = caller.claims;
    submission.parentTaskId = parent;
    submission.taskId = m_context.tasks.newTaskId(model->name);
    if (!idempotencyKey.isEmpty()) {
        submission.idempotencyKey = idempotencyKey;
        submission.bodyHash = QCryptographicHash::hash(*bytes, QCryptographicHash::Sha256).toHex();
    }
    const bool binary = JsonBody::acceptsProtobuf(request);
    const QByteArray taskId = submission.taskId;
    // Wait first, submit next: the result cannot slip by between the two. The answer needs both: the waiter
    // called and Redis's reply to the submit.
    struct WaitState
    {
        bool waited = false;
        std::optional<TaskRecord> final; // from the final event, when it held the whole record
        std::optional<TaskService::Submitted> submitted;
    };
    auto state = std::make_shared<WaitState>();
    auto answer = [this, responder, claims, binary, state] {
        if (!state->waited || !state->submitted)
            return;
        if (state->final) {
            answerWithTask(responder, *state->final, binary, 202);
            return;
        }
        m_context.tasks.fetch(state->submitted->taskId, claims,
                              [this, responder, binary](Result<TaskRecord> record) {
                                  if (!record) {
                                      ApiError::send(responder, record.error());
                                      return;
                                  }
                                  answerWithTask(responder, *record, binary, 202);
                              });
    };
    if (waitMs > 0) {
        m_context.waiters.wait(taskId, waitMs,
                               [state, answer, request = *bytes, parent](const TaskEventRecord* final) {
                                   state->waited = true;
                                   if (final && final->describesFinalRecord())
                                       state->final = TaskRecord::fromFinalEvent(*final, request, parent);
                                   answer();
                               });
    }
    m_context.tasks.submit(std::move(submission), [this, responder, waitMs, state, answer, claims,
                                                   binary](Result<TaskService::Submitted> outcome) {
        if (!outcome) {
            ApiError::send(responder, outcome.error());
            return;
        }
        if (outcome->existing) {
            // An earlier task under the same key: answer with it (waiting for it if asked).
            answerAfterWait(responder, outcome->taskId, claims, waitMs, binary, 202);
            return;
        }
        if (waitMs == 0) {
            responder.sendJson(202, QByteArrayLiteral("{\"task_id\":\"") + outcome->taskId +
                                        QByteArrayLiteral("\",\"status\":\"queued\"}"));
            return;
        }
        state->submitted = *outcome;
        answer();
    });
}

bool TaskController::hasLiveInstance(const QByteArray& name, const HttpResponder& responder) const
{
    if (m_context.catalog.isLive(name))
        return true;
    ApiError::send(
        responder,
        Error::unavailable(QStringLiteral("model %1 has no live instance").arg(QString::fromUtf8(name))));
    return false;
}

void TaskController::answerWithTask(const HttpResponder& responder, const TaskRecord& record, bool binary,
                                    int pendingStatus)
{
    if (!record.isFinal() && pendingStatus == 202) {
        responder.sendJson(202, JsonBody::compact(QJsonObject{
                                    {QStringLiteral("task_id"), QString::fromLatin1(record.taskId)},
                                    {QStringLiteral("status"), QString::fromLatin1(record.status)},
                                    {QStringLiteral("attempts"), record.attempts}}));
        return;
    }
    if (binary && record.status == "succeeded") {
        responder.send(200, QByteArrayLiteral("application/x-protobuf"), record.result,
                       {{QByteArrayLiteral("X-MMF-Task-Id"), record.taskId},
                        {QByteArrayLiteral("X-MMF-Task-Status"), record.status}});
        return;
    }
    responder.sendJson(200, TaskJson::taskText(record, m_context.catalog.find(record.model)));
}

void TaskController::answerAfterWait(const HttpResponder& responder, const QByteArray& taskId,
                                     const v1::TokenClaims& caller, int waitMs, bool binary,
                                     int pendingStatus)
{
    m_context.tasks.fetch(taskId, caller, [=, this](Result<TaskRecord> record) {
        if (!record) {
            ApiError::send(responder, record.error());
            return;
        }
        if (record->isFinal() || waitMs == 0) {
            answerWithTask(responder, *record, binary, pendingStatus);
            return;
        }
        m_context.waiters.wait(taskId, waitMs, [=, this](const TaskEventRecord*) {
            m_context.tasks.fetch(taskId, caller, [=, this](Result<TaskRecord> again) {
                if (!again) {
                    ApiError::send(responder, again.error());
                    return;
                }
                answerWithTask(responder, *again, binary, pendingStatus);
            });
        });
    });
}

void TaskController::submitBatch(HttpRequest& request, const HttpResponder& responder, const Caller& caller)
{
    const ModelInfoPtr model = caller.model;
    const QByteArray name = model->name;
    Result<QJsonObject> body = JsonBody::parseObject(request.body);
    if (!body) {
        ApiError::send(responder, body.error());
        return;
    }
    const QJsonValue inputs = body->value(QStringLiteral("inputs"));
    if (!inputs.isArray()) {
        ApiError::send(responder,
                       Error::invalidArgument(QStringLiteral("inputs must be an array of request messages"),
                                              QStringLiteral("inputs")));
        return;
    }
    const QJsonArray array = inputs.toArray();
    if (array.isEmpty() || array.size() > m_context.settings.maxBatch) {
        ApiError::send(responder,
                       Error::invalidArgument(
                           QStringLiteral("inputs holds 1 to %1 requests").arg(m_context.settings.maxBatch),
                           QStringLiteral("inputs")));
        return;
    }
    std::vector<QByteArray> requests;
    requests.reserve(size_t(array.size()));
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue input = array.at(i);
        const QString path = QStringLiteral("inputs[%1]").arg(i);
        if (!input.isObject()) {
            ApiError::send(responder,
                           Error::invalidArgument(QStringLiteral("%1 must be an object").arg(path), path));
            return;
        }
        Result<QByteArray> bytes =
            ProtoJson::jsonToBinary(*model->descriptors, model->request, JsonBody::compact(input.toObject()));
        if (!bytes) {
            Error error = bytes.error();
            error.field = error.field.isEmpty() ? path : path + QLatin1Char('.') + error.field;
            error.message = path + QStringLiteral(": ") + error.message;
            ApiError::send(responder, error);
            return;
        }
        requests.push_back(std::move(*bytes));
    }
    if (!hasLiveInstance(name, responder))
        return;
    m_context.tasks.submitBatch(model, requests, *caller.claims, {},
                                [responder](Result<QList<QByteArray>> ids) {
                                    if (!ids) {
                                        ApiError::send(responder, ids.error());
                                        return;
                                    }
                                    QByteArray out;
                                    out.reserve(ids->size() * 29 + 16);
                                    out.append("{\"task_ids\":[");
                                    for (qsizetype i = 0; i < ids->size(); ++i) {
                                        if (i)
                                            out.append(',');
                                        out.append('"').append(ids->at(i)).append('"');
                                    }
                                    out.append("]}");
                                    responder.sendJson(202, out);
                                });
}

void TaskController::get(HttpRequest& request, const HttpResponder& responder, const RouteParams& params,
                         const Caller& caller)
{
    const QByteArray taskId = params.value("id");
    if (!validTaskId(taskId, responder))
        return;
    Result<int> waitMs = JsonBody::waitMs(request, m_context.settings.maxWaitSecs);
    if (!waitMs) {
        ApiError::send(responder, waitMs.error());
        return;
    }
    answerAfterWait(responder, taskId, *caller.claims, *waitMs, JsonBody::acceptsProtobuf(request), 200);
}

namespace {
// An RFC 3339 query parameter as ms since the epoch (0 when absent); false, and 400 answered, when malformed.
bool timeParam(const HttpRequest& request, const char* name, const HttpResponder& responder, qint64* ms)
{
    bool found = false;
    const QByteArray text = request.queryParam(name, &found);
    if (!found || text.isEmpty())
        return true;
    const QDateTime time = QDateTime::fromString(QString::fromLatin1(text), Qt::ISODateWithMs);
    if (!time.isValid()) {
        const QString field = QString::fromLatin1(name);
        ApiError::send(responder,
                       Error::invalidArgument(QStringLiteral("%1 is an RFC 3339 time").arg(field), field));
        return false;
    }
    *ms = time.toMSecsSinceEpoch();
    return true;
}

// An integer query parameter in [min, max] (`*value` unchanged when absent); false, and 400 answered, if not.
bool intParam(const HttpRequest& request, const char* name, int min, int max, const HttpResponder& responder,
              int* value)
{
    bool found = false;
    const QByteArray text = request.queryParam(name, &found);
    if (!found)
        return true;
    bool ok = false;
    const int parsed = text.toInt(&ok);
    if (!ok || parsed < min || parsed > max) {
        const QString field = QString::fromLatin1(name);
        ApiError::send(responder, Error::invalidArgument(
                                      QStringLiteral("%1 is %2 to %3").arg(field).arg(min).arg(max), field));
        return false;
    }
    *value = parsed;
    return true;
}
} // namespace

void TaskController::list(HttpRequest& request, const HttpResponder& responder, const Caller& caller)
{
    TaskService::ListQuery query;
    query.model = request.queryParam("model");
    query.status = request.queryParam("status");
    query.taskId = request.queryParam("id");
    query.parentTaskId = request.queryParam("parent");
    static const QList<QByteArray> kStatuses{"queued", "running",   "succeeded",
                                             "failed", "cancelled", "dead_lettered"};
    if (!query.status.isEmpty() && !kStatuses.contains(query.status)) {
        ApiError::send(responder,
                       Error::invalidArgument(QStringLiteral("status is one of queued, running, succeeded, "
                                                             "failed, cancelled, dead_lettered"),
                                              QStringLiteral("status")));
        return;
    }
    for (const QByteArray* id : {&query.taskId, &query.parentTaskId}) {
        if (!id->isEmpty() && !TaskIdGenerator::isValid(*id)) {
            const QString field = id == &query.taskId ? QStringLiteral("id") : QStringLiteral("parent");
            ApiError::send(responder,
                           Error::invalidArgument(QStringLiteral("%1 is not a task id").arg(field), field));
            return;
        }
    }
    qint64 untilMs = 0;
    if (!intParam(request, "limit", 1, 1000, responder, &query.limit) ||
        !intParam(request, "offset", 0, TaskService::kMaxScan, responder, &query.offset) ||
        !timeParam(request, "before", responder, &query.beforeMs) ||
        !timeParam(request, "until", responder, &untilMs) ||
        !timeParam(request, "since", responder, &query.sinceMs))
        return;
    if (untilMs > 0 && (query.beforeMs == 0 || untilMs < query.beforeMs))
        query.beforeMs = untilMs;
    m_context.tasks.list(*caller.claims, query, [responder](Result<TaskService::ListPage> page) {
        if (!page) {
            ApiError::send(responder, page.error());
            return;
        }
        QJsonArray tasks;
        for (const TaskService::ListedTask& listed : page->tasks) {
            QJsonObject summary = TaskJson::taskSummary(listed.record);
            summary.insert(QStringLiteral("sub_tasks"), double(listed.subTasks));
            if (!listed.children.isEmpty()) {
                QJsonArray children;
                for (const TaskRecord& child : listed.children)
                    children.append(TaskJson::taskSummary(child));
                summary.insert(QStringLiteral("children"), children);
            }
            tasks.append(summary);
        }
        QJsonObject out{{QStringLiteral("tasks"), tasks}, {QStringLiteral("total"), double(page->total)}};
        if (!page->tasks.isEmpty())
            out.insert(QStringLiteral("next_before"),
                       TaskJson::isoTime(page->tasks.last().record.createdAtMs));
        responder.sendJson(200, JsonBody::compact(out));
    });
}

void TaskController::timeline(const HttpResponder& responder, const RouteParams& params, const Caller& caller)
{
    const QByteArray taskId = params.value("id");
    if (!validTaskId(taskId, responder))
        return;
    m_context.tasks.fetch(taskId, *caller.claims, [responder](Result<TaskRecord> record) {
        if (!record) {
            ApiError::send(responder, record.error());
            return;
        }
        responder.sendJson(200, JsonBody::compact(TaskJson::timeline(*record)));
    });
}

void TaskController::cancel(const HttpResponder& responder, const RouteParams& params, const Caller& caller)
{
    const QByteArray taskId = params.value("id");
    if (!validTaskId(taskId, responder))
        return;
    m_context.tasks.cancel(taskId, *caller.claims, [responder, taskId](Result<QByteArray> status) {
        if (!status) {
            ApiError::send(responder, status.error());
            return;
        }
        responder.sendJson(
            200, JsonBody::compact(QJsonObject{{QStringLiteral("task_id"), QString::fromLatin1(taskId)},
                                               {QStringLiteral("status"), QString::fromLatin1(*status)}}));
    });
}

void TaskController::logs(HttpRequest& request, const HttpResponder& responder, const RouteParams& params,
                          const Caller& caller)
{
    const QByteArray taskId = params.value("id");
    if (!validTaskId(taskId, responder))
        return;
    qint64 from = 0;
    bool found = false;
    const QByteArray fromText = request.queryParam("from", &found);
    if (found) {
        bool ok = false;
        from = fromText.toLongLong(&ok);
        if (!ok || from < 0) {
            ApiError::send(responder,
                           Error::invalidArgument(QStringLiteral("from is a log sequence number (0 or more)"),
                                                  QStringLiteral("from")));
            return;
        }
    }
    m_context.tasks.logs(
        taskId, *caller.claims, from, [responder](Result<QList<TaskService::LogLine>> lines) {
            if (!lines) {
                ApiError::send(responder, lines.error());
                return;
            }
            QJsonArray out;
            for (const TaskService::LogLine& line : *lines) {
                out.append(QJsonObject{{QStringLiteral("seq"), double(line.seq)},
                                       {QStringLiteral("ts"), TaskJson::isoTime(line.tsMs)},
                                       {QStringLiteral("level"), QString::fromLatin1(line.level)},
                                       {QStringLiteral("text"), QString::fromUtf8(line.text)}});
            }
            responder.sendJson(200, JsonBody::compact(QJsonObject{{QStringLiteral("lines"), out}}));
        });
}

} // namespace mmf
