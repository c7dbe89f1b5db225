#include "RawHttpConnection.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QSslConfiguration>

#include <algorithm>

namespace mmf {

RawHttpConnection::RawHttpConnection(quint16 port, const QString& from, const QSslCertificate& tlsAuthority,
                                     const QString& tlsPeerName)
    : m_tls(!tlsAuthority.isNull())
{
    if (!from.isEmpty())
        m_socket.bind(QHostAddress(from), 0);
    if (!m_tls) {
        m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
        return;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates({tlsAuthority});
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_socket.setSslConfiguration(tls);
    m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port, tlsPeerName);
}

int RawHttpConnection::request(const QByteArray& method, const QByteArray& path, const Headers& headers,
                               const QByteArray& body, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    const auto left = [&deadline] { return int(std::max<qint64>(1, deadline.remainingTime())); };
    if (m_socket.state() != QAbstractSocket::ConnectedState && !m_socket.waitForConnected(left()))
        return 0;
    if (m_tls && !m_socket.isEncrypted() && !m_socket.waitForEncrypted(left()))
        return 0;
    QByteArray head = method + ' ' + path + " HTTP/1.1\r\nHost: localhost\r\n";
    for (const auto& [name, value] : headers)
        head += name + ": " + value + "\r\n";
    m_socket.write(head + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    m_reply.clear();
    while (!complete() && !deadline.hasExpired()) {
        if (!m_socket.waitForReadyRead(left()))
            break;
        m_reply += m_socket.readAll();
    }
    return complete() ? m_reply.mid(9, 3).toInt() : 0;
}

QByteArray RawHttpConnection::header(const QByteArray& name) const
{
    const qsizetype end = m_reply.indexOf("\r\n\r\n");
    for (const QByteArray& line : m_reply.left(std::max<qsizetype>(0, end)).split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

QByteArray RawHttpConnection::body() const
{
    const qsizetype end = m_reply.indexOf("\r\n\r\n");
    return end < 0 ? QByteArray() : m_reply.mid(end + 4);
}

bool RawHttpConnection::complete() const
{
    const qsizetype end = m_reply.indexOf("\r\n\r\n");
    if (!m_reply.startsWith("HTTP/1.1 ") || end < 0)
        return false;
    const QByteArray length = header("Content-Length");
    return m_reply.size() >= end + 4 + length.toLongLong();
}

} // namespace mmf
