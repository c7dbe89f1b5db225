#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>

namespace mmf {

struct TaskEventRecord;

// A task as stored in its hash (plus its result), read back for the API.
struct TaskRecord
{
    QByteArray taskId;
    QByteArray model;
    QByteArray status;
    QByteArray userId;
    QByteArray projectId;
    int attempts = 0;
    qint64 createdAtMs = 0;
    qint64 startedAtMs = 0;
    qint64 finishedAtMs = 0;
    qint64 nextAttemptAtMs = 0;
    QByteArray request; // binary request (from the envelope)
    QByteArray result;  // binary response, when succeeded
    QByteArray errorCode;
    QByteArray errorMessage;
    QByteArray parentTaskId;
    QByteArray instance;
    // Attempts that failed and were retried: attempt number → the JSON the broker stored (h<attempt>), as
    // the model's instance reported it.
    QMap<int, QByteArray> pastAttempts;

    bool isFinal() const
    {
        return status == "succeeded" || status == "failed" || status == "cancelled" ||
               status == "dead_lettered";
    }
    // The task hash's fields a list row shows (TaskJson::taskSummary), status first: a nil status means no
    // such task. Not the request and result, which may be 16 MiB each.
    static const QList<QByteArray>& summaryFields();
    static TaskRecord fromHash(const QByteArray& taskId, const QByteArray& model,
                               const QHash<QByteArray, QByteArray>& fields);
    // What the task hash holds once `event` (describesFinalRecord()) was written, with the request and parent
    // the submitter sent: the ?wait answer of a submit needs no read of the hash.
    static TaskRecord fromFinalEvent(const TaskEventRecord& event, const QByteArray& request,
                                     const QByteArray& parentTaskId);
};

} // namespace mmf
