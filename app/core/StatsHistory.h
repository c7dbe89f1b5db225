#pragma once

#include <array>

#include "core/TimeSeriesBuffer.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>

namespace mmf {
class Clock;
}

namespace mmf::studio {

// The dashboard's data without widgets: one sample per `stats` push (the server sends one a second) of the
// number of live models and, per model, instances, queue depth, throughput, failures and end-to-end latency
// (p50, p99), each kept for the last `capacity` samples (an hour at the default) and, averaged per minute,
// for the last 24 hours; and the scaler's latest view (pool use, desired/current replicas per model) from GET
// /api/v1/scaler and from the pushes. A push without a "ts" is stamped with the clock; malformed parts are
// skipped.
class StatsHistory : public QObject
{
    Q_OBJECT
public:
    struct ScalerModel
    {
        QString name;
        QString mode; // "static" | "dynamic"; empty when the scaler does not manage the model
        int min = 0;
        int max = 0;
        int desired = 0;
        int current = 0;
        QMap<QString, double> resources;
    };
    struct ScalerView
    {
        bool available = false; // false: no scaler on the server (404) or not asked yet
        QMap<QString, double> poolTotal;
        QMap<QString, double> poolUsed;
        QList<ScalerModel> models; // sorted by name
    };

    enum Metric
    {
        LiveModels, // one series, liveSeries()
        Instances,
        QueueDepth,
        Throughput, // finished tasks per second
        Failures,   // failed or dead-lettered tasks per second
        LatencyP50, // ms, end to end
        LatencyP99,
        MetricCount
    };
    enum class Resolution
    {
        Seconds, // one sample per push
        Minutes, // the average of each minute, 24 hours
    };

    // The series name of the live-model count in liveModels().
    static QString liveSeries() { return QStringLiteral("live"); }

    explicit StatsHistory(const Clock& clock, int capacity = 3600, QObject* parent = nullptr);

    // A `stats` push: {ts, models: [{name, instances, queue_depth, desired, current, ...}], pool?: {total,
    // used}}. A model seen before but missing from the push gets 0 instances and 0 queued, so its line drops.
    void ingestStats(const QJsonObject& push);
    // GET /api/v1/scaler's body: {pool: {total, used}, models: [{name, mode, min, max, desired, current,
    // resources}]}. Models known from pushes but not listed stay, with an empty mode.
    void ingestScaler(const QJsonObject& reply);
    // The server has no scaler (GET /api/v1/scaler answered 404): keeps what pushes say, marks it
    // unavailable.
    void setScalerUnavailable();

    const TimeSeriesBuffer& liveModels() const { return m_seconds[LiveModels]; }
    const TimeSeriesBuffer& instances() const { return m_seconds[Instances]; }
    const TimeSeriesBuffer& queueDepth() const { return m_seconds[QueueDepth]; }
    const TimeSeriesBuffer& series(Metric metric, Resolution resolution) const
    {
        return resolution == Resolution::Seconds ? m_seconds[metric] : m_minutes[metric];
    }
    const ScalerView& scaler() const { return m_scaler; }
    // Models the scaler manages (a mode is set).
    int scaledModelCount() const;
    // Pushes taken so far.
    qint64 sampleCount() const { return m_samples; }
    void clear();

signals:
    void sampled();
    void scalerChanged();

private:
    struct MinuteAverage
    {
        qint64 minute = 0;
        double sum = 0;
        int count = 0;
    };
    ScalerModel& scalerModel(const QString& name);
    static QMap<QString, double> numbers(const QJsonObject& object);
    // Appends a per-push sample and rolls the minute averages up.
    void append(Metric metric, const QString& series, qint64 ts, double value);

    const Clock& m_clock;
    std::array<TimeSeriesBuffer, MetricCount> m_seconds;
    std::array<TimeSeriesBuffer, MetricCount> m_minutes;
    std::array<QHash<QString, MinuteAverage>, MetricCount> m_averages;
    ScalerView m_scaler;
    qint64 m_samples = 0;
};

} // namespace mmf::studio
