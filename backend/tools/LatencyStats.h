#pragma once

#include <QtGlobal>

#include <vector>

namespace mmf {

// Latency samples (nanoseconds) and their nearest-rank percentiles: the smallest sample with at least p% of
// the samples at or below it, so p99 of 100 samples is the 99th smallest and p100 the maximum. Empty → 0.
class LatencyStats
{
public:
    void reserve(qsizetype n) { m_samples.reserve(size_t(n)); }
    void add(qint64 ns)
    {
        m_samples.push_back(ns);
        m_sorted = false;
    }
    qsizetype count() const { return qsizetype(m_samples.size()); }

    // p in [0, 100]; p = 0 gives the minimum.
    double percentileMs(double p) const;
    double meanMs() const;
    double maxMs() const { return percentileMs(100); }

private:
    mutable std::vector<qint64> m_samples;
    mutable bool m_sorted = true;
};

} // namespace mmf
