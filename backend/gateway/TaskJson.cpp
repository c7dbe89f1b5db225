#include "gateway/TaskJson.h"

#include "gateway/JsonTextWriter.h"
#include "gateway/TaskEventRecord.h"
#include "gateway/TaskRecord.h"
#include "schema/DescriptorSet.h"
#include "schema/ProtoJson.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

namespace mmf::TaskJson {

namespace {
// The days since 1970-01-01 as a civil date (H. Hinnant's days_from_civil inverse, proleptic Gregorian).
void civilFromDays(qint64 days, int* year, int* month, int* day)
{
    days += 719468;
    const qint64 era = (days >= 0 ? days : days - 146096) / 146097;
    const qint64 dayOfEra = days - era * 146097;
    const qint64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 monthIndex = (5 * dayOfYear + 2) / 153;
    *day = int(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    *month = int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    *year = int(yearOfEra + era * 400 + (*month <= 2 ? 1 : 0));
}

void putDigits(char* out, int value, int width)
{
    for (int i = width - 1; i >= 0; --i, value /= 10)
        out[i] = char('0' + value % 10);
}
} // namespace

QByteArray isoTimeUtf8(qint64 ms)
{
    if (ms <= 0)
        return {};
    constexpr qint64 kMsPerDay = 86'400'000;
    int year = 0, month = 0, day = 0;
    civilFromDays(ms / kMsPerDay, &year, &month, &day);
    if (year > 9999) // beyond four digits: Qt's own format decides
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
    // Formatting by hand: QDateTime's toString was ~3 % of the gateway's CPU per task.
    const qint64 inDay = ms % kMsPerDay;
    char text[] = "0000-00-00T00:00:00.000Z";
    putDigits(text, year, 4);
    putDigits(text + 5, month, 2);
    putDigits(text + 8, day, 2);
    putDigits(text + 11, int(inDay / 3'600'000), 2);
    putDigits(text + 14, int(inDay / 60'000 % 60), 2);
    putDigits(text + 17, int(inDay / 1000 % 60), 2);
    putDigits(text + 20, int(inDay % 1000), 3);
    return QByteArray(text, sizeof text - 1);
}

QString isoTime(qint64 ms)
{
    return QString::fromLatin1(isoTimeUtf8(ms));
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

namespace {
void errorText(JsonTextWriter& out, const QByteArray& code, const QByteArray& message)
{
    if (code.isEmpty()) {
        out.null();
        return;
    }
    out.beginObject().key("code").string(code).key("message").string(message).endObject();
}
} // namespace

namespace {
void timeText(JsonTextWriter& out, qint64 ms)
{
    if (ms > 0)
        out.string(isoTimeUtf8(ms));
    else
        out.null();
}

void messageText(JsonTextWriter& out, const ModelInfoPtr& model, const google::protobuf::Descriptor* type,
                 const QByteArray& bytes)
{
    if (model && type && !bytes.isNull()) {
        if (const Result<QByteArray> json = ProtoJson::binaryToJson(*model->descriptors, type, bytes)) {
            out.raw(*json);
            return;
        }
    }
    out.null();
}
} // namespace

namespace {
// The fields of a list row (taskSummary) and of the task answer (taskText), written once for both.
void summaryText(JsonTextWriter& out, const TaskRecord& record)
{
    out.key("attempts").number(qint64(record.attempts));
    timeText(out.key("created_at"), record.createdAtMs);
    errorText(out.key("error"), record.errorCode, record.errorMessage);
    timeText(out.key("finished_at"), record.finishedAtMs);
    if (record.instance.isEmpty())
        out.key("instance").null();
    else
        out.key("instance").string(record.instance);
    out.key("model").string(record.model);
    timeText(out.key("next_attempt_at"), record.nextAttemptAtMs);
    if (record.parentTaskId.isEmpty())
        out.key("parent_task_id").null();
    else
        out.key("parent_task_id").string(record.parentTaskId);
    timeText(out.key("started_at"), record.startedAtMs);
    out.key("status").string(record.status);
    out.key("task_id").string(record.taskId);
}
} // namespace

// The summary plus request and result; the request and result JSON from the protobuf mapping go in as they
// come (no QJsonObject round trip: ?wait answers once per task).
QByteArray taskText(const TaskRecord& record, const ModelInfoPtr& model)
{
    JsonTextWriter out(256 + (record.request.size() + record.result.size()) * 2);
    out.beginObject();
    summaryText(out, record);
    messageText(out.key("request"), model, model ? model->request : nullptr, record.request);
    if (record.status == "succeeded")
        messageText(out.key("result"), model, model ? model->response : nullptr, record.result);
    else
        out.key("result").null();
    out.endObject();
    return out.text();
}

QJsonObject taskSummary(const TaskRecord& record)
{
    JsonTextWriter out;
    out.beginObject();
    summaryText(out, record);
    out.endObject();
    return QJsonDocument::fromJson(out.text()).object();
}

// The same object as event(), keys in the order QJsonDocument prints them (sorted), with the result's JSON
// from the protobuf mapping put in as it comes.
QString eventText(const TaskEventRecord& event, const ModelInfoPtr& model)
{
    JsonTextWriter out(256 + event.result.size() * 2 + event.text.size());
    out.beginObject();
    switch (event.kind) {
    case TaskEventRecord::Kind::Status:
        out.key("attempts").number(qint64(event.attempts));
        if (!event.errorCode.isEmpty())
            errorText(out.key("error"), event.errorCode, event.errorMessage);
        out.key("model").string(event.model);
        if (event.nextAttemptAtMs > 0)
            out.key("next_attempt_at").string(isoTimeUtf8(event.nextAttemptAtMs));
        out.key("status").string(event.status);
        out.key("task_id").string(event.taskId);
        out.key("ts").string(isoTimeUtf8(event.tsMs));
        out.key("type").string("status");
        break;
    case TaskEventRecord::Kind::Log:
        out.key("level").string(event.level);
        out.key("seq").number(double(event.seq));
        out.key("task_id").string(event.taskId);
        out.key("text").string(event.text);
        out.key("ts").string(isoTimeUtf8(event.tsMs));
        out.key("type").string("log");
        break;
    case TaskEventRecord::Kind::Progress:
        out.key("fraction").number(event.fraction);
        out.key("task_id").string(event.taskId);
        out.key("text").string(event.text);
        out.key("type").string("progress");
        break;
    case TaskEventRecord::Kind::Result: {
        out.key("attempts").number(qint64(event.attempts));
        errorText(out.key("error"), event.errorCode, event.errorMessage);
        out.key("model").string(event.model);
        out.key("result");
        bool printed = false;
        if (event.status == "succeeded" && !event.resultElided && model && model->response &&
            !event.result.isNull()) {
            if (const Result<QByteArray> json =
                    ProtoJson::binaryToJson(*model->descriptors, model->response, event.result)) {
                out.raw(*json);
                printed = true;
            }
        }
        if (!printed)
            out.null();
        out.key("status").string(event.status);
        out.key("task_id").string(event.taskId);
        out.key("ts").string(isoTimeUtf8(event.tsMs));
        out.key("type").string("result");
        break;
    }
    }
    out.endObject();
    return QString::fromUtf8(out.text());
}

} // namespace mmf::TaskJson
