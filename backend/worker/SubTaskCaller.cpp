#include "worker/SubTaskCaller.h"

#include "worker/WorkerLog.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrlQuery>

namespace mmf {

namespace {

// Qt opens at most 6 connections per host and manager; a long-poll holds one for up to a minute.
constexpr int kPerNetwork = 6;

ErrorCode codeFromName(const QString& name)
{
    for (ErrorCode code :
         {ErrorCode::InvalidArgument, ErrorCode::Unauthenticated, ErrorCode::PermissionDenied,
          ErrorCode::NotFound, ErrorCode::Conflict, ErrorCode::PayloadTooLarge, ErrorCode::RateLimited,
          ErrorCode::Unavailable, ErrorCode::Internal}) {
        if (name == QLatin1String(errorCodeName(code)))
            return code;
    }
    return ErrorCode::Internal;
}

Error codedError(const QString& code, const QString& message)
{
    return Error{codeFromName(code), code + QStringLiteral(": ") + message, {}};
}

} // namespace

struct SubTaskCaller::Active
{
    quint64 id = 0;
    Call call;
    QByteArray taskId;
    QNetworkReply* reply = nullptr;
    QNetworkAccessManager* network = nullptr;
    int failures = 0;
    bool submitted = false;
};

SubTaskCaller::SubTaskCaller(QUrl server, QObject* parent)
    : QObject(parent)
    , m_server(std::move(server))
{}

SubTaskCaller::~SubTaskCaller()
{
    std::vector<quint64> ids;
    ids.reserve(m_calls.size());
    for (const auto& [id, active] : m_calls)
        ids.push_back(id);
    for (quint64 id : ids)
        abort(id, QStringLiteral("unavailable"), QStringLiteral("the worker is shutting down"));
}

quint64 SubTaskCaller::start(Call call)
{
    auto active = std::make_unique<Active>();
    active->id = ++m_nextId;
    active->call = std::move(call);
    Active& ref = *active;
    m_calls.emplace(ref.id, std::move(active));
    send(ref);
    return ref.id;
}

void SubTaskCaller::abort(quint64 id, const QString& code, const QString& message)
{
    complete(id, codedError(code, message));
}

QNetworkAccessManager* SubTaskCaller::pickNetwork()
{
    QHash<QNetworkAccessManager*, int> load;
    for (const auto& [id, active] : m_calls) {
        if (active->reply)
            ++load[active->network];
    }
    for (QNetworkAccessManager* network : m_networks) {
        if (load.value(network) < kPerNetwork)
            return network;
    }
    auto* network = new QNetworkAccessManager(this);
    m_networks.push_back(network);
    return network;
}

void SubTaskCaller::send(Active& active)
{
    QUrl url = m_server;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("wait"), QString::number(kWaitSecs));
    if (!active.submitted)
        url.setPath(m_server.path() + QStringLiteral("/api/v1/models/%1/tasks").arg(active.call.model));
    else
        url.setPath(m_server.path() +
                    QStringLiteral("/api/v1/tasks/%1").arg(QString::fromLatin1(active.taskId)));
    url.setQuery(query);

    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + active.call.taskToken);
    request.setRawHeader("Accept", "application/x-protobuf");
    // The gateway holds the request up to kWaitSecs; leave room for a slow answer on top.
    request.setTransferTimeout((kWaitSecs + 30) * 1000);

    active.network = pickNetwork();
    if (!active.submitted) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-protobuf"));
        request.setRawHeader("X-MMF-Parent-Task-Id", active.call.parentTaskId);
        if (!active.call.idempotencyKey.isEmpty())
            request.setRawHeader("Idempotency-Key", active.call.idempotencyKey);
        active.reply = active.network->post(request, active.call.request);
    } else {
        active.reply = active.network->get(request);
    }
    const quint64 id = active.id;
    QNetworkReply* reply = active.reply;
    connect(reply, &QNetworkReply::finished, this, [this, id, reply] { onFinished(id, reply); });
}

