#include "tools/TaskWatcher.h"

#include "tools/CtlFormat.h"
#include "tools/CtlRequests.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>

namespace mmf {

namespace {

constexpr int kMaxBackoffMs = 5000;
constexpr int kResultFallbackMs = 1500;
constexpr int kSubscribeTimeoutMs = 10'000;
constexpr int kPingIntervalMs = 15'000;
constexpr int kSilenceLimitMs = 40'000;

QString seqKey(const QJsonValue& seq)
{
    return seq.isDouble() ? QString::number(qint64(seq.toDouble())) : seq.toString();
}

} // namespace

TaskWatcher::TaskWatcher(ApiClient* api, QString token, QString taskId, QObject* parent)
    : QObject(parent)
    , m_api(api)
    , m_token(std::move(token))
    , m_taskId(std::move(taskId))
{
    m_reconnectTimer.setSingleShot(true);
    m_resultFallback.setSingleShot(true);
    // Log replays can be large; still bounded (Qt accepts 2 GB unless told).
    m_socket.setMaxAllowedIncomingFrameSize(16 * 1024 * 1024);
    m_socket.setMaxAllowedIncomingMessageSize(16 * 1024 * 1024);
    m_subscribeDeadline.setSingleShot(true);
    connect(&m_subscribeDeadline, &QTimer::timeout, this, [this] { m_socket.abort(); });
    connect(&m_keepAlive, &QTimer::timeout, this, [this] {
        if (m_lastPong.isValid() && m_lastPong.elapsed() > kSilenceLimitMs)
            m_socket.abort(); // disconnected() follows and reconnects
        else
            m_socket.ping();
    });
    connect(&m_socket, &QWebSocket::pong, this, [this] { m_lastPong.restart(); });
    connect(&m_reconnectTimer, &QTimer::timeout, this, &TaskWatcher::openSocket);
    connect(&m_resultFallback, &QTimer::timeout, this, &TaskWatcher::reconcile);
    connect(&m_socket, &QWebSocket::connected, this, &TaskWatcher::onConnected);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &TaskWatcher::onMessage);
    connect(&m_socket, &QWebSocket::disconnected, this, &TaskWatcher::onSocketDown);
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) { onSocketDown(); });
}

TaskWatcher::~TaskWatcher()
{
    // The socket is destroyed after the members its slots use, and closing it emits: detach it first.
    m_socket.disconnect(this);
    m_socket.abort();
}

void TaskWatcher::start()
{
    reconcile();
}

void TaskWatcher::reconcile()
{
    if (m_done || m_finishing)
        return;
    m_api->send(CtlRequests::getTask(m_taskId), this, [this](const ApiResponse& response) {
        if (m_done || m_finishing)
            return;
        if (!response.reachable()) {
            if (!m_everSubscribed) {
                fail({QStringLiteral("unavailable"),
                      QStringLiteral("cannot reach %1: %2")
                          .arg(m_api->server().toString(), response.networkError),
                      {},
                      CtlExit::Unreachable});
                return;
            }
            // Mid-watch outage: retry the check; the socket's own reconnects run meanwhile.
            if (markDown())
                m_resultFallback.start(m_backoffMs);
            return;
        }
        if (!response.ok()) {
            fail(CtlFormat::apiError(response.status, response.body));
            return;
        }
        if (m_socket.state() == QAbstractSocket::ConnectedState)
            m_downSince.invalidate();
        const QJsonObject task = QJsonDocument::fromJson(response.body).object();
        const QString status = task.value(QLatin1String("status")).toString();
        if (CtlFormat::isFinalStatus(status)) {
            finishFromTask(task); // reports the final status after the last log lines
            return;
        }
        emitStatus(status, task.value(QLatin1String("attempts")).toInt());
        if (m_socket.state() == QAbstractSocket::UnconnectedState && !m_reconnectTimer.isActive())
            openSocket();
    });
}

void TaskWatcher::finishFromTask(const QJsonObject& task)
{
    m_finishing = true;
    m_resultFallback.stop();
    // The last lines may have been logged while unsubscribed: fetch what is missing, then finish.
    const std::optional<qint64> from = m_maxSeq >= 0 ? std::optional<qint64>(m_maxSeq) : std::nullopt;
    m_api->send(CtlRequests::taskLogs(m_taskId, from), this, [this, task](const ApiResponse& response) {
        if (response.ok()) {
            const QJsonArray lines =
                QJsonDocument::fromJson(response.body).object().value(QLatin1String("lines")).toArray();
            for (const QJsonValue& line : lines)
                emitLog(line.toObject());
        }
        emitStatus(task.value(QLatin1String("status")).toString(),
                   task.value(QLatin1String("attempts")).toInt());
        QJsonObject result{{QStringLiteral("type"), QStringLiteral("result")},
                           {QStringLiteral("task_id"), m_taskId},
                           {QStringLiteral("status"), task.value(QLatin1String("status"))}};
        if (task.contains(QLatin1String("result")))
            result.insert(QStringLiteral("result"), task.value(QLatin1String("result")));
        if (task.contains(QLatin1String("error")))
            result.insert(QStringLiteral("error"), task.value(QLatin1String("error")));
        complete(result);
    });
}

