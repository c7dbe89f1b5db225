#pragma once

#include "tools/HttpResponseParser.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTcpSocket>

#include <deque>
#include <functional>

namespace mmf {

// One keep-alive HTTP/1.1 connection of the benchmark: pre-formatted requests are written back to back
// (pipelined) and answered in order. Each request carries a count of the tasks it submits and the time it was
// written, handed back with its response. If the connection breaks, lost() reports the tasks of the requests
// still unanswered; they are not resent (a resend could submit a task twice).
class BenchConnection : public QObject
{
    Q_OBJECT
public:
    using ResponseHandler =
        std::function<void(const HttpResponseParser::Response& response, qint64 writtenNs, int tasks)>;

    BenchConnection(const QElapsedTimer& clock, ResponseHandler handler, QObject* parent = nullptr);
    ~BenchConnection() override;

    void connectTo(const QString& host, quint16 port);
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    int inFlight() const { return int(m_pending.size()); }

    // Queues the request for writing; flush() hands everything queued to the kernel now.
    void send(const QByteArray& request, int tasks);
    void flush() { m_socket.flush(); }

signals:
    void connected();
    void responsesHandled(); // after one read's worth of responses: room in the window again
    void lost(const QString& reason, int lostTasks);

private:
    void onReadyRead();
    void onBroken(const QString& reason);

    struct Pending
    {
        qint64 writtenNs;
        int tasks;
    };

    const QElapsedTimer& m_clock;
    ResponseHandler m_handler;
    QTcpSocket m_socket;
    HttpResponseParser m_parser;
    std::deque<Pending> m_pending;
    HttpResponseParser::Response m_response;
    bool m_broken = false;
};

} // namespace mmf
