#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <array>
#include <cstddef>

namespace mmf {

class Clock;

// Task ids: 26 characters of Crockford base32 — 48 bits of milliseconds then 80 random bits from the system's
// CSPRNG — so ids sort by creation time and cannot be guessed, then "." and the model's name, so an id names
// the keys of its task without a lookup (ids of 26 characters alone, made before, are still valid: their
// model is found through mmf:taskidx:<id>). The random bytes are drawn from the CSPRNG 4 KiB at a time: one
// getrandom() per id was 4 % of the gateway's CPU. One generator per thread (it is not thread-safe).
class TaskIdGenerator
{
public:
    explicit TaskIdGenerator(const Clock& clock);
    QByteArray next(QByteArrayView model);
    // True for a string shaped like an id (checked before it reaches a Redis key).
    static bool isValid(QByteArrayView id);
    // The model an id names; empty for an id of the old form.
    static QByteArray modelOf(QByteArrayView id);

private:
    const Clock& m_clock;
    std::array<unsigned char, 4096> m_random;
    std::size_t m_randomUsed = sizeof m_random; // all used: draw on the first id
};

} // namespace mmf
