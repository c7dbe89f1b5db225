#include "tools/BenchEvents.h"

#include "tools/JsonScan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>

namespace mmf {

namespace {

bool isFinal(const QByteArray& status)
{
    return status == "succeeded" || status == "failed" || status == "cancelled" || status == "dead_lettered";
}

} // namespace

BenchEvents::BenchEvents(const QElapsedTimer& clock, FinalHandler handler, QObject* parent)
    : QObject(parent)
    , m_clock(clock)
    , m_handler(std::move(handler))
{
    m_socket.setMaxAllowedIncomingFrameSize(16 * 1024 * 1024);
    m_socket.setMaxAllowedIncomingMessageSize(16 * 1024 * 1024);
    connect(&m_socket, &QWebSocket::connected, this, [this] {
        // Only what completion needs (final states arrive as results); a server that does not filter sends
        // everything and that works too. Status events are not asked for: with no status subscriber the
        // workers write no running events (docs/PERFORMANCE.md measures what one costs).
        const QJsonObject subscribe{{QStringLiteral("op"), QStringLiteral("subscribe")},
                                    {QStringLiteral("topic"), m_topic},
                                    {QStringLiteral("events"), QJsonArray{QStringLiteral("result")}}};
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(subscribe).toJson(QJsonDocument::Compact)));
    });
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &BenchEvents::onMessage);
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        if (m_closing)
            return;
        m_closing = true;
        QString reason = QStringLiteral("event socket closed");
        if (m_socket.error() != QAbstractSocket::UnknownSocketError)
            reason = QStringLiteral("event socket: ") + m_socket.errorString();
        else if (m_socket.closeCode() != QWebSocketProtocol::CloseCodeNormal ||
                 !m_socket.closeReason().isEmpty())
            reason +=
                QStringLiteral(" (code %1 %2)").arg(int(m_socket.closeCode())).arg(m_socket.closeReason());
        emit lost(reason);
    });
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this] {
        if (m_closing)
            return;
        m_closing = true;
        emit lost(QStringLiteral("event socket: ") + m_socket.errorString());
    });
}

BenchEvents::~BenchEvents()
{
    // The socket is destroyed after the members its slots use, and closing it emits: detach it first.
    m_socket.disconnect(this);
    m_socket.abort();
}

void BenchEvents::open(const QUrl& websocketUrl, const QString& token, const QString& model)
{
    m_topic = QStringLiteral("model/") + model;
    m_closing = false;
    QNetworkRequest request(websocketUrl);
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    m_socket.open(request);
}

void BenchEvents::close()
{
    m_closing = true;
    m_socket.close();
}

void BenchEvents::onMessage(const QString& message)
{
    const qint64 arrived = m_clock.nsecsElapsed();
    ++m_messages;
    const QByteArray text = message.toUtf8();
    QByteArray fields[3]; // type, task_id, status
    if (!JsonScan::topLevelStrings(text, {"type", "task_id", "status"}, fields))
        return;
    const QByteArray& type = fields[0];
    if (type == "result" || (type == "status" && isFinal(fields[2]))) {
        m_handler(fields[1], fields[2] == "succeeded", arrived);
    } else if (type == "subscribed") {
        emit subscribed();
    } else if (type == "error") {
        const QJsonObject error = QJsonDocument::fromJson(text).object();
        m_closing = true;
        emit lost(QStringLiteral("subscription refused: %1: %2")
                      .arg(error.value(QLatin1String("code")).toString(),
                           error.value(QLatin1String("message")).toString()));
    }
}

} // namespace mmf
