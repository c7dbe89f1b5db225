#include "gateway/WebSocketHub.h"

#include "gateway/AccessPolicy.h"

#include "broker/BrokerKeys.h"
#include "broker/TaskIdGenerator.h"
#include "core/Clock.h"
#include "core/Error.h"
#include "gateway/AuthGuard.h"
#include "gateway/ModelCatalog.h"
#include "gateway/TaskJson.h"
#include "gateway/TaskService.h"
#include "http/HttpRequest.h"
#include "http/PlainAddress.h"

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

// A token refused for now (the server has not read what it needs yet) is 1013, "try again later"; any other
// refusal is 1008.
int closeCodeFor(const Error& refusal)
{
    return refusal.code == ErrorCode::Unavailable ? 1013 : 1008;
}

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
                           RedisClient& redis, const Clock& clock, WebSocketHubLimits limits, QObject* parent)
    : QObject(parent)
    , m_auth(auth)
    , m_tasks(tasks)
    , m_catalog(catalog)
    , m_clock(clock)
    , m_access(redis)
    , m_statusWatch(redis)
    , m_limits(limits)
{
    // One sweep for expiry, idleness and the access re-check: a clock read per socket, not a timer each.
    int interval = 1000;
    for (int t : {m_limits.idleTimeoutMs / 4, m_limits.accessRecheckMs / 2}) {
        if (t > 0)
            interval = std::min(interval, t);
    }
    m_sweepTimer = new QTimer(this);
    m_sweepTimer->setInterval(std::max(50, interval));
    connect(m_sweepTimer, &QTimer::timeout, this, &WebSocketHub::sweep);
    m_lastRecheckMs = m_clock.nowMs();
}

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
    connection->lastHeardMs = m_clock.nowMs();
    connection->serial = m_nextSerial++;
    connection->client = http::describeClient(upgrade.clientAddress, upgrade.peerAddress);
    connection->flush = new QueuedCall([socket] { socket->flush(); }, socket);
    socket->setParent(this);
    m_connections.insert(connection);
    if (!m_sweepTimer->isActive())
        m_sweepTimer->start();

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
        Result<SharedTokenClaims> claims = m_auth.authenticate(upgrade, "read");
        if (!claims) {
            closeConnection(connection, closeCodeFor(claims.error()), claims.error().message);
            return;
        }
        authenticated(connection, **claims, false);
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
    connection->lastHeardMs = m_clock.nowMs();
    if (op == QLatin1String("auth")) {
        Result<SharedTokenClaims> claims =
            m_auth.verifyToken(message.value(QStringLiteral("token")).toString().toLatin1(), "read");
        if (!claims) {
            closeConnection(connection, closeCodeFor(claims.error()), claims.error().message);
            return;
        }
        if (connection->claims && ((*claims)->user_id() != connection->claims->user_id() ||
                                   (*claims)->project_id() != connection->claims->project_id())) {
            // The subscriptions were granted to the first claims: a socket never changes hands.
            sendError(connection, QStringLiteral("invalid_argument"),
                      QStringLiteral("a connection keeps its user and project: open another one"));
            return;
        }
        authenticated(connection, **claims, true);
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
        withValidClaims(connection, topic,
                        [this, connection, topic, kinds = *kinds] { subscribe(connection, topic, kinds); });
    } else if (op == QLatin1String("unsubscribe")) {
        unsubscribe(connection, topic);
    } else {
        sendError(connection, QStringLiteral("invalid_argument"),
                  QStringLiteral("unknown op '%1' (auth, subscribe, unsubscribe)").arg(op));
    }
}

