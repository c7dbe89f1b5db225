#pragma once

#include "broker/BrokerScripts.h"
#include "broker/TaskIdGenerator.h"
#include "core/Result.h"
#include "gateway/GatewaySettings.h"
#include "gateway/ModelInfo.h"
#include "gateway/TaskRecord.h"

#include "mmf/v1/token.pb.h"

#include <QByteArray>
#include <QList>

#include <functional>
#include <vector>

namespace mmf {

class Clock;
class ModelCatalog;
class RedisClient;
class TaskTokenMinter;

// The task operations of API v1 on Redis: submit (single and batch, idempotent), read, list, cancel, logs.
// Everything is asynchronous and pipelined; a Redis that does not answer becomes `unavailable`.
class TaskService
{
public:
    struct Submission
    {
        ModelInfoPtr model;
        QByteArray request; // binary, already validated
        v1::TokenClaims caller;
        QByteArray idempotencyKey; // empty: none
        QByteArray bodyHash;       // with an idempotency key: hash of the body, to tell a retry from a misuse
        QByteArray parentTaskId;
        QByteArray taskId; // empty: a new id is made
    };
    struct Submitted
    {
        QByteArray taskId;
        bool existing = false; // an earlier task with the same idempotency key
    };
    struct LogLine
    {
        qint64 seq = 0;
        qint64 tsMs = 0;
        QByteArray level;
        QByteArray text;
    };
    struct ListQuery
    {
        QByteArray model;
        QByteArray status;
        int limit = 50;
        qint64 beforeMs = 0; // 0: from the newest
    };

    TaskService(RedisClient& redis, ModelCatalog& catalog, TaskTokenMinter& minter,
                const GatewaySettings& settings, const Clock& clock);

    QByteArray newTaskId() { return m_ids.next(); }

    void submit(Submission submission, std::function<void(Result<Submitted>)> done);
    void submitBatch(const ModelInfoPtr& model, const std::vector<QByteArray>& requests,
                     const v1::TokenClaims& caller, const QByteArray& parentTaskId,
                     std::function<void(Result<QList<QByteArray>>)> done);
    // The task and its result. Not found → not_found; another user's task → not_found too (unless admin).
    void fetch(const QByteArray& taskId, const v1::TokenClaims& caller,
               std::function<void(Result<TaskRecord>)> done);
    void list(const v1::TokenClaims& caller, const ListQuery& query,
              std::function<void(Result<QList<TaskRecord>>)> done);
    // → the status after the call ("cancelled", or the final status it already had).
    void cancel(const QByteArray& taskId, const v1::TokenClaims& caller,
                std::function<void(Result<QByteArray>)> done);
    void logs(const QByteArray& taskId, const v1::TokenClaims& caller, qint64 fromSeq,
              std::function<void(Result<QList<LogLine>>)> done);
    // Log lines of a task whose owner was already checked.
    void readLog(const QByteArray& model, const QByteArray& taskId, qint64 fromSeq,
                 std::function<void(Result<QList<LogLine>>)> done);

private:
    // Records of the tasks that exist, in order; results only when asked (lists do not show them).
    void fetchRecords(const QList<QByteArray>& taskIds, bool withResults,
                      std::function<void(Result<QList<TaskRecord>>)> done);

    RedisClient& m_redis;
    ModelCatalog& m_catalog;
    TaskTokenMinter& m_minter;
    const GatewaySettings& m_settings;
    const Clock& m_clock;
    BrokerScripts m_scripts;
    TaskIdGenerator m_ids;
};

} // namespace mmf
