#include "server/RedisTuningCheck.h"

#include "redis/RedisClient.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace mmf {

const QList<RedisTuningCheck::Setting>& RedisTuningCheck::settings()
{
    using Want = Setting::Want;
    static const QList<Setting> settings{
        // A task hash holds the envelope (request and token, a few hundred bytes).
        {"hash-max-listpack-value", "4096", Want::AtLeast,
         QStringLiteral(
             "a task hash (with its envelope) becomes a hash table; 4096 keeps it a listpack, ~20 % "
             "less Redis CPU per task")},
        // A task's stream entry carries its envelope (~400 bytes): in 4 KB nodes each XDEL of a finished
        // entry
        // moved up to 4 KB twice (its flag and the node's count are rewritten in place, and the listpack
        // moves
        // its tail even when the size stays). 1 KB nodes hold two or three entries.
        {"stream-node-max-bytes", "1024", Want::AtMost,
         QStringLiteral(
             "each finished task's XDEL rewrites its stream node in place; 1024 keeps that small")},
        // Per-command latency histograms (INFO latencystats), which MMF never reads.
        {"latency-tracking", "no", Want::Flag,
         QStringLiteral(
             "every command a broker function runs updates a latency histogram MMF never reads; no "
             "saves it")},
    };
    return settings;
}

QByteArray RedisTuningCheck::confLines()
{
    QByteArray lines;
    for (const Setting& setting : settings())
        lines += setting.name + ' ' + setting.value + '\n';
    return lines;
}

const QList<QByteArray>& RedisTuningCheck::names()
{
    static const QList<QByteArray> names = [] {
        QList<QByteArray> out;
        for (const Setting& setting : settings())
            out << setting.name;
        return out;
    }();
    return names;
}

QStringList RedisTuningCheck::advice(const QHash<QByteArray, QByteArray>& reported)
{
    QStringList lines;
    for (const Setting& setting : settings()) {
        const auto it = reported.constFind(setting.name);
        if (it == reported.cend())
            continue;
        // A value of another kind than the table's is not from a Redis this table knows: no advice.
        bool differs = false;
        if (setting.want == Setting::Want::Flag) {
            if (*it != "yes" && *it != "no")
                continue;
            differs = *it != setting.value;
        } else {
            bool ok = false;
            const qint64 has = it->toLongLong(&ok);
            if (!ok)
                continue;
            const qint64 wanted = setting.value.toLongLong();
            differs = setting.want == Setting::Want::AtLeast ? has < wanted : (has == 0 || has > wanted);
        }
        if (differs)
            lines << QStringLiteral("%1 is %2: %3")
                         .arg(QString::fromLatin1(setting.name), QString::fromUtf8(*it), setting.cost);
    }
    return lines;
}

void RedisTuningCheck::run(RedisClient& redis, const QString& where)
{
    std::vector<QByteArray> command{"CONFIG", "GET"};
    for (const QByteArray& name : names())
        command.push_back(name);
    redis.command(std::move(command), [where](const RedisReply& reply) {
        if (reply.isUnavailable())
            return;
        if (!reply.isArray()) {
            qCInfo(lcServer).noquote()
                << "cannot read the settings of the Redis at" << where << "(" << reply.toString()
                << "); the ones MMF is measured with are in docs/CONFIGURATION.md";
            return;
        }
        QHash<QByteArray, QByteArray> settings;
        for (qsizetype i = 0; i + 1 < reply.size(); i += 2)
            settings.insert(reply.at(i).toByteArray(), reply.at(i + 1).toByteArray());
        for (const QString& line : advice(settings))
            qCWarning(lcServer).noquote()
                << "the Redis at" << where << "is not tuned for MMF:" << line << "(docs/CONFIGURATION.md)";
    });
}

} // namespace mmf