void WebSocketHub::authenticated(Connection* connection, const v1::TokenClaims& claims, bool announce)
{
    if (!connection->claims) {
        int& count = m_perUser[QByteArray::fromStdString(claims.user_id())];
        if (m_limits.maxPerUser > 0 && count >= m_limits.maxPerUser) {
            closeConnection(connection, 1013,
                            QStringLiteral("too many WebSockets for this user (at most %1): try again later")
                                .arg(m_limits.maxPerUser));
            return;
        }
        ++count;
    }
    connection->claims = claims;
    if (connection->authTimer)
        connection->authTimer->stop();
    if (announce)
        sendJson(connection,
                 QJsonObject{{QStringLiteral("type"), QStringLiteral("authenticated")},
                             {QStringLiteral("user_id"), QString::fromStdString(claims.user_id())}});
}

bool WebSocketHub::closedForItsToken(Connection* connection, qint64 nowSecs)
{
    if (connection->claims->exp() <= nowSecs)
        closeConnection(connection, 1008, QStringLiteral("token expired"));
    else if (m_auth.isRevoked(*connection->claims))
        closeConnection(connection, 1008, QStringLiteral("token revoked"));
    else
        return false;
    return true;
}

void WebSocketHub::withValidClaims(Connection* connection, const QByteArray& topic,
                                   std::function<void()> then)
{
    if (closedForItsToken(connection, m_clock.nowSecs()))
        return;
    m_access.check(*connection->claims, [this, connection, serial = connection->serial, topic,
                                         then = std::move(then)](Result<QString> held) {
        if (!alive(connection, serial) || connection->closing)
            return;
        if (!held) {
            sendError(connection, QString::fromLatin1(errorCodeName(held.error().code)), held.error().message,
                      topic);
            return;
        }
        if (!held->isEmpty()) {
            closeConnection(connection, 1008, *held);
            return;
        }
        then();
    });
}

void WebSocketHub::sweep()
{
    if (m_connections.isEmpty()) {
        m_sweepTimer->stop();
        return;
    }
    const qint64 now = m_clock.nowMs();
    const bool recheck = m_limits.accessRecheckMs > 0 && now - m_lastRecheckMs >= m_limits.accessRecheckMs;
    if (recheck)
        m_lastRecheckMs = now;
    const QSet<Connection*> connections = m_connections; // closing removes from the set
    for (Connection* connection : connections) {
        if (!alive(connection) || connection->closing || !connection->claims)
            continue;
        if (closedForItsToken(connection, now / 1000))
            continue;
        if (m_limits.idleTimeoutMs > 0 && connection->topics.isEmpty() &&
            now - connection->lastHeardMs >= m_limits.idleTimeoutMs) {
            closeConnection(connection, 1008,
                            QStringLiteral("idle: no subscription and no message for %1 s")
                                .arg(m_limits.idleTimeoutMs / 1000.0));
            continue;
        }
        if (recheck && !connection->checking) {
            connection->checking = true;
            m_access.check(*connection->claims,
                           [this, connection, serial = connection->serial](Result<QString> held) {
                               if (!alive(connection, serial))
                                   return;
                               connection->checking = false;
                               // A Redis failure keeps the socket: it is checked again at the next round.
                               if (held && !held->isEmpty())
                                   closeConnection(connection, 1008, *held);
                           });
        }
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
        connection->topics.insert(topic, Subscription{false, 0, {}, kinds, {}});
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
            connection->topics.insert(topic, Subscription{false, 0, {}, kinds, {}});
            m_topicIndex[topic].insert(connection);
            m_tasks.ownership().listen(1);
            const auto answer = [this, connection, serial = connection->serial, topic] {
                if (alive(connection, serial) && connection->topics.contains(topic))
                    sendJson(connection, QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribed")},
                                                     {QStringLiteral("topic"), QString::fromUtf8(topic)}});
            };
            // "subscribed" once the model's workers write running events: none is missed after it.
            watchStatus(topic, kinds, answer);
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
        connection->topics.insert(topic, Subscription{true, 0, {}, kinds, {}});
        m_topicIndex[topic].insert(connection);
        // The replay reads the task after this write (one connection, in order): a start before it shows in
        // the state replayed, a start after it writes its event.
        watchStatus(topic, kinds, {});
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
                        send(connection, TaskJson::eventText(event, model));
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
                    send(connection, TaskJson::eventText(state, model));
                if (!alive(connection))
                    return;
                subscription.replaying = false;
                std::vector<TaskEventRecord> buffered = std::move(subscription.buffered);
                for (const TaskEventRecord& event : buffered) {
                    if (!alive(connection))
                        return;
                    deliver(connection, connection->topics[topic], event, TaskJson::eventText(event, model));
                }
            });
    });
}

