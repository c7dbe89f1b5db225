#include "TestWebSocket.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QTest>

#include <memory>

namespace mmf {

TestWebSocket::TestWebSocket(const QUrl& serverUrl, const QByteArray& token)
    : m_url(serverUrl)
    , m_token(token)
{
    m_url.setScheme(QStringLiteral("ws"));
    m_url.setPath(QStringLiteral("/api/v1/ws"));
    QObject::connect(&m_socket, &QWebSocket::textMessageReceived, [this](const QString& text) {
        m_messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
    });
}

void TestWebSocket::setHeader(const QByteArray& name, const QByteArray& value)
{
    m_headers << qMakePair(name, value);
}

void TestWebSocket::useTls(const QSslCertificate& authority)
{
    m_url.setScheme(QStringLiteral("wss"));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates({authority});
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_socket.setSslConfiguration(tls);
}

bool TestWebSocket::open(int timeoutMs)
{
    QNetworkRequest request(m_url);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    for (const auto& [name, value] : m_headers)
        request.setRawHeader(name, value);
    // A refused handshake (an HTTP answer instead of 101) is reported as an error; a socket the server closes
    // at once may never be seen connected here.
    auto ended = std::make_shared<bool>(false);
    const QMetaObject::Connection onError =
        QObject::connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error),
                         [ended](QAbstractSocket::SocketError) { *ended = true; });
    const QMetaObject::Connection onClosed =
        QObject::connect(&m_socket, &QWebSocket::disconnected, [ended] { *ended = true; });
    m_socket.open(request);
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && !*ended && m_socket.state() != QAbstractSocket::ConnectedState)
        QTest::qWait(5);
    QObject::disconnect(onError);
    QObject::disconnect(onClosed);
    return m_socket.state() == QAbstractSocket::ConnectedState;
}

void TestWebSocket::sendJson(const QJsonObject& message)
{
    m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void TestWebSocket::subscribe(const QString& topic)
{
    sendJson(
        QJsonObject{{QStringLiteral("op"), QStringLiteral("subscribe")}, {QStringLiteral("topic"), topic}});
}

bool TestWebSocket::subscribeAndWait(const QString& topic, int timeoutMs)
{
    subscribe(topic);
    return !waitFor(
                [](const QJsonObject& m) {
                    return m.value(QStringLiteral("type")).toString() == QLatin1String("subscribed");
                },
                timeoutMs)
                .isEmpty();
}

QJsonObject TestWebSocket::waitFor(const std::function<bool(const QJsonObject&)>& match, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    qsizetype checked = 0;
    while (true) {
        for (; checked < m_messages.size(); ++checked) {
            if (match(m_messages[checked]))
                return m_messages[checked];
        }
        if (deadline.hasExpired())
            return {};
        QTest::qWait(5);
    }
}

bool TestWebSocket::waitForDisconnected(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && m_socket.state() != QAbstractSocket::UnconnectedState)
        QTest::qWait(10);
    return m_socket.state() == QAbstractSocket::UnconnectedState;
}

} // namespace mmf
