#pragma once

#include "core/Result.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace mmf {

// A parsed mmfctl command line. Option values are already checked against their type and range.
struct CtlInvocation
{
    QString command;        // "submit", "watch", "get", "list", "cancel", "logs", "token issue", "models",
                            // "help"; empty when only global options were given
    QStringList positional; // the arguments after the command word(s)
    QHash<QString, QString> options;   // long option name without "--" → value ("" for a flag)
    QHash<QString, QStringList> lists; // repeatable options (--set) → their values in order
    bool help = false;                 // -h/--help anywhere: print the help of `command` (or the global help)

    bool has(const QString& name) const { return options.contains(name); }
    QString value(const QString& name, const QString& fallback = {}) const
    {
        return options.value(name, fallback);
    }
    int intValue(const QString& name, int fallback) const
    {
        return options.contains(name) ? options.value(name).toInt() : fallback;
    }
};

// mmfctl's command-line grammar: `mmfctl [global options] COMMAND [args] [options]`, options anywhere after
// the program name, `--name value` or `--name=value`, `--` ends the options, `-` is an argument (stdin).
class CtlCommandLine
{
public:
    // Parses the arguments without the program name. Every syntax problem (unknown command or option, missing
    // or bad value, wrong number of arguments) is an InvalidArgument error whose `field` names the option.
    static Result<CtlInvocation> parse(const QStringList& args);

    static QString globalHelp();
    // The help of one command ("submit", "token issue"); empty for an unknown command.
    static QString commandHelp(const QString& command);
    static QStringList commands();
};

} // namespace mmf
