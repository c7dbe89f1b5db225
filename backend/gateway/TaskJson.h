#pragma once

#include "gateway/ModelInfo.h"

#include <QByteArray>
#include <QJsonObject>

namespace mmf {

struct TaskEventRecord;
struct TaskRecord;

// JSON shapes of the task API and the WebSocket pushes. Request and result are rendered through the model's
// descriptors in the protobuf JSON mapping.
namespace TaskJson {

QString isoTime(qint64 ms); // RFC 3339 UTC with milliseconds; empty for 0
QByteArray isoTimeUtf8(qint64 ms);
// {task_id, model, status, attempts, created_at, started_at, finished_at, next_attempt_at, request, result,
//  error, parent_task_id, instance} as compact JSON text: the answer of GET /tasks/{id} and of ?wait.
QByteArray taskText(const TaskRecord& record, const ModelInfoPtr& model);
// A short row for lists (no request or result).
QJsonObject taskSummary(const TaskRecord& record);
// GET /api/v1/tasks/{id}/timeline: {task_id, model, status, created_at, queued_ms, running_ms, attempts:
// [{attempt, instance, queued_at, started_at, ended_at, queued_ms, running_ms, outcome, error}]}. Past
// attempts come from the task hash's h<n> fields, the last from its current fields; both are what the model's
// instances reported.
QJsonObject timeline(const TaskRecord& record);
// The WebSocket push for an event, as compact JSON text written directly (once per event that has
// subscribers): {type: "status", task_id, model, status, attempts, ts, next_attempt_at?, error?} |
// {type: "log", task_id, seq, ts, level, text} | {type: "progress", task_id, fraction, text} |
// {type: "result", task_id, model, status, attempts, ts, result, error}.
QString eventText(const TaskEventRecord& event, const ModelInfoPtr& model);

} // namespace TaskJson
} // namespace mmf
