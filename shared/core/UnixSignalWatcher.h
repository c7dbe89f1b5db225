#pragma once

#include <QObject>

#include <initializer_list>
#include <memory>

namespace mmf {

// Turns SIGTERM/SIGINT/... into a Qt signal on the event loop (self-pipe: the handler only writes one byte).
// One watcher per process: creating a second one is a programming error (asserted).
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(std::initializer_list<int> signalNumbers, QObject* parent = nullptr);
    ~UnixSignalWatcher() override;

signals:
    void unixSignal(int signalNumber);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace mmf
