#include "worker/WorkerLog.h"

namespace mmf {

// Per-task lines ("running task …", "task … succeeded in 2 ms") are debug: written for every task they were
// 14 % of a busy worker's CPU (docs/PERFORMANCE.md). QT_LOGGING_RULES="mmf.worker.debug=true" shows them.
Q_LOGGING_CATEGORY(lcWorker, "mmf.worker", QtInfoMsg)

} // namespace mmf
