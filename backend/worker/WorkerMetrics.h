#pragma once

#include "metrics/MetricsRegistry.h"
#include "metrics/ProcessMetrics.h"
#include "worker/WorkerRuntime.h"

#include <QByteArray>

namespace mmf {

class Clock;

// GET /metrics of a worker (on its ping listener, beside /ping): the process collector every Prometheus
// client exports (ProcessMetrics), the build, and this instance's tasks —
// mmf_worker_tasks_total{model,status} (finished here: succeeded, failed), mmf_worker_tasks_in_hand{model}
// against mmf_worker_concurrency{model}, mmf_worker_degraded{model} (1 while the model reports a problem,
// e.g. its process keeps exiting: what GET /ping says as "degraded"), and its writes to Redis:
// mmf_worker_redis_writes_pending{model} and mmf_worker_redis_writes_held{model} (1 while Redis is away or
// refuses them, e.g. full: outcomes wait in this process). The server's /metrics has the model's figures
// across instances; this is the one process.
class WorkerMetrics
{
public:
    WorkerMetrics(const Clock& clock, const QString& model, int concurrency);
    // The exposition after taking in the runtime's figures and whether the model reports a problem now.
    QByteArray scrape(const WorkerRuntime::Stats& stats, bool degraded);

private:
    MetricsRegistry m_registry;
    ProcessMetrics m_process;
    MetricsRegistry::Labels m_model;
};

} // namespace mmf
