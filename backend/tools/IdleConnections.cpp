#include "tools/IdleConnections.h"

#include <QTcpSocket>

namespace mmf {

namespace {
const QByteArray kHealthRequest = QByteArrayLiteral("GET /healthz HTTP/1.1\r\nHost: mmf-bench\r\n\r\n");
} // namespace

IdleConnections::IdleConnections(QObject* parent)
    : QObject(parent)
{}

IdleConnections::~IdleConnections()
{
    for (const auto& socket : m_sockets)
        socket->disconnect(this); // no counting while they close
}

void IdleConnections::open(const QString& host, quint16 port, int count)
{
    m_wanted = count;
    m_sockets.reserve(size_t(count));
    for (int i = 0; i < count; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        QTcpSocket* raw = socket.get();
        connect(raw, &QTcpSocket::connected, this, [this, raw] {
            // One request, so that the connection is an idle keep-alive one: a connection that never sends a
            // request is closed after the header timeout (10 s), an idle one after the idle timeout (60 s).
            raw->write(kHealthRequest);
            m_up.insert(raw);
            onSettled();
        });
        connect(raw, &QTcpSocket::readyRead, raw, [raw] { raw->readAll(); }); // its answer, not kept
        connect(raw, &QTcpSocket::errorOccurred, this, [this, raw](QAbstractSocket::SocketError) {
            if (m_firstError.isEmpty())
                m_firstError = raw->errorString();
            if (m_up.remove(raw)) {
                ++m_closedByServer; // it had connected: the server let it go
                return;
            }
            ++m_failed;
            onSettled();
        });
        m_sockets.push_back(std::move(socket));
        raw->connectToHost(host, port);
    }
    if (count == 0)
        emit settled();
}

void IdleConnections::onSettled()
{
    if (connected() + m_failed == m_wanted)
        emit settled();
}

} // namespace mmf
