#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace mmf {

// What the processes below one process use, read from /proc: how many there are, their CPU — the live ones'
// own, and through each process's cutime + cstime the children it has reaped (which hold what those reaped
// in turn) — and their resident memory. One pass over /proc per reading (a few hundred small reads); a
// process that ends between two reads is missed, never counted twice.
class DescendantProcesses
{
public:
    struct Usage
    {
        int count = 0;
        double cpuSeconds = 0;
        double residentBytes = 0;
    };

    // Every live process's direct children, by parent.
    static QHash<qint64, QList<qint64>> childrenByParent(const QString& procRoot = QStringLiteral("/proc"));
    // nullopt when `pid` is not running.
    static std::optional<Usage> of(qint64 pid, const QString& procRoot = QStringLiteral("/proc"));
};

} // namespace mmf
