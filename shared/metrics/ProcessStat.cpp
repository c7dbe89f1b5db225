#include "metrics/ProcessStat.h"

#include <QByteArray>
#include <QList>

namespace mmf {

std::optional<ProcessStat> ProcessStat::parse(QByteArrayView line)
{
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return std::nullopt;
    // Fields 3 (state) and on, separated by single spaces.
    const QList<QByteArray> fields = line.sliced(close + 1).toByteArray().trimmed().split(' ');
    const auto field = [&fields](int number) { return fields.value(number - 3); };
    if (fields.size() < 24 - 2)
        return std::nullopt;
    bool ok[6] = {};
    ProcessStat stat;
    stat.userTicks = field(14).toULongLong(&ok[0]);
    stat.systemTicks = field(15).toULongLong(&ok[1]);
    stat.threads = field(20).toLongLong(&ok[2]);
    stat.startTicks = field(22).toULongLong(&ok[3]);
    stat.virtualBytes = field(23).toULongLong(&ok[4]);
    stat.residentPages = field(24).toLongLong(&ok[5]);
    for (bool each : ok) {
        if (!each)
            return std::nullopt;
    }
    return stat;
}

} // namespace mmf
