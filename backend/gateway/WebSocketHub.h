#pragma once

#include "core/QueuedCall.h"
#include "gateway/StatusWatch.h"
#include "gateway/TaskEventRecord.h"
#include "gateway/WebSocketAccess.h"

#include "mmf/v1/token.pb.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>

#include <functional>
#include <optional>
#include <vector>

class QWebSocket;
class QTimer;

namespace mmf {

class AuthGuard;
class Clock;
class ModelCatalog;
class RedisClient;
class TaskService;
struct HttpRequest;

// The hub's limits (ServerConfig's [ws] settings; 0 turns a limit off).
struct WebSocketHubLimits
{
    qint64 maxSendBufferBytes = 8 * 1024 * 1024; // a subscriber queued past this is closed with 1008
    int maxPerUser = 32;                         // authenticated sockets of one user id; more get 1013
    int idleTimeoutMs = 300 * 1000;              // no subscription and no message for this long: 1008
    int accessRecheckMs = 10 * 1000;             // how often the claims are checked against the accounts
};

// The WebSocket side of API v1 (/api/v1/ws): authentication (header, or an auth message within 10 s),
// subscriptions to task/<id> (log replay first), model/<name> (the caller's tasks, all for admin) and stats
// (the caller's project's models, all for admin), and fan-out of the events the tailer reads. A subscriber
// whose send buffer passes the bound is closed with 1008 rather than left to grow memory.
//
// Claims are not trusted once: a socket is closed (1008) when its token expires, and when its user has lost
// `read` in the token's project (WebSocketAccess, checked before every subscribe and every
// accessRecheckMs); a fresh token for the same user and project sent as {"op":"auth"} extends it.
class WebSocketHub : public QObject
{
    Q_OBJECT
public:
    WebSocketHub(const AuthGuard& auth, TaskService& tasks, ModelCatalog& catalog, RedisClient& redis,
                 const Clock& clock, WebSocketHubLimits limits, QObject* parent = nullptr);
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
        // On model/<m> for a non-admin: events of tasks whose owner is being asked (TaskOwnership), in order,
        // with their text.
        QHash<QByteArray, std::vector<std::pair<TaskEventRecord, QString>>> unvouched;
    };
    struct Connection
    {
        QWebSocket* socket = nullptr;
        std::optional<v1::TokenClaims> claims;
        QHash<QByteArray, Subscription> topics; // "task/<id>", "model/<name>", "stats"
        QTimer* authTimer = nullptr;
        qint64 lastHeardMs = 0; // the last message from the client
        bool closing = false;
        bool checking = false; // an access check is under way
        // The frames sent in a turn leave in one write at the next (as HttpConnection's answers): left to
        // QTcpSocket, every push switched the write notifier on and off (two epoll_ctl) and waited a turn of
        // epoll for "writable". A child of the socket.
        QueuedCall* flush = nullptr;
        quint64 serial = 0; // tells a connection from a later one at the same address
        QString client;     // for log lines (http::describeClient)
    };

    void onMessage(Connection* connection, const QString& text);
    void authenticated(Connection* connection, const v1::TokenClaims& claims, bool announce);
    // Runs `then` once the connection's claims are known to hold; closes it (1008) when they do not.
    void withValidClaims(Connection* connection, const QByteArray& topic, std::function<void()> then);
    // Closes the socket when the token it was opened with has expired or was revoked; true when it did.
    bool closedForItsToken(Connection* connection, qint64 nowSecs);
    void sweep();
    void sendStatsTo(Connection* connection, const QJsonObject& message,
                     QHash<QByteArray, QString>& byProject);
    void subscribe(Connection* connection, const QByteArray& topic, quint32 kinds);
    void unsubscribe(Connection* connection, const QByteArray& topic);
    // Subscriptions to status events keep the model's running events on (StatusWatch); `ready` runs once they
    // are (at once for other subscriptions).
    static QByteArray statusModel(const QByteArray& topic, quint32 kinds);
    void watchStatus(const QByteArray& topic, quint32 kinds, std::function<void()> ready);
    void unwatchStatus(const QByteArray& topic, quint32 kinds);
    void replayTask(Connection* connection, const QByteArray& topic, const QByteArray& taskId);
    void deliver(Connection* connection, Subscription& subscription, const TaskEventRecord& event,
                 const QString& rendered);
    // An event on a model topic naming this (non-admin) subscriber as its owner: true when the servers'
    // records say so already (TaskService::ownership()); otherwise false, and the event (with its text,
    // rendered once per event) is held until they answer, and delivered then if they do.
    bool vouched(Connection* connection, Subscription& subscription, const QByteArray& topic,
                 const TaskEventRecord& event, const QString& rendered);
    void send(Connection* connection, const QString& text);
    void sendJson(Connection* connection, const QJsonObject& object);
    void sendError(Connection* connection, const QString& code, const QString& message,
                   const QByteArray& topic = {});
    void closeConnection(Connection* connection, int code, const QString& reason);
    void drop(Connection* connection);
    bool alive(Connection* connection) const { return m_connections.contains(connection); }
    bool alive(Connection* connection, quint64 serial) const
    {
        return alive(connection) && connection->serial == serial;
    }

    const AuthGuard& m_auth;
    TaskService& m_tasks;
    ModelCatalog& m_catalog;
    const Clock& m_clock;
    WebSocketAccess m_access;
    StatusWatch m_statusWatch;
    WebSocketHubLimits m_limits;
    QTimer* m_sweepTimer = nullptr;
    quint64 m_nextSerial = 1;
    qint64 m_lastRecheckMs = 0;
    QSet<Connection*> m_connections;
    QHash<QByteArray, int> m_perUser; // authenticated sockets per user id
    QHash<QByteArray, QSet<Connection*>> m_topicIndex;
};

} // namespace mmf
