#pragma once

#include "core/Error.h"
#include "worker/CallHandle.h"

#include <QByteArray>
#include <QObject>
#include <QUrl>

#include <memory>
#include <unordered_map>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;

namespace mmf {

// Runs TaskContext::call() on the event loop: POST {server}/api/v1/models/{model}/tasks?wait=60 with the task
// token, the parent task id and an idempotency key (so a retried submission is the same task), then
// long-polls GET /api/v1/tasks/{id}?wait=60 until the sub-task ends, and finishes the CallHandle with the
// response bytes or an Error whose message is "<code>: <message>" (a failed sub-task; HTTP/network failures
// are "unavailable"). Calls are spread over several connections (a QNetworkAccessManager opens at most 6 per
// host), so parallel sub-tasks are submitted at once.
class SubTaskCaller : public QObject
{
    Q_OBJECT
public:
    struct Call
    {
        QString model;
        QByteArray request; // binary protobuf
        QByteArray taskToken;
        QByteArray parentTaskId;
        QByteArray idempotencyKey;
        CallHandle handle;
    };

    // One interpreted gateway answer.
    struct Step
    {
        enum class Kind
        {
            Succeeded,
            Failed,
            Pending,
            Unavailable
        };
        Kind kind = Kind::Unavailable;
        QByteArray bytes;  // Succeeded: the response
        QByteArray taskId; // when the answer told it
        Error error;       // Failed / Unavailable
    };

    explicit SubTaskCaller(QUrl server, QObject* parent = nullptr);
    ~SubTaskCaller() override;

    // Returns an id for abort().
    quint64 start(Call call);
    // Stops waiting and finishes the handle with an Error "<code>: <message>" (unless it already finished).
    void abort(quint64 id, const QString& code, const QString& message);
    bool isActive(quint64 id) const { return m_calls.count(id) != 0; }
    int activeCount() const { return int(m_calls.size()); }
    // Delay before a request that met a network failure or a 5xx is sent again (tests shorten it).
    void setRetryDelayMs(int ms) { m_retryDelayMs = ms; }

    // Pure: what an answer of the gateway means (status 0: no HTTP answer, `networkError` says why).
    static Step interpret(int status, const QByteArray& contentType, const QByteArray& body,
                          const QByteArray& taskIdHeader, const QString& networkError = {});

    static constexpr int kWaitSecs = 60;
    static constexpr int kRetries = 3; // network failures of one request before giving up
    static constexpr int kRetryDelayMs = 1000;

private:
    struct Active;
    void send(Active& active);
    void onFinished(quint64 id, QNetworkReply* reply);
    void retryLater(quint64 id);
    void complete(quint64 id, Result<QByteArray> outcome);
    QNetworkAccessManager* pickNetwork();

    QUrl m_server;
    int m_retryDelayMs = kRetryDelayMs;
    quint64 m_nextId = 0;
    std::unordered_map<quint64, std::unique_ptr<Active>> m_calls;
    std::vector<QNetworkAccessManager*> m_networks; // children of this object
};

} // namespace mmf
