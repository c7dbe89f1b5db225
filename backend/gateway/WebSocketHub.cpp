#include "gateway/WebSocketHub.h"

#include "gateway/AccessPolicy.h"

#include "broker/BrokerKeys.h"
#include "broker/TaskIdGenerator.h"
#include "core/Error.h"
#include "gateway/AuthGuard.h"
#include "gateway/ModelCatalog.h"
#include "gateway/TaskJson.h"
#include "gateway/TaskService.h"
#include "http/HttpRequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTimer>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcWebSocketHub, "mmf.gateway.websocket")

namespace mmf {

namespace {

constexpr int kAuthTimeoutMs = 10000;
constexpr int kMaxTopicsPerConnection = 1000;

quint32 kindBit(TaskEventRecord::Kind kind)
{
    return 1u << int(kind);
}

QString toText(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

std::optional<quint32> parseKinds(const QJsonValue& value)
{
    if (value.isUndefined() || value.isNull())
        return 0xFu;
    if (!value.isArray())
        return std::nullopt;
    quint32 kinds = 0;
    for (const QJsonValue& item : value.toArray()) {
        const QString name = item.toString();
        if (name == QLatin1String("status"))
            kinds |= kindBit(TaskEventRecord::Kind::Status);
        else if (name == QLatin1String("log"))
            kinds |= kindBit(TaskEventRecord::Kind::Log);
        else if (name == QLatin1String("progress"))
            kinds |= kindBit(TaskEventRecord::Kind::Progress);
        else if (name == QLatin1String("result"))
            kinds |= kindBit(TaskEventRecord::Kind::Result);
        else
            return std::nullopt;
    }
    return kinds;
}

} // namespace

WebSocketHub::WebSocketHub(const AuthGuard& auth, TaskService& tasks, ModelCatalog& catalog,
                           qint64 maxSendBufferBytes, QObject* parent)
    : QObject(parent)
    , m_auth(auth)
    , m_tasks(tasks)
    , m_catalog(catalog)
    , m_maxSendBufferBytes(maxSendBufferBytes)
{}

WebSocketHub::~WebSocketHub()
{
    const QSet<Connection*> connections = m_connections;
    for (Connection* connection : connections)
        drop(connection);
}

void WebSocketHub::accept(QWebSocket* socket, const HttpRequest& upgrade)
{
    auto* connection = new Connection;
    connection->socket = socket;
    socket->setParent(this);
    m_connections.insert(connection);

    connect(socket, &QWebSocket::textMessageReceived, this, [this, connection](const QString& text) {
        if (alive(connection))
            onMessage(connection, text);
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this, connection](const QByteArray&) {
        if (alive(connection))
            sendError(connection, QStringLiteral("invalid_argument"),
                      QStringLiteral("send JSON text messages"));
    });
    connect(socket, &QWebSocket::disconnected, this, [this, connection] {
        if (alive(connection))
            drop(connection);
    });

    if (!upgrade.header("authorization").isNull()) {
        Result<v1::TokenClaims> claims = m_auth.authenticate(upgrade, "read");
        if (!claims) {
            closeConnection(connection, 1008, claims.error().message);
            return;
        }
        connection->claims = *claims;
        return;
    }
    connection->authTimer = new QTimer(socket);
    connection->authTimer->setSingleShot(true);
    connect(connection->authTimer, &QTimer::timeout, this, [this, connection] {
        if (alive(connection) && !connection->claims)
            closeConnection(connection, 1008, QStringLiteral("no auth message within 10 s"));
    });
    connection->authTimer->start(kAuthTimeoutMs);
}

void WebSocketHub::onMessage(Connection* connection, const QString& text)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (!document.isObject()) {
        sendError(connection, QStringLiteral("invalid_argument"),
                  QStringLiteral("messages are JSON objects: %1").arg(parseError.errorString()));
        return;
    }
    const QJsonObject message = document.object();
    const QString op = message.value(QStringLiteral("op")).toString();
    if (op == QLatin1String("auth")) {
        Result<v1::TokenClaims> claims =
            m_auth.verifyToken(message.value(QStringLiteral("token")).toString().toLatin1(), "read");
        if (!claims) {
            closeConnection(connection, 1008, claims.error().message);
            return;
        }
        connection->claims = *claims;
        if (connection->authTimer)
            connection->authTimer->stop();
        sendJson(connection,
                 QJsonObject{{QStringLiteral("type"), QStringLiteral("authenticated")},
                             {QStringLiteral("user_id"), QString::fromStdString(claims->user_id())}});
        return;
    }
    if (!connection->claims) {
        closeConnection(connection, 1008,
                        QStringLiteral("authenticate first: {\"op\": \"auth\", \"token\": ...}"));
        return;
    }
    const QByteArray topic = message.value(QStringLiteral("topic")).toString().toUtf8();
    if (op == QLatin1String("subscribe")) {
        const std::optional<quint32> kinds = parseKinds(message.value(QStringLiteral("events")));
        if (!kinds) {
            sendError(connection, QStringLiteral("invalid_argument"),
                      QStringLiteral("events lists some of: status, log, progress, result"), topic);
            return;
        }
        subscribe(connection, topic, *kinds);
    } else if (op == QLatin1String("unsubscribe")) {
        unsubscribe(connection, topic);
    } else {
        sendError(connection, QStringLiteral("invalid_argument"),
                  QStringLiteral("unknown op '%1' (auth, subscribe, unsubscribe)").arg(op));
    }
}

void WebSocketHub::subscribe(Connection* connection, const QByteArray& topic, quint32 kinds)
{
    if (connection->topics.contains(topic)) {
        sendJson(connection, QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribed")},
                                         {QStringLiteral("topic"), QString::fromUtf8(topic)}});
        return;
    }
    if (connection->topics.size() >= kMaxTopicsPerConnection) {
        sendError(connection, QStringLiteral("rate_limited"),
                  QStringLiteral("at most %1 subscriptions per connection").arg(kMaxTopicsPerConnection),
                  topic);
        return;
    }
    const v1::TokenClaims& claims = *connection->claims;
    if (topic == "stats") {
        connection->topics.insert(topic, Subscription{false, 0, {}, kinds});
        m_topicIndex[topic].insert(connection);
        sendJson(connection, QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribed")},
                                         {QStringLiteral("topic"), QStringLiteral("stats")}});
        return;
    }
    if (topic.startsWith("model/")) {
        const QByteArray name = topic.mid(6);
        if (!BrokerKeys::isValidModelName(name)) {
            sendError(connection, QStringLiteral("invalid_argument"), QStringLiteral("not a model name"),
                      topic);
            return;
        }
        m_catalog.lookup(name, [this, connection, topic, kinds, claims](Result<ModelInfoPtr> model) {
            if (!alive(connection))
                return;
            if (!model) {
                sendError(connection, QString::fromLatin1(errorCodeName(model.error().code)),
                          model.error().message, topic);
                return;
            }
            if (!*model) {
                sendError(connection, QStringLiteral("not_found"), QStringLiteral("no such model"), topic);
                return;
            }
            if (!AccessPolicy::reachesProject(claims, (*model)->project)) {
                sendError(connection, QStringLiteral("permission_denied"),
                          QStringLiteral("the model belongs to another project"), topic);
                return;
            }
            connection->topics.insert(topic, Subscription{false, 0, {}, kinds});
            m_topicIndex[topic].insert(connection);
            sendJson(connection, QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribed")},
                                             {QStringLiteral("topic"), QString::fromUtf8(topic)}});
        });
        return;
    }
    if (topic.startsWith("task/")) {
        const QByteArray taskId = topic.mid(5);
        if (!TaskIdGenerator::isValid(taskId)) {
            sendError(connection, QStringLiteral("not_found"), QStringLiteral("no such task"), topic);
            return;
        }
        // Index first, replay next: live events that arrive meanwhile are buffered, then de-duplicated by
        // seq.
        connection->topics.insert(topic, Subscription{true, 0, {}, kinds});
        m_topicIndex[topic].insert(connection);
        replayTask(connection, topic, taskId);
        return;
    }
    sendError(connection, QStringLiteral("invalid_argument"),
              QStringLiteral("topics are task/<id>, model/<name> or stats"), topic);
}