// The model whose running events a subscription turns on: status events of model/<m> or of a task of m.
QByteArray WebSocketHub::statusModel(const QByteArray& topic, quint32 kinds)
{
    if (!(kinds & kindBit(TaskEventRecord::Kind::Status)))
        return {};
    if (topic.startsWith("model/"))
        return topic.mid(6);
    if (topic.startsWith("task/"))
        return TaskIdGenerator::modelOf(topic.mid(5));
    return {};
}

void WebSocketHub::watchStatus(const QByteArray& topic, quint32 kinds, std::function<void()> ready)
{
    const QByteArray model = statusModel(topic, kinds);
    if (!model.isEmpty())
        m_statusWatch.add(model, std::move(ready));
    else if (ready)
        ready();
}

void WebSocketHub::unwatchStatus(const QByteArray& topic, quint32 kinds)
{
    const QByteArray model = statusModel(topic, kinds);
    if (!model.isEmpty())
        m_statusWatch.remove(model);
}

void WebSocketHub::unsubscribe(Connection* connection, const QByteArray& topic)
{
    const auto subscription = connection->topics.constFind(topic);
    if (subscription == connection->topics.cend())
        return;
    unwatchStatus(topic, subscription->kinds);
    if (topic.startsWith("model/"))
        m_tasks.ownership().listen(-1);
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
        // An event about a task of another model (its id names that model) is model m's forgery, on any
        // topic: it would be evidence about another model's task.
        if (!event.fromItsTasksModel())
            continue;
        QString rendered;
        ModelInfoPtr model;
        for (int pass = 0; pass < 2; ++pass) {
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
                if (!(sub->kinds & kindBit(event.kind)))
                    continue;
                // On a model topic: every task for an admin of the model's project, else one's own tasks —
                // the event's `u` names the owner, but model-written: the servers' records must say so too.
                if (!model)
                    model = m_catalog.find(event.model);
                if (pass == 1) {
                    const bool admin = model ? AccessPolicy::administers(*connection->claims, model->project)
                                             : AccessPolicy::isSuperuser(*connection->claims);
                    if (!admin && event.userId != QByteArrayView(connection->claims->user_id()))
                        continue;
                    if (!admin) {
                        if (rendered.isEmpty())
                            rendered = TaskJson::eventText(event, model);
                        if (!vouched(connection, *sub, topic, event, rendered))
                            continue;
                    }
                }
                if (sub->replaying) {
                    sub->buffered.push_back(event);
                    continue;
                }
                if (rendered.isEmpty())
                    rendered = TaskJson::eventText(event, model);
                deliver(connection, *sub, event, rendered);
            }
        }
        if (event.isFinal())
            m_tasks.ownership().forget(event.userId, event.taskId);
    }
}

