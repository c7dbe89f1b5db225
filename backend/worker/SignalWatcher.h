#pragma once

#include <QObject>

#include <initializer_list>
#include <vector>

class QSocketNotifier;

namespace mmf {

// Turns Unix signals (SIGTERM, SIGINT) into a Qt signal on the event loop: the handler only write()s the
// signal number into a socketpair (async-signal-safe); a QSocketNotifier reads it. One watcher per process;
// the default handlers are restored on destruction.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(std::initializer_list<int> signalNumbers, QObject* parent = nullptr);
    ~SignalWatcher() override;

    bool isValid() const { return m_notifier != nullptr; }

signals:
    void received(int signalNumber);

private:
    void readSignals();

    int m_fds[2] = {-1, -1};
    QSocketNotifier* m_notifier = nullptr;
    std::vector<int> m_signals;
};

} // namespace mmf
