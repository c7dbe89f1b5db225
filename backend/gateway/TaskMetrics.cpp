#include "gateway/TaskMetrics.h"

#include "broker/BrokerKeys.h"
#include "core/Clock.h"
#include "gateway/ModelCatalog.h"
#include "redis/RedisClient.h"

#include <QJsonObject>

#include <algorithm>
#include <optional>
#include <utility>

namespace mmf {

namespace {

// A number field of an INFO answer ("name:value" lines), or nullopt.
std::optional<qint64> infoField(QByteArrayView info, QByteArrayView name)
{
    for (const QByteArray& raw : info.toByteArray().split('\n')) {
        const QByteArray line = raw.trimmed();
        if (line.size() > name.size() && line.startsWith(name) && line[name.size()] == ':') {
            bool ok = false;
            const qint64 value = line.mid(name.size() + 1).toLongLong(&ok);
            return ok ? std::optional<qint64>(value) : std::nullopt;
        }
    }
    return std::nullopt;
}
constexpr size_t kRecentRing = 512;
constexpr double kMeanAlpha = 0.2; // weight of the newest run time in the moving mean

const std::vector<double> kDurationBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                           1,     2.5,    5,     10,   30,    60,   120, 300,  600};

// The statuses the broker writes, as TaskMetrics::ModelSeries::tasks indexes them.
constexpr std::array<const char*, 6> kStatuses{"queued", "running",       "succeeded",
                                               "failed", "dead_lettered", "cancelled"};
constexpr int kRunning = 1;

int statusIndex(const QByteArray& status)
{
    for (size_t i = 0; i < kStatuses.size(); ++i) {
        if (status == kStatuses[i])
            return int(i);
    }
    return -1;
}

MetricsRegistry::Labels modelLabel(const QByteArray& model)
{
    return {{QByteArrayLiteral("model"), model}};
}

double percentile(std::vector<double> values, double q)
{
    if (values.empty())
        return 0;
    const size_t index = std::min(values.size() - 1, size_t(q * double(values.size() - 1) + 0.5));
    std::nth_element(values.begin(), values.begin() + qsizetype(index), values.end());
    return values[index];
}

} // namespace

TaskMetrics::TaskMetrics(MetricsRegistry& registry, ModelCatalog& catalog, RedisClient& redis,
                         const Clock& clock, QObject* parent)
    : QObject(parent)
    , m_registry(registry)
    , m_catalog(catalog)
    , m_redis(redis)
    , m_clock(clock)
{
    using T = MetricsRegistry::Type;
    m_registry.declare("mmf_models_live", T::Gauge, "Models with at least one live instance.");
    m_registry.declare("mmf_model_instances", T::Gauge, "Registered live instances per model.");
    m_registry.declare("mmf_queue_depth", T::Gauge,
                       "Tasks queued or running per model (consumer group lag + pending).");
    m_registry.declare("mmf_queue_oldest_age_seconds", T::Gauge,
                       "Age of the oldest queued or running stream entry per model (0 when empty).");
    m_registry.declare("mmf_tasks_total", T::Counter,
                       "Task state changes seen in the events streams, by the status entered (running: "
                       "attempts started, counted as each ends).");
    m_registry.declare(
        "mmf_task_duration_seconds", T::Histogram,
        "Task durations per model: stage queue (created to started), run (started to finished), "
        "total (created to finished).",
        kDurationBuckets);
    m_registry.declare("mmf_redeliveries_total", T::Counter,
                       "Task attempts started after the first one, per model.");
    m_registry.declare("mmf_instances_evicted_total", T::Counter,
                       "Instances evicted by this server for missing their pings, per model.");
    m_registry.declare("mmf_scaler_desired_replicas", T::Gauge, "Replicas the scaler wants per model.");
    m_registry.declare("mmf_scaler_current_replicas", T::Gauge, "Replicas running per model.");
    m_registry.declare("mmf_http_requests_total", T::Counter,
                       "HTTP requests answered, by route pattern and status code.");
    m_registry.declare("mmf_dead_letters", T::Gauge, "Entries in each model's dead-letter stream.");
    m_registry.declare("mmf_retries_total", T::Counter,
                       "Failed attempts scheduled for a retry after the model's backoff, per model.");
    m_registry.declare("mmf_estimated_wait_seconds", T::Gauge,
                       "Estimated wait of a new task per model: queue depth x mean run time / instances.");
    m_registry.declare("mmf_redis_used_memory_bytes", T::Gauge,
                       "Memory the Redis every server shares holds (INFO memory used_memory).");
    m_registry.declare(
        "mmf_redis_maxmemory_bytes", T::Gauge,
        "The Redis memory limit (0: none; the embedded Redis has none, the retention bounds it).");
}

