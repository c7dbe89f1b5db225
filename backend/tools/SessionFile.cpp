#include "tools/SessionFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace mmf {

SessionFile::SessionFile(QString path)
    : m_path(std::move(path))
{}

QString SessionFile::defaultPath(const QProcessEnvironment& env)
{
    if (const QString explicitPath = env.value(QStringLiteral("MMF_SESSION_FILE")); !explicitPath.isEmpty())
        return explicitPath;
    QString configDir = env.value(QStringLiteral("XDG_CONFIG_HOME"));
    if (configDir.isEmpty())
        configDir = env.value(QStringLiteral("HOME"), QDir::homePath()) + QStringLiteral("/.config");
    return configDir + QStringLiteral("/mmf/mmfctl-session.json");
}

Result<CtlSession> SessionFile::load() const
{
    QFile file(m_path);
    if (!file.exists())
        return Error::notFound(QStringLiteral("no session file at %1").arg(m_path));
    if (!file.open(QIODevice::ReadOnly))
        return Error::invalidArgument(QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject())
        return Error::invalidArgument(QStringLiteral("%1 is not a session file").arg(m_path));
    const QJsonObject o = doc.object();
    CtlSession session;
    session.server = o.value(QLatin1String("server")).toString();
    session.login = o.value(QLatin1String("login")).toString();
    session.accessToken = o.value(QLatin1String("access_token")).toString();
    session.refreshToken = o.value(QLatin1String("refresh_token")).toString();
    session.expiresAt = o.value(QLatin1String("expires_at")).toString();
    return session;
}

Result<void> SessionFile::save(const CtlSession& session) const
{
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath()))
        return Error::invalidArgument(QStringLiteral("cannot create the folder of %1").arg(m_path));
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::invalidArgument(QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()));
    // Owner-only before any secret is written.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QJsonObject o{{QStringLiteral("server"), session.server},
                        {QStringLiteral("login"), session.login},
                        {QStringLiteral("access_token"), session.accessToken},
                        {QStringLiteral("refresh_token"), session.refreshToken},
                        {QStringLiteral("expires_at"), session.expiresAt}};
    file.write(QJsonDocument(o).toJson());
    if (!file.commit())
        return Error::invalidArgument(QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()));
    return {};
}

Result<void> SessionFile::remove() const
{
    if (QFile::exists(m_path) && !QFile::remove(m_path))
        return Error::invalidArgument(QStringLiteral("cannot remove %1").arg(m_path));
    return {};
}

} // namespace mmf
