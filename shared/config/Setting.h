#pragma once

#include "config/ServerConfig.h"

#include <QList>
#include <QString>

#include <functional>

namespace mmf {

// One row of the settings table: a setting's single name in its three places (command line, INI,
// environment), its documented default and a typed parser. ConfigLoader, helpText(), the docs table and the
// tests all read this table, so adding a row adds the setting everywhere.
struct Setting
{
    QString title;       // short human name, e.g. "listen address"
    QString section;     // INI section, e.g. "server"
    QString key;         // INI key, e.g. "listen"; empty for a section of NAME = value lines ([pool])
    QString option;      // command-line option without the dashes, e.g. "listen"
    QString valueName;   // e.g. "ADDR:PORT"
    QString defaultText; // the documented default in the syntax apply() accepts; empty = none
    QString defaultNote; // a remark shown beside the default in the docs, e.g. "served on the main port"
    QString meaning;     // what it does, one or two sentences
    bool machineDefault = false; // the default depends on the machine (defaultText is then only descriptive)

    // Parses `value` into `config`; relative paths resolve against `baseDir`. Returns an error message (empty
    // on success) that names neither the setting nor the value (a value may be a secret): the loader adds
    // where. For a section setting, `value` is "NAME=N[,NAME=N...]".
    std::function<QString(ServerConfig& config, const QString& value, const QString& baseDir)> apply;
    // The current value in the syntax apply() accepts. May contain a secret (the Redis URL): do not log it.
    std::function<QString(const ServerConfig& config)> valueText;

    bool isSection() const { return key.isEmpty(); }
    QString optionName() const; // "--listen"
    QString iniName() const;    // "[server] listen", "[pool] <name>"
    QString envName() const;    // "MMF_SERVER_LISTEN", "MMF_POOL_<NAME>"
    QString envPrefix() const;  // for a section setting: "MMF_POOL_"

    // The table, in documentation order. Built once; immutable.
    static const QList<Setting>& all();
};

} // namespace mmf
