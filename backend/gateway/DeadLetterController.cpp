#include "gateway/DeadLetterController.h"

#include "accounts/AccountStore.h"
#include "broker/BrokerKeys.h"
#include "broker/StreamEntry.h"
#include "broker/TaskIdGenerator.h"
#include "gateway/ApiError.h"
#include "gateway/GatewaySettings.h"
#include "gateway/JsonBody.h"
#include "gateway/ModelCatalog.h"
#include "gateway/TaskJson.h"
#include "gateway/TaskService.h"
#include "redis/RedisClient.h"

#include "core/Clock.h"

#include "mmf/v1/task.pb.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSet>

#include <cctype>

#include <memory>

namespace mmf {

namespace {

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;
constexpr int kMaxReplay = 10000; // tasks per replay call

Error unavailable(const RedisReply& reply)
{
    return Error::unavailable(QStringLiteral("the task store is unavailable: %1").arg(reply.toString()));
}

// Looser than TaskIdGenerator::isValid on purpose: a dead letter forged with any id must still be removable.
bool plausibleTaskId(const QByteArray& id)
{
    if (id.isEmpty() || id.size() > 96)
        return false;
    for (char c : id) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

} // namespace

DeadLetterController::DeadLetterController(GatewayContext& context)
    : m_context(context)
    , m_minter(context.signingKey, context.clock, context.settings.retentionSecs)
{}

void DeadLetterController::registerRoutes(ApiRoutes& routes)
{
    const RouteAccess access = RouteAccess::method("admin").onModel();
    routes.add("GET", "/api/v1/models/{name}/dead-letters", access,
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { list(request, responder, caller.model->name); });
    routes.add("POST", "/api/v1/models/{name}/dead-letters:replay", access,
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { replay(request, responder, *caller.model); });
    routes.add(
        "DELETE", "/api/v1/models/{name}/dead-letters/{task_id}", access,
        [this](HttpRequest&, const HttpResponder& responder, const RouteParams& params,
               const Caller& caller) { discard(responder, caller.model->name, params.value("task_id")); });
}

void DeadLetterController::list(HttpRequest& request, const HttpResponder& responder, const QByteArray& model)
{
    bool found = false;
    int limit = kDefaultLimit;
    const QByteArray limitText = request.queryParam("limit", &found);
    if (found) {
        bool ok = false;
        limit = limitText.toInt(&ok);
        if (!ok || limit < 1 || limit > kMaxLimit) {
            ApiError::send(responder,
                           Error::invalidArgument(QStringLiteral("limit is 1 to %1").arg(kMaxLimit),
                                                  QStringLiteral("limit")));
            return;
        }
    }
    QByteArray end = "+";
    const QByteArray before = request.queryParam("before", &found);
    if (found && !before.isEmpty()) {
        const QDateTime time = QDateTime::fromString(QString::fromLatin1(before), Qt::ISODateWithMs);
        if (!time.isValid()) {
            ApiError::send(responder, Error::invalidArgument(QStringLiteral("before is an RFC 3339 time"),
                                                             QStringLiteral("before")));
            return;
        }
        end = "(" + QByteArray::number(time.toMSecsSinceEpoch()) + "-0";
    }
    {
        m_context.redis.command(
            {"XREVRANGE", BrokerKeys::dead(model), end, "-", "COUNT", QByteArray::number(limit)},
            [this, responder, limit](const RedisReply& reply) {
                if (reply.isError()) {
                    ApiError::send(responder, unavailable(reply));
                    return;
                }
                auto entries = std::make_shared<std::vector<StreamEntry>>(StreamEntry::parseEntries(reply));
                // The login of each user next to the id (an admin reads names, not ids): one HGET per user.
                QList<QByteArray> users;
                for (const StreamEntry& entry : *entries)
                    if (const QByteArray u = entry.value("u"); !u.isEmpty() && !users.contains(u))
                        users.append(u);
                auto logins = std::make_shared<QHash<QByteArray, QString>>();
                auto answer = [responder, limit, entries, logins] {
                    QJsonArray out;
                    qint64 lastMs = 0;
                    for (const StreamEntry& entry : *entries) {
                        const qint64 ts = entry.value("ts").toLongLong();
                        lastMs = entry.id.left(entry.id.indexOf('-')).toLongLong();
                        QJsonObject letter{
                            {QStringLiteral("task_id"), QString::fromLatin1(entry.value("id"))},
                            {QStringLiteral("user_id"), QString::fromUtf8(entry.value("u"))},
                            {QStringLiteral("attempts"), entry.value("a").toInt()},
                            {QStringLiteral("error"),
                             QJsonObject{{QStringLiteral("code"), QString::fromUtf8(entry.value("ec"))},
                                         {QStringLiteral("message"), QString::fromUtf8(entry.value("em"))}}},
                            {QStringLiteral("dead_lettered_at"), TaskJson::isoTime(ts > 0 ? ts : lastMs)}};
                        if (const QString login = logins->value(entry.value("u")); !login.isEmpty())
                            letter.insert(QStringLiteral("login"), login);
                        out.append(letter);
                    }
                    QJsonObject body{{QStringLiteral("dead_letters"), out}};
                    if (out.size() == limit && lastMs > 0)
                        body.insert(QStringLiteral("next_before"), TaskJson::isoTime(lastMs));
                    responder.sendJson(200, JsonBody::compact(body));
                };
                if (users.isEmpty()) {
                    answer();
                    return;
                }
                auto remaining = std::make_shared<int>(int(users.size()));
                for (const QByteArray& user : std::as_const(users)) {
                    // A user id that is no account (a token issued for a bare name) keeps its id only.
                    m_context.redis.command({"HGET", AccountStore::accountKey(user), "login"},
                                            [user, logins, remaining, answer](const RedisReply& r) {
                                                if (!r.isError() && !r.isNil())
                                                    logins->insert(user, QString::fromUtf8(r.toByteArray()));
                                                if (--*remaining == 0)
                                                    answer();
                                            });
                }
            });
    }
}

void DeadLetterController::replay(HttpRequest& request, const HttpResponder& responder,
                                  const ModelInfo& model)
{
    Result<QJsonObject> body = JsonBody::parseObject(request.body);
    if (!body) {
        ApiError::send(responder, body.error());
        return;
    }
    const bool all = body->value(QStringLiteral("all")).toBool(false);
    if (body->contains(QStringLiteral("all")) && !body->value(QStringLiteral("all")).isBool()) {
        ApiError::send(responder, Error::invalidArgument(QStringLiteral("all must be true or false"),
                                                         QStringLiteral("all")));
        return;
    }
    QList<QByteArray> taskIds;
    const QJsonValue ids = body->value(QStringLiteral("task_ids"));
    if (!ids.isUndefined()) {
        if (!ids.isArray() || ids.toArray().size() > kMaxReplay) {
            ApiError::send(responder,
                           Error::invalidArgument(
                               QStringLiteral("task_ids is an array of at most %1 task ids").arg(kMaxReplay),
                               QStringLiteral("task_ids")));
            return;
        }
        const QJsonArray array = ids.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QByteArray id = array.at(i).toString().toLatin1();
            if (!array.at(i).isString() || !plausibleTaskId(id)) {
                ApiError::send(responder, Error::invalidArgument(QStringLiteral("not a task id"),
                                                                 QStringLiteral("task_ids[%1]").arg(i)));
                return;
            }
            taskIds.append(id);
        }
    }
    if (all == !ids.isUndefined()) {
        ApiError::send(responder, Error::invalidArgument(QStringLiteral("give either task_ids or all: true"),
                                                         QStringLiteral("task_ids")));
        return;
    }
    ModelInfoPtr shared = m_context.catalog.find(model.name);
    if (!shared)
        shared = std::make_shared<const ModelInfo>(model);
    if (!all) {
        replayTasks(shared, taskIds, responder);
        return;
    }
    {
        m_context.redis.command(
            {"XRANGE", BrokerKeys::dead(model.name), "-", "+", "COUNT", QByteArray::number(kMaxReplay)},
            [this, responder, model = shared](const RedisReply& reply) {
                if (reply.isError()) {
                    ApiError::send(responder, unavailable(reply));
                    return;
                }
                QList<QByteArray> listed;
                for (const StreamEntry& entry : StreamEntry::parseEntries(reply)) {
                    const QByteArray id = entry.value("id");
                    if (!id.isEmpty())
                        listed.append(id);
                }
                replayTasks(model, listed, responder);
            });
    }
}

void DeadLetterController::replayTasks(const ModelInfoPtr& modelInfo, const QList<QByteArray>& taskIds,
                                       const HttpResponder& responder)
{
    enum Outcome
    {
        Pending,
        Replayed,
        NotFound,
        Refused
    };
    struct State
    {
        QList<QByteArray> ids;
        std::vector<Outcome> outcome;
        int remaining = 0;
        bool failed = false;
    };
    auto state = std::make_shared<State>();
    QSet<QByteArray> seen;
    for (const QByteArray& id : taskIds) {
        if (!seen.contains(id)) {
            seen.insert(id);
            state->ids.append(id);
        }
    }
    state->outcome.assign(size_t(state->ids.size()), Pending);
    state->remaining = int(state->ids.size());
    auto finishOne = [state, responder](int index, Outcome outcome, const RedisReply* error) {
        if (state->failed)
            return;
        if (error) {
            state->failed = true;
            ApiError::send(responder, unavailable(*error));
            return;
        }
        state->outcome[size_t(index)] = outcome;
        if (--state->remaining > 0)
            return;
        QJsonArray lists[3];
        for (qsizetype i = 0; i < state->ids.size(); ++i)
            lists[state->outcome[size_t(i)] - 1].append(QString::fromLatin1(state->ids.at(i)));
        responder.sendJson(200, JsonBody::compact(QJsonObject{{QStringLiteral("replayed"), lists[0]},
                                                              {QStringLiteral("not_found"), lists[1]},
                                                              {QStringLiteral("refused"), lists[2]}}));
    };
    if (state->ids.isEmpty()) {
        responder.sendJson(200, JsonBody::compact(QJsonObject{{QStringLiteral("replayed"), QJsonArray()},
                                                              {QStringLiteral("not_found"), QJsonArray()},
                                                              {QStringLiteral("refused"), QJsonArray()}}));
        return;
    }
    const QByteArray model = modelInfo->name;
    for (qsizetype i = 0; i < state->ids.size(); ++i) {
        const QByteArray id = state->ids.at(i);
        const int index = int(i);
        m_context.redis.command(
            {"HMGET", BrokerKeys::task(model, id), "st", "u", "req", "c", "par", "env"},
            [this, modelInfo, model, id, index, finishOne](const RedisReply& reply) {
                if (reply.isError()) {
                    finishOne(index, Pending, &reply);
                    return;
                }
                const auto replay = [this, model, id, index, finishOne](const QByteArray& envelope) {
                    m_context.redis.command(m_context.settings.brokerCalls(model)
                                                .replay(id, envelope, m_context.clock.nowMs())
                                                .argv(),
                                            [index, finishOne](const RedisReply& r) {
                                                if (r.isError())
                                                    finishOne(index, Pending, &r);
                                                else
                                                    finishOne(index, r.view() == "ok" ? Replayed : NotFound,
                                                              nullptr);
                                            });
                };
                // The envelope is made afresh from what the hash keeps (its request, creation and parent); a
                // task of an older server kept its whole envelope instead. Its token is replaced below.
                auto envelope = std::make_shared<v1::TaskEnvelope>();
                bool found = false;
                if (!reply.at(2).isNil()) {
                    *envelope =
                        TaskService::envelope(model, id, reply.at(2).view(), reply.at(4).view(),
                                              reply.at(1).view(), reply.at(3).toByteArray().toLongLong());
                    found = true;
                } else {
                    const QByteArray stored = reply.at(5).toByteArray();
                    found =
                        !stored.isEmpty() && envelope->ParseFromArray(stored.constData(), int(stored.size()));
                }
                if (reply.at(0).view() != "dead_lettered" || !found) {
                    // Not replayable here; the function still tidies a stale dead-list entry.
                    replay(QByteArray(""));
                    return;
                }
                // The owner named in the model-written hash must be backed by the server's own record: the
                // user's task list, or for a sub-task the parent's sub-task list (written by servers only),
                // holds the id. An id of the old form names no model, so its server-written index must
                // already point here.
                const QByteArray user = reply.at(1).toByteArray();
                const QByteArray parent = reply.at(4).toByteArray(); // picks the list; the list vouches
                const bool legacyId = TaskIdGenerator::modelOf(id).isEmpty();
                if (user.isEmpty() || (!legacyId && TaskIdGenerator::modelOf(id) != model)) {
                    finishOne(index, Refused, nullptr);
                    return;
                }
                auto grant = [this, modelInfo, model, id, user, parent, legacyId, envelope, replay] {
                    v1::TokenClaims owner;
                    owner.set_user_id(user.toStdString());
                    owner.set_project_id(modelInfo->project.toStdString());
                    const QByteArray token = m_minter.tokenFor(owner, model);
                    envelope->set_task_token(token.constData(), size_t(token.size()));
                    const QByteArray fresh = TaskService::serialize(*envelope);
                    // An old-form id finds its model through an index that expires with the task's first
                    // retention; a replay lives one more.
                    if (legacyId)
                        m_context.redis.command({"EXPIRE", BrokerKeys::taskIndex(id),
                                                 QByteArray::number(m_context.settings.retentionSecs)});
                    m_context.tasks.listAgain(user, parent, id);
                    replay(fresh);
                };
                m_context.redis.command(
                    {"ZSCORE", BrokerKeys::taskList(user, parent), id},
                    [this, model, id, legacyId, index, finishOne, grant](const RedisReply& listed) {
                        if (listed.isError())
                            return finishOne(index, Pending, &listed);
                        if (listed.isNil())
                            return finishOne(index, Refused, nullptr);
                        if (!legacyId)
                            return grant();
                        m_context.redis.command({"GET", BrokerKeys::taskIndex(id)},
                                                [model, index, finishOne, grant](const RedisReply& indexed) {
                                                    if (indexed.isError())
                                                        return finishOne(index, Pending, &indexed);
                                                    if (indexed.toByteArray() != model)
                                                        return finishOne(index, Refused, nullptr);
                                                    grant();
                                                });
                    });
            });
    }
}

void DeadLetterController::discard(const HttpResponder& responder, const QByteArray& model,
                                   const QByteArray& taskId)
{
    {
        if (!plausibleTaskId(taskId)) {
            ApiError::send(responder, Error::notFound(QStringLiteral("no dead letter for that task")));
            return;
        }
        m_context.redis.command(
            m_context.settings.brokerCalls(model).discardDead(taskId).argv(),
            [responder, taskId](const RedisReply& reply) {
                if (reply.isError()) {
                    ApiError::send(responder, unavailable(reply));
                    return;
                }
                if (reply.integer() == 0) {
                    ApiError::send(
                        responder,
                        Error::notFound(
                            QStringLiteral("no dead letter for task %1").arg(QString::fromLatin1(taskId))));
                    return;
                }
                responder.send(204, {}, {});
            });
    }
}

} // namespace mmf
