#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QMap>
#include <QObject>
#include <QTimer>
#include <QWebSocket>

namespace mmf::studio {

class ApiClient;

// The WebSocket /api/v1/ws with the ApiClient's server and bearer token. Keeps its topics (counted: two
// subscribers of one topic need two unsubscribes) and re-subscribes after every reconnect; a dropped or
// refused connection is retried with exponential backoff (default 0.5 s doubling to 10 s) until close(). A
// refused upgrade first tries one silent session refresh through the ApiClient. Messages become typed
// signals. Note: a task subscription replays the log so far, so after a reconnect a log line may arrive twice
// (same seq): listeners de-duplicate by seq.
class EventStream : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Closed,
        Connecting,
        Open,
        Reconnecting, // waiting for the next attempt
    };
    Q_ENUM(State)

    explicit EventStream(ApiClient& api, QObject* parent = nullptr);
    ~EventStream() override;

    void open();
    void close();
    State state() const { return m_state; }
    bool isOpen() const { return m_state == State::Open; }

    void subscribe(const QString& topic);
    void unsubscribe(const QString& topic);
    QStringList topics() const { return m_topics.keys(); }
    void setBackoff(int initialMs, int maxMs);

signals:
    void stateChanged(mmf::studio::EventStream::State state);
    void subscribed(const QString& topic);
    void statusReceived(const QString& taskId, const QString& model, const QString& status, int attempts);
    void logReceived(const QString& taskId, qint64 seq, const QDateTime& ts, const QString& level,
                     const QString& text);
    void progressReceived(const QString& taskId, double fraction, const QString& text);
    void resultReceived(const QString& taskId, const QString& status, const QJsonValue& result,
                        const QJsonObject& error);
    // {"type": "stats", "ts", "models": [...], "pool": {...}} as the server sent it.
    void statsReceived(const QJsonObject& stats);
    // {"type": "scaler", "ts", "model", "action", "desired", "current", "reason"} as sent.
    void scalerReceived(const QJsonObject& event);
    // {"type": "error", code, message} from the server (e.g. a refused subscription).
    void errorReceived(const QString& code, const QString& message);

private:
    void setState(State state);
    void connectNow();
    void scheduleReconnect();
    void onConnected();
    void onDisconnected();
    void onMessage(const QString& text);
    void sendOp(const char* op, const QString& topic);

    ApiClient& m_api;
    QWebSocket* m_socket = nullptr;
    QTimer m_reconnectTimer;
    QMap<QString, int> m_topics;
    State m_state = State::Closed;
    int m_initialBackoffMs = 500;
    int m_maxBackoffMs = 10000;
    int m_backoffMs = 500;
    bool m_wanted = false;
    bool m_triedRefresh = false;
};

} // namespace mmf::studio
