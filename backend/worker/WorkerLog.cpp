#include "worker/WorkerLog.h"

namespace mmf {

Q_LOGGING_CATEGORY(lcWorker, "mmf.worker")

} // namespace mmf
