#pragma once

#include "worker/InHandTask.h"

#include <map>
#include <vector>

namespace mmf {

// The tasks an instance holds, by serial: oldest first. The runtime adds and removes them; the parts that
// work on all of them (StartRecorder, ClaimKeeper) read the table.
class InHandTasks
{
public:
    using Map = std::map<quint64, InHandTaskPtr>;

    // A new task with the next serial, held from now on.
    InHandTaskPtr add();
    void remove(quint64 serial) { m_tasks.erase(serial); }
    // Null when the task is no longer held.
    InHandTaskPtr find(quint64 serial) const;
    std::vector<InHandTaskPtr> inState(InHandTask::State state) const;

    bool empty() const { return m_tasks.empty(); }
    size_t size() const { return m_tasks.size(); }
    Map::const_iterator begin() const { return m_tasks.begin(); }
    Map::const_iterator end() const { return m_tasks.end(); }

private:
    Map m_tasks;
    quint64 m_nextSerial = 0;
};

} // namespace mmf
