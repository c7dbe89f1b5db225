#include "gateway/TaskListUpkeep.h"

namespace mmf {

bool TaskListUpkeep::due(const QByteArray& key, qint64 nowMs)
{
    // A clock that went back starts a new interval too: at worst one upkeep more.
    if (nowMs >= m_forgetAtMs || nowMs < m_forgetAtMs - m_intervalMs) {
        m_kept.clear();
        m_forgetAtMs = nowMs + m_intervalMs;
    }
    if (m_kept.contains(key))
        return false;
    m_kept.insert(key);
    return true;
}

} // namespace mmf
