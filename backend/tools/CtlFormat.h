#pragma once

#include "tools/CtlError.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QStringList>

namespace mmf {

// mmfctl's text output, as pure functions: stable, line-oriented, one fact per line, so scripts can parse it.
class CtlFormat
{
public:
    // "error: <code>: <message> (field: x)" — the field part only when there is one. No trailing newline.
    static QString errorLine(const CtlError& error);
    // The error of a non-2xx answer: the API's {"error": {...}} when present, else a code from the HTTP
    // status and the start of the body as the message.
    static CtlError apiError(int httpStatus, const QByteArray& body);
    // A task's {code, message} error (model-defined codes kept as they are).
    static CtlError taskError(const QJsonValue& error);
    static QString codeForHttpStatus(int httpStatus);

    static bool isFinalStatus(const QString& status);
    static bool isSuccess(const QString& status) { return status == QLatin1String("succeeded"); }

    // Columns padded to their widest cell, separated by two spaces, no trailing blanks; "-" for empty cells.
    static QString table(const QStringList& headers, const QList<QStringList>& rows);
    // GET /api/v1/tasks → ID MODEL STATUS CREATED DURATION. Accepts {"tasks": [...]} or a bare array.
    static QString tasksTable(const QJsonDocument& list);
    // GET /api/v1/models → NAME PROJECT STATUS INSTANCES QUEUE WAIT SCALING.
    static QString modelsTable(const QJsonDocument& models);
    // GET /api/v1/models/{name}/instances → ID NAME ADDRESS STARTED LAST_PING RTT_MS OK FAILED CURRENT.
    static QString instancesTable(const QJsonDocument& instances);
    // GET /api/v1/models/{name}/dead-letters → TASK_ID USER ATTEMPTS DEAD_LETTERED ERROR.
    static QString deadLettersTable(const QJsonDocument& deadLetters);
    // GET /api/v1/tokens: ID, USER, METHODS, EXPIRES, ISSUED_BY.
    static QString tokensTable(const QJsonDocument& tokens);
    // The replay answer: "replayed ID" and "not found ID" lines.
    static QString replayLines(const QJsonObject& answer);
    // GET /api/v1/tasks/{id} as "key: value" lines, the error, then the result as indented JSON.
    static QString taskDetails(const QJsonObject& task);
    // GET /api/v1/models/{name}: figures as "key: value" lines, then the request fields from request_schema.
    static QString modelDetails(const QJsonObject& model);

    // "[ts] LEVEL text" of a log line or log push.
    static QString logLine(const QJsonObject& line);
    // "progress: 42% text".
    static QString progressLine(const QJsonObject& progress);
    // "status: running (attempt 1)".
    static QString statusLine(const QJsonObject& status);

    // 850ms, 12.3s, 2m05s, 1h02m; "-" for a negative duration.
    static QString duration(qint64 ms);
    // RFC 3339 → "yyyy-MM-ddTHH:mm:ssZ" (with ".zzz" when withMs) in UTC; "-" when empty; unparsable text as
    // is.
    static QString timestamp(const QString& rfc3339, bool withMs = false);
    // Milliseconds between two RFC 3339 times, or -1 when either is missing or unparsable.
    static qint64 millisBetween(const QString& from, const QString& to);
    // Indented JSON for objects and arrays, the plain text of strings, JSON text of other scalars.
    static QString json(const QJsonValue& value);
};

} // namespace mmf
