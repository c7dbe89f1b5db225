#include "gateway/DeadLetterController.h"

#include "accounts/AccountStore.h"
#include "broker/BrokerKeys.h"
#include "broker/StreamEntry.h"
#include "broker/TaskIdGenerator.h"
#include "gateway/ApiError.h"
#include "gateway/AuthGuard.h"
#include "gateway/GatewaySettings.h"
#include "gateway/JsonBody.h"
#include "gateway/ModelCatalog.h"
#include "gateway/TaskJson.h"
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

void DeadLetterController::registerRoutes(Router& router)
{
    using namespace std::placeholders;
    router.add("GET", "/api/v1/models/{name}/dead-letters",
               std::bind(&DeadLetterController::list, this, _1, _2, _3));
    router.add("POST", "/api/v1/models/{name}/dead-letters:replay",
               std::bind(&DeadLetterController::replay, this, _1, _2, _3));
    router.add("DELETE", "/api/v1/models/{name}/dead-letters/{task_id}",
               std::bind(&DeadLetterController::discard, this, _1, _2, _3));
}

void DeadLetterController::withModel(HttpRequest& request, const HttpResponder& responder,
                                     const RouteParams& params,
                                     std::function<void(const QByteArray& model)> next)
{
    Result<v1::TokenClaims> claims = m_context.auth.authenticate(request, "admin");
    if (!claims) {
        ApiError::send(responder, claims.error());
        return;
    }
    const QByteArray name = params.value("name");
    auto noModel = [name] {
        return Error::notFound(QStringLiteral("no model %1").arg(QString::fromUtf8(name)));
    };
    if (!BrokerKeys::isValidModelName(name)) {
        ApiError::send(responder, noModel());
        return;
    }
    m_context.catalog.lookup(name,
                             [responder, name, noModel, next = std::move(next)](Result<ModelInfoPtr> found) {
                                 if (!found) {
                                     ApiError::send(responder, found.error());
                                     return;
                                 }
                                 if (!*found) {
                                     ApiError::send(responder, noModel());
                                     return;
                                 }
                                 next(name);
                             });
}

void DeadLetterController::list(HttpRequest& request, const HttpResponder& responder,
                                const RouteParams& params)
{
    // Who asks comes before what is asked: a non-admin learns nothing from the validation of its request.
    if (Result<v1::TokenClaims> claims = m_context.auth.authenticate(request, "admin"); !claims) {
        ApiError::send(responder, claims.error());
        return;
    }
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
    withModel(request, responder, params, [this, responder, end, limit](const QByteArray& model) {
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
    });
}

void DeadLetterController::replay(HttpRequest& request, const HttpResponder& responder,
                                  const RouteParams& params)
{
    // Who asks comes before what is asked: a non-admin learns nothing from the validation of its request.
    if (Result<v1::TokenClaims> claims = m_context.auth.authenticate(request, "admin"); !claims) {
        ApiError::send(responder, claims.error());
        return;
    }
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
    withModel(request, responder, params, [this, responder, all, taskIds](const QByteArray& model) {
        if (!all) {
            replayTasks(model, taskIds, responder);
            return;
        }
        m_context.redis.command(
            {"XRANGE", BrokerKeys::dead(model), "-", "+", "COUNT", QByteArray::number(kMaxReplay)},
            [this, responder, model](const RedisReply& reply) {
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
    });
}

void DeadLetterController::replayTasks(const QByteArray& model, const QList<QByteArray>& taskIds,
                                       const HttpResponder& responder)
{
    struct State
    {
        QList<QByteArray> ids;
        std::vector<int> outcome; // 0 pending, 1 replayed, 2 not found
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
    state->outcome.assign(size_t(state->ids.size()), 0);
    state->remaining = int(state->ids.size());
    auto finishOne = [state, responder](int index, int outcome, const RedisReply* error) {
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
        QJsonArray replayed;
        QJsonArray notFound;
        for (qsizetype i = 0; i < state->ids.size(); ++i)
            (state->outcome[size_t(i)] == 1 ? replayed : notFound)
                .append(QString::fromLatin1(state->ids.at(i)));
        responder.sendJson(200, JsonBody::compact(QJsonObject{{QStringLiteral("replayed"), replayed},
                                                              {QStringLiteral("not_found"), notFound}}));
    };
    if (state->ids.isEmpty()) {
        responder.sendJson(200, JsonBody::compact(QJsonObject{{QStringLiteral("replayed"), QJsonArray()},
                                                              {QStringLiteral("not_found"), QJsonArray()}}));
        return;
    }
    for (qsizetype i = 0; i < state->ids.size(); ++i) {
        const QByteArray id = state->ids.at(i);
        const int index = int(i);
        m_context.redis.command(
            {"HMGET", BrokerKeys::task(model, id), "st", "u", "p", "env"},
            [this, model, id, index, finishOne](const RedisReply& reply) {
                const GatewaySettings& settings = m_context.settings;
                if (reply.isError()) {
                    finishOne(index, 0, &reply);
                    return;
                }
                const auto replay = [&](const QByteArray& envelope) {
                    m_context.redis.command(
                        settings.brokerCalls(model).replay(id, envelope, m_context.clock.nowMs()).argv(),
                        [index, finishOne](const RedisReply& r) {
                            if (r.isError())
                                finishOne(index, 0, &r);
                            else
                                finishOne(index, r.view() == "ok" ? 1 : 2, nullptr);
                        });
                };
                v1::TaskEnvelope envelope;
                const QByteArray stored = reply.at(3).toByteArray();
                if (reply.at(0).view() != "dead_lettered" || stored.isEmpty() ||
                    !envelope.ParseFromArray(stored.constData(), int(stored.size()))) {
                    // Not replayable here; the function still tidies a stale dead-list entry.
                    replay(QByteArray(""));
                    return;
                }
                v1::TokenClaims owner;
                owner.set_user_id(reply.at(1).toByteArray().toStdString());
                owner.set_project_id(reply.at(2).toByteArray().toStdString());
                const QByteArray token = m_minter.tokenFor(owner, model);
                envelope.set_task_token(token.constData(), size_t(token.size()));
                QByteArray fresh(qsizetype(envelope.ByteSizeLong()), Qt::Uninitialized);
                envelope.SerializeToArray(fresh.data(), int(fresh.size()));
                // An id of the old form finds its model through an index that expires with the task's first
                // retention; a replay lives one more.
                if (TaskIdGenerator::modelOf(id).isEmpty())
                    m_context.redis.command({"SET", BrokerKeys::taskIndex(id), model, "EX",
                                             QByteArray::number(settings.retentionSecs)});
                replay(fresh);
            });
    }
}

void DeadLetterController::discard(HttpRequest& request, const HttpResponder& responder,
                                   const RouteParams& params)
{
    const QByteArray taskId = params.value("task_id");
    withModel(request, responder, params, [this, responder, taskId](const QByteArray& model) {
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
    });
}

} // namespace mmf
