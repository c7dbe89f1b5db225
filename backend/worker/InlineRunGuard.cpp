#include "worker/InlineRunGuard.h"

#include <sys/resource.h>
#include <time.h>

namespace mmf {

namespace {

qint64 threadCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

long voluntarySwitches()
{
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_nvcsw;
}

} // namespace

InlineRunGuard::InlineRunGuard(qint64 budgetUs, int watchRuns)
    : m_budgetUs(budgetUs)
    , m_watchRuns(watchRuns)
{}

InlineRunGuard::Probe InlineRunGuard::probe() const
{
    Probe probe;
    probe.watched = watching();
    if (probe.watched) {
        probe.voluntarySwitches = voluntarySwitches();
        probe.cpuNs = threadCpuNs();
    }
    probe.wall.start();
    return probe;
}

InlineRunGuard::Sample InlineRunGuard::measure(const Probe& before) const
{
    Sample sample;
    sample.wallUs = before.wall.nsecsElapsed() / 1000;
    sample.watched = before.watched;
    if (sample.watched) {
        sample.cpuUs = (threadCpuNs() - before.cpuNs) / 1000;
        sample.blocked = voluntarySwitches() > before.voluntarySwitches;
    }
    return sample;
}

void InlineRunGuard::judge(const Sample& sample)
{
    if (!m_allowed)
        return;
    const bool overstayed = sample.wallUs > m_budgetUs;
    if (!sample.watched) {
        if (overstayed)
            m_watchLeft = m_watchRuns;
        return;
    }
    --m_watchLeft;
    if (!overstayed)
        return;
    if (sample.blocked || sample.cpuUs > m_budgetUs) {
        m_allowed = false;
        m_watchLeft = 0;
        m_verdict = sample.blocked
                        ? QStringLiteral("an inline run took %1 µs and blocked (a sleep, I/O or a lock)")
                              .arg(sample.wallUs)
                        : QStringLiteral("an inline run computed for %1 µs").arg(sample.cpuUs);
        m_verdict += QStringLiteral(", over the budget of %1 µs").arg(m_budgetUs);
        return;
    }
    // Overstayed while watched but neither blocked nor computed long: preempted. Watch on from here.
    m_watchLeft = m_watchRuns;
}

} // namespace mmf
