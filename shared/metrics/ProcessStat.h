#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace mmf {

// The fields of one /proc/<pid>/stat line (proc(5)) that the process metrics need. The command name (field 2)
// is in parentheses and may itself hold spaces and parentheses: the fields are counted from the last ')'.
struct ProcessStat
{
    qint64 parentPid = 0;         // ppid, field 4
    quint64 userTicks = 0;        // utime, field 14, in clock ticks
    quint64 systemTicks = 0;      // stime, field 15
    quint64 childUserTicks = 0;   // cutime, field 16: of the children it has waited for
    quint64 childSystemTicks = 0; // cstime, field 17
    qint64 threads = 0;           // num_threads, field 20
    quint64 startTicks = 0;       // starttime, field 22: ticks after boot
    quint64 virtualBytes = 0;     // vsize, field 23
    qint64 residentPages = 0;     // rss, field 24

    // nullopt when the line is not a stat line (no ')', too few fields, a field that is not a number).
    static std::optional<ProcessStat> parse(QByteArrayView line);
    // The fields after the command's closing parenthesis, as views into `line`: [0] is field 3 (state), so
    // field N is at N - 3. Empty when there is no ')'. (The benchmark's ProcStats reads other fields through
    // it.)
    static QList<QByteArrayView> fieldsAfterCommand(QByteArrayView line);
    // A procfs file's text (they report size 0: read to the end); empty when it cannot be read.
    static QByteArray readFile(const QString& path);
};

} // namespace mmf
