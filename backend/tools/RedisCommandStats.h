#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <optional>

namespace mmf {

// One line of Redis's INFO commandstats.
struct CommandStat
{
    QByteArray name; // lower case, e.g. "evalsha", "fcall", "client|setname"
    qint64 calls = 0;
    qint64 usec = 0; // time inside the command; a script's or function's includes the commands it runs
};

// What the benchmark reads from Redis's INFO: the cost of each command, and counters such as aof_rewrites.
class RedisCommandStats
{
public:
    // The cmdstat_* lines of INFO commandstats ("cmdstat_xadd:calls=4,usec=20,usec_per_call=5.00,…"), in
    // their order; other lines ("# Commandstats", blank) are skipped. A cmdstat line without numeric calls
    // and usec is an InvalidArgument error naming the line.
    static Result<QList<CommandStat>> parse(QByteArrayView info);
    // Sorted by usec, most first (ties by calls, then name).
    static QList<CommandStat> byTime(QList<CommandStat> stats);
    // The integer of INFO's "name:value" line (e.g. aof_rewrites from INFO persistence); nullopt when the
    // line is missing or its value is not an integer.
    static std::optional<qint64> integerField(QByteArrayView info, QByteArrayView name);
};

} // namespace mmf
