#pragma once

#include <QByteArray>

#include <memory>

class QAbstractEventDispatcher;

namespace mmf {

// The event loops of MMF's headless processes (mmf-server, mmf-worker, mmf-bench). Their mains call prepare()
// before the QCoreApplication is made:
// - the main thread gets an EpollEventDispatcher: a loop turn costs what is ready, not every registered
// socket
//   (MMF_EVENT_DISPATCHER=qt keeps Qt's own, as a way out);
// - other threads get Qt's poll-based dispatcher rather than GLib's: under GLib every posted event and every
//   socket notifier switched on or off writes GLib's wake-up descriptor, a system call each.
// Measured with bench/run-all.sh (docs/PERFORMANCE.md, issue 15 step 4).
class ServiceEventLoop
{
public:
    static void prepare();

    // QT_NO_GLIB=1 unless the operator set QT_NO_GLIB, even empty (empty brings GLib back). Qt reads it when
    // it creates each thread's dispatcher.
    static void preferPollDispatcher();
    // The main thread's dispatcher for a MMF_EVENT_DISPATCHER value: "" or "epoll" an EpollEventDispatcher,
    // "qt" none (Qt chooses); null too when epoll is unavailable. Other values: none, with a warning.
    static std::unique_ptr<QAbstractEventDispatcher> mainDispatcher(const QByteArray& choice);
};

} // namespace mmf
