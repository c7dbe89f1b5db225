#include "core/EventStream.h"

#include "core/ApiClient.h"

#include <QJsonDocument>
#include <QNetworkRequest>

namespace mmf::studio {

namespace {
constexpr qint64 kMaxMessageBytes = 16 * 1024 * 1024;
}

EventStream::EventStream(ApiClient& api, QObject* parent)
    : QObject(parent)
    , m_api(api)
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &EventStream::connectNow);
}

EventStream::~EventStream()
{
    m_wanted = false;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void EventStream::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void EventStream::setBackoff(int initialMs, int maxMs)
{
    m_initialBackoffMs = std::max(1, initialMs);
    m_maxBackoffMs = std::max(m_initialBackoffMs, maxMs);
    m_backoffMs = m_initialBackoffMs;
}

void EventStream::open()
{
    m_wanted = true;
    m_backoffMs = m_initialBackoffMs;
    m_triedRefresh = false;
    if (m_state == State::Open || m_state == State::Connecting)
        return;
    connectNow();
}

void EventStream::close()
{
    m_wanted = false;
    m_reconnectTimer.stop();
    if (m_socket) {
        QWebSocket* socket = m_socket;
        m_socket = nullptr;
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }
    setState(State::Closed);
}

void EventStream::connectNow()
{
    if (!m_wanted)
        return;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket->setMaxAllowedIncomingFrameSize(kMaxMessageBytes);
    m_socket->setMaxAllowedIncomingMessageSize(kMaxMessageBytes);
    connect(m_socket, &QWebSocket::connected, this, &EventStream::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &EventStream::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &EventStream::onMessage);
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, socket = m_socket](QAbstractSocket::SocketError) {
                if (socket == m_socket && socket->state() == QAbstractSocket::UnconnectedState)
                    onDisconnected();
            });

    QUrl url = m_api.urlFor(QStringLiteral("/api/v1/ws"));
    url.setScheme(url.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    QNetworkRequest request(url);
    if (!m_api.accessToken().isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_api.accessToken());
    setState(State::Connecting);
    m_socket->open(request);
}

void EventStream::onConnected()
{
    m_backoffMs = m_initialBackoffMs;
    m_triedRefresh = false;
    setState(State::Open);
    for (auto it = m_topics.cbegin(); it != m_topics.cend(); ++it)
        sendOp("subscribe", it.key());
}

void EventStream::onDisconnected()
{
    // error() and disconnected() may both report one loss.
    if (m_state == State::Reconnecting || m_state == State::Closed)
        return;
    const bool wasOpen = m_state == State::Open;
    if (!m_wanted) {
        setState(State::Closed);
        return;
    }
    // A refused upgrade (no open ever) may be an expired token, and so may a policy close (1008: the server
    // closes a socket at its token's expiry): refresh once, silently.
    const bool policyClose = m_socket && m_socket->closeCode() == QWebSocketProtocol::CloseCodePolicyViolated;
    if ((!wasOpen || policyClose) && !m_triedRefresh) {
        m_triedRefresh = true;
        setState(State::Reconnecting);
        ApiCall probe;
        probe.path = QStringLiteral("/api/v1/models");
        // Any authenticated call refreshes on 401; then the next attempt uses the new token.
        m_api.send(std::move(probe), this, [this](const ApiResult&) { scheduleReconnect(); });
        return;
    }
    scheduleReconnect();
}

void EventStream::scheduleReconnect()
{
    if (!m_wanted)
        return;
    setState(State::Reconnecting);
    m_reconnectTimer.start(m_backoffMs);
    m_backoffMs = std::min(m_maxBackoffMs, m_backoffMs * 2);
}

void EventStream::subscribe(const QString& topic)
{
    if (m_topics[topic]++ == 0 && m_state == State::Open)
        sendOp("subscribe", topic);
}

void EventStream::unsubscribe(const QString& topic)
{
    auto it = m_topics.find(topic);
    if (it == m_topics.end())
        return;
    if (--it.value() > 0)
        return;
    m_topics.erase(it);
    if (m_state == State::Open)
        sendOp("unsubscribe", topic);
}

void EventStream::sendOp(const char* op, const QString& topic)
{
    if (!m_socket)
        return;
    const QJsonObject message{{QStringLiteral("op"), QLatin1String(op)}, {QStringLiteral("topic"), topic}};
    m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void EventStream::onMessage(const QString& text)
{
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = message.value(QLatin1String("type")).toString();
    const QString taskId = message.value(QLatin1String("task_id")).toString();
    if (type == QLatin1String("log")) {
        emit logReceived(
            taskId, qint64(message.value(QLatin1String("seq")).toDouble()),
            QDateTime::fromString(message.value(QLatin1String("ts")).toString(), Qt::ISODateWithMs),
            message.value(QLatin1String("level")).toString(),
            message.value(QLatin1String("text")).toString());
    } else if (type == QLatin1String("status")) {
        emit statusReceived(taskId, message.value(QLatin1String("model")).toString(),
                            message.value(QLatin1String("status")).toString(),
                            message.value(QLatin1String("attempts")).toInt());
    } else if (type == QLatin1String("progress")) {
        emit progressReceived(taskId, message.value(QLatin1String("fraction")).toDouble(),
                              message.value(QLatin1String("text")).toString());
    } else if (type == QLatin1String("result")) {
        emit resultReceived(taskId, message.value(QLatin1String("status")).toString(),
                            message.value(QLatin1String("result")),
                            message.value(QLatin1String("error")).toObject());
    } else if (type == QLatin1String("stats")) {
        emit statsReceived(message);
    } else if (type == QLatin1String("scaler")) {
        emit scalerReceived(message);
    } else if (type == QLatin1String("subscribed")) {
        emit subscribed(message.value(QLatin1String("topic")).toString());
    } else if (type == QLatin1String("error")) {
        emit errorReceived(message.value(QLatin1String("code")).toString(),
                           message.value(QLatin1String("message")).toString());
    }
}

} // namespace mmf::studio
