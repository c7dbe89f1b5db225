#include "auth/SigningKey.h"

#include "auth/Base64Url.h"
#include "auth/SodiumInit.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <sodium.h>
#include <sys/stat.h>

namespace mmf {

namespace {

constexpr auto kFormat = "mmf-signing-key";
constexpr int kVersion = 1;
constexpr qint64 kMaxFileBytes = 4096; // a key file is ~250 bytes; anything large is not ours

QByteArray keyIdFor(const QByteArray& publicKey)
{
    unsigned char hash[crypto_generichash_BYTES];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(publicKey.constData()),
                       static_cast<unsigned long long>(publicKey.size()), nullptr, 0);
    return Base64Url::encode(QByteArrayView(reinterpret_cast<const char*>(hash), 8));
}

// Wipes a buffer that held secret material, unless another QByteArray still shares it.
void wipe(QByteArray& bytes)
{
    if (!bytes.isEmpty() && bytes.isDetached())
        sodium_memzero(bytes.data(), static_cast<size_t>(bytes.size()));
}

} // namespace

SigningKey::~SigningKey()
{
    wipe(m_secretKey);
}

SigningKey SigningKey::generate()
{
    detail::ensureSodium();
    SigningKey key;
    key.m_publicKey.resize(crypto_sign_PUBLICKEYBYTES);
    key.m_secretKey.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(key.m_publicKey.data()),
                        reinterpret_cast<unsigned char*>(key.m_secretKey.data()));
    key.m_keyId = keyIdFor(key.m_publicKey);
    return key;
}

Result<SigningKey> SigningKey::fromSeed(QByteArrayView seed)
{
    if (seed.size() != crypto_sign_SEEDBYTES)
        return Error::invalidArgument(
            QStringLiteral("signing key seed must be %1 bytes").arg(crypto_sign_SEEDBYTES));
    detail::ensureSodium();
    SigningKey key;
    key.m_publicKey.resize(crypto_sign_PUBLICKEYBYTES);
    key.m_secretKey.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(key.m_publicKey.data()),
                             reinterpret_cast<unsigned char*>(key.m_secretKey.data()),
                             reinterpret_cast<const unsigned char*>(seed.data()));
    key.m_keyId = keyIdFor(key.m_publicKey);
    return key;
}

Result<SigningKey> SigningKey::load(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (!QFileInfo::exists(path))
            return Error::notFound(QStringLiteral("signing key %1 does not exist").arg(path));
        return Error::internal(
            QStringLiteral("cannot read signing key %1: %2").arg(path, file.errorString()));
    }
    // Checked on the open descriptor, so the file cannot be swapped between the check and the read.
    struct stat st
    {};
    if (::fstat(file.handle(), &st) != 0 || !S_ISREG(st.st_mode))
        return Error::invalidArgument(QStringLiteral("signing key %1 is not a regular file").arg(path));
    if ((st.st_mode & 077) != 0)
        return Error::invalidArgument(
            QStringLiteral("signing key %1 is accessible by group or others (mode %2); run chmod 600")
                .arg(path)
                .arg(st.st_mode & 0777, 4, 8, QLatin1Char('0')));
    if (st.st_size > kMaxFileBytes)
        return Error::invalidArgument(QStringLiteral("signing key %1 is too large").arg(path));

    QByteArray content = file.read(kMaxFileBytes + 1);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(content, &parseError);
    wipe(content);
    const auto malformed = [&path](const QString& why) {
        return Error::invalidArgument(QStringLiteral("signing key %1 is malformed: %2").arg(path, why));
    };
    if (!doc.isObject())
        return malformed(QStringLiteral("not a JSON object"));
    const QJsonObject obj = doc.object();
    if (obj.value(QLatin1String("format")).toString() != QLatin1String(kFormat))
        return malformed(QStringLiteral("format is not %1").arg(QLatin1String(kFormat)));
    if (obj.value(QLatin1String("version")).toInt(-1) != kVersion)
        return malformed(QStringLiteral("unsupported version"));
    if (obj.value(QLatin1String("algorithm")).toString() != QLatin1String("ed25519"))
        return malformed(QStringLiteral("algorithm is not ed25519"));
    auto seed = Base64Url::decode(obj.value(QLatin1String("seed")).toString().toLatin1());
    if (!seed || seed->size() != crypto_sign_SEEDBYTES)
        return malformed(QStringLiteral("bad seed"));
    auto key = fromSeed(*seed);
    wipe(*seed);
    if (!key)
        return malformed(key.error().message);
    const auto publicKey = Base64Url::decode(obj.value(QLatin1String("public_key")).toString().toLatin1());
    if (!publicKey || *publicKey != key->publicKey())
        return malformed(QStringLiteral("public key does not match the seed"));
    if (obj.value(QLatin1String("key_id")).toString().toLatin1() != key->keyId())
        return malformed(QStringLiteral("key_id does not match the public key"));
    return key;
}

Result<void> SigningKey::save(const QString& path) const
{
    if (isNull())
        return Error::invalidArgument(QStringLiteral("cannot save a null signing key"));
    const QString dir = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(dir))
        return Error::internal(QStringLiteral("cannot create folder %1").arg(dir));

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::internal(
            QStringLiteral("cannot write signing key %1: %2").arg(path, file.errorString()));
    // Restrict the temporary file before the secret goes in (QSaveFile would copy an existing file's mode).
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        file.cancelWriting();
        return Error::internal(QStringLiteral("cannot set mode 0600 on signing key %1").arg(path));
    }
    QByteArray seedText = Base64Url::encode(QByteArrayView(m_secretKey).first(crypto_sign_SEEDBYTES));
    QJsonObject obj{{QLatin1String("format"), QLatin1String(kFormat)},
                    {QLatin1String("version"), kVersion},
                    {QLatin1String("algorithm"), QLatin1String("ed25519")},
                    {QLatin1String("key_id"), QString::fromLatin1(m_keyId)},
                    {QLatin1String("public_key"), QString::fromLatin1(Base64Url::encode(m_publicKey))},
                    {QLatin1String("seed"), QString::fromLatin1(seedText)}};
    wipe(seedText);
    QByteArray content = QJsonDocument(obj).toJson(QJsonDocument::Indented);
    obj = {};
    const bool written = file.write(content) == content.size();
    wipe(content);
    if (!written || !file.commit())
        return Error::internal(
            QStringLiteral("cannot write signing key %1: %2").arg(path, file.errorString()));
    return {};
}

QByteArray SigningKey::sign(QByteArrayView message) const
{
    if (isNull())
        return {};
    QByteArray signature(crypto_sign_BYTES, Qt::Uninitialized);
    crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char*>(message.data()),
                         static_cast<unsigned long long>(message.size()),
                         reinterpret_cast<const unsigned char*>(m_secretKey.constData()));
    return signature;
}

} // namespace mmf
