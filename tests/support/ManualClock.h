#pragma once

#include "core/Clock.h"

#include <atomic>

namespace mmf {

// A clock a test sets by hand (safe to read from other threads): token expiry, metric windows, chart times.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 ms = 1'700'000'000'000)
        : m_ms(ms)
    {}
    qint64 nowMs() const override { return m_ms.load(); }
    void setMs(qint64 ms) { m_ms = ms; }
    void advanceMs(qint64 ms) { m_ms += ms; }
    void setSecs(qint64 secs) { m_ms = secs * 1000; }
    void advanceSecs(qint64 secs) { m_ms += secs * 1000; }

private:
    std::atomic<qint64> m_ms;
};

} // namespace mmf