// Everything comes from retry and final events, which are always written; running events are written only
// while someone subscribes to them, so they count for nothing here. A started attempt is counted when it
// ends: in a retry (status queued with a due time) or in a final result other than a cancel.
void TaskMetrics::onEvents(const std::vector<TaskEventRecord>& batch)
{
    static_assert(kStatuses.size() == kStatusCount);
    using T = MetricsRegistry::Type;
    for (const TaskEventRecord& event : batch) {
        if (event.kind != TaskEventRecord::Kind::Status && event.kind != TaskEventRecord::Kind::Result)
            continue;
        if (event.kind == TaskEventRecord::Kind::Status && event.status == "running")
            continue;
        const int status = statusIndex(event.status);
        if (status < 0)
            continue; // not written by the broker: a model's own
        ModelFigures& figures = m_models[event.model];
        ModelSeries& series = figures.series;
        const auto tasks = [&](int index) {
            return kept(series.tasks[size_t(index)], T::Counter, "mmf_tasks_total",
                        {{"model", event.model}, {"status", kStatuses[size_t(index)]}});
        };
        m_registry.add(tasks(status));
        const bool attemptEnded = event.kind == TaskEventRecord::Kind::Status
                                      ? event.status == "queued" && event.nextAttemptAtMs > 0
                                      : event.status != "cancelled" && event.attempts > 0;
        if (attemptEnded) {
            m_registry.add(tasks(kRunning));
            if (event.attempts > 1)
                m_registry.add(
                    kept(series.redeliveries, T::Counter, "mmf_redeliveries_total", modelLabel(event.model)));
        }
        if (event.kind == TaskEventRecord::Kind::Status) {
            // A release and a replay queue without a due time.
            if (event.status == "queued" && event.nextAttemptAtMs > 0)
                m_registry.add(
                    kept(series.retries, T::Counter, "mmf_retries_total", modelLabel(event.model)));
            continue;
        }
        // A final result, with the task's timings.
        ++figures.finished;
        if (event.status == "failed" || event.status == "dead_lettered")
            ++figures.failed;
        // Observes one stage (0 queue, 1 run, 2 total); its length in ms.
        const auto stage = [&](size_t index, qint64 fromMs, qint64 toMs) {
            static const char* const kStages[] = {"queue", "run", "total"};
            const double ms = double(qMax<qint64>(0, toMs - fromMs));
            m_registry.observe(kept(series.durations[index], T::Histogram, "mmf_task_duration_seconds",
                                    {{"model", event.model}, {"stage", kStages[index]}}),
                               ms / 1000.0);
            return ms;
        };
        if (event.createdMs > 0 && event.firstStartedMs > 0)
            stage(0, event.createdMs, event.firstStartedMs);
        if (event.startedMs > 0) {
            const double runMs = stage(1, event.startedMs, event.tsMs);
            if (event.status == "succeeded" || event.status == "failed") {
                figures.meanRunMs =
                    figures.hasMean ? (1 - kMeanAlpha) * figures.meanRunMs + kMeanAlpha * runMs : runMs;
                figures.hasMean = true;
                m_catalog.setMeanServiceMs(event.model, figures.meanRunMs);
            }
        }
        if (event.createdMs > 0) {
            const double totalMs = stage(2, event.createdMs, event.tsMs);
            if (figures.recentTotalMs.size() < kRecentRing) {
                figures.recentTotalMs.push_back(totalMs);
            } else {
                figures.recentTotalMs[figures.ringNext] = totalMs;
                figures.ringNext = (figures.ringNext + 1) % kRecentRing;
            }
        }
    }
}

void TaskMetrics::onHttpRequest(const QByteArray& route, int status)
{
    MetricsRegistry::Handle& slot = m_requests[{route, status}];
    m_registry.add(kept(slot, MetricsRegistry::Type::Counter, "mmf_http_requests_total",
                        {{"route", route.isEmpty() ? QByteArrayLiteral("unmatched") : route},
                         {"code", QByteArray::number(status)}}));
}

MetricsRegistry::Handle TaskMetrics::kept(MetricsRegistry::Handle& slot, MetricsRegistry::Type type,
                                          const char* family, const MetricsRegistry::Labels& labels)
{
    if (slot.isNull())
        slot = type == MetricsRegistry::Type::Histogram ? m_registry.histogram(family, labels)
                                                        : m_registry.counter(family, labels);
    return slot;
}

