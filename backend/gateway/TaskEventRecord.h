#pragma once

#include <QByteArray>

namespace mmf {

struct StreamEntry;

// One entry of a model's events stream, as the gateway fans it out.
struct TaskEventRecord
{
    enum class Kind
    {
        Status,
        Log,
        Progress,
        Result
    };

    Kind kind = Kind::Status;
    QByteArray model;
    QByteArray taskId;
    QByteArray userId;
    qint64 tsMs = 0;
    QByteArray status;
    int attempts = 0;
    qint64 seq = 0;
    QByteArray level;
    QByteArray text;
    double fraction = 0;
    QByteArray result;         // binary response, when it rode along
    bool resultElided = false; // too large to ride along: read the result key
    QByteArray errorCode;
    QByteArray errorMessage;
    qint64 nextAttemptAtMs = 0;
    qint64 createdMs = 0;      // on running and final events
    qint64 startedMs = 0;      // final events: the start of the last attempt
    qint64 firstStartedMs = 0; // final events: the start of the first attempt
    QByteArray instance;       // final events of finished and dead-lettered attempts (`i`)
    bool hasInstance = false;

    bool isFinal() const { return kind == Kind::Result; }
    // Whether the stream it came from speaks for its task: an id names its model, and another model may write
    // any id into its own events stream (ids of the old form, which name none, are taken as they come).
    bool fromItsTasksModel() const;
    // A final event that holds everything of the task record but its request and parent (which the submitter
    // has): status, attempts, times, instance, error, and the result unless it was too big to ride along.
    bool describesFinalRecord() const
    {
        return isFinal() && hasInstance && createdMs > 0 && !(status == "succeeded" && resultElided);
    }
    // False for an entry that is not a task event.
    static bool fromStreamEntry(const QByteArray& model, const StreamEntry& entry, TaskEventRecord* out);
};

} // namespace mmf
