#pragma once

#include <QByteArray>
#include <QList>

namespace mmf {

// The value of one sample in a Prometheus text exposition (`series` with its labels as rendered, e.g.
// `mmf_tasks_total{model="m",status="succeeded"}`), or -1 when absent.
inline double sampleValue(const QByteArray& exposition, const QByteArray& series)
{
    for (const QByteArray& line : exposition.split('\n')) {
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    }
    return -1;
}

} // namespace mmf
