#pragma once

namespace mmf {

// The event loop of MMF's headless processes (mmf-server, mmf-worker, mmf-bench): Qt's own poll-based
// dispatcher rather than GLib's. Under GLib every posted event and every socket notifier switched on or off
// writes to GLib's wake-up descriptor (a system call each, several per HTTP answer); Qt's dispatcher wakes
// once per loop turn and keeps notifiers in a table. Measured with bench/run-all.sh (docs/PERFORMANCE.md).
class ServiceEventLoop
{
public:
    // Call before the QCoreApplication is made: the choice is read when each thread's loop is created. An
    // operator's own QT_NO_GLIB, set even if empty, is left alone (empty brings GLib back).
    static void preferPollDispatcher();
};

} // namespace mmf
