#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QTimer>

namespace mmf::studio {

class ApiClient;
class EventStream;
struct ApiResult;

// Follows one task at a time: submits a request (POST …/tasks), subscribes to `task/<id>` on the
// EventStream, polls GET /api/v1/tasks/{id} and its logs while the live connection is down, and cancels.
// Retries are made visible: a `queued` status after a started attempt (attempts > 0) reads the task once and
// reports the failed attempt's error and the next attempt's due time. follow() of another task or stop()
// forgets the previous one (its late answers are ignored). No call blocks.
class TaskFollower : public QObject
{
    Q_OBJECT
public:
    TaskFollower(ApiClient& api, EventStream& events, QObject* parent = nullptr);

    // POST /api/v1/models/{model}/tasks with the JSON body; submitted() then follows the task, or
    // submitFailed() with the server's answer. Ignored while a submit is in flight.
    void submit(const QString& model, const QByteArray& json);
    void follow(const QString& taskId, const QString& model);
    // POST /api/v1/tasks/{id}/cancel of the followed task; cancelRequested() or cancelFailed().
    void cancel();
    // Forgets the followed task (an account switch): no further signals about it.
    void stop();
    void setPollInterval(int ms) { m_pollTimer.setInterval(ms); }

    QString taskId() const { return m_taskId; }
    QString model() const { return m_model; }
    QString status() const { return m_status; }
    int attempts() const { return m_attempts; }
    bool isFinal() const { return m_final; }
    bool isSubmitting() const { return m_submitting; }
    bool isActive() const { return !m_taskId.isEmpty() && !m_final; }
    // The last failed attempt's {code, message} and when the next one is due (invalid when none).
    QJsonObject lastError() const { return m_lastError; }
    QDateTime nextAttemptAt() const { return m_nextAttemptAt; }

signals:
    void submitted(const QString& taskId, const QString& model);
    void submitFailed(const mmf::studio::ApiResult& result);
    void statusChanged(const QString& status, int attempts);
    // Attempt `failedAttempt` failed with `error`; the task is queued again for `nextAttemptAt`.
    void retryScheduled(int failedAttempt, const QJsonObject& error, const QDateTime& nextAttemptAt);
    void logLine(qint64 seq, const QDateTime& ts, const QString& level, const QString& text);
    void progress(double fraction, const QString& text);
    void finished(const QString& status, const QJsonValue& result, const QJsonObject& error);
    // The live connection was lost (polling meanwhile) or came back, while a task is followed.
    void liveChanged(bool live);
    void cancelRequested();
    void cancelFailed(const mmf::studio::ApiResult& result);

private:
    void setStatus(const QString& status, int attempts);
    void finish(const QString& status, const QJsonValue& result, const QJsonObject& error);
    void fetchTask();
    void applyTask(const QJsonObject& task);
    void poll();

    ApiClient& m_api;
    EventStream& m_events;
    QString m_taskId;
    QString m_model;
    QString m_status;
    int m_attempts = 0;
    int m_reportedRetry = 0; // the failed attempt last reported by retryScheduled
    bool m_final = true;
    bool m_submitting = false;
    qint64 m_lastSeq = 0;
    QJsonObject m_lastError;
    QDateTime m_nextAttemptAt;
    QTimer m_pollTimer;
};

} // namespace mmf::studio
