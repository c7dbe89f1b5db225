#include "config/ConfigLoader.h"

#include "config/IniFile.h"
#include "config/Setting.h"

#include <QDir>
#include <QFileInfo>

namespace mmf {

namespace {

const QString kConfigOption = QStringLiteral("config");
const QString kConfigEnv = QStringLiteral("MMF_CONFIG");

const Setting* findByOption(const QString& option)
{
    for (const Setting& s : Setting::all()) {
        if (s.option == option)
            return &s;
    }
    return nullptr;
}

const Setting* findByIni(const QString& section, const QString& key)
{
    for (const Setting& s : Setting::all()) {
        if (s.section == section && (s.isSection() || s.key == key))
            return &s;
    }
    return nullptr;
}

QString fieldOf(const Setting& s)
{
    return s.isSection() ? s.section : s.section + QLatin1Char('.') + s.key;
}

Error settingError(const Setting& s, const QString& where, const QString& why)
{
    return Error::invalidArgument(where + QStringLiteral(": ") + why, fieldOf(s));
}

QString defaultCell(const Setting& s)
{
    if (s.defaultText.isEmpty())
        return s.defaultNote.isEmpty() ? QStringLiteral("empty") : s.defaultNote;
    QString text = QLatin1Char('`') + s.defaultText + QLatin1Char('`');
    if (!s.defaultNote.isEmpty())
        text += QStringLiteral(" (") + s.defaultNote + QLatin1Char(')');
    return text;
}

QString mdCell(QString text)
{
    return text.replace(QLatin1Char('|'), QStringLiteral("\\|"));
}

} // namespace

ConfigLoader::ConfigLoader(QList<CommandLineOption> extraOptions)
    : m_extraOptions(std::move(extraOptions))
{
    for ([[maybe_unused]] const CommandLineOption& o : m_extraOptions)
        Q_ASSERT_X(!findByOption(o.name) && o.name != kConfigOption && o.name != QLatin1String("help"),
                   "ConfigLoader", "an extra option shadows a setting");
}

Result<LoadedConfig> ConfigLoader::load(const QStringList& arguments,
                                        const QProcessEnvironment& environment) const
{
    LoadedConfig loaded;
    for (const QString& a : arguments) {
        if (a == QLatin1String("--"))
            break;
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            loaded.helpRequested = true;
            return loaded;
        }
    }

    // 1. Split the command line; settings are applied last (highest precedence) but must be known first.
    struct CliValue
    {
        const Setting* setting;
        QString value;
    };
    QList<CliValue> cliValues;
    QString configPath;
    bool endOfOptions = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& arg = arguments[i];
        if (endOfOptions || arg == QLatin1String("-") || !arg.startsWith(QLatin1Char('-'))) {
            loaded.positional << arg;
            continue;
        }
        if (arg == QLatin1String("--")) {
            endOfOptions = true;
            continue;
        }
        if (!arg.startsWith(QLatin1String("--")))
            return Error::invalidArgument(QStringLiteral("unknown option %1 (see --help)").arg(arg));
        QString name = arg.mid(2);
        QString value;
        bool inlineValue = false;
        if (const qsizetype eq = name.indexOf(QLatin1Char('=')); eq >= 0) {
            value = name.mid(eq + 1);
            name.truncate(eq);
            inlineValue = true;
        }
        const Setting* setting = findByOption(name);
        const CommandLineOption* extra = nullptr;
        for (const CommandLineOption& o : m_extraOptions) {
            if (o.name == name)
                extra = &o;
        }
        if (!setting && !extra && name != kConfigOption)
            return Error::invalidArgument(QStringLiteral("unknown option --%1 (see --help)").arg(name));
        const bool takesValue = !extra || !extra->valueName.isEmpty();
        if (!takesValue) {
            if (inlineValue)
                return Error::invalidArgument(QStringLiteral("--%1: takes no value").arg(name));
            loaded.options.insert(name, QString());
            continue;
        }
        if (!inlineValue) {
            if (i + 1 >= arguments.size() || arguments[i + 1].startsWith(QLatin1String("--")))
                return Error::invalidArgument(QStringLiteral("--%1: missing value").arg(name),
                                              setting ? fieldOf(*setting) : QString());
            value = arguments[++i];
        }
        if (setting)
            cliValues.append({setting, value});
        else if (extra)
            loaded.options.insert(name, value);
        else
            configPath = value;
    }

    ServerConfig& config = loaded.config;
    const QString cwd = QDir::currentPath();

    // 2. The INI file (lowest precedence after the defaults).
    QString configSource = QStringLiteral("--config");
    if (configPath.isEmpty()) {
        configPath = environment.value(kConfigEnv);
        configSource = kConfigEnv;
    }
    if (!configPath.isEmpty()) {
        loaded.configFile = QDir::cleanPath(QDir(cwd).absoluteFilePath(configPath));
        auto ini = IniFile::read(loaded.configFile);
        if (!ini) {
            Error e = ini.error();
            e.message = configSource + QStringLiteral(": ") + e.message;
            return e;
        }
        const QString iniDir = QFileInfo(loaded.configFile).absolutePath();
        for (const IniFile::Entry& entry : ini->entries()) {
            const QString where =
                QStringLiteral("[%1] %2 in %3").arg(entry.section, entry.key, loaded.configFile);
            const Setting* s = findByIni(entry.section, entry.key);
            if (!s)
                return Error::invalidArgument(where +
                                              QStringLiteral(": unknown setting (line %1)").arg(entry.line));
            const QString value = s->isSection() ? entry.key + QLatin1Char('=') + entry.value : entry.value;
            if (const QString why = s->apply(config, value, iniDir); !why.isEmpty())
                return settingError(*s, where, why);
        }
    }

    // 3. The environment.
    const QStringList envKeys = environment.keys();
    for (const Setting& s : Setting::all()) {
        if (s.isSection()) {
            QStringList names;
            for (const QString& k : envKeys) {
                if (k.startsWith(s.envPrefix()) && k.size() > s.envPrefix().size())
                    names << k;
            }
            names.sort();
            for (const QString& k : names) {
                const QString value = environment.value(k);
                if (value.isEmpty())
                    continue;
                const QString resource = k.mid(s.envPrefix().size()).toLower();
                if (const QString why = s.apply(config, resource + QLatin1Char('=') + value, cwd);
                    !why.isEmpty())
                    return settingError(s, k, why);
            }
            continue;
        }
        const QString value = environment.value(s.envName());
        if (value.isEmpty())
            continue;
        if (const QString why = s.apply(config, value, cwd); !why.isEmpty())
            return settingError(s, s.envName(), why);
    }

    // 4. The command line.
    for (const CliValue& v : cliValues) {
        if (const QString why = v.setting->apply(config, v.value, cwd); !why.isEmpty())
            return settingError(*v.setting, v.setting->optionName(), why);
    }

    // Checks across settings, once every source has spoken.
    if (config.backoffMaxMs < config.backoffInitialMs)
        return Error::invalidArgument(
            QStringLiteral("[tasks] backoff_max_ms: must not be below [tasks] backoff_initial_ms"),
            QStringLiteral("tasks.backoff_max_ms"));
    return loaded;
}

