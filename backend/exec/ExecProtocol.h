#pragma once

#include "core/Result.h"
#include "worker/TaskContext.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace mmf {

// The JSON-lines protocol between mmf-worker --exec and a model process: one JSON object per line each way.
// In (stdin):  {"id", "request": {...}} and {"id", "cancel": true}.
// Out (stdout): any number of {"id", "log": {"level", "text"}} and {"id", "progress": {"fraction", "text"}},
// then exactly one {"id", "result": {...}} or {"id", "error": {"code", "message", "retry": bool}}.
// Requests and results are protobuf's canonical JSON.
namespace ExecProtocol {

struct Message
{
    enum class Kind
    {
        Log,
        Progress,
        Result,
        Error
    };
    Kind kind = Kind::Log;
    QString id;
    TaskContext::Level level = TaskContext::Level::Info; // log
    QString text;                                        // log, progress
    double fraction = 0;                                 // progress, 0..1
    QByteArray resultJson;                               // result: the object, compact
    QString code;                                        // error
    QString message;                                     // error
    bool retry = false;                                  // error: true = this attempt failed, try again

    bool isFinal() const { return kind == Kind::Result || kind == Kind::Error; }
};

// One line the model wrote (without the newline). invalid_argument saying what is wrong with it.
Result<Message> parseLine(QByteArrayView line);
// The lines the worker writes, newline included. `requestJson` is canonical JSON of the request.
QByteArray requestLine(const QString& id, const QByteArray& requestJson);
QByteArray cancelLine(const QString& id);
// A line cut to a length that fits a log or error message.
QString excerpt(QByteArrayView line);
// Removes the complete lines from the front of `buffer` and returns them without "\n" or "\r\n", blank ones
// dropped. With `flush` (the stream ended) or once the rest exceeds `maxPartial` bytes, the rest is a line
// too.
QList<QByteArray> takeLines(QByteArray& buffer, bool flush, qsizetype maxPartial = 64 * 1024);

} // namespace ExecProtocol
} // namespace mmf
