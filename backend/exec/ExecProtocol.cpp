#include "exec/ExecProtocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>

namespace mmf {

namespace {

constexpr qsizetype kExcerptChars = 200;

Error bad(const QString& what)
{
    return Error::invalidArgument(what);
}

QByteArray jsonString(const QString& text)
{
    // QJsonDocument escapes for us; strip the array brackets.
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

} // namespace

QString ExecProtocol::excerpt(QByteArrayView line)
{
    QString text = QString::fromUtf8(line.first(qMin(line.size(), kExcerptChars * 4))).simplified();
    if (text.size() > kExcerptChars)
        text = text.left(kExcerptChars) + QStringLiteral("…");
    return text;
}

QList<QByteArray> ExecProtocol::takeLines(QByteArray& buffer, bool flush, qsizetype maxPartial)
{
    QList<QByteArray> lines;
    const auto add = [&](QByteArray line) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.trimmed().isEmpty())
            lines.append(std::move(line));
    };
    qsizetype start = 0;
    for (qsizetype newline; (newline = buffer.indexOf('\n', start)) >= 0; start = newline + 1)
        add(buffer.mid(start, newline - start));
    buffer.remove(0, start);
    if (flush || buffer.size() > maxPartial) {
        add(buffer);
        buffer.clear();
    }
    return lines;
}

Result<ExecProtocol::Message> ExecProtocol::parseLine(QByteArrayView line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return bad(QStringLiteral("not a JSON object: '%1'").arg(excerpt(line)));
    const QJsonObject object = document.object();
    const QJsonValue id = object.value(QStringLiteral("id"));
    if (!id.isString())
        return bad(QStringLiteral("no \"id\" string in '%1'").arg(excerpt(line)));

    Message message;
    message.id = id.toString();
    int kinds = 0;
    if (const QJsonValue log = object.value(QStringLiteral("log")); !log.isUndefined()) {
        ++kinds;
        const QJsonObject o = log.toObject();
        if (!log.isObject() || !o.value(QStringLiteral("text")).isString())
            return bad(QStringLiteral("\"log\" needs {\"level\", \"text\"}: '%1'").arg(excerpt(line)));
        message.kind = Message::Kind::Log;
        message.text = o.value(QStringLiteral("text")).toString();
        const QString level = o.value(QStringLiteral("level")).toString(QStringLiteral("info"));
        if (level == u"debug")
            message.level = TaskContext::Level::Debug;
        else if (level == u"info")
            message.level = TaskContext::Level::Info;
        else if (level == u"warning")
            message.level = TaskContext::Level::Warning;
        else if (level == u"error")
            message.level = TaskContext::Level::Error;
        else
            return bad(QStringLiteral("log level '%1' is not debug, info, warning or error").arg(level));
    }
    if (const QJsonValue progress = object.value(QStringLiteral("progress")); !progress.isUndefined()) {
        ++kinds;
        const QJsonObject o = progress.toObject();
        const double fraction = o.value(QStringLiteral("fraction")).toDouble(NAN);
        if (!progress.isObject() || !std::isfinite(fraction) || fraction < 0 || fraction > 1)
            return bad(
                QStringLiteral("\"progress\" needs {\"fraction\": 0..1, \"text\"}: '%1'").arg(excerpt(line)));
        message.kind = Message::Kind::Progress;
        message.fraction = fraction;
        message.text = o.value(QStringLiteral("text")).toString();
    }
    if (const QJsonValue result = object.value(QStringLiteral("result")); !result.isUndefined()) {
        ++kinds;
        if (!result.isObject())
            return bad(QStringLiteral("\"result\" must be a JSON object: '%1'").arg(excerpt(line)));
        message.kind = Message::Kind::Result;
        message.resultJson = QJsonDocument(result.toObject()).toJson(QJsonDocument::Compact);
    }
    if (const QJsonValue error = object.value(QStringLiteral("error")); !error.isUndefined()) {
        ++kinds;
        const QJsonObject o = error.toObject();
        if (!error.isObject() || !o.value(QStringLiteral("code")).isString() ||
            !o.value(QStringLiteral("message")).isString() ||
            !(o.value(QStringLiteral("retry")).isBool() || o.value(QStringLiteral("retry")).isUndefined()))
            return bad(QStringLiteral("\"error\" needs {\"code\", \"message\", \"retry\": bool}: '%1'")
                           .arg(excerpt(line)));
        message.kind = Message::Kind::Error;
        message.code = o.value(QStringLiteral("code")).toString();
        message.message = o.value(QStringLiteral("message")).toString();
        message.retry = o.value(QStringLiteral("retry")).toBool(false);
        if (message.code.isEmpty())
            return bad(QStringLiteral("\"error\" has an empty \"code\": '%1'").arg(excerpt(line)));
    }
    if (kinds != 1)
        return bad(
            QStringLiteral("expected exactly one of \"log\", \"progress\", \"result\", \"error\": '%1'")
                .arg(excerpt(line)));
    return message;
}

QByteArray ExecProtocol::requestLine(const QString& id, const QByteArray& requestJson)
{
    return "{\"id\":" + jsonString(id) + ",\"request\":" + requestJson + "}\n";
}

QByteArray ExecProtocol::cancelLine(const QString& id)
{
    return "{\"id\":" + jsonString(id) + ",\"cancel\":true}\n";
}

} // namespace mmf
