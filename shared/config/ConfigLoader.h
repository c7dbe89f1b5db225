#pragma once

#include "config/ServerConfig.h"
#include "core/Result.h"

#include <QList>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace mmf {

// A command-line option the loader does not know as a setting but lets through for the caller (a subcommand's
// options, e.g. `--login L` of `admin create`).
struct CommandLineOption
{
    QString name;      // without the dashes: "login"
    QString valueName; // "L"; empty for a flag without a value
    QString help;
};

// What load() found.
struct LoadedConfig
{
    ServerConfig config;
    QStringList positional;         // subcommand words and other non-option arguments, in order
    QMap<QString, QString> options; // extra options that were given (flags map to an empty string)
    QString configFile;             // the INI file read; empty if none
    bool helpRequested = false;     // -h or --help: nothing else was parsed or checked
};

// Builds a ServerConfig from the settings table (config/Setting.h): command line > environment > INI file
// (`--config FILE`, else MMF_CONFIG) > default. Pure apart from reading the INI file: the environment is
// passed in.
class ConfigLoader
{
public:
    explicit ConfigLoader(QList<CommandLineOption> extraOptions = {});

    // `arguments` excludes the program name (QCoreApplication::arguments().mid(1)); `--name VALUE` and
    // `--name=VALUE` both work, `--` ends the options. An empty environment variable counts as unset.
    // invalid_argument (or not_found for a missing --config file) naming the setting and the source, e.g.
    // "--listen: expected ADDR:PORT ..." or "[tasks] queue_limit in /etc/mmf.ini: not a whole number";
    // unknown options and unknown INI settings are errors, unknown MMF_* variables are ignored.
    Result<LoadedConfig> load(const QStringList& arguments, const QProcessEnvironment& environment) const;

    // Usage text generated from the table (and the extra options).
    QString helpText(const QString& program = QStringLiteral("mmf-server")) const;
    // The Markdown table of every setting (docs/CONFIGURATION.md carries it verbatim).
    static QString markdownTable();

private:
    QList<CommandLineOption> m_extraOptions;
};

} // namespace mmf
