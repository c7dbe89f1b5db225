#pragma once

#include "gateway/TaskEventRecord.h"
#include "metrics/MetricsRegistry.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>

#include <array>
#include <map>
#include <utility>
#include <vector>

namespace mmf {

class Clock;
class ModelCatalog;
class RedisClient;

// Feeds the metrics from what flows through the server: task events (as the EventTailer delivers them: counts
// by status, queue/run/total durations, redeliveries, a moving mean of run time per model that the catalogue
// uses for estimated_wait_ms), HTTP requests, evictions; and, on poll(), gauges from the catalogue and Redis
// (instances, queue depth, oldest queued/running entry age, dead letters). Every server tails every model's
// events, so each server's figures cover the whole cluster (do not sum them across servers). A model's events
// are written by the model's own Redis user: only the statuses the broker writes are counted, so no model can
// add series to the servers' metrics.
class TaskMetrics : public QObject
{
    Q_OBJECT
public:
    TaskMetrics(MetricsRegistry& registry, ModelCatalog& catalog, RedisClient& redis, const Clock& clock,
                QObject* parent = nullptr);

    void onEvents(const std::vector<TaskEventRecord>& batch);
    void onHttpRequest(const QByteArray& route, int status);
    void onEvicted(const QByteArray& model);
    // Refreshes the gauges (once a second, and before each scrape; Redis figures arrive asynchronously).
    void poll();
    // The per-model figures of the WebSocket stats push.
    QJsonArray statsJson() const;

    MetricsRegistry& registry() { return m_registry; }

private:
    static constexpr size_t kStatusCount = 6;
    // The series one model's events update, each found at its first use and kept (MetricsRegistry::Handle).
    struct ModelSeries
    {
        std::array<MetricsRegistry::Handle, kStatusCount> tasks; // mmf_tasks_total, by status
        MetricsRegistry::Handle redeliveries;
        MetricsRegistry::Handle retries;
        std::array<MetricsRegistry::Handle, 3> durations; // mmf_task_duration_seconds: queue, run, total
    };
    struct ModelFigures
    {
        ModelSeries series;
        double meanRunMs = 0;
        bool hasMean = false;
        quint64 finished = 0;
        quint64 finishedAtLastPoll = 0;
        qint64 lastPollMs = 0;
        double tasksPerS = 0;
        quint64 failed = 0; // failed or dead-lettered
        quint64 failedAtLastPoll = 0;
        double failedPerS = 0;
        std::vector<double> recentTotalMs; // ring of recent end-to-end times, for p50/p99
        size_t ringNext = 0;
    };
    // The series in `slot`, found (and kept there) at its first use.
    MetricsRegistry::Handle kept(MetricsRegistry::Handle& slot, MetricsRegistry::Type type,
                                 const char* family, const MetricsRegistry::Labels& labels);

    MetricsRegistry& m_registry;
    ModelCatalog& m_catalog;
    RedisClient& m_redis;
    const Clock& m_clock;
    QHash<QByteArray, ModelFigures> m_models;
    std::map<std::pair<QByteArray, int>, MetricsRegistry::Handle> m_requests; // by route pattern and status
};

} // namespace mmf