void TaskWatcher::openSocket()
{
    if (m_done || m_finishing)
        return;
    QNetworkRequest request(CtlRequests::websocketUrl(m_api->server()));
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    m_socket.open(request);
}

void TaskWatcher::onConnected()
{
    m_subscribeDeadline.start(kSubscribeTimeoutMs);
    m_lastPong.start();
    m_keepAlive.start(kPingIntervalMs);
    const QJsonObject subscribe{{QStringLiteral("op"), QStringLiteral("subscribe")},
                                {QStringLiteral("topic"), QStringLiteral("task/") + m_taskId}};
    m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(subscribe).toJson(QJsonDocument::Compact)));
}

void TaskWatcher::onMessage(const QString& message)
{
    if (m_done || m_finishing)
        return;
    const QJsonObject push = QJsonDocument::fromJson(message.toUtf8()).object();
    const QString type = push.value(QLatin1String("type")).toString();
    if (type == QLatin1String("subscribed")) {
        m_subscribeDeadline.stop();
        m_everSubscribed = true;
        m_backoffMs = 250;
        m_downSince.invalidate();
        // Anything that happened before this subscription is only visible over HTTP.
        reconcile();
        return;
    }
    if (type == QLatin1String("error")) {
        fail({push.value(QLatin1String("code")).toString(QStringLiteral("internal")),
              push.value(QLatin1String("message")).toString(),
              {},
              CtlExit::Failure});
        return;
    }
    if (push.contains(QLatin1String("task_id")) &&
        push.value(QLatin1String("task_id")).toString() != m_taskId)
        return;
    if (type == QLatin1String("log")) {
        emitLog(push);
    } else if (type == QLatin1String("progress")) {
        emit event(push);
    } else if (type == QLatin1String("status")) {
        const QString status = push.value(QLatin1String("status")).toString();
        emitStatus(status, push.value(QLatin1String("attempts")).toInt());
        if (CtlFormat::isFinalStatus(status) && !m_resultFallback.isActive())
            m_resultFallback.start(kResultFallbackMs);
    } else if (type == QLatin1String("result")) {
        emitStatus(push.value(QLatin1String("status")).toString(), m_lastAttempts);
        complete(push);
    }
}

void TaskWatcher::onSocketDown()
{
    // error() and disconnected() both arrive for one drop: the pending reconnect makes the second a no-op.
    m_subscribeDeadline.stop();
    m_keepAlive.stop();
    if (m_done || m_finishing || m_reconnectTimer.isActive())
        return;
    if (!markDown())
        return;
    m_reconnectTimer.start(m_backoffMs);
    m_backoffMs = qMin(m_backoffMs * 2, kMaxBackoffMs);
}

bool TaskWatcher::markDown()
{
    if (!m_downSince.isValid())
        m_downSince.start();
    if (m_downSince.elapsed() <= m_reconnectLimitMs)
        return true;
    fail({QStringLiteral("unavailable"),
          QStringLiteral("lost the connection to %1 for more than %2 s (%3)")
              .arg(m_api->server().toString())
              .arg(m_reconnectLimitMs / 1000)
              .arg(m_socket.errorString()),
          {},
          CtlExit::Unreachable});
    return false;
}

void TaskWatcher::emitLog(QJsonObject line)
{
    const QString key = seqKey(line.value(QLatin1String("seq")));
    if (!key.isEmpty()) {
        if (m_seenSeqs.contains(key))
            return;
        m_seenSeqs.insert(key);
        bool numeric = false;
        const qint64 seq = key.toLongLong(&numeric);
        if (numeric)
            m_maxSeq = qMax(m_maxSeq, seq);
    }
    line.insert(QStringLiteral("type"), QStringLiteral("log"));
    line.insert(QStringLiteral("task_id"), m_taskId);
    emit event(line);
}

void TaskWatcher::emitStatus(const QString& status, int attempts)
{
    if (status.isEmpty())
        return;
    // A new state is news; so is a new attempt of a running task (a retry). Repeats (replays, HTTP checks)
    // are not.
    const bool news =
        status != m_lastStatus || (status == QLatin1String("running") && attempts > m_lastAttempts);
    m_lastStatus = status;
    m_lastAttempts = qMax(m_lastAttempts, attempts);
    if (!news)
        return;
    emit event(QJsonObject{{QStringLiteral("type"), QStringLiteral("status")},
                           {QStringLiteral("task_id"), m_taskId},
                           {QStringLiteral("status"), status},
                           {QStringLiteral("attempts"), m_lastAttempts}});
}

void TaskWatcher::complete(const QJsonObject& result)
{
    if (m_done)
        return;
    m_done = true;
    m_reconnectTimer.stop();
    m_resultFallback.stop();
    m_subscribeDeadline.stop();
    m_keepAlive.stop();
    m_socket.abort();
    emit finished(result);
}

void TaskWatcher::fail(const CtlError& error)
{
    if (m_done)
        return;
    m_done = true;
    m_reconnectTimer.stop();
    m_resultFallback.stop();
    m_subscribeDeadline.stop();
    m_keepAlive.stop();
    m_socket.abort();
    emit failed(error);
}

} // namespace mmf
