#include "core/StatsHistory.h"

#include "core/Clock.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSet>

#include <algorithm>

namespace mmf::studio {

namespace {
constexpr int kMinutesKept = 24 * 60;
}

StatsHistory::StatsHistory(const Clock& clock, int capacity, QObject* parent)
    : QObject(parent)
    , m_clock(clock)
{
    for (int metric = 0; metric < MetricCount; ++metric) {
        m_seconds[metric] = TimeSeriesBuffer(capacity);
        m_minutes[metric] = TimeSeriesBuffer(kMinutesKept);
    }
}

void StatsHistory::append(Metric metric, const QString& series, qint64 ts, double value)
{
    m_seconds[metric].append(series, ts, value);
    MinuteAverage& average = m_averages[metric][series];
    const qint64 minute = ts / 60000;
    if (average.count > 0 && average.minute != minute) {
        // Stamped at the middle of its minute.
        m_minutes[metric].append(series, average.minute * 60000 + 30000, average.sum / average.count);
        average = {};
    }
    average.minute = minute;
    average.sum += value;
    ++average.count;
}

void StatsHistory::ingestStats(const QJsonObject& push)
{
    qint64 ts = 0;
    const QString tsText = push.value(QStringLiteral("ts")).toString();
    if (!tsText.isEmpty()) {
        const QDateTime parsed = QDateTime::fromString(tsText, Qt::ISODateWithMs);
        if (parsed.isValid())
            ts = parsed.toMSecsSinceEpoch();
    }
    if (ts == 0)
        ts = m_clock.nowMs();

    int live = 0;
    QSet<QString> seen;
    bool scalerTouched = false;
    const QJsonArray models = push.value(QStringLiteral("models")).toArray();
    for (const QJsonValue& value : models) {
        const QJsonObject model = value.toObject();
        const QString name = model.value(QStringLiteral("name")).toString();
        if (name.isEmpty() || seen.contains(name))
            continue;
        seen.insert(name);
        const int instances = model.value(QStringLiteral("instances")).toInt();
        const QString status = model.value(QStringLiteral("status")).toString();
        if (status.isEmpty() ? instances > 0 : status == QLatin1String("live"))
            ++live;
        append(Instances, name, ts, instances);
        append(QueueDepth, name, ts, model.value(QStringLiteral("queue_depth")).toDouble());
        append(Throughput, name, ts, model.value(QStringLiteral("tasks_per_s")).toDouble());
        append(Failures, name, ts, model.value(QStringLiteral("failed_per_s")).toDouble());
        append(LatencyP50, name, ts, model.value(QStringLiteral("p50_ms")).toDouble());
        append(LatencyP99, name, ts, model.value(QStringLiteral("p99_ms")).toDouble());
        if (model.contains(QStringLiteral("desired")) || model.contains(QStringLiteral("current"))) {
            ScalerModel& scaled = scalerModel(name);
            scaled.desired = model.value(QStringLiteral("desired")).toInt(scaled.desired);
            scaled.current = model.value(QStringLiteral("current")).toInt(scaled.current);
            scalerTouched = true;
        }
    }
    // Models that went away drop to zero rather than freezing at their last value.
    for (const QString& name : m_seconds[Instances].seriesNames()) {
        if (!seen.contains(name)) {
            for (Metric metric : {Instances, QueueDepth, Throughput, Failures})
                append(metric, name, ts, 0);
        }
    }
    append(LiveModels, liveSeries(), ts, live);

    const QJsonObject pool = push.value(QStringLiteral("pool")).toObject();
    if (!pool.isEmpty()) {
        m_scaler.poolTotal = numbers(pool.value(QStringLiteral("total")).toObject());
        m_scaler.poolUsed = numbers(pool.value(QStringLiteral("used")).toObject());
        scalerTouched = true;
    }
    ++m_samples;
    emit sampled();
    if (scalerTouched)
        emit scalerChanged();
}

void StatsHistory::ingestScaler(const QJsonObject& reply)
{
    const QJsonObject pool = reply.value(QStringLiteral("pool")).toObject();
    m_scaler.poolTotal = numbers(pool.value(QStringLiteral("total")).toObject());
    m_scaler.poolUsed = numbers(pool.value(QStringLiteral("used")).toObject());
    QList<ScalerModel> models;
    for (const QJsonValue& value : reply.value(QStringLiteral("models")).toArray()) {
        const QJsonObject object = value.toObject();
        ScalerModel model;
        model.name = object.value(QStringLiteral("name")).toString();
        if (model.name.isEmpty())
            continue;
        model.mode = object.value(QStringLiteral("mode")).toString();
        model.min = object.value(QStringLiteral("min")).toInt();
        model.max = object.value(QStringLiteral("max")).toInt();
        model.desired = object.value(QStringLiteral("desired")).toInt();
        model.current = object.value(QStringLiteral("current")).toInt();
        model.resources = numbers(object.value(QStringLiteral("resources")).toObject());
        models.append(model);
    }
    // Models the pushes told about but the scaler does not manage stay, marked as not under the scaler.
    for (const ScalerModel& known : std::as_const(m_scaler.models)) {
        const bool listed = std::any_of(models.cbegin(), models.cend(),
                                        [&](const ScalerModel& m) { return m.name == known.name; });
        if (!listed) {
            ScalerModel kept;
            kept.name = known.name;
            kept.desired = known.desired;
            kept.current = known.current;
            models.append(kept);
        }
    }
    std::sort(models.begin(), models.end(),
              [](const ScalerModel& a, const ScalerModel& b) { return a.name < b.name; });
    m_scaler.models = models;
    m_scaler.available = true;
    emit scalerChanged();
}

int StatsHistory::scaledModelCount() const
{
    return int(std::count_if(m_scaler.models.cbegin(), m_scaler.models.cend(),
                             [](const ScalerModel& m) { return !m.mode.isEmpty(); }));
}

void StatsHistory::setScalerUnavailable()
{
    if (!m_scaler.available)
        return;
    m_scaler.available = false;
    emit scalerChanged();
}

void StatsHistory::clear()
{
    for (int metric = 0; metric < MetricCount; ++metric) {
        m_seconds[metric].clear();
        m_minutes[metric].clear();
        m_averages[metric].clear();
    }
    m_scaler = {};
    m_samples = 0;
    emit sampled();
    emit scalerChanged();
}

StatsHistory::ScalerModel& StatsHistory::scalerModel(const QString& name)
{
    auto it = std::lower_bound(m_scaler.models.begin(), m_scaler.models.end(), name,
                               [](const ScalerModel& m, const QString& n) { return m.name < n; });
    if (it == m_scaler.models.end() || it->name != name) {
        ScalerModel model;
        model.name = name;
        it = m_scaler.models.insert(it, model);
    }
    return *it;
}

QMap<QString, double> StatsHistory::numbers(const QJsonObject& object)
{
    QMap<QString, double> out;
    for (auto it = object.begin(); it != object.end(); ++it)
        if (it->isDouble())
            out.insert(it.key(), it->toDouble());
    return out;
}

} // namespace mmf::studio
