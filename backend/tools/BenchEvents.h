#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

#include <functional>

namespace mmf {

// The benchmark's view of completions: one WebSocket subscribed to model/<name>. Every `result` push, and
// every `status` push with a final status, is handed to the handler with its arrival time (a task may produce
// both; the runner counts the first). Pushes are scanned, not parsed into documents.
class BenchEvents : public QObject
{
    Q_OBJECT
public:
    using FinalHandler = std::function<void(const QByteArray& taskId, bool succeeded, qint64 arrivedNs)>;

    BenchEvents(const QElapsedTimer& clock, FinalHandler handler, QObject* parent = nullptr);
    ~BenchEvents() override;

    void open(const QUrl& websocketUrl, const QString& token, const QString& model);
    void close();
    qint64 messages() const { return m_messages; }

signals:
    void subscribed();
    // The socket failed or closed, or the server answered the subscription with an error.
    void lost(const QString& reason);

private:
    void onMessage(const QString& message);

    const QElapsedTimer& m_clock;
    FinalHandler m_handler;
    QWebSocket m_socket;
    QString m_topic;
    qint64 m_messages = 0;
    bool m_closing = false;
};

} // namespace mmf
