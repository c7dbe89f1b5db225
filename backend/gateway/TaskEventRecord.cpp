#include "gateway/TaskEventRecord.h"

#include "broker/StreamEntry.h"
#include "broker/TaskIdGenerator.h"

namespace mmf {

bool TaskEventRecord::fromItsTasksModel() const
{
    const QByteArray named = TaskIdGenerator::modelOf(taskId);
    return named.isEmpty() || named == model;
}

bool TaskEventRecord::fromStreamEntry(const QByteArray& model, const StreamEntry& entry, TaskEventRecord* out)
{
    TaskEventRecord event;
    event.model = model;
    QByteArray kind;
    for (const auto& [field, value] : entry.fields) {
        if (field.size() == 1) {
            switch (field[0]) {
            case 'k':
                kind = value;
                break;
            case 'u':
                event.userId = value;
                break;
            case 'a':
                event.attempts = value.toInt();
                break;
            case 'n':
                event.nextAttemptAtMs = value.toLongLong();
                break;
            case 'c':
                event.createdMs = value.toLongLong();
                break;
            case 's':
                event.startedMs = value.toLongLong();
                break;
            case 'q':
                event.firstStartedMs = value.toLongLong();
                break;
            case 'i':
                event.instance = value;
                event.hasInstance = true;
                break;
            }
        } else if (field == "id") {
            event.taskId = value;
        } else if (field == "ts") {
            event.tsMs = value.toLongLong();
        } else if (field == "st") {
            event.status = value;
        } else if (field == "seq") {
            event.seq = value.toLongLong();
        } else if (field == "lv") {
            event.level = value;
        } else if (field == "tx") {
            event.text = value;
        } else if (field == "fr") {
            event.fraction = value.toDouble();
        } else if (field == "res") {
            event.result = value;
        } else if (field == "big") {
            event.resultElided = true;
        } else if (field == "ec") {
            event.errorCode = value;
        } else if (field == "em") {
            event.errorMessage = value;
        }
    }
    // A final event leaves out the first attempt's start when it is the last one's (a task run once).
    if (event.firstStartedMs == 0)
        event.firstStartedMs = event.startedMs;
    if (kind == "s")
        event.kind = Kind::Status;
    else if (kind == "l")
        event.kind = Kind::Log;
    else if (kind == "p")
        event.kind = Kind::Progress;
    else if (kind == "r")
        event.kind = Kind::Result;
    else
        return false;
    if (event.taskId.isEmpty())
        return false;
    *out = std::move(event);
    return true;
}

} // namespace mmf
