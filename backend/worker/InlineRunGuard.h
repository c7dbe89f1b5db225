#pragma once

#include <QElapsedTimer>
#include <QString>
#include <QtGlobal>

#include <utility>

namespace mmf {

// Keeps inline runs (ModelBase::runsInline: model code on the worker's event loop) honest. A run that takes
// longer than the budget (wall time) is not judged by itself: the machine may have preempted the loop, which
// is no fault of the model. The guard then watches the next `watchRuns` inline runs closely (the thread's CPU
// time and its voluntary context switches, two system calls per run): one of them that overstays because it
// blocked (a sleep, I/O, a lock) or computed longer than the budget ends inline runs for good; as many clean
// runs end the watch. Unwatched runs cost one monotonic clock read (vDSO) each side.
class InlineRunGuard
{
public:
    // What one run took. cpuUs and blocked are measured only while watching.
    struct Sample
    {
        qint64 wallUs = 0;
        bool watched = false;
        qint64 cpuUs = 0;
        bool blocked = false; // the thread gave up the CPU of its own during the run
    };

    explicit InlineRunGuard(qint64 budgetUs, int watchRuns = 100);

    // Whether the model's runs may still be inline.
    bool allowed() const { return m_allowed; }
    bool watching() const { return m_watchLeft > 0; }
    // Why inline runs ended (empty while allowed).
    const QString& verdict() const { return m_verdict; }

    // Runs `job` on this thread, measures it and judges the run. Returns what was measured.
    template<class Job> Sample run(Job&& job)
    {
        const Probe before = probe();
        std::forward<Job>(job)();
        const Sample sample = measure(before);
        judge(sample);
        return sample;
    }

    // The rule, on a measured run (what run() applies; public for tests).
    void judge(const Sample& sample);

private:
    struct Probe
    {
        QElapsedTimer wall;
        bool watched = false;
        qint64 cpuNs = 0;
        long voluntarySwitches = 0;
    };
    Probe probe() const;
    Sample measure(const Probe& before) const;

    const qint64 m_budgetUs;
    const int m_watchRuns;
    int m_watchLeft = 0;
    bool m_allowed = true;
    QString m_verdict;
};

} // namespace mmf
