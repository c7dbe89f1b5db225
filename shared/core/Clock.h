#pragma once

#include <QtGlobal>

namespace mmf {

// Wall-clock time, injectable so tests can move time (token expiry, ping timeouts).
class Clock
{
public:
    virtual ~Clock() = default;
    // Milliseconds since the Unix epoch.
    virtual qint64 nowMs() const = 0;
    qint64 nowSecs() const { return nowMs() / 1000; }
};

// The real clock.
class SystemClock final : public Clock
{
public:
    qint64 nowMs() const override;
};

} // namespace mmf
