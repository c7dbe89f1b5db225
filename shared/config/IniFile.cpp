#include "config/IniFile.h"

#include <QFile>
#include <QFileInfo>
#include <QSet>

namespace mmf {

namespace {
constexpr qint64 kMaxBytes = 1024 * 1024;
}

Result<IniFile> IniFile::read(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (!QFileInfo::exists(path))
            return Error::notFound(QStringLiteral("cannot read %1: no such file").arg(path));
        return Error::internal(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    }
    const QByteArray text = file.read(kMaxBytes + 1);
    if (text.size() > kMaxBytes)
        return Error::invalidArgument(QStringLiteral("%1: larger than 1 MiB").arg(path));
    return parse(text, path);
}

Result<IniFile> IniFile::parse(const QByteArray& text, const QString& name)
{
    if (text.size() > kMaxBytes)
        return Error::invalidArgument(QStringLiteral("%1: larger than 1 MiB").arg(name));
    IniFile ini;
    QString section;
    QSet<QString> seen;
    const QString content = QString::fromUtf8(text);
    const QStringList lines = content.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const int lineNo = i + 1;
        const QString line = lines[i].trimmed(); // also drops a CR of CRLF files
        if (line.isEmpty() || line.startsWith(QLatin1Char(';')) || line.startsWith(QLatin1Char('#')))
            continue;
        const auto fail = [&](const QString& why) {
            return Error::invalidArgument(QStringLiteral("%1:%2: %3").arg(name).arg(lineNo).arg(why));
        };
        if (line.startsWith(QLatin1Char('['))) {
            if (!line.endsWith(QLatin1Char(']')) || line.size() < 3)
                return fail(QStringLiteral("expected [section]"));
            section = line.mid(1, line.size() - 2).trimmed();
            if (section.isEmpty())
                return fail(QStringLiteral("expected [section]"));
            continue;
        }
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq < 0)
            return fail(QStringLiteral("expected key = value"));
        const QString key = line.first(eq).trimmed();
        QString value = line.sliced(eq + 1).trimmed();
        if (key.isEmpty())
            return fail(QStringLiteral("expected key = value"));
        if (section.isEmpty())
            return fail(QStringLiteral("%1 is outside a [section]").arg(key));
        if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"')))
            value = value.mid(1, value.size() - 2);
        const QString id = section + QLatin1Char('\n') + key;
        if (seen.contains(id))
            return fail(QStringLiteral("[%1] %2 is set twice").arg(section, key));
        seen.insert(id);
        ini.m_entries.append(Entry{section, key, value, lineNo});
    }
    return ini;
}

} // namespace mmf
