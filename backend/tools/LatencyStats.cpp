#include "tools/LatencyStats.h"

#include <algorithm>
#include <cmath>

namespace mmf {

double LatencyStats::percentileMs(double p) const
{
    if (m_samples.empty())
        return 0;
    if (!m_sorted) {
        std::sort(m_samples.begin(), m_samples.end());
        m_sorted = true;
    }
    const double n = double(m_samples.size());
    // Nearest rank: ceil(p/100 · n), 1-based, clamped into [1, n]. The epsilon keeps 99.9/100·1000 from
    // rounding up to 1000 through binary floating point.
    const double rank = std::ceil(qBound(0.0, p, 100.0) / 100.0 * n - 1e-9);
    const size_t index = size_t(qBound(1.0, rank, n)) - 1;
    return double(m_samples[index]) / 1e6;
}

double LatencyStats::meanMs() const
{
    if (m_samples.empty())
        return 0;
    long double sum = 0;
    for (qint64 sample : m_samples)
        sum += sample;
    return double(sum / m_samples.size()) / 1e6;
}

} // namespace mmf