void SubTaskCaller::onFinished(quint64 id, QNetworkReply* reply)
{
    reply->deleteLater();
    auto it = m_calls.find(id);
    if (it == m_calls.end() || it->second->reply != reply)
        return; // aborted
    Active& active = *it->second;
    active.reply = nullptr;

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const Step step =
        interpret(status, reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), reply->readAll(),
                  reply->rawHeader("X-MMF-Task-Id"), status == 0 ? reply->errorString() : QString());
    if (!step.taskId.isEmpty() && active.taskId.isEmpty()) {
        active.taskId = step.taskId;
        active.call.handle.setTaskId(step.taskId);
    }
    switch (step.kind) {
    case Step::Kind::Succeeded:
        complete(id, step.bytes);
        return;
    case Step::Kind::Failed:
        complete(id, step.error);
        return;
    case Step::Kind::Pending:
        if (active.taskId.isEmpty()) {
            complete(id, Error::internal(
                             QStringLiteral("internal: the server accepted a sub-task without an id")));
            return;
        }
        active.submitted = true;
        active.failures = 0;
        send(active);
        return;
    case Step::Kind::Unavailable:
        if (++active.failures > kRetries) {
            complete(id, step.error);
            return;
        }
        qCInfo(lcWorker).noquote() << "sub-task call to" << active.call.model
                                   << "failed, retrying:" << step.error.message;
        retryLater(id);
        return;
    }
}

void SubTaskCaller::retryLater(quint64 id)
{
    QTimer::singleShot(m_retryDelayMs, this, [this, id] {
        auto it = m_calls.find(id);
        if (it != m_calls.end() && !it->second->reply)
            send(*it->second);
    });
}

void SubTaskCaller::complete(quint64 id, Result<QByteArray> outcome)
{
    auto it = m_calls.find(id);
    if (it == m_calls.end())
        return;
    std::unique_ptr<Active> active = std::move(it->second);
    m_calls.erase(it);
    if (active->reply) {
        QNetworkReply* reply = active->reply;
        active->reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    active->call.handle.finish(std::move(outcome));
}

SubTaskCaller::Step SubTaskCaller::interpret(int status, const QByteArray& contentType,
                                             const QByteArray& body, const QByteArray& taskIdHeader,
                                             const QString& networkError)
{
    Step step;
    step.taskId = taskIdHeader;
    if (status == 0) {
        step.kind = Step::Kind::Unavailable;
        step.error =
            codedError(QStringLiteral("unavailable"),
                       QStringLiteral("cannot reach the server: %1")
                           .arg(networkError.isEmpty() ? QStringLiteral("no answer") : networkError));
        return step;
    }
    const QByteArray type =
        contentType.left(contentType.indexOf(';') >= 0 ? contentType.indexOf(';') : contentType.size())
            .trimmed()
            .toLower();
    if (status == 200 && type == "application/x-protobuf") {
        step.kind = Step::Kind::Succeeded;
        step.bytes = body;
        return step;
    }

    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QJsonObject error = object.value(QLatin1String("error")).toObject();
    const QString errorCode = error.value(QLatin1String("code")).toString();
    const QString errorMessage = error.value(QLatin1String("message")).toString();
    if (step.taskId.isEmpty())
        step.taskId = object.value(QLatin1String("task_id")).toString().toUtf8();

    if (status == 200 || status == 202) {
        const QString taskStatus = object.value(QLatin1String("status")).toString();
        if (status == 202 || taskStatus == u"queued" || taskStatus == u"running") {
            step.kind = Step::Kind::Pending;
            return step;
        }
        step.kind = Step::Kind::Failed;
        if (taskStatus.isEmpty()) {
            step.error =
                codedError(QStringLiteral("internal"), QStringLiteral("the server's answer has no status"));
        } else if (taskStatus == u"succeeded") {
            step.error =
                codedError(QStringLiteral("internal"),
                           QStringLiteral("the server sent a succeeded sub-task's result as JSON, not "
                                          "binary protobuf"));
        } else {
            step.error =
                codedError(errorCode.isEmpty() ? taskStatus : errorCode,
                           errorMessage.isEmpty() ? QStringLiteral("the sub-task ended %1").arg(taskStatus)
                                                  : errorMessage);
        }
        return step;
    }

    step.kind = status >= 500 ? Step::Kind::Unavailable : Step::Kind::Failed;
    step.error = codedError(
        errorCode.isEmpty() ? (status >= 500 ? QStringLiteral("unavailable") : QStringLiteral("internal"))
                            : errorCode,
        errorMessage.isEmpty() ? QStringLiteral("the server answered HTTP %1").arg(status) : errorMessage);
    return step;
}

} // namespace mmf