void WebSocketHub::replayTask(Connection* connection, const QByteArray& topic, const QByteArray& taskId)
{
    m_tasks.fetch(taskId, *connection->claims, [this, connection, topic, taskId](Result<TaskRecord> record) {
        if (!alive(connection) || !connection->topics.contains(topic))
            return;
        if (!record) {
            unsubscribe(connection, topic);
            sendError(connection, QString::fromLatin1(errorCodeName(record.error().code)),
                      record.error().message, topic);
            return;
        }
        const TaskRecord task = *record;
        m_tasks.readLog(
            task.model, taskId, 0,
            [this, connection, topic, task](Result<QList<TaskService::LogLine>> lines) {
                if (!alive(connection) || !connection->topics.contains(topic))
                    return;
                sendJson(connection, QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribed")},
                                                 {QStringLiteral("topic"), QString::fromUtf8(topic)}});
                Subscription& subscription = connection->topics[topic];
                const ModelInfoPtr model = m_catalog.find(task.model);
                if (lines && (subscription.kinds & kindBit(TaskEventRecord::Kind::Log))) {
                    for (const TaskService::LogLine& line : *lines) {
                        TaskEventRecord event;
                        event.kind = TaskEventRecord::Kind::Log;
                        event.taskId = task.taskId;
                        event.seq = line.seq;
                        event.tsMs = line.tsMs;
                        event.level = line.level;
                        event.text = line.text;
                        send(connection, toText(TaskJson::event(event, model)));
                        subscription.lastSeq = line.seq;
                    }
                }
                if (!alive(connection))
                    return;
                // The current state, so a late subscriber knows where the task stands.
                TaskEventRecord state;
                state.model = task.model;
                state.taskId = task.taskId;
                state.status = task.status;
                state.attempts = task.attempts;
                state.tsMs = task.finishedAtMs ? task.finishedAtMs
                                               : (task.startedAtMs ? task.startedAtMs : task.createdAtMs);
                state.errorCode = task.errorCode;
                state.errorMessage = task.errorMessage;
                state.result = task.result;
                state.kind = task.isFinal() ? TaskEventRecord::Kind::Result : TaskEventRecord::Kind::Status;
                if (subscription.kinds & kindBit(state.kind))
                    send(connection, toText(TaskJson::event(state, model)));
                if (!alive(connection))
                    return;
                subscription.replaying = false;
                std::vector<TaskEventRecord> buffered = std::move(subscription.buffered);
                for (const TaskEventRecord& event : buffered) {
                    if (!alive(connection))
                        return;
                    deliver(connection, connection->topics[topic], event,
                            toText(TaskJson::event(event, model)));
                }
            });
    });
}

