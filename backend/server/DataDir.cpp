#include "server/DataDir.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "auth/Base64Url.h"

#include <sys/stat.h>
#include <unistd.h>

namespace mmf::DataDir {

Result<void> checkPrivate(const QString& path)
{
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {}; // not there (yet): whoever creates it is this user
    const QString mode = QStringLiteral("%1").arg(st.st_mode & 07777, 4, 8, QLatin1Char('0'));
    if (st.st_uid != ::geteuid())
        return Error::permissionDenied(
            QStringLiteral("%1 belongs to uid %2, not to uid %3 that runs the server: another user could "
                           "have planted keys or settings there; check its contents, then `chown -R %3 %1` "
                           "(or choose another --data-dir)")
                .arg(path)
                .arg(st.st_uid)
                .arg(::geteuid()));
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return Error::permissionDenied(
            QStringLiteral(
                "%1 is writable by group or others (mode %2): another user could have planted keys "
                "or settings there; check its contents, then `chmod go-w %1` (or choose another "
                "--data-dir)")
                .arg(path, mode));
    return {};
}

Result<void> prepare(const QString& dataDir)
{
    if (dataDir.isEmpty())
        return Error::invalidArgument(QStringLiteral("--data-dir is required"), QStringLiteral("data_dir"));
    // An existing folder is used only if it is this user's alone; a new one is made so.
    const QString keysDir = QDir(dataDir).absoluteFilePath(QStringLiteral("keys"));
    for (const QString& path : {dataDir, keysDir, keysDir + QStringLiteral("/signing.key"),
                                QDir(dataDir).absoluteFilePath(QStringLiteral("redis"))}) {
        if (Result<void> ok = checkPrivate(path); !ok)
            return ok;
    }
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

namespace {

QString retiredDir(const QString& dataDir)
{
    return QDir(dataDir).absoluteFilePath(QStringLiteral("keys/retired"));
}

} // namespace

Result<SigningKey> rotateSigningKey(const QString& dataDir, qint64 graceSecs, qint64 nowSecs)
{
    Result<SigningKey> current = loadOrCreateSigningKey(dataDir);
    if (!current)
        return current.error();
    const QString dir = retiredDir(dataDir);
    if (!QDir().mkpath(dir))
        return Error::internal(QStringLiteral("cannot create %1").arg(dir));
    // Private whatever the umask: checkPrivate() would ignore them otherwise.
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QJsonObject retired{
        {QStringLiteral("key_id"), QString::fromLatin1(current->keyId())},
        {QStringLiteral("public_key"), QString::fromLatin1(Base64Url::encode(current->publicKey()))},
        {QStringLiteral("not_after"), double(nowSecs + graceSecs)}};
    QSaveFile file(dir + QLatin1Char('/') + QString::fromLatin1(current->keyId()) + QStringLiteral(".json"));
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(QFile::ReadOwner | QFile::WriteOwner) ||
        file.write(QJsonDocument(retired).toJson()) < 0 || !file.commit())
        return Error::internal(QStringLiteral("cannot write %1").arg(file.fileName()));
    SigningKey next = SigningKey::generate();
    Result<void> saved = next.save(QDir(dataDir).absoluteFilePath(QStringLiteral("keys/signing.key")));
    if (!saved)
        return saved.error();
    return next;
}

QList<RetiredKey> retiredKeys(const QString& dataDir, qint64 nowSecs)
{
    QList<RetiredKey> out;
    const QDir dir(retiredDir(dataDir));
    if (!checkPrivate(dir.path()))
        return out;
    for (const QFileInfo& info : dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files)) {
        if (!checkPrivate(info.absoluteFilePath()))
            continue; // a key someone else could have planted is no key of ours
        QFile file(info.absoluteFilePath());
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject value = QJsonDocument::fromJson(file.read(4096)).object();
        file.close();
        const std::optional<QByteArray> publicKey =
            Base64Url::decode(value.value(QStringLiteral("public_key")).toString().toLatin1());
        const qint64 notAfter = qint64(value.value(QStringLiteral("not_after")).toDouble());
        const QByteArray keyId = value.value(QStringLiteral("key_id")).toString().toLatin1();
        if (!publicKey || publicKey->size() != 32 || keyId.isEmpty())
            continue;
        if (notAfter <= nowSecs) {
            QFile::remove(info.absoluteFilePath());
            // Still reported once, so servers drop it from Redis.
        }
        out.append({keyId, *publicKey, notAfter});
    }
    return out;
}

} // namespace mmf::DataDir
