#include "worker/WorkerMetrics.h"

#include <unistd.h>

namespace mmf {

namespace {

MetricsRegistry::Labels withStatus(const MetricsRegistry::Labels& model, const QByteArray& status)
{
    MetricsRegistry::Labels labels = model;
    labels.append({"status", status});
    return labels;
}

} // namespace

WorkerMetrics::WorkerMetrics(const Clock& clock, const QString& model, int concurrency)
    : m_process(m_registry, clock, 1000, QStringLiteral("/proc/self"), qint64(::getpid())) // --exec processes
    , m_model{{"model", model.toUtf8()}}
{
    using T = MetricsRegistry::Type;
    m_registry.declare("mmf_build_info", T::Gauge, "Always 1; the version of this worker in its label.");
    m_registry.set("mmf_build_info", {{"version", MMF_VERSION}}, 1);
    m_registry.declare(
        "mmf_worker_tasks_total", T::Counter,
        "Tasks this instance finished, by outcome (failed: failed finishes and failed attempts).");
    m_registry.declare("mmf_worker_tasks_in_hand", T::Gauge,
                       "Tasks this instance holds now (read, not finished).");
    m_registry.declare("mmf_worker_concurrency", T::Gauge,
                       "Tasks this instance holds at most (--concurrency).");
    m_registry.set("mmf_worker_concurrency", m_model, concurrency);
    m_registry.declare("mmf_worker_degraded", T::Gauge,
                       "1 while the model reports a problem (e.g. its process keeps exiting), else 0.");
    m_registry.set("mmf_worker_degraded", m_model, 0);
    m_registry.declare(
        "mmf_worker_redis_writes_pending", T::Gauge,
        "Broker writes of this instance (starts, log lines, outcomes) Redis has not taken yet.");
    m_registry.declare("mmf_worker_redis_writes_held", T::Gauge,
                       "1 while this instance holds its broker writes because Redis is away or refuses them "
                       "(out of memory or disk, loading): they are sent again with a backoff.");
    // Both outcomes from the start, so a rate over them is defined before the first failure.
    m_registry.add("mmf_worker_tasks_total", withStatus(m_model, "succeeded"), 0);
    m_registry.add("mmf_worker_tasks_total", withStatus(m_model, "failed"), 0);
}

QByteArray WorkerMetrics::scrape(const WorkerRuntime::Stats& stats, bool degraded)
{
    m_process.collect();
    m_registry.raiseTo("mmf_worker_tasks_total", withStatus(m_model, "succeeded"), double(stats.succeeded));
    m_registry.raiseTo("mmf_worker_tasks_total", withStatus(m_model, "failed"), double(stats.failed));
    m_registry.set("mmf_worker_tasks_in_hand", m_model, stats.inHand);
    m_registry.set("mmf_worker_degraded", m_model, degraded ? 1 : 0);
    m_registry.set("mmf_worker_redis_writes_pending", m_model, stats.writesPending);
    m_registry.set("mmf_worker_redis_writes_held", m_model, stats.writesBlocked ? 1 : 0);
    return m_registry.exposition();
}

} // namespace mmf
