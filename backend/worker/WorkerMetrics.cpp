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
    // Both outcomes from the start, so a rate over them is defined before the first failure.
    m_registry.add("mmf_worker_tasks_total", withStatus(m_model, "succeeded"), 0);
    m_registry.add("mmf_worker_tasks_total", withStatus(m_model, "failed"), 0);
}

QByteArray WorkerMetrics::scrape(qint64 succeeded, qint64 failed, int inHand, bool degraded)
{
    m_process.collect();
    m_registry.raiseTo("mmf_worker_tasks_total", withStatus(m_model, "succeeded"), double(succeeded));
    m_registry.raiseTo("mmf_worker_tasks_total", withStatus(m_model, "failed"), double(failed));
    m_registry.set("mmf_worker_tasks_in_hand", m_model, inHand);
    m_registry.set("mmf_worker_degraded", m_model, degraded ? 1 : 0);
    return m_registry.exposition();
}

} // namespace mmf
