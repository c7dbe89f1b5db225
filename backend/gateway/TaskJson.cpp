#include "gateway/TaskJson.h"

#include "gateway/TaskEventRecord.h"
#include "gateway/TaskRecord.h"
#include "schema/DescriptorSet.h"
#include "schema/ProtoJson.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

namespace mmf::TaskJson {

QString isoTime(qint64 ms)
{
    if (ms <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

namespace {
QJsonValue timeOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(isoTime(ms)) : QJsonValue(QJsonValue::Null);
}

QJsonValue errorOrNull(const QByteArray& code, const QByteArray& message)
{
    if (code.isEmpty())
        return QJsonValue::Null;
    return QJsonObject{{QStringLiteral("code"), QString::fromUtf8(code)},
                       {QStringLiteral("message"), QString::fromUtf8(message)}};
}
} // namespace

QJsonValue message(const ModelInfoPtr& model, const google::protobuf::Descriptor* type,
                   const QByteArray& bytes)
{
    if (!model || !type || bytes.isNull())
        return QJsonValue::Null;
    Result<QByteArray> json = ProtoJson::binaryToJson(*model->descriptors, type, bytes);
    if (!json)
        return QJsonValue::Null;
    return QJsonDocument::fromJson(*json).object();
}

QJsonObject task(const TaskRecord& record, const ModelInfoPtr& model)
{
    QJsonObject out = taskSummary(record);
    out.insert(QStringLiteral("request"), message(model, model ? model->request : nullptr, record.request));
    out.insert(QStringLiteral("result"),
               record.status == "succeeded" ? message(model, model ? model->response : nullptr, record.result)
                                            : QJsonValue(QJsonValue::Null));
    return out;
}

QJsonObject taskSummary(const TaskRecord& record)
{
    return QJsonObject{
        {QStringLiteral("task_id"), QString::fromLatin1(record.taskId)},
        {QStringLiteral("model"), QString::fromUtf8(record.model)},
        {QStringLiteral("status"), QString::fromLatin1(record.status)},
        {QStringLiteral("attempts"), record.attempts},
        {QStringLiteral("created_at"), timeOrNull(record.createdAtMs)},
        {QStringLiteral("started_at"), timeOrNull(record.startedAtMs)},
        {QStringLiteral("finished_at"), timeOrNull(record.finishedAtMs)},
        {QStringLiteral("next_attempt_at"), timeOrNull(record.nextAttemptAtMs)},
        {QStringLiteral("error"), errorOrNull(record.errorCode, record.errorMessage)},
        {QStringLiteral("parent_task_id"), record.parentTaskId.isEmpty()
                                               ? QJsonValue(QJsonValue::Null)
                                               : QJsonValue(QString::fromLatin1(record.parentTaskId))},
        {QStringLiteral("instance"), record.instance.isEmpty()
                                         ? QJsonValue(QJsonValue::Null)
                                         : QJsonValue(QString::fromUtf8(record.instance))},
    };
}

QJsonObject timeline(const TaskRecord& record)
{
    constexpr qsizetype kMaxReported = 1000; // characters kept of a model-reported string
    auto reported = [](const QByteArray& text) {
        return text.isEmpty() ? QJsonValue(QJsonValue::Null)
                              : QJsonValue(QString::fromUtf8(text.left(kMaxReported)));
    };
    auto span = [](qint64 from, qint64 to) {
        return from > 0 && to >= from ? QJsonValue(double(to - from)) : QJsonValue(QJsonValue::Null);
    };
    QJsonArray attempts;
    qint64 queuedSince = record.createdAtMs;
    double queuedTotal = 0;
    double runningTotal = 0;
    const bool final = record.isFinal();
    for (int n = 1; n <= record.attempts; ++n) {
        qint64 started = 0;
        qint64 ended = 0;
        QByteArray instance, code, text;
        QString outcome;
        const auto past = record.pastAttempts.constFind(n);
        if (past != record.pastAttempts.cend()) {
            const QJsonObject stored = QJsonDocument::fromJson(*past).object();
            started = stored.value(QLatin1String("s")).toString().toLongLong();
            ended = stored.value(QLatin1String("f")).toString().toLongLong();
            instance = stored.value(QLatin1String("i")).toString().toUtf8();
            code = stored.value(QLatin1String("ec")).toString().toUtf8();
            text = stored.value(QLatin1String("em")).toString().toUtf8();
            outcome = QStringLiteral("retried");
        } else if (n == record.attempts) {
            started = record.startedAtMs;
            ended = final ? record.finishedAtMs : 0;
            instance = record.instance;
            if (record.status != "succeeded") {
                code = record.errorCode;
                text = record.errorMessage;
            }
            outcome = QString::fromLatin1(record.status);
        } else {
            outcome = QStringLiteral("unknown"); // stored before attempts were recorded
        }
        const QJsonValue queued = span(queuedSince, started);
        const QJsonValue running = span(started, ended);
        queuedTotal += queued.toDouble();
        runningTotal += running.toDouble();
        attempts.append(QJsonObject{
            {QStringLiteral("attempt"), n},
            {QStringLiteral("instance"), reported(instance)},
            {QStringLiteral("queued_at"), timeOrNull(queuedSince)},
            {QStringLiteral("started_at"), timeOrNull(started)},
            {QStringLiteral("ended_at"), timeOrNull(ended)},
            {QStringLiteral("queued_ms"), queued},
            {QStringLiteral("running_ms"), running},
            {QStringLiteral("outcome"), outcome},
            {QStringLiteral("error"), code.isEmpty()
                                          ? QJsonValue(QJsonValue::Null)
                                          : errorOrNull(code.left(kMaxReported), text.left(kMaxReported))},
        });
        if (ended > 0)
            queuedSince = ended;
    }
    return QJsonObject{
        {QStringLiteral("task_id"), QString::fromLatin1(record.taskId)},
        {QStringLiteral("model"), QString::fromUtf8(record.model)},
        {QStringLiteral("status"), QString::fromLatin1(record.status)},
        {QStringLiteral("created_at"), timeOrNull(record.createdAtMs)},
        {QStringLiteral("next_attempt_at"), timeOrNull(record.nextAttemptAtMs)},
        {QStringLiteral("queued_ms"), queuedTotal},
        {QStringLiteral("running_ms"), runningTotal},
        {QStringLiteral("attempts"), attempts},
    };
}

QJsonObject event(const TaskEventRecord& event, const ModelInfoPtr& model)
{
    const QString taskId = QString::fromLatin1(event.taskId);
    switch (event.kind) {
    case TaskEventRecord::Kind::Status: {
        QJsonObject out{{QStringLiteral("type"), QStringLiteral("status")},
                        {QStringLiteral("task_id"), taskId},
                        {QStringLiteral("model"), QString::fromUtf8(event.model)},
                        {QStringLiteral("status"), QString::fromLatin1(event.status)},
                        {QStringLiteral("attempts"), event.attempts},
                        {QStringLiteral("ts"), isoTime(event.tsMs)}};
        if (event.nextAttemptAtMs > 0)
            out.insert(QStringLiteral("next_attempt_at"), isoTime(event.nextAttemptAtMs));
        if (!event.errorCode.isEmpty())
            out.insert(QStringLiteral("error"), errorOrNull(event.errorCode, event.errorMessage));
        return out;
    }
    case TaskEventRecord::Kind::Log:
        return QJsonObject{{QStringLiteral("type"), QStringLiteral("log")},
                           {QStringLiteral("task_id"), taskId},
                           {QStringLiteral("seq"), double(event.seq)},
                           {QStringLiteral("ts"), isoTime(event.tsMs)},
                           {QStringLiteral("level"), QString::fromLatin1(event.level)},
                           {QStringLiteral("text"), QString::fromUtf8(event.text)}};
    case TaskEventRecord::Kind::Progress:
        return QJsonObject{{QStringLiteral("type"), QStringLiteral("progress")},
                           {QStringLiteral("task_id"), taskId},
                           {QStringLiteral("fraction"), event.fraction},
                           {QStringLiteral("text"), QString::fromUtf8(event.text)}};
    case TaskEventRecord::Kind::Result:
        return QJsonObject{
            {QStringLiteral("type"), QStringLiteral("result")},
            {QStringLiteral("task_id"), taskId},
            {QStringLiteral("model"), QString::fromUtf8(event.model)},
            {QStringLiteral("status"), QString::fromLatin1(event.status)},
            {QStringLiteral("attempts"), event.attempts},
            {QStringLiteral("ts"), isoTime(event.tsMs)},
            {QStringLiteral("result"), event.status == "succeeded" && !event.resultElided
                                           ? message(model, model ? model->response : nullptr, event.result)
                                           : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("error"), errorOrNull(event.errorCode, event.errorMessage)}};
    }
    return {};
}

} // namespace mmf::TaskJson