QString ConfigLoader::helpText(const QString& program) const
{
    QString out;
    out += QStringLiteral("Usage: %1 [OPTIONS] [COMMAND [ARGS...]]\n\n").arg(program);
    out += QStringLiteral(
        "Each setting comes from the command line, else the environment, else the INI file, else "
        "its default.\n\n");
    const auto option = [&out](const QString& head, const QString& text, const QString& names) {
        out += QStringLiteral("  ") + head + QLatin1Char('\n');
        out += QStringLiteral("      ") + text + QLatin1Char('\n');
        if (!names.isEmpty())
            out += QStringLiteral("      ") + names + QLatin1Char('\n');
    };
    option(QStringLiteral("--config FILE"), QStringLiteral("INI file with any of the settings below."),
           QStringLiteral("environment %1").arg(kConfigEnv));
    for (const Setting& s : Setting::all()) {
        QString def = s.defaultText.isEmpty()
                          ? (s.defaultNote.isEmpty() ? QStringLiteral("empty") : s.defaultNote)
                          : s.defaultText;
        if (!s.defaultText.isEmpty() && !s.defaultNote.isEmpty())
            def += QStringLiteral(" (") + s.defaultNote + QLatin1Char(')');
        QString meaning = s.meaning;
        meaning.remove(QLatin1Char('`'));
        option(s.optionName() + QLatin1Char(' ') + s.valueName, s.title + QStringLiteral(": ") + meaning,
               QStringLiteral("%1, %2; default: %3").arg(s.iniName(), s.envName(), def));
    }
    if (!m_extraOptions.isEmpty()) {
        out += QStringLiteral("\nCommand options:\n");
        for (const CommandLineOption& o : m_extraOptions) {
            const QString head = QStringLiteral("--") + o.name +
                                 (o.valueName.isEmpty() ? QString() : QLatin1Char(' ') + o.valueName);
            option(head, o.help, {});
        }
    }
    out += QLatin1Char('\n');
    option(QStringLiteral("-h, --help"), QStringLiteral("Show this help."), {});
    return out;
}

QString ConfigLoader::markdownTable()
{
    QString out;
    out += QStringLiteral("| setting | command line | INI | environment | default | meaning |\n");
    out += QStringLiteral("|---|---|---|---|---|---|\n");
    out +=
        QStringLiteral("| config file | `--config FILE` | | `%1` | none | INI file with any of the settings "
                       "below. |\n")
            .arg(kConfigEnv);
    for (const Setting& s : Setting::all()) {
        out += QStringLiteral("| %1 | `%2 %3` | `%4` | `%5` | %6 | %7 |\n")
                   .arg(mdCell(s.title), s.optionName(), mdCell(s.valueName), s.iniName(), s.envName(),
                        mdCell(defaultCell(s)), mdCell(s.meaning));
    }
    return out;
}

} // namespace mmf
