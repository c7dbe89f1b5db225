#pragma once

#include <QByteArray>

#include <random>

namespace mmf {

class Clock;

// Task ids: 26 characters of Crockford base32 — 48 bits of milliseconds then 80 random bits — so ids sort by
// creation time and cannot be guessed. Not thread-safe: one generator per thread.
class TaskIdGenerator
{
public:
    explicit TaskIdGenerator(const Clock& clock);
    QByteArray next();
    // True for a string shaped like an id (checked before it reaches a Redis key).
    static bool isValid(QByteArrayView id);

private:
    const Clock& m_clock;
    std::mt19937_64 m_random;
};

} // namespace mmf
