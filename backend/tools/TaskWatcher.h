#pragma once

#include "tools/ApiClient.h"
#include "tools/CtlError.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QWebSocket>

namespace mmf {

// Follows one task to its end: HTTP GET first (proper API errors, and a task that already ended needs no
// socket), then a WebSocket subscription to task/<id>, re-checked over HTTP after every (re)subscription so
// nothing that happened while unsubscribed is missed. Log lines are de-duplicated by seq (the server replays
// the log on each subscribe). If the socket drops it reconnects with backoff; after reconnectLimitMs without
// a subscription it gives up with an Unreachable error. Emits events in order, then exactly one of finished()
// or failed().
class TaskWatcher : public QObject
{
    Q_OBJECT
public:
    TaskWatcher(ApiClient* api, QString token, QString taskId, QObject* parent = nullptr);
    ~TaskWatcher() override;

    void setReconnectLimitMs(int ms) { m_reconnectLimitMs = ms; }
    void start();

signals:
    // A push-shaped object: {"type": "status"} on each change, {"type": "log"} once per seq, {"type":
    // "progress"}.
    void event(const QJsonObject& push);
    // {"type": "result", "task_id", "status", "result", "error"}; the final status event came just before.
    void finished(const QJsonObject& result);
    void failed(const mmf::CtlError& error);

private:
    void reconcile();
    void finishFromTask(const QJsonObject& task);
    void openSocket();
    void onConnected();
    void onMessage(const QString& message);
    void onSocketDown();
    void emitLog(QJsonObject line);
    void emitStatus(const QString& status, int attempts);
    void complete(const QJsonObject& result);
    void fail(const CtlError& error);
    bool markDown(); // starts or checks the outage clock; false once over the limit (and failed)

    ApiClient* m_api;
    QString m_token;
    QString m_taskId;
    QWebSocket m_socket;
    QTimer m_reconnectTimer;
    QTimer m_resultFallback;    // a final status push without a result push: fetch the task
    QTimer m_subscribeDeadline; // connected but never subscribed: start over
    QTimer m_keepAlive;         // pings; a socket silent past the limit is half-open: start over
    QElapsedTimer m_lastPong;
    QElapsedTimer m_downSince;
    QSet<QString> m_seenSeqs;
    qint64 m_maxSeq = -1;
    QString m_lastStatus;
    int m_lastAttempts = -1;
    int m_backoffMs = 250;
    int m_reconnectLimitMs = 60'000;
    bool m_everSubscribed = false;
    bool m_finishing = false; // fetching the last log lines before finished()
    bool m_done = false;
};

} // namespace mmf
