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
    parts << QStringLiteral("elapsed_s=") + fixed(s.elapsedS, 3)
          << QStringLiteral("tasks_per_s=") + fixed(s.tasksPerS, 1)
          << QStringLiteral("submit_per_s=") + fixed(s.submitPerS, 1)
          << QStringLiteral("p50_ms=") + fixed(s.p50Ms, 2) << QStringLiteral("p99_ms=") + fixed(s.p99Ms, 2);
    if (s.showP999)
        parts << QStringLiteral("p999_ms=") + fixed(s.p999Ms, 2);
    if (s.before && s.after) {
        const double cpu = s.after->cpuSeconds - s.before->cpuSeconds;
        const int done = s.succeeded + s.failed;
        parts << QStringLiteral("server_cpu_s=%1->%2")
                     .arg(fixed(s.before->cpuSeconds, 2), fixed(s.after->cpuSeconds, 2))
              << QStringLiteral("server_cpu_us_per_task=") +
                     (done > 0 ? fixed(cpu * 1e6 / done, 1) : QStringLiteral("0"))
              << QStringLiteral("server_rss_mb=%1->%2")
                     .arg(fixed(s.before->rssKb / 1024.0, 1), fixed(s.after->rssKb / 1024.0, 1))
              << QStringLiteral("server_peak_rss_mb=") + fixed(s.after->peakRssKb / 1024.0, 1);
        if (s.after->children > 0)
            parts << QStringLiteral("children_cpu_s=%1->%2")
                         .arg(fixed(s.before->childrenCpuSeconds, 2), fixed(s.after->childrenCpuSeconds, 2))
                  << QStringLiteral("children_rss_mb=") + fixed(s.after->childrenRssKb / 1024.0, 1);
    }
    if (!s.firstError.isEmpty())
        parts << QStringLiteral("first_error=") + quoted(s.firstError);
    if (!s.error.isEmpty())
        parts << QStringLiteral("error=") + quoted(s.error);
    return parts.join(QLatin1Char(' '));
}

} // namespace mmf
