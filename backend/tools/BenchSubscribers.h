#pragma once

#include "tools/BenchConfig.h"
#include "tools/BenchReport.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

class QWebSocket;

namespace mmf {

// mmf-bench --mode subscribers: opens config.subscribers WebSocket connections to one server, each subscribed
// to model/<name>, and reports the server's RSS before the first and after the last subscription (memory per
// subscriber). Handshakes are kept to a bounded number in flight, so the server's listen backlog is not the
// thing measured. Ends when every connection has subscribed or failed, or when nothing progresses for
// stallTimeoutS; then closes them all. finished(): 0 all subscribed, 1 some failed, 3 none could connect.
class BenchSubscribers : public QObject
{
    Q_OBJECT
public:
    explicit BenchSubscribers(BenchConfig config, QObject* parent = nullptr);
    ~BenchSubscribers() override;

    // Runs one subscribers measurement in a local event loop and prints its line. Returns the exit code.
    static int exec(const BenchConfig& config);

    void start();
    const SubscribersSummary& summary() const { return m_summary; }

signals:
    void finished(int exitCode);

private:
    enum class State : char
    {
        Opening,
        Subscribed,
        Failed
    };

    void openMore();
    void onMessage(int index, const QString& message);
    void onFailed(int index, const QString& reason);
    void progressed();
    void checkDone();
    void checkStall();
    void end(const QString& error, int exitCode);

    BenchConfig m_config;
    QString m_subscribeMessage;
    std::vector<std::unique_ptr<QWebSocket>> m_sockets;
    std::vector<State> m_states;
    int m_inFlight = 0; // handshakes and subscriptions not yet answered
    QElapsedTimer m_clock;
    qint64 m_lastProgressMs = 0;
    qint64 m_lastSubscribedMs = 0;
    double m_serverCpuBeforeS = 0;
    QTimer m_watchdog;
    bool m_ended = false;
    SubscribersSummary m_summary;
};

} // namespace mmf