void TaskMetrics::onEvicted(const QByteArray& model)
{
    m_registry.add("mmf_instances_evicted_total", modelLabel(model));
}

void TaskMetrics::poll()
{
    const qint64 now = m_clock.nowMs();
    const QList<ModelInfoPtr> models = m_catalog.all();
    int live = 0;
    for (const char* gauge : {"mmf_model_instances", "mmf_queue_depth", "mmf_scaler_desired_replicas",
                              "mmf_scaler_current_replicas", "mmf_estimated_wait_seconds"})
        m_registry.clear(gauge);
    for (const ModelInfoPtr& info : models) {
        const QByteArray& name = info->name;
        const ModelStats stats = m_catalog.stats(name);
        const MetricsRegistry::Labels model = modelLabel(name);
        if (stats.instances > 0)
            ++live;
        m_registry.set("mmf_model_instances", model, stats.instances);
        m_registry.set("mmf_queue_depth", model, double(stats.queueDepth));
        m_registry.set("mmf_scaler_desired_replicas", model, stats.instances);
        m_registry.set("mmf_scaler_current_replicas", model, stats.instances);
        m_registry.set("mmf_estimated_wait_seconds", model, double(m_catalog.estimatedWaitMs(name)) / 1000.0);

        ModelFigures& figures = m_models[name];
        if (figures.lastPollMs > 0 && now > figures.lastPollMs) {
            figures.tasksPerS = double(figures.finished - figures.finishedAtLastPoll) * 1000.0 /
                                double(now - figures.lastPollMs);
            figures.failedPerS =
                double(figures.failed - figures.failedAtLastPoll) * 1000.0 / double(now - figures.lastPollMs);
        }
        figures.finishedAtLastPoll = figures.finished;
        figures.failedAtLastPoll = figures.failed;
        figures.lastPollMs = now;

        // The stream holds only queued and running entries (acknowledged ones are deleted): its first entry
        // is the oldest one waiting or in hand.
        m_redis.command({"XRANGE", BrokerKeys::tasks(name), "-", "+", "COUNT", "1"},
                        [this, name](const RedisReply& r) {
                            if (r.isError())
                                return;
                            double age = 0;
                            if (r.isArray() && r.size() > 0) {
                                const QByteArray id = r.at(0).at(0).toByteArray();
                                const qint64 ms = id.left(id.indexOf('-')).toLongLong();
                                age = double(qMax<qint64>(0, m_clock.nowMs() - ms)) / 1000.0;
                            }
                            m_registry.set("mmf_queue_oldest_age_seconds", modelLabel(name), age);
                        });
        m_redis.command({"XLEN", BrokerKeys::dead(name)}, [this, name](const RedisReply& r) {
            if (!r.isError())
                m_registry.set("mmf_dead_letters", modelLabel(name), double(r.integer()));
        });
    }
    m_registry.set("mmf_models_live", {}, live);
    // A Redis user without INFO (an external Redis set up so) answers an error: no gauge then.
    m_redis.command({"INFO", "memory"}, [this](const RedisReply& r) {
        if (r.isError())
            return;
        const QByteArray text = r.toByteArray();
        for (const auto& [field, gauge] : {std::pair{"used_memory", "mmf_redis_used_memory_bytes"},
                                           std::pair{"maxmemory", "mmf_redis_maxmemory_bytes"}}) {
            if (const std::optional<qint64> value = infoField(text, field))
                m_registry.set(gauge, {}, double(*value));
        }
    });
}

QJsonArray TaskMetrics::statsJson() const
{
    QJsonArray out;
    for (const ModelInfoPtr& info : m_catalog.all()) {
        const ModelStats stats = m_catalog.stats(info->name);
        const ModelFigures figures = m_models.value(info->name);
        out.append(
            QJsonObject{{QStringLiteral("name"), QString::fromUtf8(info->name)},
                        {QStringLiteral("instances"), stats.instances},
                        {QStringLiteral("queue_depth"), double(stats.queueDepth)},
                        {QStringLiteral("running"), double(stats.pending)},
                        {QStringLiteral("estimated_wait_ms"), double(m_catalog.estimatedWaitMs(info->name))},
                        {QStringLiteral("tasks_per_s"), figures.tasksPerS},
                        {QStringLiteral("failed_per_s"), figures.failedPerS},
                        {QStringLiteral("p50_ms"), percentile(figures.recentTotalMs, 0.5)},
                        {QStringLiteral("p99_ms"), percentile(figures.recentTotalMs, 0.99)},
                        {QStringLiteral("desired"), stats.instances},
                        {QStringLiteral("current"), stats.instances}});
    }
    return out;
}

} // namespace mmf
