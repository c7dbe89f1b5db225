#include "tools/CtlRequests.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mmf {

namespace {

QString segment(const QString& value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

} // namespace

ApiRequest CtlRequests::submit(const QString& model, const QByteArray& body, std::optional<int> waitSeconds,
                               const QString& idempotencyKey)
{
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/api/v1/models/%1/tasks").arg(segment(model));
    request.body = body;
    request.idempotencyKey = idempotencyKey.toUtf8();
    if (waitSeconds) {
        request.query.append({QStringLiteral("wait"), QString::number(*waitSeconds)});
        // The server holds the answer up to the wait; allow for it on top of the usual deadline.
        request.timeoutMs += *waitSeconds * 1000;
    }
    return request;
}

ApiRequest CtlRequests::getTask(const QString& taskId)
{
    ApiRequest request;
    request.path = QStringLiteral("/api/v1/tasks/%1").arg(segment(taskId));
    return request;
}

ApiRequest CtlRequests::listTasks(const QString& model, const QString& status, std::optional<int> limit,
                                  const QString& before)
{
    ApiRequest request;
    request.path = QStringLiteral("/api/v1/tasks");
    if (!model.isEmpty())
        request.query.append({QStringLiteral("model"), model});
    if (!status.isEmpty())
        request.query.append({QStringLiteral("status"), status});
    if (limit)
        request.query.append({QStringLiteral("limit"), QString::number(*limit)});
    if (!before.isEmpty())
        request.query.append({QStringLiteral("before"), before});
    return request;
}

ApiRequest CtlRequests::cancelTask(const QString& taskId)
{
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/api/v1/tasks/%1/cancel").arg(segment(taskId));
    request.body = "{}";
    return request;
}

ApiRequest CtlRequests::taskLogs(const QString& taskId, std::optional<qint64> fromSeq)
{
    ApiRequest request;
    request.path = QStringLiteral("/api/v1/tasks/%1/logs").arg(segment(taskId));
    if (fromSeq)
        request.query.append({QStringLiteral("from"), QString::number(*fromSeq)});
    return request;
}

ApiRequest CtlRequests::issueToken(const QString& user, const QString& project, const QStringList& methods,
                                   qint64 ttlSeconds)
{
    QJsonArray methodArray;
    for (const QString& method : methods)
        methodArray.append(method.trimmed());
    const QJsonObject body{{QStringLiteral("user"), user},
                           {QStringLiteral("project"), project},
                           {QStringLiteral("methods"), methodArray},
                           {QStringLiteral("ttl_s"), ttlSeconds}};
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/api/v1/tokens");
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return request;
}

ApiRequest CtlRequests::models()
{
    ApiRequest request;
    request.path = QStringLiteral("/api/v1/models");
    return request;
}

ApiRequest CtlRequests::models(bool includeOffline)
{
    ApiRequest request = models();
    if (includeOffline)
        request.query.append({QStringLiteral("include"), QStringLiteral("offline")});
    return request;
}

ApiRequest CtlRequests::instances(const QString& model)
{
    ApiRequest request;
    request.path = QStringLiteral("/api/v1/models/%1/instances").arg(segment(model));
    return request;
}

ApiRequest CtlRequests::patchModel(const QString& model, const QJsonObject& body)
{
    ApiRequest request;
    request.method = "PATCH";
    request.path = QStringLiteral("/api/v1/models/%1").arg(segment(model));
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return request;
}

ApiRequest CtlRequests::deadLetters(const QString& model, std::optional<int> limit, const QString& before)
{
    ApiRequest request;
    request.path = QStringLiteral("/api/v1/models/%1/dead-letters").arg(segment(model));
    if (limit)
        request.query.append({QStringLiteral("limit"), QString::number(*limit)});
    if (!before.isEmpty())
        request.query.append({QStringLiteral("before"), before});
    return request;
}

ApiRequest CtlRequests::replay(const QString& model, const QStringList& taskIds)
{
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/api/v1/models/%1/dead-letters:replay").arg(segment(model));
    const QJsonObject body =
        taskIds.isEmpty() ? QJsonObject{{QStringLiteral("all"), true}}
                          : QJsonObject{{QStringLiteral("task_ids"), QJsonArray::fromStringList(taskIds)}};
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return request;
}

ApiRequest CtlRequests::discardDeadLetter(const QString& model, const QString& taskId)
{
    ApiRequest request;
    request.method = "DELETE";
    request.path = QStringLiteral("/api/v1/models/%1/dead-letters/%2").arg(segment(model), segment(taskId));
    return request;
}

ApiRequest CtlRequests::listTokens(const QString& project)
{
    ApiRequest request;
    request.path = QStringLiteral("/api/v1/tokens");
    if (!project.isEmpty())
        request.query.append({QStringLiteral("project"), project});
    return request;
}

ApiRequest CtlRequests::revokeToken(const QString& tokenId)
{
    ApiRequest request;
    request.method = "DELETE";
    request.path = QStringLiteral("/api/v1/tokens/%1").arg(segment(tokenId));
    return request;
}

Result<QJsonObject> CtlRequests::modelSettings(const QStringList& assignments)
{
    QJsonObject body;
    QJsonObject retry;
    for (const QString& assignment : assignments) {
        const qsizetype eq = assignment.indexOf(QLatin1Char('='));
        const QString key = assignment.left(eq);
        const QString value = assignment.mid(eq + 1);
        auto bad = [&key](const QString& why) {
            return Error::invalidArgument(QStringLiteral("--set %1: %2").arg(key, why),
                                          QStringLiteral("set"));
        };
        if (key.startsWith(QLatin1String("retry."))) {
            const QString name = key.mid(6);
            bool ok = false;
            if (name == QLatin1String("backoff_factor")) {
                const double factor = value.toDouble(&ok);
                if (!ok)
                    return bad(QStringLiteral("needs a number, not \"%1\"").arg(value));
                retry.insert(name, factor);
            } else {
                const qint64 number = value.toLongLong(&ok);
                if (!ok)
                    return bad(QStringLiteral("needs an integer, not \"%1\"").arg(value));
                retry.insert(name, double(number));
            }
        } else if (key == QLatin1String("tags")) {
            QJsonArray tags;
            for (const QString& tag : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                if (!tag.trimmed().isEmpty())
                    tags.append(tag.trimmed());
            }
            body.insert(key, tags);
        } else if (key == QLatin1String("docs") && value.startsWith(QLatin1Char('@'))) {
            QFile file(value.mid(1));
            if (!file.open(QIODevice::ReadOnly))
                return bad(QStringLiteral("cannot read %1: %2").arg(value.mid(1), file.errorString()));
            body.insert(key, QString::fromUtf8(file.readAll()));
        } else {
            body.insert(key, value);
        }
    }
    if (!retry.isEmpty())
        body.insert(QStringLiteral("retry"), retry);
    return body;
}

ApiRequest CtlRequests::model(const QString& name)
{
    ApiRequest request;
    request.path = QStringLiteral("/api/v1/models/%1").arg(segment(name));
    return request;
}

Result<QByteArray> CtlRequests::readBody(const QString& argument, QIODevice* stdinDevice)
{
    QByteArray body;
    QString origin = QStringLiteral("the request");
    if (argument.isEmpty()) {
        body = "{}";
    } else if (argument == QLatin1String("-")) {
        if (!stdinDevice || !stdinDevice->isReadable())
            return Error::invalidArgument(QStringLiteral("cannot read the request from stdin"));
        body = stdinDevice->readAll();
        origin = QStringLiteral("stdin");
    } else if (argument.startsWith(QLatin1Char('@'))) {
        const QString path = argument.mid(1);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return Error::invalidArgument(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        body = file.readAll();
        origin = path;
    } else {
        body = argument.toUtf8();
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return Error::invalidArgument(QStringLiteral("%1 is not valid JSON: %2 at offset %3")
                                          .arg(origin, error.errorString())
                                          .arg(error.offset));
    if (!doc.isObject())
        return Error::invalidArgument(QStringLiteral("%1 must be a JSON object").arg(origin));
    return body.trimmed();
}

QUrl CtlRequests::url(const QUrl& server, const ApiRequest& request)
{
    QByteArray text =
        server.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash).toEncoded();
    text += request.path.toUtf8();
    for (qsizetype i = 0; i < request.query.size(); ++i) {
        text += i == 0 ? '?' : '&';
        text += QUrl::toPercentEncoding(request.query.at(i).first);
        text += '=';
        text += QUrl::toPercentEncoding(request.query.at(i).second);
    }
    return QUrl::fromEncoded(text, QUrl::StrictMode);
}

QUrl CtlRequests::websocketUrl(const QUrl& server)
{
    ApiRequest request;
    request.path = QStringLiteral("/api/v1/ws");
    QUrl ws = url(server, request);
    ws.setScheme(server.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    return ws;
}

} // namespace mmf
