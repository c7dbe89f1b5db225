#include "core/TaskFollower.h"

#include "core/ApiClient.h"
#include "core/EventStream.h"
#include "core/TaskListModel.h"

#include <QJsonArray>
#include <QUrl>
#include <algorithm>

namespace mmf::studio {

namespace {
QString topicOf(const QString& taskId)
{
    return QStringLiteral("task/") + taskId;
}
} // namespace

TaskFollower::TaskFollower(ApiClient& api, EventStream& events, QObject* parent)
    : QObject(parent)
    , m_api(api)
    , m_events(events)
{
    m_pollTimer.setInterval(2000);
    connect(&m_pollTimer, &QTimer::timeout, this, &TaskFollower::poll);

    connect(&events, &EventStream::logReceived, this,
            [this](const QString& taskId, qint64 seq, const QDateTime& ts, const QString& level,
                   const QString& text) {
                // A re-subscription replays the log: each line is reported once.
                if (taskId != m_taskId || seq <= m_lastSeq)
                    return;
                m_lastSeq = seq;
                emit logLine(seq, ts, level, text);
            });
    connect(&events, &EventStream::statusReceived, this,
            [this](const QString& taskId, const QString&, const QString& status, int attempts) {
                if (taskId != m_taskId || m_final)
                    return;
                setStatus(status, attempts);
                // Queued again after a started attempt: a retry. The push carries no error: read it.
                if (status == QLatin1String("queued") && attempts > m_reportedRetry)
                    fetchTask();
            });
    connect(&events, &EventStream::progressReceived, this,
            [this](const QString& taskId, double fraction, const QString& text) {
                if (taskId == m_taskId && !m_final)
                    emit progress(fraction, text);
            });
    connect(&events, &EventStream::resultReceived, this,
            [this](const QString& taskId, const QString& status, const QJsonValue& result,
                   const QJsonObject& error) {
                if (taskId != m_taskId || m_final)
                    return;
                if (status == QLatin1String("succeeded") && !result.isObject())
                    fetchTask(); // the push left a large result out
                else
                    finish(status, result, error);
            });
    connect(&events, &EventStream::subscribed, this, [this](const QString& topic) {
        // A task that ended before the subscription took hold: read its state once.
        if (!m_final && topic == topicOf(m_taskId))
            fetchTask();
    });
    connect(&events, &EventStream::stateChanged, this, [this](EventStream::State state) {
        if (m_final || m_taskId.isEmpty())
            return;
        if (state == EventStream::State::Reconnecting)
            emit liveChanged(false);
        else if (state == EventStream::State::Open)
            emit liveChanged(true);
    });
}

void TaskFollower::submit(const QString& model, const QByteArray& json)
{
    if (m_submitting)
        return;
    m_submitting = true;
    ApiCall call;
    call.method = "POST";
    call.path =
        QStringLiteral("/api/v1/models/%1/tasks").arg(QString::fromUtf8(QUrl::toPercentEncoding(model)));
    call.body = json;
    m_api.send(std::move(call), this, [this, model](const ApiResult& result) {
        m_submitting = false;
        if (!result.ok()) {
            emit submitFailed(result);
            return;
        }
        const QString taskId = result.json.value(QLatin1String("task_id")).toString();
        follow(taskId, model);
        emit submitted(taskId, model);
    });
}

void TaskFollower::follow(const QString& taskId, const QString& model)
{
    stop();
    m_taskId = taskId;
    m_model = model;
    m_final = false;
    setStatus(QStringLiteral("queued"), 0);
    m_events.subscribe(topicOf(taskId));
    m_pollTimer.start();
}

void TaskFollower::stop()
{
    if (!m_taskId.isEmpty() && !m_final)
        m_events.unsubscribe(topicOf(m_taskId));
    m_pollTimer.stop();
    m_taskId.clear();
    m_model.clear();
    m_status.clear();
    m_attempts = 0;
    m_reportedRetry = 0;
    m_final = true;
    m_lastSeq = 0;
    m_lastError = {};
    m_nextAttemptAt = {};
}

void TaskFollower::setStatus(const QString& status, int attempts)
{
    m_status = status;
    m_attempts = std::max(m_attempts, attempts);
    if (status == QLatin1String("running"))
        m_nextAttemptAt = {};
    emit statusChanged(status, m_attempts);
}

void TaskFollower::finish(const QString& status, const QJsonValue& result, const QJsonObject& error)
{
    m_final = true;
    m_status = status;
    m_pollTimer.stop();
    m_nextAttemptAt = {};
    m_events.unsubscribe(topicOf(m_taskId));
    // Log lines written just before the end may still be in flight on a poll-only connection.
    if (!m_events.isOpen())
        poll();
    emit finished(status, result, error);
}

void TaskFollower::applyTask(const QJsonObject& task)
{
    const QString status = task.value(QLatin1String("status")).toString();
    const int attempts = task.value(QLatin1String("attempts")).toInt();
    if (TaskListModel::isFinal(status)) {
        finish(status, task.value(QLatin1String("result")), task.value(QLatin1String("error")).toObject());
        return;
    }
    if (status.isEmpty())
        return;
    if (status != m_status || attempts != m_attempts)
        setStatus(status, attempts);
    const QJsonObject error = task.value(QLatin1String("error")).toObject();
    if (status == QLatin1String("queued") && attempts > 0 && attempts > m_reportedRetry) {
        m_reportedRetry = attempts;
        m_lastError = error;
        m_nextAttemptAt =
            QDateTime::fromString(task.value(QLatin1String("next_attempt_at")).toString(), Qt::ISODateWithMs);
        emit retryScheduled(attempts, error, m_nextAttemptAt);
    }
}

void TaskFollower::fetchTask()
{
    const QString taskId = m_taskId;
    if (taskId.isEmpty())
        return;
    m_api.get(QStringLiteral("/api/v1/tasks/") + taskId, this, [this, taskId](const ApiResult& result) {
        if (taskId != m_taskId || m_final || !result.ok())
            return;
        applyTask(result.json);
    });
}

void TaskFollower::poll()
{
    if (m_taskId.isEmpty())
        return;
    if (m_events.isOpen() && !m_final)
        return; // pushes arrive live
    const QString taskId = m_taskId;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("from"), QString::number(m_lastSeq + 1));
    m_api.get(
        QStringLiteral("/api/v1/tasks/%1/logs").arg(taskId), this,
        [this, taskId](const ApiResult& result) {
            if (taskId != m_taskId || !result.ok())
                return;
            for (const QJsonValue& value : result.json.value(QLatin1String("lines")).toArray()) {
                const QJsonObject line = value.toObject();
                const qint64 seq = qint64(line.value(QLatin1String("seq")).toDouble());
                if (seq <= m_lastSeq)
                    continue; // an earlier poll still in flight brought it already
                m_lastSeq = seq;
                emit logLine(
                    seq, QDateTime::fromString(line.value(QLatin1String("ts")).toString(), Qt::ISODateWithMs),
                    line.value(QLatin1String("level")).toString(),
                    line.value(QLatin1String("text")).toString());
            }
        },
        query);
    if (!m_final)
        fetchTask();
}

void TaskFollower::cancel()
{
    if (!isActive())
        return;
    const QString taskId = m_taskId;
    ApiCall call;
    call.method = "POST";
    call.path = QStringLiteral("/api/v1/tasks/%1/cancel").arg(taskId);
    m_api.send(std::move(call), this, [this, taskId](const ApiResult& result) {
        if (taskId != m_taskId)
            return;
        if (!result.ok()) {
            emit cancelFailed(result);
            return;
        }
        emit cancelRequested();
        fetchTask();
    });
}

} // namespace mmf::studio
