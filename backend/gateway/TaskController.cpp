#include "gateway/TaskController.h"

#include "auth/TokenCodec.h"
#include "broker/BrokerKeys.h"
#include "broker/TaskIdGenerator.h"
#include "gateway/ApiError.h"
#include "gateway/AuthGuard.h"
#include "gateway/GatewaySettings.h"
#include "gateway/JsonBody.h"
#include "gateway/ModelCatalog.h"
#include "gateway/TaskJson.h"
#include "gateway/TaskService.h"
#include "gateway/TaskWaiters.h"
#include "scaler/ScalingView.h"
#include "schema/DescriptorSet.h"
#include "schema/ProtoJson.h"

#include <google/protobuf/message.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>

#include <memory>

namespace mmf {

namespace {

constexpr int kMaxIdempotencyKey = 200;

Result<v1::TokenClaims> authenticateForRead(const GatewayContext& context, const HttpRequest& request)
{
    // Model code reads its sub-tasks with its task token, which is score-only.
    Result<v1::TokenClaims> claims = context.auth.authenticate(request, {});
    if (claims && !hasMethod(*claims, "read") && !isTaskToken(*claims))
        return Error::permissionDenied(QStringLiteral("this token does not grant 'read'"));
    return claims;
}

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

void TaskController::registerRoutes(Router& router)
{
    using namespace std::placeholders;
    router.add("POST", "/api/v1/models/{name}/tasks", std::bind(&TaskController::submit, this, _1, _2, _3));
    router.add("POST", "/api/v1/models/{name}/tasks:batch",
               std::bind(&TaskController::submitBatch, this, _1, _2, _3));
    router.add("GET", "/api/v1/tasks", std::bind(&TaskController::list, this, _1, _2, _3));
    router.add("GET", "/api/v1/tasks/{id}", std::bind(&TaskController::get, this, _1, _2, _3));
    router.add("POST", "/api/v1/tasks/{id}/cancel", std::bind(&TaskController::cancel, this, _1, _2, _3));
    router.add("GET", "/api/v1/tasks/{id}/logs", std::bind(&TaskController::logs, this, _1, _2, _3));
    router.add("GET", "/api/v1/tasks/{id}/timeline", std::bind(&TaskController::timeline, this, _1, _2, _3));
}

void TaskController::submit(HttpRequest& request, const HttpResponder& responder, const RouteParams& params)
{
    Result<v1::TokenClaims> claims = m_context.auth.authenticate(request, "score");
    if (!claims) {
        ApiError::send(responder, claims.error());
        return;
    }
    const QByteArray name = params.value("name");
    if (!BrokerKeys::isValidModelName(name)) {
        ApiError::send(responder,
                       Error::invalidArgument(QStringLiteral("model names match [a-z][a-z0-9_-]{0,62}")));
        return;
    }
    Result<int> waitMs = JsonBody::waitMs(request, m_context.settings.maxWaitSecs);
    if (!waitMs) {
        ApiError::send(responder, waitMs.error());
        return;
    }
    const QByteArray idempotencyKey = request.header("idempotency-key");
    if (!idempotencyKey.isNull() && !validIdempotencyKey(idempotencyKey)) {
        ApiError::send(responder,
                       Error::invalidArgument(QStringLiteral("Idempotency-Key is 1 to 200 visible ASCII "
                                                             "characters"),
                                              QStringLiteral("Idempotency-Key")));
        return;
    }
    QByteArray parent = request.header("x-mmf-parent-task-id");
    if (!parent.isNull() && (!isTaskToken(*claims) || !TaskIdGenerator::isValid(parent)))
        parent.clear(); // only model code, with its task token, records a parent

    auto shared = std::make_shared<HttpRequest>(std::move(request));
    withModel(name, *claims, responder,
              [this, shared, responder, claims = *claims, name, waitMs = *waitMs, idempotencyKey,
               parent](const ModelInfoPtr& model) {
                  Result<QByteArray> bytes = requestBytes(*model, *shared);
                  if (!bytes) {
                      ApiError::send(responder, bytes.error());
                      return;
                  }
                  if (!hasLiveInstance(name, responder))
                      return;
                  TaskService::Submission submission;
                  submission.model = model;
                  submission.request = *bytes;
                  submission.caller = claims;
                  submission.parentTaskId = parent;
                  submission.taskId = m_context.tasks.newTaskId(model->name);
                  if (!idempotencyKey.isEmpty()) {
                      submission.idempotencyKey = idempotencyKey;
                      submission.bodyHash =
                          QCryptographicHash::hash(*bytes, QCryptographicHash::Sha256).toHex();
                  }
                  const bool binary = JsonBody::acceptsProtobuf(*shared);
                  const QByteArray taskId = submission.taskId;
                  // Wait first, submit next: the result cannot slip by between the two.
                  auto waitOutcome = std::make_shared<std::optional<bool>>();
                  auto submitted = std::make_shared<std::optional<TaskService::Submitted>>();
                  auto answer = [this, responder, claims, binary, waitOutcome, submitted] {
                      if (!waitOutcome->has_value() || !submitted->has_value())
                          return;
                      const QByteArray id = (*submitted)->taskId;
                      m_context.tasks.fetch(id, claims, [this, responder, binary](Result<TaskRecord> record) {
                          if (!record) {
                              ApiError::send(responder, record.error());
                              return;
                          }
                          answerWithTask(responder, *record, binary, 202);
                      });
                  };
                  if (waitMs > 0) {
                      m_context.waiters.wait(taskId, waitMs, [waitOutcome, answer](bool finished) {
                          *waitOutcome = finished;
                          answer();
                      });
                  }
                  m_context.tasks.submit(
                      std::move(submission), [this, responder, waitMs, waitOutcome, submitted, answer, claims,
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
                          *submitted = *outcome;
                          answer();
                      });
              });
}

void TaskController::withModel(const QByteArray& name, const v1::TokenClaims& caller,
                               const HttpResponder& responder, std::function<void(const ModelInfoPtr&)> then)
{
    m_context.catalog.lookup(
        name, [responder, caller, name, then = std::move(then)](Result<ModelInfoPtr> found) {
            if (!found) {
                ApiError::send(responder, found.error());
                return;
            }
            const ModelInfoPtr model = *found;
            if (!model) {
                ApiError::send(responder,
                               Error::notFound(QStringLiteral("no model %1").arg(QString::fromUtf8(name))));
                return;
            }
            if (!isAdmin(caller) && model->project != QByteArrayView(caller.project_id())) {
                ApiError::send(
                    responder,
                    Error::permissionDenied(
                        QStringLiteral("model %1 belongs to another project").arg(QString::fromUtf8(name))));
                return;
            }
            then(model);
        });
}

bool TaskController::hasLiveInstance(const QByteArray& name, const HttpResponder& responder) const
{
    if (m_context.catalog.stats(name).instances > 0)
        return true;
    // A model the scaler will start a replica for (cold start) takes tasks at zero replicas.
    if (m_context.scaling) {
        const std::optional<ModelScaling> scaling = m_context.scaling->scalingOf(name);
        if (scaling && scaling->coldStarts)
            return true;
    }
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
    responder.sendJson(200, JsonBody::compact(TaskJson::task(record, m_context.catalog.find(record.model))));
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
        m_context.waiters.wait(taskId, waitMs, [=, this](bool) {
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

void TaskController::submitBatch(HttpRequest& request, const HttpResponder& responder,
                                 const RouteParams& params)
{
    Result<v1::TokenClaims> claims = m_context.auth.authenticate(request, "score");
    if (!claims) {
        ApiError::send(responder, claims.error());
        return;
    }
    const QByteArray name = params.value("name");
    if (!BrokerKeys::isValidModelName(name)) {
        ApiError::send(responder,
                       Error::invalidArgument(QStringLiteral("model names match [a-z][a-z0-9_-]{0,62}")));
        return;
    }
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
    withModel(name, *claims, responder,
              [this, responder, claims = *claims, name, array](const ModelInfoPtr& model) {
                  std::vector<QByteArray> requests;
                  requests.reserve(size_t(array.size()));
                  for (qsizetype i = 0; i < array.size(); ++i) {
                      const QJsonValue input = array.at(i);
                      const QString path = QStringLiteral("inputs[%1]").arg(i);
                      if (!input.isObject()) {
                          ApiError::send(
                              responder,
                              Error::invalidArgument(QStringLiteral("%1 must be an object").arg(path), path));
                          return;
                      }
                      Result<QByteArray> bytes = ProtoJson::jsonToBinary(*model->descriptors, model->request,
                                                                         JsonBody::compact(input.toObject()));
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
                  m_context.tasks.submitBatch(model, requests, claims, {},
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
              });
}

void TaskController::get(HttpRequest& request, const HttpResponder& responder, const RouteParams& params)
{
    Result<v1::TokenClaims> claims = authenticateForRead(m_context, request);
    if (!claims) {
        ApiError::send(responder, claims.error());
        return;
    }
    const QByteArray taskId = params.value("id");
    if (!TaskIdGenerator::isValid(taskId)) {
        ApiError::send(responder,
                       Error::notFound(QStringLiteral("no task %1").arg(QString::fromUtf8(taskId))));
        return;
    }
    Result<int> waitMs = JsonBody::waitMs(request, m_context.settings.maxWaitSecs);
    if (!waitMs) {
        ApiError::send(responder, waitMs.error());
        return;
    }
    answerAfterWait(responder, taskId, *claims, *waitMs, JsonBody::acceptsProtobuf(request), 200);
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

void TaskController::list(HttpRequest& request, const HttpResponder& responder, const RouteParams&)
{
    Result<v1::TokenClaims> claims = m_context.auth.authenticate(request, "read");
    if (!claims) {
        ApiError::send(responder, claims.error());
        return;
    }
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
    m_context.tasks.list(*claims, query, [responder](Result<TaskService::ListPage> page) {
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

void TaskController::timeline(HttpRequest& request, const HttpResponder& responder, const RouteParams& params)
{
    Result<v1::TokenClaims> claims = authenticateForRead(m_context, request);
    if (!claims) {
        ApiError::send(responder, claims.error());
        return;
    }
    const QByteArray taskId = params.value("id");
    if (!TaskIdGenerator::isValid(taskId)) {
        ApiError::send(responder,
                       Error::notFound(QStringLiteral("no task %1").arg(QString::fromUtf8(taskId))));
        return;
    }
    m_context.tasks.fetch(taskId, *claims, [responder](Result<TaskRecord> record) {
        if (!record) {
            ApiError::send(responder, record.error());
            return;
        }
        responder.sendJson(200, JsonBody::compact(TaskJson::timeline(*record)));
    });
}

void TaskController::cancel(HttpRequest& request, const HttpResponder& responder, const RouteParams& params)
{
    Result<v1::TokenClaims> claims = m_context.auth.authenticate(request, "score");
    if (!claims) {
        ApiError::send(responder, claims.error());
        return;
    }
    const QByteArray taskId = params.value("id");
    if (!TaskIdGenerator::isValid(taskId)) {
        ApiError::send(responder,
                       Error::notFound(QStringLiteral("no task %1").arg(QString::fromUtf8(taskId))));
        return;
    }
    m_context.tasks.cancel(taskId, *claims, [responder, taskId](Result<QByteArray> status) {
        if (!status) {
            ApiError::send(responder, status.error());
            return;
        }
        responder.sendJson(
            200, JsonBody::compact(QJsonObject{{QStringLiteral("task_id"), QString::fromLatin1(taskId)},
                                               {QStringLiteral("status"), QString::fromLatin1(*status)}}));
    });
}

void TaskController::logs(HttpRequest& request, const HttpResponder& responder, const RouteParams& params)
{
    Result<v1::TokenClaims> claims = authenticateForRead(m_context, request);
    if (!claims) {
        ApiError::send(responder, claims.error());
        return;
    }
    const QByteArray taskId = params.value("id");
    if (!TaskIdGenerator::isValid(taskId)) {
        ApiError::send(responder,
                       Error::notFound(QStringLiteral("no task %1").arg(QString::fromUtf8(taskId))));
        return;
    }
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
    m_context.tasks.logs(taskId, *claims, from, [responder](Result<QList<TaskService::LogLine>> lines) {
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
