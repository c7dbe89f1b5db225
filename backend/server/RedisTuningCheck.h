#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QStringList>

namespace mmf {

class RedisClient;

// The Redis settings MMF's figures are measured with, which the embedded Redis has (docs/PERFORMANCE.md). An
// external Redis is read once after the server's first connection, and the server logs a warning for each
// setting that differs, with what it costs; a Redis that refuses CONFIG (a managed one) gets one line saying
// where the advice is.
class RedisTuningCheck
{
public:
    // The settings it reads, by name.
    static const QList<QByteArray>& names();
    // One line of advice per setting that differs from MMF's; none for a setting the Redis did not report.
    static QStringList advice(const QHash<QByteArray, QByteArray>& settings);
    // CONFIG GET of names(), then the advice (or why it could not be read) in the server's log.
    static void run(RedisClient& redis, const QString& where);
};

} // namespace mmf
