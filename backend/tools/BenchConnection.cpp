#include "tools/BenchConnection.h"

namespace mmf {

BenchConnection::BenchConnection(const QElapsedTimer& clock, ResponseHandler handler, QObject* parent)
    : QObject(parent)
    , m_clock(clock)
    , m_handler(std::move(handler))
{
    connect(&m_socket, &QTcpSocket::connected, this, [this] {
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        emit connected();
    });
    connect(&m_socket, &QTcpSocket::readyRead, this, &BenchConnection::onReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this,
            [this] { onBroken(QStringLiteral("server closed the connection")); });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError)
            onBroken(m_socket.errorString());
    });
}

BenchConnection::~BenchConnection()
{
    // The socket is destroyed after the members its slots use, and closing it emits: detach it first.
    m_socket.disconnect(this);
    m_socket.abort();
}

void BenchConnection::connectTo(const QString& host, quint16 port)
{
    m_parser.reset();
    m_broken = false;
    m_socket.connectToHost(host, port);
}

void BenchConnection::send(const QByteArray& request, int tasks)
{
    m_pending.push_back({m_clock.nsecsElapsed(), tasks});
    m_socket.write(request);
}

void BenchConnection::onReadyRead()
{
    const QByteArray data = m_socket.readAll();
    if (!m_parser.feed(data)) {
        onBroken(QStringLiteral("bad HTTP response: ") + m_parser.error());
        return;
    }
    bool closing = false;
    while (m_parser.take(m_response)) {
        if (m_pending.empty()) {
            onBroken(QStringLiteral("a response without a request"));
            return;
        }
        const Pending pending = m_pending.front();
        m_pending.pop_front();
        closing = closing || m_response.close;
        m_handler(m_response, pending.writtenNs, pending.tasks);
    }
    if (closing) {
        onBroken(QStringLiteral("server sent Connection: close"));
        return;
    }
    emit responsesHandled();
}

void BenchConnection::onBroken(const QString& reason)
{
    // error and disconnected both arrive for one break, and abort() below may emit again: report once.
    if (m_broken)
        return;
    m_broken = true;
    int lostTasks = 0;
    for (const Pending& pending : m_pending)
        lostTasks += pending.tasks;
    m_pending.clear();
    m_parser.reset();
    m_socket.abort();
    emit lost(reason, lostTasks);
}

} // namespace mmf
