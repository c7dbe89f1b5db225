#include "tools/RedisCommandStats.h"

#include <algorithm>

namespace mmf {

namespace {

// INFO's lines, trimmed (INFO ends them with \r\n).
QList<QByteArrayView> infoLines(QByteArrayView info)
{
    QList<QByteArrayView> lines;
    qsizetype pos = 0;
    while (pos < info.size()) {
        qsizetype end = info.indexOf('\n', pos);
        if (end < 0)
            end = info.size();
        lines.append(info.sliced(pos, end - pos).trimmed());
        pos = end + 1;
    }
    return lines;
}

} // namespace

Result<QList<CommandStat>> RedisCommandStats::parse(QByteArrayView info)
{
    QList<CommandStat> stats;
    for (const QByteArrayView line : infoLines(info)) {
        if (!line.startsWith("cmdstat_"))
            continue;
        const qsizetype colon = line.indexOf(':');
        CommandStat stat;
        bool haveCalls = false;
        bool haveUsec = false;
        if (colon > 8) {
            stat.name = line.sliced(8, colon - 8).toByteArray().toLower();
            for (const QByteArray& field : line.sliced(colon + 1).toByteArray().split(',')) {
                const qsizetype eq = field.indexOf('=');
                if (eq < 0)
                    continue;
                const QByteArray key = field.first(eq);
                if (key == "calls")
                    stat.calls = field.sliced(eq + 1).toLongLong(&haveCalls);
                else if (key == "usec")
                    stat.usec = field.sliced(eq + 1).toLongLong(&haveUsec);
            }
        }
        if (!haveCalls || !haveUsec)
            return Error::invalidArgument(
                QStringLiteral("not an INFO commandstats line: %1")
                    .arg(QString::fromUtf8(line.first(qMin<qsizetype>(line.size(), 80)))));
        stats.append(std::move(stat));
    }
    return stats;
}

std::optional<qint64> RedisCommandStats::integerField(QByteArrayView info, QByteArrayView name)
{
    for (const QByteArrayView line : infoLines(info)) {
        if (line.size() <= name.size() || !line.startsWith(name) || line.at(name.size()) != ':')
            continue;
        bool ok = false;
        const qint64 value = line.sliced(name.size() + 1).toLongLong(&ok);
        return ok ? std::optional<qint64>(value) : std::nullopt;
    }
    return std::nullopt;
}

QList<CommandStat> RedisCommandStats::byTime(QList<CommandStat> stats)
{
    std::sort(stats.begin(), stats.end(), [](const CommandStat& a, const CommandStat& b) {
        if (a.usec != b.usec)
            return a.usec > b.usec;
        if (a.calls != b.calls)
            return a.calls > b.calls;
        return a.name < b.name;
    });
    return stats;
}

} // namespace mmf