void WebSocketHub::unsubscribe(Connection* connection, const QByteArray& topic)
{
    connection->topics.remove(topic);
    auto it = m_topicIndex.find(topic);
    if (it != m_topicIndex.end()) {
        it->remove(connection);
        if (it->isEmpty())
            m_topicIndex.erase(it);
    }
}

void WebSocketHub::onEvents(const std::vector<TaskEventRecord>& events)
{
    if (m_topicIndex.isEmpty())
        return;
    QByteArray topic;
    for (const TaskEventRecord& event : events) {
        QString rendered;
        ModelInfoPtr model;
        // A task's events come from its own model's stream only: an id names its model, and another model
        // writing that id into its own stream reaches nobody subscribed to the task.
        const QByteArray named = TaskIdGenerator::modelOf(event.taskId);
        const bool fromItsModel = named.isEmpty() || named == event.model;
        for (int pass = fromItsModel ? 0 : 1; pass < 2; ++pass) {
            topic = (pass == 0 ? QByteArrayLiteral("task/") + event.taskId
                               : QByteArrayLiteral("model/") + event.model);
            auto it = m_topicIndex.constFind(topic);
            if (it == m_topicIndex.constEnd())
                continue;
            const QSet<Connection*> subscribers = *it; // a send may close a connection
            for (Connection* connection : subscribers) {
                if (!alive(connection))
                    continue;
                auto sub = connection->topics.find(topic);
                if (sub == connection->topics.end())
                    continue;
                // On a model topic: one's own tasks, or every task for an admin of the model's project.
                if (pass == 1 && event.userId != QByteArrayView(connection->claims->user_id())) {
                    if (!model)
                        model = m_catalog.find(event.model);
                    if (!(model ? AccessPolicy::administers(*connection->claims, model->project)
                                : AccessPolicy::isSuperuser(*connection->claims)))
                        continue;
                }
                if (!(sub->kinds & kindBit(event.kind)))
                    continue;
                if (sub->replaying) {
                    sub->buffered.push_back(event);
                    continue;
                }
                if (rendered.isEmpty()) {
                    if (!model)
                        model = m_catalog.find(event.model);
                    rendered = toText(TaskJson::event(event, model));
                }
                deliver(connection, *sub, event, rendered);
            }
        }
    }
}

