#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace mmf {

// One line of Redis's INFO commandstats.
struct CommandStat
{
    QByteArray name; // lower case, e.g. "evalsha", "fcall", "client|setname"
    qint64 calls = 0;
    qint64 usec = 0; // time inside the command; a script's or function's includes the commands it runs
};

class RedisCommandStats
{
public:
    // The cmdstat_* lines of INFO commandstats ("cmdstat_xadd:calls=4,usec=20,usec_per_call=5.00,…"), in
    // their order; other lines ("# Commandstats", blank) are skipped. A cmdstat line without numeric calls
    // and usec is an InvalidArgument error naming the line.
    static Result<QList<CommandStat>> parse(QByteArrayView info);
    // Sorted by usec, most first (ties by calls, then name).
    static QList<CommandStat> byTime(QList<CommandStat> stats);
};

} // namespace mmf
