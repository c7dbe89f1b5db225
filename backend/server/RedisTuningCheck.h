#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QStringList>

namespace mmf {

class RedisClient;

// The Redis settings MMF's figures are measured with (docs/PERFORMANCE.md), in one table: the embedded Redis
// is configured from it, and an external Redis is read once after the server's first connection, with a
// warning in the log for each setting that differs and what it costs; a Redis that refuses CONFIG (a managed
// one) gets one line saying where the advice is.
class RedisTuningCheck
{
public:
    struct Setting
    {
        enum class Want
        {
            AtLeast, // a number, this or more
            AtMost,  // a number, this or less (0 is Redis's "no limit")
            Flag,    // yes or no
        };
        QByteArray name;
        QByteArray value; // MMF's
        Want want;
        QString cost; // what a Redis without it pays
    };
    static const QList<Setting>& settings();
    // The lines of a redis.conf with MMF's values.
    static QByteArray confLines();
    // One line of advice per setting that differs from MMF's; none for a setting the Redis did not report.
    static QStringList advice(const QHash<QByteArray, QByteArray>& settings);
    // The names of settings(), for tests and CONFIG GET.
    static const QList<QByteArray>& names();
    // CONFIG GET of names(), then the advice (or why it could not be read) in the server's log.
    static void run(RedisClient& redis, const QString& where);
};

} // namespace mmf
