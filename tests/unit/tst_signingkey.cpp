// SigningKey: Ed25519 known answers, the key file (mode 0600, atomic) and what load() refuses.
#include "auth/Base64Url.h"
#include "auth/SigningKey.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace mmf;

namespace {

int fileMode(const QString& path)
{
    struct stat st
    {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 0777);
}

bool writeFile(const QString& path, const QByteArray& content, int mode)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size())
        return false;
    f.close();
    return ::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0;
}

} // namespace

class TestSigningKey : public QObject
{
    Q_OBJECT

private slots:
    // RFC 8032 §7.1, test 1 and test 2: seed → public key and signature.
    void rfc8032_data()
    {
        QTest::addColumn<QByteArray>("seed");
        QTest::addColumn<QByteArray>("publicKey");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QByteArray>("signature");
        QTest::newRow("test 1")
            << QByteArray::fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            << QByteArray::fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
            << QByteArray()
            << QByteArray::fromHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522"
                                   "4901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141"
                                   "438e7a100b");
        QTest::newRow("test 2")
            << QByteArray::fromHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
            << QByteArray::fromHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
            << QByteArray::fromHex("72")
            << QByteArray::fromHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223eb"
                                   "db69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d29"
                                   "1612bb0c00");
    }
    void rfc8032()
    {
        QFETCH(QByteArray, seed);
        QFETCH(QByteArray, publicKey);
        QFETCH(QByteArray, message);
        QFETCH(QByteArray, signature);
        auto key = SigningKey::fromSeed(seed);
        QVERIFY(key.ok());
        QCOMPARE(key->publicKey(), publicKey);
        QCOMPARE(key->sign(message), signature);
        QCOMPARE(key->keyId().size(), 11); // 8 bytes in base64url
        QVERIFY(Base64Url::decode(key->keyId()).has_value());
    }

    void fromSeedRefusesWrongSize()
    {
        QVERIFY(!SigningKey::fromSeed(QByteArray(31, 'x')).ok());
        QVERIFY(!SigningKey::fromSeed(QByteArray(33, 'x')).ok());
    }

    void generateGivesDistinctKeys()
    {
        const SigningKey a = SigningKey::generate();
        const SigningKey b = SigningKey::generate();
        QVERIFY(!a.isNull());
        QCOMPARE(a.publicKey().size(), 32);
        QCOMPARE(a.sign("m").size(), 64);
        QVERIFY(a.publicKey() != b.publicKey());
        QVERIFY(a.keyId() != b.keyId());
    }

    void nullKey()
    {
        const SigningKey key;
        QVERIFY(key.isNull());
        QVERIFY(key.sign("m").isEmpty());
        QTemporaryDir dir;
        QVERIFY(!key.save(dir.filePath("k.json")).ok());
    }

    void saveLoadRoundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("keys/current.key"); // the parent folder is created
        const SigningKey key = SigningKey::generate();
        QVERIFY(key.save(path).ok());
        QCOMPARE(fileMode(path), 0600);
        auto loaded = SigningKey::load(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().message));
        QCOMPARE(loaded->keyId(), key.keyId());
        QCOMPARE(loaded->publicKey(), key.publicKey());
        QCOMPARE(loaded->sign("message"), key.sign("message")); // Ed25519 is deterministic: same secret key
    }

    // QSaveFile would keep an existing file's mode; the key must still end up 0600.
    void saveOverExistingWorldReadableFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("k.key");
        QVERIFY(writeFile(path, "old", 0644));
        QVERIFY(SigningKey::generate().save(path).ok());
        QCOMPARE(fileMode(path), 0600);
        QVERIFY(SigningKey::load(path).ok());
    }

    void refusesOpenModes_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("0644") << 0644;
        QTest::newRow("0640") << 0640;
        QTest::newRow("0604") << 0604;
        QTest::newRow("0620") << 0620;
        QTest::newRow("0602") << 0602;
        QTest::newRow("0610") << 0610;
    }
    void refusesOpenModes()
    {
        QFETCH(int, mode);
        QTemporaryDir dir;
        const QString path = dir.filePath("k.key");
        QVERIFY(SigningKey::generate().save(path).ok());
        QVERIFY(::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0);
        const auto loaded = SigningKey::load(path);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(loaded.error().message.contains("chmod 600"), qPrintable(loaded.error().message));
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0400) == 0); // owner read-only is fine
        QVERIFY(SigningKey::load(path).ok());
    }

    void refusesMissingAndDirectory()
    {
        QTemporaryDir dir;
        const auto missing = SigningKey::load(dir.filePath("nope.key"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(::chmod(QFile::encodeName(dir.path()).constData(), 0700) == 0);
        QVERIFY(!SigningKey::load(dir.path()).ok());
    }

    void refusesMalformed_data()
    {
        const SigningKey key = SigningKey::fromSeed(QByteArray(32, '\x07')).value();
        const SigningKey other = SigningKey::fromSeed(QByteArray(32, '\x08')).value();
        const QJsonObject good{{"format", "mmf-signing-key"},
                               {"version", 1},
                               {"algorithm", "ed25519"},
                               {"key_id", QString::fromLatin1(key.keyId())},
                               {"public_key", QString::fromLatin1(Base64Url::encode(key.publicKey()))},
                               {"seed", QString::fromLatin1(Base64Url::encode(QByteArray(32, '\x07')))}};
        const auto with = [&good](const char* name, const QJsonValue& value) {
            QJsonObject o = good;
            if (value.isUndefined())
                o.remove(QLatin1String(name));
            else
                o.insert(QLatin1String(name), value);
            return QJsonDocument(o).toJson();
        };
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("good") << QJsonDocument(good).toJson() << true;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("not json") << QByteArray("seed=abc") << false;
        QTest::newRow("json array") << QByteArray("[1,2]") << false;
        QTest::newRow("wrong format") << with("format", "ssh-key") << false;
        QTest::newRow("future version") << with("version", 2) << false;
        QTest::newRow("other algorithm") << with("algorithm", "rsa") << false;
        QTest::newRow("no seed") << with("seed", QJsonValue::Undefined) << false;
        QTest::newRow("short seed") << with("seed",
                                            QString::fromLatin1(Base64Url::encode(QByteArray(31, 'x'))))
                                    << false;
        QTest::newRow("padded seed") << with("seed", QString::fromLatin1(QByteArray(32, '\x07').toBase64()))
                                     << false;
        QTest::newRow("other public key")
            << with("public_key", QString::fromLatin1(Base64Url::encode(other.publicKey()))) << false;
        QTest::newRow("other key_id") << with("key_id", QString::fromLatin1(other.keyId())) << false;
        QTest::newRow("huge") << QByteArray(100000, ' ') + QJsonDocument(good).toJson() << false;
    }
    void refusesMalformed()
    {
        QFETCH(QByteArray, content);
        QFETCH(bool, accepted);
        QTemporaryDir dir;
        const QString path = dir.filePath("k.key");
        QVERIFY(writeFile(path, content, 0600));
        const auto loaded = SigningKey::load(path);
        QCOMPARE(loaded.ok(), accepted);
        if (!accepted) {
            QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);
            QVERIFY(!loaded.error().message.contains(Base64Url::encode(QByteArray(32, '\x07')))); // no secret
        }
    }
};

QTEST_GUILESS_MAIN(TestSigningKey)
#include "tst_signingkey.moc"
