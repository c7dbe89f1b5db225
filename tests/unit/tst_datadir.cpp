// The data dir is trusted only when it is the running user's alone: a folder, keys folder, signing key or
// retired key that another user owns or may write is refused (or, for a retired key, ignored), with a
// message naming the path and the fix.
#include "server/DataDir.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace mmf;

class TestDataDir : public QObject
{
    Q_OBJECT
private slots:
    void newDirIsMadePrivate();
    void dirWritableByOthersIsRefused();
    void keyOfAnotherUserIsRefused();
    void retiredKeyWritableByOthersIsIgnored();
};

void TestDataDir::newDirIsMadePrivate()
{
    QTemporaryDir root;
    const QString dir = root.filePath(QStringLiteral("data"));
    QVERIFY(DataDir::loadOrCreateSigningKey(dir));
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(dir).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, mode_t(0700));
    // And it is trusted the next time.
    QVERIFY(DataDir::loadOrCreateSigningKey(dir));
}

void TestDataDir::dirWritableByOthersIsRefused()
{
    QTemporaryDir root;
    const QString dir = root.filePath(QStringLiteral("data"));
    QVERIFY(QDir().mkpath(dir));
    QCOMPARE(::chmod(QFile::encodeName(dir).constData(), 0777), 0);
    const Result<SigningKey> key = DataDir::loadOrCreateSigningKey(dir);
    QVERIFY(!key);
    QCOMPARE(key.error().code, ErrorCode::PermissionDenied);
    QVERIFY2(key.error().message.contains(dir) && key.error().message.contains(QStringLiteral("chmod go-w")),
             qPrintable(key.error().message));
    QVERIFY(!QFile::exists(dir + QStringLiteral("/keys/signing.key")));
    // A group-writable keys folder inside a private data dir: refused as well.
    QCOMPARE(::chmod(QFile::encodeName(dir).constData(), 0700), 0);
    QVERIFY(QDir().mkpath(dir + QStringLiteral("/keys")));
    QCOMPARE(::chmod(QFile::encodeName(dir + QStringLiteral("/keys")).constData(), 0770), 0);
    QVERIFY(!DataDir::loadOrCreateSigningKey(dir));
}

void TestDataDir::keyOfAnotherUserIsRefused()
{
    if (::geteuid() != 0)
        QSKIP("giving a file to another user needs root");
    QTemporaryDir root;
    const QString dir = root.filePath(QStringLiteral("data"));
    QVERIFY(DataDir::loadOrCreateSigningKey(dir));
    const QByteArray key = QFile::encodeName(dir + QStringLiteral("/keys/signing.key"));
    QCOMPARE(::chown(key.constData(), 65534, 65534), 0); // nobody
    const Result<SigningKey> loaded = DataDir::loadOrCreateSigningKey(dir);
    QVERIFY(!loaded);
    QVERIFY2(loaded.error().message.contains(QStringLiteral("uid 65534")) &&
                 loaded.error().message.contains(QStringLiteral("chown")),
             qPrintable(loaded.error().message));
    // The data dir itself owned by another user.
    QCOMPARE(::chown(key.constData(), 0, 0), 0);
    QCOMPARE(::chown(QFile::encodeName(dir).constData(), 65534, 65534), 0);
    QVERIFY(!DataDir::loadOrCreateSigningKey(dir));
}

void TestDataDir::retiredKeyWritableByOthersIsIgnored()
{
    QTemporaryDir root;
    const QString dir = root.filePath(QStringLiteral("data"));
    QVERIFY(DataDir::rotateSigningKey(dir, 3600, 1000));
    QCOMPARE(DataDir::retiredKeys(dir, 1000).size(), 1);
    const QDir retired(dir + QStringLiteral("/keys/retired"));
    const QString file = retired.absoluteFilePath(retired.entryList({QStringLiteral("*.json")}).first());
    QCOMPARE(::chmod(QFile::encodeName(file).constData(), 0666), 0);
    QCOMPARE(DataDir::retiredKeys(dir, 1000).size(), 0);
}

QTEST_GUILESS_MAIN(TestDataDir)
#include "tst_datadir.moc"
