#pragma once

#include <QHash>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <vector>

namespace mmf::studio {

// Named series of (time, value) samples, each a fixed-capacity ring: appending to a full series drops its
// oldest sample, so memory stays bounded however long the studio runs (600 samples = 10 minutes at one per
// second). Not thread-safe; lives on the GUI thread.
class TimeSeriesBuffer
{
public:
    explicit TimeSeriesBuffer(int capacity = 600);

    int capacity() const { return m_capacity; }
    // Appends one sample; a new name starts a new series. Samples are expected in time order (not checked).
    void append(const QString& series, qint64 timestampMs, double value);
    // Series names in the order they first appeared.
    QStringList seriesNames() const { return m_order; }
    bool contains(const QString& series) const { return m_series.contains(series); }
    // Number of samples held for the series (0 for an unknown one).
    int size(const QString& series) const;
    // Samples oldest first as (ms since epoch, value); empty for an unknown series.
    QList<QPointF> points(const QString& series) const;
    // The newest value, or `fallback` for an unknown or empty series.
    double last(const QString& series, double fallback = 0) const;
    // Largest value held across all series (0 when empty): the charts' y range.
    double maxValue() const;
    // Timestamp of the newest sample of any series (0 when empty).
    qint64 latestTimestamp() const { return m_latest; }
    void removeSeries(const QString& series);
    void clear();

private:
    struct Ring
    {
        std::vector<QPointF> samples; // capacity slots once full
        int head = 0;                 // index of the oldest sample once full
    };
    int m_capacity;
    QHash<QString, Ring> m_series;
    QStringList m_order;
    qint64 m_latest = 0;
};

} // namespace mmf::studio
