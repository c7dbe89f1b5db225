#pragma once

#include "gateway/TaskEventRecord.h"

#include "mmf/v1/token.pb.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>

#include <optional>
#include <vector>

class QWebSocket;
class QTimer;

namespace mmf {

class AuthGuard;
class ModelCatalog;
class TaskService;
struct HttpRequest;

// The WebSocket side of API v1 (/api/v1/ws): authentication (header, or an auth message within 10 s),
// subscriptions to task/<id> (log replay first), model/<name> (the caller's tasks, all for admin) and stats,
// and fan-out of the events the tailer reads. A subscriber whose send buffer passes the bound is closed with
// 1008 rather than left to grow memory.
class WebSocketHub : public QObject
{
    Q_OBJECT
public:
    WebSocketHub(const AuthGuard& auth, TaskService& tasks, ModelCatalog& catalog, qint64 maxSendBufferBytes,
                 QObject* parent = nullptr);
    ~WebSocketHub() override;

    // Takes ownership of the socket.
    void accept(QWebSocket* socket, const HttpRequest& upgrade);
    void onEvents(const std::vector<TaskEventRecord>& events);
    // Pushes a {"type":"stats",...} message to the stats subscribers.
    void pushStats(const QJsonObject& stats);
    // Another message for the `stats` topic, sent as it is (the scaler's decisions: type "scaler").
    void pushToStatsTopic(const QJsonObject& message);
    void closeAll();
    int connectionCount() const { return int(m_connections.size()); }
    int statsSubscriberCount() const;

private:
    struct Subscription
    {
        bool replaying = false;
        qint64 lastSeq = 0;
        std::vector<TaskEventRecord> buffered; // live events that arrived during the replay
        quint32 kinds = 0xF;                   // which event kinds the client wants (bit per Kind)
    };
    struct Connection
    {
        QWebSocket* socket = nullptr;
        std::optional<v1::TokenClaims> claims;
        QHash<QByteArray, Subscription> topics; // "task/<id>", "model/<name>", "stats"
        QTimer* authTimer = nullptr;
        bool closing = false;
    };

    void onMessage(Connection* connection, const QString& text);
    void subscribe(Connection* connection, const QByteArray& topic, quint32 kinds);
    void unsubscribe(Connection* connection, const QByteArray& topic);
    void replayTask(Connection* connection, const QByteArray& topic, const QByteArray& taskId);
    void deliver(Connection* connection, Subscription& subscription, const TaskEventRecord& event,
                 const QString& rendered);
    void send(Connection* connection, const QString& text);
    void sendJson(Connection* connection, const QJsonObject& object);
    void sendError(Connection* connection, const QString& code, const QString& message,
                   const QByteArray& topic = {});
    void closeConnection(Connection* connection, int code, const QString& reason);
    void drop(Connection* connection);
    bool alive(Connection* connection) const { return m_connections.contains(connection); }

    const AuthGuard& m_auth;
    TaskService& m_tasks;
    ModelCatalog& m_catalog;
    qint64 m_maxSendBufferBytes;
    QSet<Connection*> m_connections;
    QHash<QByteArray, QSet<Connection*>> m_topicIndex;
};

} // namespace mmf
