#include "gateway/TaskService.h"

#include "gateway/AccessPolicy.h"

#include "broker/BrokerKeys.h"
#include "broker/StreamEntry.h"
#include "broker/TaskIdGenerator.h"
#include "core/Clock.h"
#include "gateway/AuthGuard.h"
#include "gateway/ModelCatalog.h"
#include "gateway/TaskTokenMinter.h"
#include "redis/RedisClient.h"

#ifdef MMF_FAULT_HOOKS
#include "core/FaultHook.h"
#endif

#include "mmf/v1/task.pb.h"

#include <memory>
#include <optional>

namespace mmf {

namespace {

Error unavailable(const RedisReply& reply)
{
    return Error::unavailable(QStringLiteral("the task store is unavailable: %1").arg(reply.toString()));
}

Error taskNotFound(const QByteArray& taskId)
{
    return Error::notFound(QStringLiteral("no task %1").arg(QString::fromLatin1(taskId)));
}

QHash<QByteArray, QByteArray> hashFromReply(const RedisReply& reply)
{
    QHash<QByteArray, QByteArray> out;
    out.reserve(reply.size() / 2);
    for (qsizetype i = 0; i + 1 < reply.size(); i += 2)
        out.insert(reply.at(i).toByteArray(), reply.at(i + 1).toByteArray());
    return out;
}

} // namespace

TaskService::TaskService(RedisClient& redis, ModelCatalog& catalog, TaskTokenMinter& minter,
                         const GatewaySettings& settings, const Clock& clock)
    : m_redis(redis)
    , m_catalog(catalog)
    , m_minter(minter)
    , m_settings(settings)
    , m_clock(clock)
    , m_ids(clock)
    , m_ownership(redis)
{
    // A Redis that restarted may have lost a list's expiry with its last writes, and a list made again by a
    // ZADD has none: after every (re)connection each list gets its upkeep at its next submit.
    // (m_commit, a QObject member, ends the connection with this service.)
    QObject::connect(&redis, &RedisClient::connected, &m_commit, [this] { m_listUpkeep.forget(); });
}

Error TaskService::queueFull(const ModelInfoPtr& model, qint64 depth) const
{
    return Error{ErrorCode::RateLimited,
                 QStringLiteral("the queue of model %1 is full (%2 tasks); try again later")
                     .arg(QString::fromUtf8(model->name))
                     .arg(depth),
                 {}};
}

v1::TaskEnvelope TaskService::envelope(QByteArrayView model, QByteArrayView taskId, QByteArrayView request,
                                       QByteArrayView parent, QByteArrayView user, qint64 createdMs)
{
    v1::TaskEnvelope envelope;
    envelope.set_task_id(taskId.data(), size_t(taskId.size()));
    envelope.set_model(model.data(), size_t(model.size()));
    envelope.set_request(request.data(), size_t(request.size()));
    envelope.set_parent_task_id(parent.data(), size_t(parent.size()));
    envelope.set_created_at_ms(createdMs);
    envelope.set_user_id(user.data(), size_t(user.size()));
    return envelope;
}

QByteArray TaskService::serialize(const v1::TaskEnvelope& envelope)
{
    QByteArray out(qsizetype(envelope.ByteSizeLong()), Qt::Uninitialized);
    envelope.SerializeToArray(out.data(), int(out.size()));
    return out;
}

BrokerCalls::NewTask TaskService::newTask(const ModelInfoPtr& model, const QByteArray& taskId,
                                          const QByteArray& token, const QByteArray& request,
                                          const QByteArray& parent, const QByteArray& user,
                                          const QByteArray& project, qint64 nowMs)
{
    v1::TaskEnvelope made = envelope(model->name, taskId, request, parent, user, nowMs);
    made.set_task_token(token.constData(), size_t(token.size()));
    BrokerCalls::NewTask task;
    task.id = taskId;
    task.envelope = serialize(made);
    task.request = request;
    task.user = user;
    task.project = project;
    task.parent = parent;
    return task;
}

void TaskService::submit(Submission submission, std::function<void(Result<Submitted>)> done)
{
    const ModelInfoPtr& model = submission.model;
    const ModelStats stats = m_catalog.stats(model->name);
    if (stats.queueDepth >= m_settings.queueLimit) {
        done(queueFull(model, stats.queueDepth));
        return;
    }
    const QByteArray taskId = submission.taskId.isEmpty() ? m_ids.next(model->name) : submission.taskId;
    const qint64 now = m_clock.nowMs();
    const QByteArray token = m_minter.tokenFor(*submission.caller, model->name);
    const QByteArray user = QByteArray::fromStdString(submission.caller->user_id());
    const QByteArray project = QByteArray::fromStdString(submission.caller->project_id());
    Pending pending;
    pending.task =
        newTask(model, taskId, token, submission.request, submission.parentTaskId, user, project, now);
    pending.done = std::move(done);
    if (submission.idempotencyKey.isEmpty()) {
        enqueue(model->name, std::move(pending));
        return;
    }
    // The key (the user's slot) is claimed before the task is made (the model's slot): a server that dies in
    // between leaves a key whose retry makes the task under the id the key names, once.
    // Built before the callback takes `submission` (argument evaluation order is unspecified).
    const std::vector<QByteArray> claim{"SET",
                                        BrokerKeys::idempotency(pending.task.user, submission.idempotencyKey),
                                        taskId + ' ' + submission.bodyHash,
                                        "NX",
                                        "GET",
                                        "EX",
                                        QByteArray::number(m_settings.retentionSecs)};
    m_redis.command(claim, [this, model, submission = std::move(submission), token, now,
                            pending = std::move(pending)](const RedisReply& reply) mutable {
        if (reply.isError()) {
            pending.done(unavailable(reply));
            return;
        }
        if (!reply.isNil()) {
            const QByteArray value = reply.toByteArray();
            const qsizetype space = value.indexOf(' ');
            const QByteArray earlier = value.left(space);
            if (space < 0 || value.mid(space + 1) != submission.bodyHash) {
                pending.done(
                    Error::conflict(QStringLiteral("the Idempotency-Key was used with another body (task %1)")
                                        .arg(QString::fromLatin1(earlier))));
                return;
            }
            if (TaskIdGenerator::modelOf(earlier) != model->name) {
                // Made for another model, or before ids named their model: it exists as it is.
                pending.done(Submitted{earlier, true});
                return;
            }
            pending.task = newTask(model, earlier, token, submission.request, submission.parentTaskId,
                                   pending.task.user, pending.task.project, now);
            pending.task.ifAbsent = true;
            pending.existing = true;
        }
        enqueue(model->name, std::move(pending));
    });
}

void TaskService::enqueue(const QByteArray& model, Pending pending)
{
    m_batches[model].push_back(std::move(pending));
    m_commit.request();
}

void TaskService::commitBatches()
{
    QHash<QByteArray, std::vector<Pending>> batches;
    batches.swap(m_batches);
    for (auto it = batches.begin(); it != batches.end(); ++it)
        commit(it.key(), std::move(it.value()), {});
}

void TaskService::commit(const QByteArray& model, std::vector<Pending> submits,
                         std::function<void(const RedisReply&)> whole)
{
    const qint64 now = m_clock.nowMs();
    const QByteArray createdScore = QByteArray::number(now);
    // The users' task lists first (their own slots), then the tasks; pipelined, so the answer to the tasks
    // comes after both.
    // A sub-task is listed under its parent, not among the user's top-level tasks.
    QHash<QByteArray, std::vector<QByteArray>> lists;
    for (const Pending& pending : submits) {
        const QByteArray key = BrokerKeys::taskList(pending.task.user, pending.task.parent);
        std::vector<QByteArray>& args = lists[key];
        if (args.empty())
            args.insert(args.end(), {"ZADD", key});
        args.push_back(createdScore);
        args.push_back(pending.task.id);
    }
    const QByteArray oldest = "(" + QByteArray::number(now - m_settings.retentionSecs * 1000);
    for (auto it = lists.cbegin(); it != lists.cend(); ++it) {
        m_redis.command(it.value());
        if (m_listUpkeep.due(it.key(), now)) {
            m_redis.command({"ZREMRANGEBYSCORE", it.key(), "-inf", oldest});
            m_redis.command(
                {"EXPIRE", it.key(), QByteArray::number(m_listUpkeep.expirySecs(m_settings.retentionSecs))});
        }
    }
    std::vector<BrokerCalls::NewTask> tasks;
    tasks.reserve(submits.size());
    for (const Pending& pending : submits)
        tasks.push_back(pending.task);
    m_redis.command(m_settings.brokerCalls(model).submit(now, tasks).argv(),
                    [this, submits = std::move(submits), whole = std::move(whole)](const RedisReply& reply) {
                        const bool failed =
                            reply.isError() || !reply.isArray() || reply.size() != qsizetype(submits.size());
#ifdef MMF_FAULT_HOOKS
                        // The tasks are in Redis; no client hears of it (an Idempotency-Key retry must find
                        // them).
                        if (!failed && fault::armed("die-after-commit")) {
                            QByteArray ids;
                            for (const Pending& pending : submits)
                                ids += (ids.isEmpty() ? "committed tasks: " : ",") + pending.task.id;
                            fault::die("die-after-commit", ids);
                        }
#endif
                        for (qsizetype i = 0; i < qsizetype(submits.size()); ++i) {
                            const Pending& pending = submits[size_t(i)];
                            // Listed for its user by this server: its events need not ask whose it is.
                            if (!failed)
                                m_ownership.vouch(pending.task.user, pending.task.id);
                            if (!pending.done)
                                continue;
                            if (failed)
                                pending.done(unavailable(reply));
                            else
                                pending.done(Submitted{pending.task.id,
                                                       pending.existing || reply.at(i).view() == "existing"});
                        }
                        if (whole)
                            whole(reply);
                    });
}

void TaskService::submitBatch(const ModelInfoPtr& model, const std::vector<QByteArray>& requests,
                              const v1::TokenClaims& caller, const QByteArray& parentTaskId,
                              std::function<void(Result<QList<QByteArray>>)> done)
{
    const ModelStats stats = m_catalog.stats(model->name);
    if (stats.queueDepth + qint64(requests.size()) > m_settings.queueLimit) {
        done(queueFull(model, stats.queueDepth));
        return;
    }
    const qint64 now = m_clock.nowMs();
    const QByteArray token = m_minter.tokenFor(caller, model->name);
    const QByteArray user = QByteArray::fromStdString(caller.user_id());
    const QByteArray project = QByteArray::fromStdString(caller.project_id());
    std::vector<Pending> submits;
    submits.reserve(requests.size());
    QList<QByteArray> ids;
    ids.reserve(qsizetype(requests.size()));
    for (const QByteArray& request : requests) {
        Pending pending;
        pending.task =
            newTask(model, m_ids.next(model->name), token, request, parentTaskId, user, project, now);
        ids.append(pending.task.id);
        submits.push_back(std::move(pending));
    }
    commit(model->name, std::move(submits), [ids, done = std::move(done)](const RedisReply& reply) {
        if (reply.isError())
            done(unavailable(reply));
        else
            done(ids);
    });
}

QByteArrayView TaskService::projectOf(const TaskRecord& record) const
{
    // The task's project is its model's, from the server's catalogue; the record's own `p` is model-written.
    const ModelInfoPtr model = m_catalog.find(record.model);
    return model ? QByteArrayView(model->project) : QByteArrayView(record.projectId);
}

bool TaskService::mayAccess(const v1::TokenClaims& caller, const TaskRecord& record) const
{
    return AccessPolicy::mayAccessTask(caller, record, projectOf(record));
}

void TaskService::fetch(const QByteArray& taskId, const v1::TokenClaims& caller,
                        std::function<void(Result<TaskRecord>)> done)
{
    // Reached as its owner, the owner the model-written hash names must be backed by the server's own record,
    // the owner's task list (or the parent's sub-task list), which only servers write. The caller's own list
    // is asked beside the record, so an owner reading a task of theirs (the usual read: a client polling)
    // costs one round trip; it is answered first (sent first), and a sub-task's list is asked after the
    // record names its parent.
    const QByteArray user = QByteArray::fromStdString(caller.user_id());
    // Whether the list holds the task (a reply lives for its callback only: what it said is kept).
    const auto listedIn = [](const RedisReply& reply) -> Result<bool> {
        if (reply.isError())
            return unavailable(reply);
        return !reply.isNil();
    };
    auto topListed = std::make_shared<std::optional<Result<bool>>>();
    m_redis.command({"ZSCORE", BrokerKeys::taskList(user, {}), taskId},
                    [topListed, listedIn](const RedisReply& reply) { *topListed = listedIn(reply); });
    const auto answer = [taskId, done](const TaskRecord& record, const Result<bool>& listed) {
        if (!listed)
            done(listed.error());
        else if (!*listed)
            done(taskNotFound(taskId));
        else
            done(record);
    };
    fetchRecords({taskId}, true, [=, this](Result<QList<TaskRecord>> records) {
        if (!records) {
            done(records.error());
            return;
        }
        if (records->isEmpty()) {
            done(taskNotFound(taskId));
            return;
        }
        const TaskRecord& record = records->first();
        const QByteArrayView project = projectOf(record); // one catalogue lookup for both checks
        if (!AccessPolicy::mayAccessTask(caller, record, project)) {
            done(taskNotFound(taskId));
            return;
        }
        if (AccessPolicy::administers(caller, project)) {
            done(record);
            return;
        }
        if (record.parentTaskId.isEmpty() && topListed->has_value()) {
            answer(record, **topListed);
            return;
        }
        m_redis.command(
            {"ZSCORE", BrokerKeys::taskList(user, record.parentTaskId), taskId},
            [record, answer, listedIn](const RedisReply& listed) { answer(record, listedIn(listed)); });
    });
}

void TaskService::listAgain(const QByteArray& user, const QByteArray& parentTaskId, const QByteArray& taskId)
{
    const QByteArray list = BrokerKeys::taskList(user, parentTaskId);
    m_redis.command({"ZADD", list, QByteArray::number(m_clock.nowMs()), taskId});
    m_redis.command({"EXPIRE", list, QByteArray::number(m_listUpkeep.expirySecs(m_settings.retentionSecs))});
}

void TaskService::fetchRecords(const QList<QByteArray>& taskIds, bool withResults,
                               std::function<void(Result<QList<TaskRecord>>)> done)
{
    if (taskIds.isEmpty()) {
        done(QList<TaskRecord>());
        return;
    }
    // An id names its model; ids of the old form find it through mmf:taskidx (one MGET).
    QList<QByteArray> modelNames;
    std::vector<QByteArray> legacy{"MGET"};
    for (const QByteArray& id : taskIds) {
        modelNames.append(TaskIdGenerator::modelOf(id));
        if (modelNames.last().isEmpty())
            legacy.push_back(BrokerKeys::taskIndex(id));
    }
    if (legacy.size() == 1) {
        readRecords(taskIds, modelNames, withResults, std::move(done));
        return;
    }
    m_redis.command(legacy, [this, taskIds, modelNames, withResults,
                             done = std::move(done)](const RedisReply& models) mutable {
        if (models.isError()) {
            done(unavailable(models));
            return;
        }
        qsizetype next = 0;
        for (QByteArray& name : modelNames) {
            if (name.isEmpty())
                name = models.at(next++).toByteArray();
        }
        readRecords(taskIds, modelNames, withResults, std::move(done));
    });
}

void TaskService::readRecords(const QList<QByteArray>& taskIds, const QList<QByteArray>& modelNames,
                              bool withResults, std::function<void(Result<QList<TaskRecord>>)> done)
{
    {
        struct State
        {
            QList<TaskRecord> records;
            QList<bool> present;
            int remaining = 0;
            bool failed = false;
            Error error;
        };
        auto state = std::make_shared<State>();
        state->records.resize(taskIds.size());
        state->present.resize(taskIds.size());
        for (qsizetype i = 0; i < taskIds.size(); ++i)
            state->remaining += modelNames[i].isEmpty() ? 0 : 1;
        auto finish = [state, done] {
            if (state->failed) {
                done(state->error);
                return;
            }
            QList<TaskRecord> out;
            for (qsizetype i = 0; i < state->records.size(); ++i) {
                if (state->present[i])
                    out.append(std::move(state->records[i]));
            }
            done(out);
        };
        if (state->remaining == 0) {
            finish();
            return;
        }
        // Each reply: `apply` when it is good, the failure noted when not; the last one finishes.
        const auto settle = [state, finish](const RedisReply& reply, const auto& apply) {
            if (reply.isError()) {
                state->failed = true;
                state->error = unavailable(reply);
            } else {
                apply();
            }
            if (--state->remaining == 0)
                finish();
        };
        for (qsizetype i = 0; i < taskIds.size(); ++i) {
            const QByteArray& model = modelNames[i];
            if (model.isEmpty())
                continue;
            const QByteArray id = taskIds[i];
            if (!withResults) {
                // A list row: its summary fields only.
                const QList<QByteArray>& names = TaskRecord::summaryFields();
                std::vector<QByteArray> command{"HMGET", BrokerKeys::task(model, id)};
                command.insert(command.end(), names.begin(), names.end());
                m_redis.command(command, [=, &names](const RedisReply& reply) {
                    settle(reply, [&] {
                        if (reply.size() != names.size() || reply.at(0).isNil())
                            return;
                        QHash<QByteArray, QByteArray> fields;
                        for (qsizetype f = 0; f < names.size(); ++f) {
                            if (!reply.at(f).isNil())
                                fields.insert(names[f], reply.at(f).toByteArray());
                        }
                        state->records[i] = TaskRecord::fromHash(id, model, fields);
                        state->present[i] = true;
                    });
                });
                continue;
            }
            m_redis.command({"HGETALL", BrokerKeys::task(model, id)}, [=, this](const RedisReply& reply) {
                settle(reply, [&] {
                    if (reply.size() == 0)
                        return;
                    TaskRecord& record = state->records[i];
                    record = TaskRecord::fromHash(id, model, hashFromReply(reply));
                    state->present[i] = true;
                    // Tasks finished before results moved into the task hash keep them under their own key
                    // until their retention ends: one more read for those only (counted before this one
                    // settles, so the records are not handed over before it).
                    if (record.status != "succeeded" || !record.result.isNull())
                        return;
                    ++state->remaining;
                    m_redis.command({"GET", BrokerKeys::result(model, id)}, [=](const RedisReply& legacy) {
                        settle(legacy, [&] {
                            if (!legacy.isNil())
                                state->records[i].result = legacy.toByteArray();
                        });
                    });
                });
            });
        }
    }
}

namespace {
bool matches(const TaskService::ListQuery& query, const TaskRecord& record)
{
    return (query.model.isEmpty() || record.model == query.model) &&
           (query.status.isEmpty() || record.status == query.status) &&
           (query.sinceMs <= 0 || record.createdAtMs >= query.sinceMs) &&
           (query.beforeMs <= 0 || record.createdAtMs < query.beforeMs);
}
} // namespace

void TaskService::list(const v1::TokenClaims& caller, const ListQuery& query,
                       std::function<void(Result<ListPage>)> done)
{
    const QByteArray userId = QByteArray::fromStdString(caller.user_id());
    if (!query.taskId.isEmpty()) {
        fetchRecords({query.taskId}, false,
                     [=, this, done = std::move(done)](Result<QList<TaskRecord>> records) {
                         if (!records) {
                             done(records.error());
                             return;
                         }
                         QList<TaskRecord> found;
                         if (!records->isEmpty() && records->first().userId == userId &&
                             matches(query, records->first()))
                             found.append(records->first());
                         const qint64 total = found.size();
                         attachChildren(userId, query.offset == 0 ? found : QList<TaskRecord>(), total, done);
                     });
        return;
    }
    const QByteArray key = query.parentTaskId.isEmpty() ? BrokerKeys::userTasks(userId)
                                                        : BrokerKeys::subTasks(userId, query.parentTaskId);
    const QByteArray max = query.beforeMs > 0 ? "(" + QByteArray::number(query.beforeMs) : QByteArray("+inf");
    const QByteArray min = query.sinceMs > 0 ? QByteArray::number(query.sinceMs) : QByteArray("-inf");
    const bool topLevel = query.parentTaskId.isEmpty();
    // Unfiltered, the page and the count come straight from the sorted set; with model or status filters they
    // are matched after reading, among the newest kMaxScan of the range.
    const bool filtered = !query.model.isEmpty() || !query.status.isEmpty();
    auto total = std::make_shared<qint64>(0);
    if (!filtered) {
        m_redis.command({"ZCOUNT", key, min, max}, [total](const RedisReply& reply) {
            if (!reply.isError())
                *total = reply.integer();
        });
    }
    m_redis.command({"ZREVRANGEBYSCORE", key, max, min, "LIMIT",
                     filtered ? QByteArray("0") : QByteArray::number(query.offset),
                     QByteArray::number(filtered ? kMaxScan : query.limit)},
                    [=, this, done = std::move(done)](const RedisReply& reply) {
                        if (reply.isError()) {
                            done(unavailable(reply));
                            return;
                        }
                        QList<QByteArray> ids;
                        for (qsizetype i = 0; i < reply.size(); ++i)
                            ids.append(reply.at(i).toByteArray());
                        fetchRecords(ids, false, [=, this](Result<QList<TaskRecord>> records) {
                            if (!records) {
                                done(records.error());
                                return;
                            }
                            // Sub-tasks listed before they had lists of their own stay out of the top level.
                            QList<TaskRecord> kept;
                            for (TaskRecord& record : *records) {
                                // The token's project only: a right in one project reaches no other.
                                if (matches(query, record) && (!topLevel || record.parentTaskId.isEmpty()) &&
                                    mayAccess(caller, record))
                                    kept.append(std::move(record));
                            }
                            if (!filtered) {
                                attachChildren(userId, kept, *total, done);
                                return;
                            }
                            const qint64 matched = kept.size();
                            attachChildren(userId, kept.mid(query.offset, query.limit), matched, done);
                        });
                    });
}

void TaskService::attachChildren(const QByteArray& userId, QList<TaskRecord> records, qint64 total,
                                 std::function<void(Result<ListPage>)> done)
{
    auto page = std::make_shared<ListPage>();
    page->total = total;
    for (TaskRecord& record : records)
        page->tasks.append(ListedTask{std::move(record), {}, 0});
    if (page->tasks.isEmpty()) {
        done(*page);
        return;
    }
    auto childIds = std::make_shared<QList<QByteArray>>();
    auto failed = std::make_shared<bool>(false);
    for (qsizetype i = 0; i < page->tasks.size(); ++i) {
        const QByteArray key = BrokerKeys::subTasks(userId, page->tasks[i].record.taskId);
        m_redis.command({"ZCARD", key}, [page, i, failed](const RedisReply& reply) {
            if (reply.isError())
                *failed = true;
            else
                page->tasks[i].subTasks = reply.integer();
        });
        const bool last = i + 1 == page->tasks.size();
        m_redis.command({"ZRANGE", key, "0", QByteArray::number(kMaxChildren - 1)},
                        [=, this](const RedisReply& reply) {
                            if (reply.isError())
                                *failed = true;
                            for (qsizetype c = 0; c < reply.size(); ++c)
                                childIds->append(reply.at(c).toByteArray());
                            if (!last)
                                return;
                            if (*failed) {
                                done(unavailable(reply));
                                return;
                            }
                            fetchRecords(*childIds, false, [page, done](Result<QList<TaskRecord>> children) {
                                if (!children) {
                                    done(children.error());
                                    return;
                                }
                                for (ListedTask& task : page->tasks) {
                                    for (const TaskRecord& child : *children) {
                                        if (child.parentTaskId == task.record.taskId)
                                            task.children.append(child);
                                    }
                                }
                                done(*page);
                            });
                        });
    }
}

void TaskService::cancel(const QByteArray& taskId, const v1::TokenClaims& caller,
                         std::function<void(Result<QByteArray>)> done)
{
    fetch(taskId, caller, [this, taskId, done = std::move(done)](Result<TaskRecord> record) {
        if (!record) {
            done(record.error());
            return;
        }
        const QByteArray model = record->model;
        m_redis.command(m_settings.brokerCalls(model).cancel(taskId, m_clock.nowMs()).argv(),
                        [taskId, done](const RedisReply& reply) {
                            if (reply.isError()) {
                                done(unavailable(reply));
                                return;
                            }
                            const QByteArray outcome = reply.toByteArray();
                            if (outcome == "gone") {
                                done(taskNotFound(taskId));
                                return;
                            }
                            done(outcome == "cancelled_running" ? QByteArray("cancelled") : outcome);
                        });
    });
}

void TaskService::logs(const QByteArray& taskId, const v1::TokenClaims& caller, qint64 fromSeq,
                       std::function<void(Result<QList<LogLine>>)> done)
{
    fetch(taskId, caller, [this, taskId, fromSeq, done = std::move(done)](Result<TaskRecord> record) {
        if (!record) {
            done(record.error());
            return;
        }
        readLog(record->model, taskId, fromSeq, done);
    });
}

void TaskService::readLog(const QByteArray& model, const QByteArray& taskId, qint64 fromSeq,
                          std::function<void(Result<QList<LogLine>>)> done)
{
    m_redis.command({"XRANGE", BrokerKeys::log(model, taskId), "-", "+", "COUNT", "100000"},
                    [fromSeq, done = std::move(done)](const RedisReply& reply) {
                        if (reply.isError()) {
                            done(unavailable(reply));
                            return;
                        }
                        QList<LogLine> lines;
                        for (const StreamEntry& entry : StreamEntry::parseEntries(reply)) {
                            LogLine line;
                            line.seq = entry.value("seq").toLongLong();
                            if (line.seq < fromSeq)
                                continue;
                            line.tsMs = entry.value("ts").toLongLong();
                            line.level = entry.value("lv");
                            line.text = entry.value("tx");
                            lines.append(std::move(line));
                        }
                        done(lines);
                    });
}

} // namespace mmf
