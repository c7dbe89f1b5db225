#include "tools/CtlFormat.h"

#include <QDateTime>
#include <QJsonArray>

namespace mmf {

namespace {

QString cell(const QJsonValue& value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 12);
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

QJsonArray arrayOf(const QJsonDocument& doc, const char* key)
{
    if (doc.isArray())
        return doc.array();
    return doc.object().value(QLatin1String(key)).toArray();
}

QDateTime parseTime(const QString& text)
{
    if (text.isEmpty())
        return {};
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    return time;
}

} // namespace

QString CtlFormat::errorLine(const CtlError& error)
{
    QString line = QStringLiteral("error: ") +
                   (error.code.isEmpty() ? QStringLiteral("internal") : error.code) + QStringLiteral(": ") +
                   error.message;
    if (!error.field.isEmpty())
        line += QStringLiteral(" (field: ") + error.field + QLatin1Char(')');
    return line;
}

QString CtlFormat::codeForHttpStatus(int httpStatus)
{
    switch (httpStatus) {
    case 400:
    case 422:
        return QStringLiteral("invalid_argument");
    case 401:
        return QStringLiteral("unauthenticated");
    case 403:
        return QStringLiteral("permission_denied");
    case 404:
        return QStringLiteral("not_found");
    case 409:
        return QStringLiteral("conflict");
    case 413:
        return QStringLiteral("payload_too_large");
    case 429:
        return QStringLiteral("rate_limited");
    case 502:
    case 503:
    case 504:
        return QStringLiteral("unavailable");
    default:
        return QStringLiteral("internal");
    }
}

CtlError CtlFormat::apiError(int httpStatus, const QByteArray& body)
{
    CtlError error;
    error.exit = CtlExit::Failure;
    const QJsonObject object =
        QJsonDocument::fromJson(body).object().value(QLatin1String("error")).toObject();
    if (!object.isEmpty()) {
        error.code = object.value(QLatin1String("code")).toString();
        error.message = object.value(QLatin1String("message")).toString();
        error.field = object.value(QLatin1String("field")).toString();
    }
    if (error.code.isEmpty())
        error.code = codeForHttpStatus(httpStatus);
    if (error.message.isEmpty()) {
        const QString text = QString::fromUtf8(body.left(200)).simplified();
        error.message = text.isEmpty() ? QStringLiteral("HTTP %1").arg(httpStatus)
                                       : QStringLiteral("HTTP %1: %2").arg(httpStatus).arg(text);
    }
    return error;
}

CtlError CtlFormat::taskError(const QJsonValue& value)
{
    CtlError error;
    const QJsonObject object = value.toObject();
    error.code = object.value(QLatin1String("code")).toString();
    error.message = object.value(QLatin1String("message")).toString();
    if (value.isString())
        error.message = value.toString();
    if (error.code.isEmpty())
        error.code = QStringLiteral("task_failed");
    return error;
}

bool CtlFormat::isFinalStatus(const QString& status)
{
    return status == QLatin1String("succeeded") || status == QLatin1String("failed") ||
           status == QLatin1String("cancelled") || status == QLatin1String("dead_lettered");
}

QString CtlFormat::table(const QStringList& headers, const QList<QStringList>& rows)
{
    QList<qsizetype> widths;
    for (const QString& header : headers)
        widths.append(header.size());
    for (const QStringList& row : rows) {
        for (qsizetype c = 0; c < row.size() && c < widths.size(); ++c)
            widths[c] = qMax(widths[c], qMax<qsizetype>(row.at(c).size(), 1));
    }
    QString out;
    auto appendRow = [&](const QStringList& row) {
        QString line;
        for (qsizetype c = 0; c < widths.size(); ++c) {
            QString value = c < row.size() ? row.at(c) : QString();
            if (value.isEmpty())
                value = QStringLiteral("-");
            line += c + 1 < widths.size() ? value.leftJustified(widths.at(c) + 2) : value;
        }
        out += line + QLatin1Char('\n');
    };
    appendRow(headers);
    for (const QStringList& row : rows)
        appendRow(row);
    return out;
}

QString CtlFormat::tasksTable(const QJsonDocument& list)
{
    QList<QStringList> rows;
    for (const QJsonValue& value : arrayOf(list, "tasks")) {
        const QJsonObject task = value.toObject();
        const qint64 ms = millisBetween(task.value(QLatin1String("started_at")).toString(),
                                        task.value(QLatin1String("finished_at")).toString());
        rows.append({task.value(QLatin1String("task_id")).toString(),
                     task.value(QLatin1String("model")).toString(),
                     task.value(QLatin1String("status")).toString(),
                     timestamp(task.value(QLatin1String("created_at")).toString()),
                     ms < 0 ? QString() : duration(ms)});
    }
    return table({QStringLiteral("ID"), QStringLiteral("MODEL"), QStringLiteral("STATUS"),
                  QStringLiteral("CREATED"), QStringLiteral("DURATION")},
                 rows);
}

QString CtlFormat::modelsTable(const QJsonDocument& models)
{
    QList<QStringList> rows;
    for (const QJsonValue& value : arrayOf(models, "models")) {
        const QJsonObject model = value.toObject();
        const QJsonObject scaling = model.value(QLatin1String("scaling")).toObject();
        QString scalingText;
        if (!scaling.isEmpty()) {
            scalingText =
                QStringLiteral("%1 %2..%3 (%4/%5)")
                    .arg(cell(scaling.value(QLatin1String("mode"))),
                         cell(scaling.value(QLatin1String("min"))), cell(scaling.value(QLatin1String("max"))),
                         cell(scaling.value(QLatin1String("current"))),
                         cell(scaling.value(QLatin1String("desired"))));
        }
        const QJsonValue waitMs = model.value(QLatin1String("estimated_wait_ms"));
        rows.append({cell(model.value(QLatin1String("name"))), cell(model.value(QLatin1String("project"))),
                     cell(model.value(QLatin1String("status"))),
                     cell(model.value(QLatin1String("instances"))),
                     cell(model.value(QLatin1String("queue_depth"))),
                     waitMs.isDouble() ? duration(qint64(waitMs.toDouble())) : QString(), scalingText});
    }
    return table({QStringLiteral("NAME"), QStringLiteral("PROJECT"), QStringLiteral("STATUS"),
                  QStringLiteral("INSTANCES"), QStringLiteral("QUEUE"), QStringLiteral("WAIT"),
                  QStringLiteral("SCALING")},
                 rows);
}

QString CtlFormat::instancesTable(const QJsonDocument& instances)
{
    QList<QStringList> rows;
    for (const QJsonValue& value : arrayOf(instances, "instances")) {
        const QJsonObject instance = value.toObject();
        rows.append({cell(instance.value(QLatin1String("instance_id"))),
                     cell(instance.value(QLatin1String("name"))),
                     cell(instance.value(QLatin1String("host"))) + QLatin1Char(':') +
                         cell(instance.value(QLatin1String("port"))),
                     timestamp(instance.value(QLatin1String("started_at")).toString()),
                     timestamp(instance.value(QLatin1String("last_ping_at")).toString()),
                     cell(instance.value(QLatin1String("ping_rtt_ms"))),
                     cell(instance.value(QLatin1String("tasks_succeeded"))),
                     cell(instance.value(QLatin1String("tasks_failed"))),
                     cell(instance.value(QLatin1String("current_task_id")))});
    }
    return table({QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("ADDRESS"),
                  QStringLiteral("STARTED"), QStringLiteral("LAST_PING"), QStringLiteral("RTT_MS"),
                  QStringLiteral("OK"), QStringLiteral("FAILED"), QStringLiteral("CURRENT")},
                 rows);
}

QString CtlFormat::deadLettersTable(const QJsonDocument& deadLetters)
{
    QList<QStringList> rows;
    for (const QJsonValue& value : arrayOf(deadLetters, "dead_letters")) {
        const QJsonObject letter = value.toObject();
        const QJsonObject error = letter.value(QLatin1String("error")).toObject();
        QString errorText = cell(error.value(QLatin1String("code")));
        if (const QString message = cell(error.value(QLatin1String("message"))); !message.isEmpty())
            errorText += QStringLiteral(": ") + message.simplified();
        rows.append({cell(letter.value(QLatin1String("task_id"))),
                     cell(letter.value(QLatin1String("user_id"))),
                     cell(letter.value(QLatin1String("attempts"))),
                     timestamp(letter.value(QLatin1String("dead_lettered_at")).toString()), errorText});
    }
    return table({QStringLiteral("TASK_ID"), QStringLiteral("USER"), QStringLiteral("ATTEMPTS"),
                  QStringLiteral("DEAD_LETTERED"), QStringLiteral("ERROR")},
                 rows);
}

QString CtlFormat::tokensTable(const QJsonDocument& tokens)
{
    QList<QStringList> rows;
    for (const QJsonValue& value : arrayOf(tokens, "tokens")) {
        const QJsonObject token = value.toObject();
        QStringList methods;
        for (const QJsonValue& method : token.value(QLatin1String("methods")).toArray())
            methods << method.toString();
        rows.append({cell(token.value(QLatin1String("token_id"))), cell(token.value(QLatin1String("user"))),
                     methods.join(QLatin1Char(',')),
                     timestamp(token.value(QLatin1String("expires_at")).toString()),
                     cell(token.value(QLatin1String("issued_by")))});
    }
    return table({QStringLiteral("ID"), QStringLiteral("USER"), QStringLiteral("METHODS"),
                  QStringLiteral("EXPIRES"), QStringLiteral("ISSUED_BY")},
                 rows);
}

QString CtlFormat::replayLines(const QJsonObject& answer)
{
    QString out;
    for (const QJsonValue& id : answer.value(QLatin1String("replayed")).toArray())
        out += QStringLiteral("replayed ") + id.toString() + QLatin1Char('\n');
    for (const QJsonValue& id : answer.value(QLatin1String("not_found")).toArray())
        out += QStringLiteral("not found ") + id.toString() + QLatin1Char('\n');
    return out;
}

QString CtlFormat::taskDetails(const QJsonObject& task)
{
    QList<QPair<QString, QString>> lines;
    auto add = [&](const char* key, const QString& value, bool always) {
        if (always || !value.isEmpty())
            lines.append({QLatin1String(key), value.isEmpty() ? QStringLiteral("-") : value});
    };
    add("task_id", cell(task.value(QLatin1String("task_id"))), true);
    add("model", cell(task.value(QLatin1String("model"))), true);
    add("status", cell(task.value(QLatin1String("status"))), true);
    add("attempts", cell(task.value(QLatin1String("attempts"))), true);
    add("created_at", timestamp(task.value(QLatin1String("created_at")).toString(), true), true);
    add("started_at", timestamp(task.value(QLatin1String("started_at")).toString(), true), true);
    add("finished_at", timestamp(task.value(QLatin1String("finished_at")).toString(), true), true);
    const qint64 ms = millisBetween(task.value(QLatin1String("started_at")).toString(),
                                    task.value(QLatin1String("finished_at")).toString());
    add("duration", ms < 0 ? QString() : duration(ms), true);
    add("next_attempt_at",
        task.value(QLatin1String("next_attempt_at")).toString().isEmpty()
            ? QString()
            : timestamp(task.value(QLatin1String("next_attempt_at")).toString(), true),
        false);
    add("parent_task_id", cell(task.value(QLatin1String("parent_task_id"))), false);
    const QJsonValue error = task.value(QLatin1String("error"));
    if (error.isObject() && !error.toObject().isEmpty()) {
        const CtlError e = taskError(error);
        add("error", e.code + QStringLiteral(": ") + e.message, false);
    }

    qsizetype width = 0;
    for (const auto& line : lines)
        width = qMax(width, line.first.size());
    QString out;
    for (const auto& line : lines)
        out += (line.first + QLatin1Char(':')).leftJustified(width + 2) + line.second + QLatin1Char('\n');
    const QJsonValue result = task.value(QLatin1String("result"));
    if (!result.isUndefined() && !result.isNull())
        out += QStringLiteral("result:\n") + json(result) + QLatin1Char('\n');
    return out;
}

QString CtlFormat::modelDetails(const QJsonObject& model)
{
    QList<QPair<QString, QString>> lines;
    for (const char* key : {"name", "project", "status", "instances", "queue_depth", "request_type",
                            "response_type", "description", "version", "owner"})
        lines.append({QLatin1String(key), cell(model.value(QLatin1String(key)))});
    lines.append({QStringLiteral("tags"),
                  model.value(QLatin1String("tags")).toVariant().toStringList().join(QStringLiteral(", "))});
    lines.append({QStringLiteral("last_seen_at"),
                  model.value(QLatin1String("last_seen_at")).isString()
                      ? timestamp(model.value(QLatin1String("last_seen_at")).toString())
                      : QString()});
    const QJsonObject retry = model.value(QLatin1String("retry")).toObject();
    if (!retry.isEmpty())
        lines.append(
            {QStringLiteral("retry"), QStringLiteral("%1 attempts, backoff %2 ms x%3 up to %4 ms")
                                          .arg(cell(retry.value(QLatin1String("max_attempts"))),
                                               cell(retry.value(QLatin1String("backoff_initial_ms"))),
                                               cell(retry.value(QLatin1String("backoff_factor"))),
                                               cell(retry.value(QLatin1String("backoff_max_ms"))))});
    const QJsonValue waitMs = model.value(QLatin1String("estimated_wait_ms"));
    lines.append({QStringLiteral("estimated_wait"),
                  waitMs.isDouble() ? duration(qint64(waitMs.toDouble())) : QString()});
    qsizetype width = 0;
    for (const auto& line : lines)
        width = qMax(width, line.first.size());
    QString out;
    for (const auto& line : lines)
        out += (line.first + QLatin1Char(':')).leftJustified(width + 2) +
               (line.second.isEmpty() ? QStringLiteral("-") : line.second) + QLatin1Char('\n');
    const QJsonObject properties =
        model.value(QLatin1String("request_schema")).toObject().value(QLatin1String("properties")).toObject();
    if (!properties.isEmpty()) {
        QList<QStringList> rows;
        for (auto it = properties.begin(); it != properties.end(); ++it) {
            const QJsonObject field = it.value().toObject();
            const QJsonValue type = field.value(QLatin1String("type"));
            QString typeText =
                type.isArray() ? type.toVariant().toStringList().join(QLatin1Char('|')) : type.toString();
            if (typeText.isEmpty() && field.contains(QLatin1String("$ref")))
                typeText = field.value(QLatin1String("$ref")).toString().section(QLatin1Char('/'), -1);
            rows.append({it.key(), typeText.isEmpty() ? QStringLiteral("object") : typeText,
                         field.value(QLatin1String("description")).toString().simplified()});
        }
        out += QStringLiteral("request fields:\n") +
               table({QStringLiteral("FIELD"), QStringLiteral("TYPE"), QStringLiteral("DESCRIPTION")}, rows);
    }
    return out;
}

QString CtlFormat::logLine(const QJsonObject& line)
{
    return QStringLiteral("[%1] %2 %3")
        .arg(timestamp(line.value(QLatin1String("ts")).toString(), true),
             line.value(QLatin1String("level")).toString(QStringLiteral("info")).toUpper(),
             line.value(QLatin1String("text")).toString());
}

QString CtlFormat::progressLine(const QJsonObject& progress)
{
    const double fraction = qBound(0.0, progress.value(QLatin1String("fraction")).toDouble(), 1.0);
    QString line = QStringLiteral("progress: %1%").arg(qRound(fraction * 100));
    if (const QString text = progress.value(QLatin1String("text")).toString(); !text.isEmpty())
        line += QLatin1Char(' ') + text;
    return line;
}

QString CtlFormat::statusLine(const QJsonObject& status)
{
    QString line = QStringLiteral("status: ") + status.value(QLatin1String("status")).toString();
    const int attempts = status.value(QLatin1String("attempts")).toInt();
    if (status.value(QLatin1String("status")).toString() == QLatin1String("running") && attempts > 0)
        line += QStringLiteral(" (attempt %1)").arg(attempts);
    return line;
}

QString CtlFormat::duration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("-");
    if (ms < 1000)
        return QStringLiteral("%1ms").arg(ms);
    if (ms < 60'000)
        return QStringLiteral("%1s").arg(QString::number(ms / 1000.0, 'f', 1));
    if (ms < 3'600'000) {
        const qint64 s = ms / 1000;
        return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    }
    const qint64 m = ms / 60'000;
    return QStringLiteral("%1h%2m").arg(m / 60).arg(m % 60, 2, 10, QLatin1Char('0'));
}

QString CtlFormat::timestamp(const QString& rfc3339, bool withMs)
{
    if (rfc3339.isEmpty())
        return QStringLiteral("-");
    const QDateTime time = parseTime(rfc3339);
    if (!time.isValid())
        return rfc3339;
    return time.toUTC().toString(withMs ? QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ")
                                        : QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
}

qint64 CtlFormat::millisBetween(const QString& from, const QString& to)
{
    const QDateTime a = parseTime(from);
    const QDateTime b = parseTime(to);
    if (!a.isValid() || !b.isValid())
        return -1;
    return a.msecsTo(b);
}

QString CtlFormat::json(const QJsonValue& value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented)).trimmed();
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented)).trimmed();
    if (value.isString())
        return value.toString();
    // Other scalars: serialise inside an array and strip the brackets.
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

} // namespace mmf
