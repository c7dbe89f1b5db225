#pragma once

#include <QObject>
#include <QSet>
#include <QString>

#include <memory>
#include <vector>

class QTcpSocket;

namespace mmf {

// mmf-bench --idle-connections N: N keep-alive connections to the server that send one `GET /healthz` and
// then nothing, held open through the run, so that a run measures the server with many quiet clients attached
// (a server's cost per loop turn may grow with the connections it holds, as Qt's poll() dispatcher's did).
// The server closes idle connections after its idle timeout ([http] idle_timeout, 60 s by default): runs
// longer than that lose them, and closedByServer() counts them.
class IdleConnections : public QObject
{
    Q_OBJECT
public:
    explicit IdleConnections(QObject* parent = nullptr);
    ~IdleConnections() override;

    // Opens `count` connections; emits settled() once each has connected or failed.
    void open(const QString& host, quint16 port, int count);
    int connected() const { return held() + m_closedByServer; }
    // Connected and still open.
    int held() const { return int(m_up.size()); }
    int failed() const { return m_failed; }
    // Connections the server closed after they had connected.
    int closedByServer() const { return m_closedByServer; }
    QString firstError() const { return m_firstError; }

signals:
    void settled();

private:
    void onSettled();

    std::vector<std::unique_ptr<QTcpSocket>> m_sockets;
    QSet<QTcpSocket*> m_up; // connected and not closed since
    int m_wanted = 0;
    int m_failed = 0;
    int m_closedByServer = 0;
    QString m_firstError;
};

} // namespace mmf
