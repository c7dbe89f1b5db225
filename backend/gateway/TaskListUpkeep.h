#pragma once

#include <QByteArray>
#include <QSet>

namespace mmf {

// Which of the users' task lists (mmf:user:{u}:tasks and the sub-task lists, sorted by creation) are due
// their upkeep: the trim of entries past retention and the refresh of the key's expiry. Every submit adds to
// its list; the upkeep runs at most once per interval per list and server. At 500 single submits a second
// that takes two of a submit's seven Redis commands off the task's path. An entry may then stay up to an
// interval past its retention (as before, for a user who stops submitting: readers skip tasks that are gone);
// the expiry is set an interval past retention, so that no entry goes before its own retention ends.
class TaskListUpkeep
{
public:
    explicit TaskListUpkeep(qint64 intervalMs = 60'000)
        : m_intervalMs(intervalMs)
    {}

    // True the first time `key` is asked about in an interval: then the caller trims it and sets its expiry.
    bool due(const QByteArray& key, qint64 nowMs);
    // Every list is due again (Redis came back, perhaps without the last expiries it was sent).
    void forget() { m_kept.clear(); }
    // The expiry to set with the upkeep: retention plus one interval.
    qint64 expirySecs(qint64 retentionSecs) const { return retentionSecs + (m_intervalMs + 999) / 1000; }

private:
    qint64 m_intervalMs;
    qint64 m_forgetAtMs = 0; // when the lists seen so far are due again
    QSet<QByteArray> m_kept; // lists kept since the interval began: memory for one interval's lists only
};

} // namespace mmf
