#include "server/DataDir.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace mmf::DataDir {

Result<void> prepare(const QString& dataDir)
{
    if (dataDir.isEmpty())
        return Error::invalidArgument(QStringLiteral("--data-dir is required"), QStringLiteral("data_dir"));
    if (!QDir().mkpath(dataDir))
        return Error::internal(QStringLiteral("cannot create the data dir %1").arg(dataDir));
    QFile::setPermissions(dataDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return {};
}

Result<SigningKey> loadOrCreateSigningKey(const QString& dataDir)
{
    Result<void> prepared = prepare(dataDir);
    if (!prepared)
        return prepared.error();
    const QString keysDir = QDir(dataDir).absoluteFilePath(QStringLiteral("keys"));
    if (!QDir().mkpath(keysDir))
        return Error::internal(QStringLiteral("cannot create %1").arg(keysDir));
    QFile::setPermissions(keysDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QString path = keysDir + QStringLiteral("/signing.key");
    if (QFileInfo::exists(path))
        return SigningKey::load(path);
    SigningKey key = SigningKey::generate();
    Result<void> saved = key.save(path);
    if (!saved)
        return saved.error();
    return key;
}

} // namespace mmf::DataDir
