#include "tools/BenchReport.h"

#include <QStringList>

namespace mmf {

namespace {

QString fixed(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

QString quoted(QString text)
{
    text.replace(QLatin1Char('"'), QLatin1Char('\''));
    return QLatin1Char('"') + text + QLatin1Char('"');
}

QString perTaskUs(double seconds, int tasks)
{
    return tasks > 0 ? fixed(seconds * 1e6 / tasks, 1) : QStringLiteral("0");
}

QString perTask(double total, int tasks, int decimals)
{
    return tasks > 0 ? fixed(total / tasks, decimals) : QStringLiteral("0");
}

} // namespace

QString BenchReport::summaryLine(const BenchSummary& s)
{
    QStringList parts;
    parts << QStringLiteral("mode=") + s.mode << QStringLiteral("tasks=%1").arg(s.tasks)
          << QStringLiteral("ok=%1").arg(s.succeeded) << QStringLiteral("failed=%1").arg(s.failed)
          << QStringLiteral("errors=%1").arg(s.errors) << QStringLiteral("conns=%1").arg(s.connections);
    if (s.window > 0)
        parts << QStringLiteral("window=%1").arg(s.window);
    if (s.batchSize > 0)
        parts << QStringLiteral("batch=%1").arg(s.batchSize);
    if (s.rate > 0)
        parts << QStringLiteral("rate=") + fixed(s.rate, 0) << QStringLiteral("slips=%1").arg(s.slips);
    if (s.idleWanted > 0)
        parts << QStringLiteral("idle_conns=%1/%2").arg(s.idleHeld).arg(s.idleWanted);
    parts << QStringLiteral("elapsed_s=") + fixed(s.elapsedS, 3)
          << QStringLiteral("tasks_per_s=") + fixed(s.tasksPerS, 1)
          << QStringLiteral("submit_per_s=") + fixed(s.submitPerS, 1)
          << QStringLiteral("p50_ms=") + fixed(s.p50Ms, 2) << QStringLiteral("p99_ms=") + fixed(s.p99Ms, 2);
    if (s.showP999)
        parts << QStringLiteral("p999_ms=") + fixed(s.p999Ms, 2);
    if (!s.processes.isEmpty()) {
        const int done = s.succeeded + s.failed;
        QStringList cpu;
        QStringList rss;
        double all = 0;
        for (const ProcUsage& p : s.processes) {
            const double used = p.cpuAfterS - p.cpuBeforeS;
            all += used;
            cpu << p.name + QLatin1Char(':') + perTaskUs(used, done);
            if (p.noRss)
                continue;
            rss << p.name + QLatin1Char(':') + fixed(p.rssAfterKb / 1024.0, 1) +
                       (p.gone ? QStringLiteral("(gone)") : QString());
        }
        cpu << QStringLiteral("all:") + perTaskUs(all, done);
        parts << QStringLiteral("cpu_us_per_task=") + cpu.join(QLatin1Char(','))
              << QStringLiteral("rss_mb=") + rss.join(QLatin1Char(','));
    }
    if (!s.firstError.isEmpty())
        parts << QStringLiteral("first_error=") + quoted(s.firstError);
    if (!s.error.isEmpty())
        parts << QStringLiteral("error=") + quoted(s.error);
    return parts.join(QLatin1Char(' '));
}

QString BenchReport::commandsLine(const BenchSummary& s, int maxCommands)
{
    if (!s.commands)
        return {};
    const int done = s.succeeded + s.failed;
    qint64 calls = 0;
    qint64 usec = 0;
    for (const CommandStat& stat : *s.commands) {
        calls += stat.calls;
        usec += stat.usec;
    }
    QStringList parts;
    parts << QStringLiteral("redis_commands mode=") + s.mode << QStringLiteral("tasks=%1").arg(done)
          << QStringLiteral("calls_per_task=") + perTask(double(calls), done, 2)
          << QStringLiteral("us_per_task=") + perTask(double(usec), done, 1);
    const QList<CommandStat> sorted = RedisCommandStats::byTime(*s.commands);
    for (qsizetype i = 0; i < sorted.size() && i < maxCommands; ++i) {
        const CommandStat& stat = sorted.at(i);
        parts << QString::fromUtf8(stat.name) + QLatin1Char('=') + perTask(double(stat.calls), done, 2) +
                     QLatin1Char('/') + perTask(double(stat.usec), done, 1);
    }
    if (s.aofRewrites)
        parts << QStringLiteral("aof_rewrites=%1").arg(*s.aofRewrites);
    // Redis serves nothing while it forks (it copies its page tables): a fork is a pause of every client.
    if (s.lastForkUs && *s.lastForkUs > 0)
        parts << QStringLiteral("fork_ms=") + fixed(double(*s.lastForkUs) / 1000.0, 1);
    return parts.join(QLatin1Char(' '));
}

QString BenchReport::subscribersLine(const SubscribersSummary& s)
{
    QStringList parts;
    const qint64 grownKb = s.serverRssAfterKb - s.serverRssBeforeKb;
    parts << QStringLiteral("mode=subscribers subscribers=%1 ok=%2 errors=%3")
                 .arg(s.wanted)
                 .arg(s.subscribed)
                 .arg(s.errors)
          << QStringLiteral("elapsed_s=") + fixed(s.elapsedS, 3)
          << QStringLiteral("server_rss_mb=%1->%2")
                 .arg(fixed(s.serverRssBeforeKb / 1024.0, 1), fixed(s.serverRssAfterKb / 1024.0, 1))
          << QStringLiteral("server_kb_per_subscriber=") +
                 (s.subscribed > 0 ? fixed(double(grownKb) / s.subscribed, 1) : QStringLiteral("0"))
          << QStringLiteral("server_cpu_us_per_subscriber=") + perTaskUs(s.serverCpuS, s.subscribed)
          << QStringLiteral("client_rss_mb=") + fixed(s.clientRssAfterKb / 1024.0, 1);
    if (!s.firstError.isEmpty())
        parts << QStringLiteral("first_error=") + quoted(s.firstError);
    if (!s.error.isEmpty())
        parts << QStringLiteral("error=") + quoted(s.error);
    return parts.join(QLatin1Char(' '));
}

} // namespace mmf
