#include "core/Clock.h"

#include <QDateTime>

namespace mmf {

qint64 SystemClock::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace mmf