void WebSocketHub::deliver(Connection* connection, Subscription& subscription, const TaskEventRecord& event,
                           const QString& rendered)
{
    if (event.kind == TaskEventRecord::Kind::Log) {
        if (event.seq <= subscription.lastSeq)
            return;
        subscription.lastSeq = event.seq;
    }
    send(connection, rendered);
}

void WebSocketHub::pushStats(const QJsonObject& stats)
{
    QJsonObject message = stats;
    message.insert(QStringLiteral("type"), QStringLiteral("stats"));
    pushToStatsTopic(message);
}

void WebSocketHub::pushToStatsTopic(const QJsonObject& message)
{
    auto it = m_topicIndex.constFind(QByteArrayLiteral("stats"));
    if (it == m_topicIndex.constEnd())
        return;
    const QString text = toText(message);
    const QSet<Connection*> subscribers = *it;
    for (Connection* connection : subscribers) {
        if (alive(connection))
            send(connection, text);
    }
}

int WebSocketHub::statsSubscriberCount() const
{
    return int(m_topicIndex.value(QByteArrayLiteral("stats")).size());
}

void WebSocketHub::send(Connection* connection, const QString& text)
{
    if (connection->closing)
        return;
    connection->socket->sendTextMessage(text);
    if (connection->socket->bytesToWrite() > m_maxSendBufferBytes) {
        // Logged: the operator learns why a client lost its pushes (the close frame itself waits behind the
        // backlog the client does not read, and is cut off if the client never reads again).
        qCWarning(lcWebSocketHub).noquote()
            << QStringLiteral("closing a WebSocket subscriber from %1 with 1008: it does not keep up "
                              "(over %2 bytes queued)")
                   .arg(connection->socket->peerAddress().toString())
                   .arg(m_maxSendBufferBytes);
        closeConnection(connection, 1008, QStringLiteral("subscriber too slow: send buffer over its bound"));
    }
}

void WebSocketHub::sendJson(Connection* connection, const QJsonObject& object)
{
    send(connection, toText(object));
}

void WebSocketHub::sendError(Connection* connection, const QString& code, const QString& message,
                             const QByteArray& topic)
{
    QJsonObject object{{QStringLiteral("type"), QStringLiteral("error")},
                       {QStringLiteral("code"), code},
                       {QStringLiteral("message"), message}};
    if (!topic.isEmpty())
        object.insert(QStringLiteral("topic"), QString::fromUtf8(topic));
    sendJson(connection, object);
}

void WebSocketHub::closeConnection(Connection* connection, int code, const QString& reason)
{
    if (connection->closing)
        return;
    connection->closing = true;
    // Forget it first: close() may emit disconnected() at once. No more pushes; the socket deletes itself
    // once it has disconnected, or is aborted if the peer never answers the close.
    QWebSocket* socket = connection->socket;
    drop(connection);
    socket->close(QWebSocketProtocol::CloseCode(code), reason);
    QTimer::singleShot(5000, socket, [socket] { socket->abort(); });
}

void WebSocketHub::closeAll()
{
    const QSet<Connection*> connections = m_connections;
    for (Connection* connection : connections)
        closeConnection(connection, 1001, QStringLiteral("server shutting down"));
}

void WebSocketHub::drop(Connection* connection)
{
    for (auto it = connection->topics.constBegin(); it != connection->topics.constEnd(); ++it) {
        auto index = m_topicIndex.find(it.key());
        if (index != m_topicIndex.end()) {
            index->remove(connection);
            if (index->isEmpty())
                m_topicIndex.erase(index);
        }
    }
    m_connections.remove(connection);
    QWebSocket* socket = connection->socket;
    socket->disconnect(this);
    if (socket->state() == QAbstractSocket::UnconnectedState)
        socket->deleteLater();
    else
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    delete connection;
}

} // namespace mmf