bool WebSocketHub::vouched(Connection* connection, Subscription& subscription, const QByteArray& topic,
                           const TaskEventRecord& event, const QString& rendered)
{
    auto held = subscription.unvouched.find(event.taskId);
    if (held != subscription.unvouched.end()) {
        held->emplace_back(event, rendered); // behind the events already waiting for the answer
        return false;
    }
    TaskOwnership& ownership = m_tasks.ownership();
    const QByteArray user = QByteArray::fromStdString(connection->claims->user_id());
    switch (ownership.known(user, event.taskId)) {
    case TaskOwnership::Known::Yes:
        return true;
    case TaskOwnership::Known::No:
        return false;
    case TaskOwnership::Known::Unknown:
        break;
    }
    subscription.unvouched[event.taskId].emplace_back(event, rendered);
    ownership.ask(user, event.model, event.taskId,
                  [this, connection, serial = connection->serial, topic, taskId = event.taskId](bool owns) {
                      if (!alive(connection, serial))
                          return;
                      auto sub = connection->topics.find(topic);
                      if (sub == connection->topics.end())
                          return;
                      const auto events = sub->unvouched.take(taskId);
                      for (const auto& [event, text] : events) {
                          if (!owns || !alive(connection, serial))
                              return; // a send may close the connection
                          sub = connection->topics.find(topic);
                          if (sub == connection->topics.end())
                              return;
                          deliver(connection, *sub, event, text);
                      }
                  });
    return false;
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
    QHash<QByteArray, QString> byProject; // rendered once per project; "" (no project) = everything
    const QSet<Connection*> subscribers = *it;
    for (Connection* connection : subscribers) {
        if (alive(connection))
            sendStatsTo(connection, message, byProject);
    }
}

// The same filter as GET /api/v1/models: a caller sees the models of the projects it reaches.
void WebSocketHub::sendStatsTo(Connection* connection, const QJsonObject& message,
                               QHash<QByteArray, QString>& byProject)
{
    const v1::TokenClaims& claims = *connection->claims;
    // Rendered once per project, or once for everything for superusers.
    const QByteArray project =
        AccessPolicy::isSuperuser(claims) ? QByteArray() : QByteArray::fromStdString(claims.project_id());
    auto cached = byProject.constFind(project);
    if (cached == byProject.constEnd()) {
        const auto ownModel = [&](const QJsonValue& name) {
            const ModelInfoPtr model = m_catalog.find(name.toString().toUtf8());
            return model && AccessPolicy::reachesProject(claims, model->project);
        };
        QString text;
        if (project.isEmpty()) {
            text = toText(message);
        } else if (message.contains(QStringLiteral("models"))) {
            QJsonArray own;
            for (const QJsonValue& entry : message.value(QStringLiteral("models")).toArray()) {
                if (ownModel(entry.toObject().value(QStringLiteral("name"))))
                    own.append(entry);
            }
            QJsonObject filtered = message;
            filtered.insert(QStringLiteral("models"), own);
            text = toText(filtered);
        } else if (!message.contains(QStringLiteral("model")) ||
                   ownModel(message.value(QStringLiteral("model")))) {
            text = toText(message);
        }
        cached = byProject.insert(project, text);
    }
    if (!cached->isEmpty())
        send(connection, *cached);
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
    connection->flush->request();
    if (connection->socket->bytesToWrite() > m_limits.maxSendBufferBytes) {
        // Logged: the operator learns why a client lost its pushes (the close frame itself waits behind the
        // backlog the client does not read, and is cut off if the client never reads again).
        qCWarning(lcWebSocketHub).noquote()
            << QStringLiteral("closing a WebSocket subscriber from %1 with 1008: it does not keep up "
                              "(over %2 bytes queued)")
                   .arg(connection->client)
                   .arg(m_limits.maxSendBufferBytes);
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
        unwatchStatus(it.key(), it->kinds);
        if (it.key().startsWith("model/"))
            m_tasks.ownership().listen(-1);
        auto index = m_topicIndex.find(it.key());
        if (index != m_topicIndex.end()) {
            index->remove(connection);
            if (index->isEmpty())
                m_topicIndex.erase(index);
        }
    }
    m_connections.remove(connection);
    if (connection->claims) {
        const QByteArray user = QByteArray::fromStdString(connection->claims->user_id());
        auto count = m_perUser.find(user);
        if (count != m_perUser.end() && --count.value() <= 0)
            m_perUser.erase(count);
    }
    QWebSocket* socket = connection->socket;
    socket->disconnect(this);
    if (socket->state() == QAbstractSocket::UnconnectedState)
        socket->deleteLater();
    else
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    delete connection;
}

} // namespace mmf
