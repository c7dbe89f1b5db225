#pragma once

#include "broker/BrokerCalls.h"
#include "broker/TaskIdGenerator.h"
#include "core/QueuedCall.h"
#include "core/Result.h"
#include "gateway/GatewaySettings.h"
#include "gateway/ModelInfo.h"
#include "gateway/TaskListUpkeep.h"
#include "gateway/TaskOwnership.h"
#include "gateway/TaskRecord.h"

#include "auth/SharedTokenClaims.h"
#include "mmf/v1/task.pb.h"
#include "mmf/v1/token.pb.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>

#include <functional>
#include <memory>
#include <vector>

namespace mmf {

class Clock;
class ModelCatalog;
class RedisClient;
class RedisReply;
class TaskTokenMinter;

// The task operations of API v1 on Redis: submit (single and batch, idempotent), read, list, cancel, logs.
// Everything is asynchronous and pipelined; a Redis that does not answer becomes `unavailable`.
// Submits are group-committed: those made in one event-loop turn go to Redis as one mmf_submit call per model
// (plus one ZADD per user for the task lists, trimmed once a minute: TaskListUpkeep), and each caller is
// answered once Redis has its task.
class TaskService
{
public:
    struct Submission
    {
        ModelInfoPtr model;
        QByteArray request;        // binary, already validated
        SharedTokenClaims caller;  // never null
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
        int offset = 0;
        qint64 beforeMs = 0;     // created before (exclusive); 0: from the newest
        qint64 sinceMs = 0;      // created at or after; 0: from the oldest
        QByteArray taskId;       // just this task (if the caller may read it and it passes the filters)
        QByteArray parentTaskId; // the sub-tasks of this task instead of the top-level tasks
    };
    // A listed task with its sub-tasks (oldest first, at most kMaxChildren) and how many it has.
    struct ListedTask
    {
        TaskRecord record;
        QList<TaskRecord> children;
        qint64 subTasks = 0;
    };
    struct ListPage
    {
        QList<ListedTask> tasks;
        qint64 total = 0; // tasks matching the query, all pages
    };
    static constexpr int kMaxChildren = 100;
    // A filtered list (model, status) is matched among this many newest tasks of the time range.
    static constexpr int kMaxScan = 2000;

    TaskService(RedisClient& redis, ModelCatalog& catalog, TaskTokenMinter& minter,
                const GatewaySettings& settings, const Clock& clock);

    QByteArray newTaskId(QByteArrayView model) { return m_ids.next(model); }

    // A task's envelope as a worker gets it, but for the task token: that is the caller's to set (a submit's,
    // or a replay's fresh one). And its bytes.
    static v1::TaskEnvelope envelope(QByteArrayView model, QByteArrayView taskId, QByteArrayView request,
                                     QByteArrayView parent, QByteArrayView user, qint64 createdMs);
    static QByteArray serialize(const v1::TaskEnvelope& envelope);

    void submit(Submission submission, std::function<void(Result<Submitted>)> done);
    void submitBatch(const ModelInfoPtr& model, const std::vector<QByteArray>& requests,
                     const v1::TokenClaims& caller, const QByteArray& parentTaskId,
                     std::function<void(Result<QList<QByteArray>>)> done);
    // The task and its result. Not found → not_found; another user's task → not_found too (unless admin).
    void fetch(const QByteArray& taskId, const v1::TokenClaims& caller,
               std::function<void(Result<TaskRecord>)> done);
    // Who owns a task by the servers' lists (for events, whose `u` is model-written); this server's submits
    // are known without asking.
    TaskOwnership& ownership() { return m_ownership; }
    // A replayed task lives one more retention: its owner's list, which vouches for it (fetch), keeps it as
    // long (its entry moves to now, and the list's expiry is set as the upkeep sets it).
    void listAgain(const QByteArray& user, const QByteArray& parentTaskId, const QByteArray& taskId);
    // The caller's own tasks, newest first: top-level ones with their sub-tasks, or one parent's sub-tasks.
    void list(const v1::TokenClaims& caller, const ListQuery& query,
              std::function<void(Result<ListPage>)> done);
    // → the status after the call ("cancelled", or the final status it already had).
    void cancel(const QByteArray& taskId, const v1::TokenClaims& caller,
                std::function<void(Result<QByteArray>)> done);
    void logs(const QByteArray& taskId, const v1::TokenClaims& caller, qint64 fromSeq,
              std::function<void(Result<QList<LogLine>>)> done);
    // Log lines of a task whose owner was already checked.
    void readLog(const QByteArray& model, const QByteArray& taskId, qint64 fromSeq,
                 std::function<void(Result<QList<LogLine>>)> done);

private:
    struct Pending
    {
        BrokerCalls::NewTask task;
        bool existing = false; // an Idempotency-Key retry: answered as the earlier task
        std::function<void(Result<Submitted>)> done;
    };
    Error queueFull(const ModelInfoPtr& model, qint64 depth) const;
    // The task as the submit call writes it: its envelope (with the task token), and beside it the request
    // and the ids the task hash keeps.
    static BrokerCalls::NewTask newTask(const ModelInfoPtr& model, const QByteArray& taskId,
                                        const QByteArray& token, const QByteArray& request,
                                        const QByteArray& parent, const QByteArray& user,
                                        const QByteArray& project, qint64 nowMs);
    // Queues a submit for this turn's group commit.
    void enqueue(const QByteArray& model, Pending pending);
    void commitBatches();
    // One mmf_submit call for `submits`; each gets its answer, then `whole` (if any) the call's reply.
    void commit(const QByteArray& model, std::vector<Pending> submits,
                std::function<void(const RedisReply&)> whole);

    // Adds each listed task's sub-tasks (one ZRANGE and ZCARD per task, pipelined, then their records).
    void attachChildren(const QByteArray& userId, QList<TaskRecord> records, qint64 total,
                        std::function<void(Result<ListPage>)> done);
    // The task's project: its model's, from the catalogue.
    QByteArrayView projectOf(const TaskRecord& record) const;
    // The task access rule (AccessPolicy::mayAccessTask) with the task's project from the catalogue.
    bool mayAccess(const v1::TokenClaims& caller, const TaskRecord& record) const;
    // Records of the tasks that exist, in order; results only when asked (lists do not show them).
    void fetchRecords(const QList<QByteArray>& taskIds, bool withResults,
                      std::function<void(Result<QList<TaskRecord>>)> done);
    void readRecords(const QList<QByteArray>& taskIds, const QList<QByteArray>& modelNames, bool withResults,
                     std::function<void(Result<QList<TaskRecord>>)> done);

    RedisClient& m_redis;
    ModelCatalog& m_catalog;
    TaskTokenMinter& m_minter;
    const GatewaySettings& m_settings;
    const Clock& m_clock;
    TaskIdGenerator m_ids;
    QHash<QByteArray, std::vector<Pending>> m_batches; // by model: submits of this event-loop turn
    QueuedCall m_commit{[this] { commitBatches(); }};  // the group commit, at the next turn
    TaskListUpkeep m_listUpkeep;
    TaskOwnership m_ownership;
};

} // namespace mmf
