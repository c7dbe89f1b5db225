#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>

namespace mmf {

// A strict reader of the server's INI file: `[section]` lines, `key = value` lines, blank lines and
// whole-line comments starting with ';' or '#'. A value may be wrapped in double quotes (kept literally
// inside; no escapes, no inline comments). Errors name the file and line: a key outside a section, a line
// that is neither, a key set twice in one section, a file over 1 MiB.
class IniFile
{
public:
    struct Entry
    {
        QString section;
        QString key;
        QString value;
        int line = 0;
    };

    // invalid_argument for syntax errors, not_found / internal when the file cannot be read.
    static Result<IniFile> read(const QString& path);
    // `name` is used in error messages in place of the file name.
    static Result<IniFile> parse(const QByteArray& text, const QString& name);

    const QList<Entry>& entries() const { return m_entries; }

private:
    QList<Entry> m_entries;
};

} // namespace mmf
