#include "http/HttpResponder.h"

#include "http/HttpConnection.h"
#include "http/HttpUtil.h"

namespace mmf {

struct HttpResponder::State
{
    QPointer<HttpConnection> connection;
    Sink sink;
    quint64 sequence = 0;
    bool sent = false;
};

HttpResponder::HttpResponder(QPointer<HttpConnection> connection, quint64 sequence)
    : m_state(std::make_shared<State>())
{
    m_state->connection = std::move(connection);
    m_state->sequence = sequence;
}

HttpResponder::HttpResponder(Sink sink)
    : m_state(std::make_shared<State>())
{
    m_state->sink = std::move(sink);
}

void HttpResponder::send(int status, QByteArray contentType, QByteArray body,
                         const QList<QPair<QByteArray, QByteArray>>& extraHeaders) const
{
    if (!m_state || m_state->sent)
        return;
    m_state->sent = true;
    if (m_state->sink) {
        m_state->sink(status, contentType, body, extraHeaders);
        return;
    }
    if (HttpConnection* connection = m_state->connection.data())
        connection->respond(m_state->sequence, status, contentType, body, extraHeaders);
}

void HttpResponder::sendError(int status, QByteArrayView code, QByteArrayView message,
                              const QList<QPair<QByteArray, QByteArray>>& extraHeaders) const
{
    if (!m_state || m_state->sent)
        return;
    sendJson(status, http::errorJson(code, message), extraHeaders);
}

bool HttpResponder::isPending() const
{
    if (!m_state || m_state->sent)
        return false;
    if (m_state->sink)
        return true;
    const HttpConnection* connection = m_state->connection.data();
    return connection && connection->isOpen();
}

} // namespace mmf
