#include "metrics/ProcessStat.h"

#include <QFile>

namespace mmf {

QList<QByteArrayView> ProcessStat::fieldsAfterCommand(QByteArrayView line)
{
    QList<QByteArrayView> fields;
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return fields;
    qsizetype pos = close + 1;
    while (pos < line.size()) {
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\n'))
            ++pos;
        const qsizetype start = pos;
        while (pos < line.size() && line[pos] != ' ' && line[pos] != '\n')
            ++pos;
        if (pos > start)
            fields.append(line.sliced(start, pos - start));
    }
    return fields;
}

QByteArray ProcessStat::readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

std::optional<ProcessStat> ProcessStat::parse(QByteArrayView line)
{
    const QList<QByteArrayView> fields = fieldsAfterCommand(line);
    if (fields.size() < 24 - 2)
        return std::nullopt;
    const auto field = [&fields](int number) { return fields.at(number - 3); };
    bool ok[9] = {};
    ProcessStat stat;
    stat.parentPid = field(4).toLongLong(&ok[0]);
    stat.userTicks = field(14).toULongLong(&ok[1]);
    stat.systemTicks = field(15).toULongLong(&ok[2]);
    stat.childUserTicks = field(16).toULongLong(&ok[3]);
    stat.childSystemTicks = field(17).toULongLong(&ok[4]);
    stat.threads = field(20).toLongLong(&ok[5]);
    stat.startTicks = field(22).toULongLong(&ok[6]);
    stat.virtualBytes = field(23).toULongLong(&ok[7]);
    stat.residentPages = field(24).toLongLong(&ok[8]);
    for (bool each : ok) {
        if (!each)
            return std::nullopt;
    }
    return stat;
}

} // namespace mmf
