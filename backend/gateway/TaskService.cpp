#include "gateway/TaskService.h"

#include "broker/BrokerKeys.h"
#include "broker/StreamEntry.h"
#include "core/Clock.h"
#include "gateway/AuthGuard.h"
#include "gateway/ModelCatalog.h"
#include "gateway/TaskTokenMinter.h"
#include "redis/RedisClient.h"

#include "mmf/v1/task.pb.h"

#include <memory>

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

bool mayRead(const v1::TokenClaims& caller, const TaskRecord& record)
{
    return isAdmin(caller) || record.userId == QByteArrayView(caller.user_id());
}

QByteArray serializeEnvelope(const v1::TaskEnvelope& envelope)
{
    QByteArray out(qsizetype(envelope.ByteSizeLong()), Qt::Uninitialized);
    envelope.SerializeToArray(out.data(), int(out.size()));
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
{}

void TaskService::submit(Submission submission, std::function<void(Result<Submitted>)> done)
{
    const ModelInfoPtr& model = submission.model;
    const ModelStats stats = m_catalog.stats(model->name);
    if (stats.queueDepth >= m_settings.queueLimit) {
        done(Error{ErrorCode::RateLimited,
                   QStringLiteral("the queue of model %1 is full (%2 tasks); try again later")
                       .arg(QString::fromUtf8(model->name))
                       .arg(stats.queueDepth),
                   {}});
        return;
    }
    const QByteArray taskId = submission.taskId.isEmpty() ? m_ids.next() : submission.taskId;
    const qint64 now = m_clock.nowMs();
    const QByteArray userId = QByteArray::fromStdString(submission.caller.user_id());

    v1::TaskEnvelope envelope;
    envelope.set_task_id(taskId.constData(), size_t(taskId.size()));
    envelope.set_model(model->name.constData(), size_t(model->name.size()));
    const QByteArray token = m_minter.tokenFor(submission.caller, model->name);
    envelope.set_task_token(token.constData(), size_t(token.size()));
    envelope.set_request(submission.request.constData(), size_t(submission.request.size()));
    envelope.set_parent_task_id(submission.parentTaskId.constData(), size_t(submission.parentTaskId.size()));
    envelope.set_created_at_ms(now);
    envelope.set_user_id(submission.caller.user_id());

    const bool idempotent = !submission.idempotencyKey.isEmpty();
    const QByteArray idemKey = idempotent ? BrokerKeys::idempotency(userId, submission.idempotencyKey)
                                          : BrokerKeys::idempotency(userId, "-");
    const QByteArray idemValue = idempotent ? taskId + ' ' + submission.bodyHash : QByteArray("");
    m_redis.eval(
        m_scripts.submit,
        {BrokerKeys::task(model->name, taskId), BrokerKeys::tasks(model->name),
         BrokerKeys::events(model->name), BrokerKeys::inflight(model->name), BrokerKeys::taskIndex(taskId),
         BrokerKeys::userTasks(userId), idemKey},
        {taskId, serializeEnvelope(envelope), userId,
         QByteArray::fromStdString(submission.caller.project_id()), model->name, QByteArray::number(now),
         QByteArray::number(m_settings.retentionSecs), submission.parentTaskId, idemValue,
         QByteArray::number(m_settings.eventsMaxLen), submission.bodyHash},
        [done = std::move(done)](const RedisReply& reply) {
            if (reply.isError()) {
                done(unavailable(reply));
                return;
            }
            const QByteArray outcome = reply.at(0).toByteArray();
            const QByteArray id = reply.at(1).toByteArray();
            if (outcome == "conflict") {
                done(
                    Error::conflict(QStringLiteral("the Idempotency-Key was used with another body (task %1)")
                                        .arg(QString::fromLatin1(id))));
                return;
            }
            done(Submitted{id, outcome == "existing"});
        });
}

void TaskService::submitBatch(const ModelInfoPtr& model, const std::vector<QByteArray>& requests,
                              const v1::TokenClaims& caller, const QByteArray& parentTaskId,
                              std::function<void(Result<QList<QByteArray>>)> done)
{
    const ModelStats stats = m_catalog.stats(model->name);
    if (stats.queueDepth + qint64(requests.size()) > m_settings.queueLimit) {
        done(Error{ErrorCode::RateLimited,
                   QStringLiteral("the queue of model %1 is full (%2 tasks); try again later")
                       .arg(QString::fromUtf8(model->name))
                       .arg(stats.queueDepth),
                   {}});
        return;
    }
    const qint64 now = m_clock.nowMs();
    const QByteArray userId = QByteArray::fromStdString(caller.user_id());
    const QByteArray token = m_minter.tokenFor(caller, model->name);

    std::vector<QByteArray> keys;
    std::vector<QByteArray> args;
    keys.reserve(4 + 2 * requests.size());
    args.reserve(7 + 2 * requests.size());
    keys.insert(keys.end(), {BrokerKeys::tasks(model->name), BrokerKeys::events(model->name),
                             BrokerKeys::inflight(model->name), BrokerKeys::userTasks(userId)});
    args.insert(args.end(), {userId, QByteArray::fromStdString(caller.project_id()), model->name,
                             QByteArray::number(now), QByteArray::number(m_settings.retentionSecs),
                             QByteArray::number(m_settings.eventsMaxLen), parentTaskId});
    QList<QByteArray> ids;
    ids.reserve(qsizetype(requests.size()));
    v1::TaskEnvelope envelope;
    envelope.set_model(model->name.constData(), size_t(model->name.size()));
    envelope.set_task_token(token.constData(), size_t(token.size()));
    envelope.set_parent_task_id(parentTaskId.constData(), size_t(parentTaskId.size()));
    envelope.set_created_at_ms(now);
    envelope.set_user_id(caller.user_id());
    for (const QByteArray& request : requests) {
        const QByteArray id = m_ids.next();
        ids.append(id);
        envelope.set_task_id(id.constData(), size_t(id.size()));
        envelope.set_request(request.constData(), size_t(request.size()));
        keys.push_back(BrokerKeys::task(model->name, id));
        keys.push_back(BrokerKeys::taskIndex(id));
        args.push_back(id);
        args.push_back(serializeEnvelope(envelope));
    }
    m_redis.eval(m_scripts.submitBatch, keys, args, [ids, done = std::move(done)](const RedisReply& reply) {
        if (reply.isError()) {
            done(unavailable(reply));
            return;
        }
        done(ids);
    });
}

void TaskService::fetch(const QByteArray& taskId, const v1::TokenClaims& caller,
                        std::function<void(Result<TaskRecord>)> done)
{
    fetchRecords({taskId}, true, [=, done = std::move(done)](Result<QList<TaskRecord>> records) {
        if (!records) {
            done(records.error());
            return;
        }
        if (records->isEmpty() || !mayRead(caller, records->first())) {
            done(taskNotFound(taskId));
            return;
        }
        done(records->first());
    });
}

void TaskService::fetchRecords(const QList<QByteArray>& taskIds, bool withResults,
                               std::function<void(Result<QList<TaskRecord>>)> done)
{
    if (taskIds.isEmpty()) {
        done(QList<TaskRecord>());
        return;
    }
    // First the model of each task, then its hash (and result), all pipelined.
    std::vector<QByteArray> args{"MGET"};
    for (const QByteArray& id : taskIds)
        args.push_back(BrokerKeys::taskIndex(id));
    m_redis.command(args, [this, taskIds, withResults, done = std::move(done)](const RedisReply& models) {
        if (models.isError()) {
            done(unavailable(models));
            return;
        }
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
        QList<QByteArray> modelNames;
        for (qsizetype i = 0; i < taskIds.size(); ++i)
            modelNames.append(models.at(i).toByteArray());
        for (qsizetype i = 0; i < taskIds.size(); ++i)
            state->remaining += modelNames[i].isEmpty() ? 0 : (withResults ? 2 : 1);
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
        for (qsizetype i = 0; i < taskIds.size(); ++i) {
            const QByteArray& model = modelNames[i];
            if (model.isEmpty())
                continue;
            const QByteArray id = taskIds[i];
            m_redis.command({"HGETALL", BrokerKeys::task(model, id)}, [=](const RedisReply& reply) {
                if (reply.isError()) {
                    state->failed = true;
                    state->error = unavailable(reply);
                } else if (reply.size() > 0) {
                    QByteArray result = std::move(state->records[i].result);
                    state->records[i] = TaskRecord::fromHash(id, model, hashFromReply(reply));
                    state->records[i].result = std::move(result);
                    state->present[i] = true;
                }
                if (--state->remaining == 0)
                    finish();
            });
            if (!withResults)
                continue;
            m_redis.command({"GET", BrokerKeys::result(model, id)}, [=](const RedisReply& reply) {
                if (reply.isError()) {
                    state->failed = true;
                    state->error = unavailable(reply);
                } else if (!reply.isNil()) {
                    state->records[i].result = reply.toByteArray();
                }
                if (--state->remaining == 0)
                    finish();
            });
        }
    });
}

void TaskService::list(const v1::TokenClaims& caller, const ListQuery& query,
                       std::function<void(Result<QList<TaskRecord>>)> done)
{
    const QByteArray userId = QByteArray::fromStdString(caller.user_id());
    const QByteArray max = query.beforeMs > 0 ? "(" + QByteArray::number(query.beforeMs) : QByteArray("+inf");
    // Filters are applied after reading, so read a few times the limit.
    const bool filtered = !query.model.isEmpty() || !query.status.isEmpty();
    const int window = filtered ? qMin(query.limit * 10, 2000) : query.limit;
    m_redis.command({"ZREVRANGEBYSCORE", BrokerKeys::userTasks(userId), max, "-inf", "LIMIT", "0",
                     QByteArray::number(window)},
                    [this, query, done = std::move(done)](const RedisReply& reply) {
                        if (reply.isError()) {
                            done(unavailable(reply));
                            return;
                        }
                        QList<QByteArray> ids;
                        for (qsizetype i = 0; i < reply.size(); ++i)
                            ids.append(reply.at(i).toByteArray());
                        fetchRecords(ids, false, [query, done](Result<QList<TaskRecord>> records) {
                            if (!records) {
                                done(records.error());
                                return;
                            }
                            QList<TaskRecord> out;
                            for (TaskRecord& record : *records) {
                                if (!query.model.isEmpty() && record.model != query.model)
                                    continue;
                                if (!query.status.isEmpty() && record.status != query.status)
                                    continue;
                                out.append(std::move(record));
                                if (out.size() >= query.limit)
                                    break;
                            }
                            done(out);
                        });
                    });
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
        m_redis.eval(
            m_scripts.cancel,
            {BrokerKeys::task(model, taskId), BrokerKeys::events(model), BrokerKeys::delayed(model)},
            {taskId, QByteArray::number(m_clock.nowMs()), QByteArray::number(m_settings.eventsMaxLen)},
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
