#include "server/RedisTuningCheck.h"

#include "redis/RedisClient.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace mmf {

const QList<QByteArray>& RedisTuningCheck::names()
{
    static const QList<QByteArray> names{"hash-max-listpack-value", "stream-node-max-bytes",
                                         "latency-tracking"};
    return names;
}

QStringList RedisTuningCheck::advice(const QHash<QByteArray, QByteArray>& settings)
{
    QStringList lines;
    bool ok = false;
    const auto listpackValue = settings.constFind("hash-max-listpack-value");
    if (listpackValue != settings.cend() && listpackValue->toLongLong(&ok) < 4096 && ok) {
        lines << QStringLiteral(
                     "hash-max-listpack-value is %1: a task hash (with its envelope) becomes a hash "
                     "table; 4096 keeps it a listpack, ~20 % less Redis CPU per task")
                     .arg(QString::fromUtf8(*listpackValue));
    }
    const auto nodeBytes = settings.constFind("stream-node-max-bytes");
    if (nodeBytes != settings.cend()) {
        const qint64 bytes = nodeBytes->toLongLong(&ok);
        if (ok && (bytes == 0 || bytes > 1024)) {
            lines << QStringLiteral(
                         "stream-node-max-bytes is %1: each finished task's XDEL rewrites its stream "
                         "node in place; 1024 keeps that small")
                         .arg(QString::fromUtf8(*nodeBytes));
        }
    }
    const auto tracking = settings.constFind("latency-tracking");
    if (tracking != settings.cend() && *tracking == "yes") {
        lines << QStringLiteral("latency-tracking is yes: every command a broker function runs updates a "
                                "latency histogram MMF never reads; no saves it");
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
