#include "gateway/TaskRecord.h"

#include "gateway/TaskEventRecord.h"

#include "mmf/v1/task.pb.h"

namespace mmf {

const QList<QByteArray>& TaskRecord::summaryFields()
{
    static const QList<QByteArray> fields{"st", "u", "p", "att", "c", "s", "f", "n", "ec", "em", "par", "i"};
    return fields;
}

TaskRecord TaskRecord::fromHash(const QByteArray& taskId, const QByteArray& model,
                                const QHash<QByteArray, QByteArray>& fields)
{
    TaskRecord record;
    record.taskId = taskId;
    record.model = model;
    record.status = fields.value("st");
    record.userId = fields.value("u");
    record.projectId = fields.value("p");
    record.attempts = fields.value("att").toInt();
    record.createdAtMs = fields.value("c").toLongLong();
    record.startedAtMs = fields.value("s").toLongLong();
    record.finishedAtMs = fields.value("f").toLongLong();
    record.nextAttemptAtMs = fields.value("n").toLongLong();
    record.errorCode = fields.value("ec");
    record.errorMessage = fields.value("em");
    record.parentTaskId = fields.value("par");
    record.instance = fields.value("i");
    record.result = fields.value("res");
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        bool ok = false;
        const int attempt = it.key().startsWith('h') ? it.key().mid(1).toInt(&ok) : 0;
        if (ok && attempt > 0)
            record.pastAttempts.insert(attempt, it.value());
    }
    // The request as the hash keeps it; a task of an older server kept its whole envelope instead.
    const auto request = fields.constFind("req");
    if (request != fields.cend()) {
        record.request = *request;
    } else {
        const QByteArray envelopeBytes = fields.value("env");
        v1::TaskEnvelope envelope;
        if (envelope.ParseFromArray(envelopeBytes.constData(), int(envelopeBytes.size())))
            record.request = QByteArray::fromStdString(envelope.request());
    }
    return record;
}

TaskRecord TaskRecord::fromFinalEvent(const TaskEventRecord& event, const QByteArray& request,
                                      const QByteArray& parentTaskId)
{
    TaskRecord record;
    record.taskId = event.taskId;
    record.model = event.model;
    record.status = event.status;
    record.userId = event.userId;
    record.attempts = event.attempts;
    record.createdAtMs = event.createdMs;
    record.startedAtMs = event.startedMs;
    record.finishedAtMs = event.tsMs;
    record.errorCode = event.errorCode;
    record.errorMessage = event.errorMessage;
    record.parentTaskId = parentTaskId;
    record.instance = event.instance;
    if (event.status == "succeeded")
        record.result = event.result;
    record.request = request;
    return record;
}

} // namespace mmf
