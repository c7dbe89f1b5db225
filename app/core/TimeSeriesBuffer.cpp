#include "core/TimeSeriesBuffer.h"

#include <algorithm>

namespace mmf::studio {

TimeSeriesBuffer::TimeSeriesBuffer(int capacity)
    : m_capacity(std::max(1, capacity))
{}

void TimeSeriesBuffer::append(const QString& series, qint64 timestampMs, double value)
{
    auto it = m_series.find(series);
    if (it == m_series.end()) {
        it = m_series.insert(series, Ring{});
        it->samples.reserve(size_t(m_capacity));
        m_order.append(series);
    }
    Ring& ring = *it;
    const QPointF sample(double(timestampMs), value);
    if (int(ring.samples.size()) < m_capacity) {
        ring.samples.push_back(sample);
    } else {
        ring.samples[size_t(ring.head)] = sample;
        ring.head = (ring.head + 1) % m_capacity;
    }
    m_latest = std::max(m_latest, timestampMs);
}

int TimeSeriesBuffer::size(const QString& series) const
{
    const auto it = m_series.constFind(series);
    return it == m_series.cend() ? 0 : int(it->samples.size());
}

QList<QPointF> TimeSeriesBuffer::points(const QString& series) const
{
    const auto it = m_series.constFind(series);
    if (it == m_series.cend())
        return {};
    const Ring& ring = *it;
    QList<QPointF> out;
    out.reserve(qsizetype(ring.samples.size()));
    const size_t n = ring.samples.size();
    for (size_t i = 0; i < n; ++i)
        out.append(ring.samples[(size_t(ring.head) + i) % n]);
    return out;
}

double TimeSeriesBuffer::last(const QString& series, double fallback) const
{
    const auto it = m_series.constFind(series);
    if (it == m_series.cend() || it->samples.empty())
        return fallback;
    const Ring& ring = *it;
    const size_t n = ring.samples.size();
    return ring.samples[(size_t(ring.head) + n - 1) % n].y();
}

double TimeSeriesBuffer::maxValue() const
{
    double best = 0;
    for (const Ring& ring : m_series)
        for (const QPointF& p : ring.samples)
            best = std::max(best, p.y());
    return best;
}

void TimeSeriesBuffer::removeSeries(const QString& series)
{
    m_series.remove(series);
    m_order.removeAll(series);
}

void TimeSeriesBuffer::clear()
{
    m_series.clear();
    m_order.clear();
    m_latest = 0;
}

} // namespace mmf::studio
