#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QSslCertificate>
#include <QSslSocket>
#include <QString>

namespace mmf {

// One keep-alive HTTP/1.1 connection from a chosen local address (another loopback address stands for another
// client), plain or TLS. Each request blocks until its whole answer (Content-Length) is read: the server is
// another process. For what QNetworkAccessManager cannot do: pick the source address, send any header.
class RawHttpConnection
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // Connects to 127.0.0.1:`port` from `from` (empty: any). With `tlsAuthority` set, speaks TLS and trusts
    // only that certificate, for the peer name `tlsPeerName`.
    explicit RawHttpConnection(quint16 port, const QString& from = {},
                               const QSslCertificate& tlsAuthority = QSslCertificate(),
                               const QString& tlsPeerName = QStringLiteral("localhost"));

    // The answer's status (0: none within `timeoutMs`; errorString() says why).
    int request(const QByteArray& method, const QByteArray& path, const Headers& headers = {},
                const QByteArray& body = {}, int timeoutMs = 60000);
    const QByteArray& reply() const { return m_reply; } // the last answer, head and body
    QByteArray body() const;
    QByteArray header(const QByteArray& name) const;
    QString errorString() const { return m_socket.errorString(); }

private:
    bool complete() const;

    QSslSocket m_socket;
    bool m_tls = false;
    QByteArray m_reply;
};

} // namespace mmf
