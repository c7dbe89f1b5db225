#include "gateway/UnknownSigningKeys.h"

#include "core/Clock.h"

namespace mmf {

UnknownSigningKeys::UnknownSigningKeys(const Clock& clock, std::function<void()> startRead)
    : m_clock(clock)
    , m_startRead(std::move(startRead))
{
    m_later.setSingleShot(true);
    QObject::connect(&m_later, &QTimer::timeout, [this] { m_startRead(); });
}

bool UnknownSigningKeys::mayBeNew(QByteArrayView keyId)
{
    const qint64 now = m_clock.nowMs();
    const QByteArray id = keyId.toByteArray();
    auto it = m_ids.find(id);
    if (it != m_ids.end() && now - it->atMs >= kForgetMs) {
        m_ids.erase(it);
        it = m_ids.end();
    }
    if (it != m_ids.end()) {
        if (m_lastAnswered > it->sequence)
            return false; // a read sent after it was first seen did not have it
        askForRead(it->sequence);
        return true;
    }
    if (m_ids.size() >= kMaxIds) {
        for (auto old = m_ids.begin(); old != m_ids.end();)
            old = now - old->atMs >= kForgetMs ? m_ids.erase(old) : std::next(old);
        if (m_ids.size() >= kMaxIds)
            return true; // a flood of made-up ids: "try again" without a read, until some are forgotten
    }
    const quint64 seen = ++m_sequence;
    m_ids.insert(id, {seen, now});
    askForRead(seen);
    return true;
}

void UnknownSigningKeys::askForRead(quint64 after)
{
    if (m_lastStarted > after || m_later.isActive())
        return; // one that will do is out, or set for later
    const qint64 wait = m_lastStartedAtMs < 0 ? 0 : kMinGapMs - (m_clock.nowMs() - m_lastStartedAtMs);
    if (wait <= 0)
        m_startRead();
    else
        m_later.start(int(wait));
}

void UnknownSigningKeys::readStarted()
{
    m_later.stop(); // any read sent now is after every sighting so far
    m_lastStarted = ++m_sequence;
    m_lastStartedAtMs = m_clock.nowMs();
    m_reading.push_back(m_lastStarted);
}

void UnknownSigningKeys::readFinished(bool answered)
{
    if (m_reading.empty())
        return;
    if (answered)
        m_lastAnswered = m_reading.front();
    m_reading.pop_front();
}

} // namespace mmf
