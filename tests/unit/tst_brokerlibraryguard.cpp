// The broker library in Redis is this server's, and never replaces a newer one: BrokerLibraryGuard against a
// real redis-server, and the rule that every change to the library's text comes with a new version.
#include "RedisServerFixture.h"
#include "RedisWait.h"

#include "broker/BrokerLibrary.h"
#include "broker/BrokerLibraryGuard.h"
#include "redis/RedisClient.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QtTest>

#include <memory>

using namespace mmf;

namespace {

// A library as a server of another version would load it: `version` (none when < 0) and one function.
QByteArray otherLibrary(int version, const QByteArray& function)
{
    QByteArray code = "#!lua name=mmf\n";
    if (version >= 0)
        code += "local libraryVersion = " + QByteArray::number(version) + "\n";
    code += "redis.register_function('" + function + "', function() return '" + function + "' end)\n";
    return code;
}

} // namespace

class TestBrokerLibraryGuard : public QObject
{
    Q_OBJECT

    RedisServerFixture m_server;
    std::unique_ptr<RedisClient> m_admin; // another server's connection, for setting up and looking

    QByteArray loadedCode()
    {
        QByteArray code;
        sendAndWait(*m_admin, {"FUNCTION", "LIST", "LIBRARYNAME", "mmf", "WITHCODE"},
                    [&](const RedisReply& r) { code = BrokerLibraryGuard::loadedCode(r); });
        return code;
    }

    QByteArray fcall(const QByteArray& function)
    {
        QByteArray answer;
        sendAndWait(*m_admin, {"FCALL", function, "0"}, [&](const RedisReply& r) {
            answer = r.isInteger() ? QByteArray::number(r.integer()) : r.toByteArray();
        });
        return answer;
    }

    void preload(const QByteArray& code)
    {
        QVERIFY(commandSucceeds(*m_admin, {"FUNCTION", "LOAD", "REPLACE", code}));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_admin = startConnected(m_server.config());
        QVERIFY(m_admin);
    }

    void init()
    {
        sendAndWait(*m_admin, {"FUNCTION", "FLUSH"}, [](const RedisReply&) {});
        QCOMPARE(loadedCode(), QByteArray());
    }

    void versionOf_data()
    {
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<int>("version");
        QTest::newRow("none") << QByteArray() << 0;
        QTest::newRow("a library from before versions") << otherLibrary(-1, "f") << 0;
        QTest::newRow("seven") << otherLibrary(7, "f") << 7;
        QTest::newRow("not a number") << QByteArray("#!lua name=mmf\nlocal libraryVersion = x\n") << 0;
        QTest::newRow("absurdly large")
            << QByteArray("#!lua name=mmf\nlocal libraryVersion = 99999999999\n") << 0;
        QTest::newRow("this server's") << BrokerLibrary::source() << BrokerLibrary::version();
    }

    void versionOf()
    {
        QFETCH(QByteArray, code);
        QFETCH(int, version);
        QCOMPARE(BrokerLibrary::versionOf(code), version);
    }

    // Every change to the library's text raises its version: two servers whose libraries differ under one
    // version would replace each other's. tests/data/broker-library-versions.txt holds each version's digest.
    void everyTextHasItsOwnVersion()
    {
        QVERIFY(BrokerLibrary::version() > 0);
        const QString path = qEnvironmentVariable("MMF_SOURCE_DIR", MMF_SOURCE_DIR) +
                             "/tests/data/broker-library-versions.txt";
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray digest =
            QCryptographicHash::hash(BrokerLibrary::source(), QCryptographicHash::Sha256).toHex();
        QHash<int, QByteArray> recorded;
        for (const QByteArray& line : file.readAll().split('\n')) {
            const QList<QByteArray> fields = line.trimmed().split(' ');
            if (fields.size() == 2 && !line.startsWith('#'))
                recorded.insert(fields[0].toInt(), fields[1]);
        }
        const int version = BrokerLibrary::version();
        // The digest of a text whose version is raised already is the one to record.
        const QString advice =
            recorded.contains(version)
                ? QStringLiteral(
                      "the library's text changed under version %1: raise libraryVersion in "
                      "backend/broker/BrokerLibrary.cpp to %2, then this test names the line to add")
                      .arg(version)
                      .arg(version + 1)
                : QStringLiteral("add the line \"%1 %2\" to %3")
                      .arg(version)
                      .arg(QString::fromLatin1(digest), path);
        QVERIFY2(recorded.value(version) == digest, qPrintable(advice));
    }

    // On a Redis without a library (a restart without persistence) the load goes out before anything else the
    // same (re)connect sends: a command sent by a later handler of `connected` finds the functions.
    void loadsIntoAnEmptyRedisBeforeAnythingElse()
    {
        RedisClient redis(m_server.config());
        BrokerLibraryGuard guard(redis);
        QByteArray answer;
        connect(&redis, &RedisClient::connected, this, [&] {
            redis.command({"FCALL_RO", "mmf_version", "0"}, [&](const RedisReply& r) {
                answer = r.isInteger() ? QByteArray::number(r.integer()) : r.toByteArray();
            });
        });
        redis.start();
        QTRY_VERIFY(!answer.isEmpty());
        QCOMPARE(answer, QByteArray::number(BrokerLibrary::version()));
        QTRY_VERIFY(guard.ready());
        QCOMPARE(guard.loadedVersion(), BrokerLibrary::version());
        QCOMPARE(guard.problem(), QString());
        QCOMPARE(loadedCode(), BrokerLibrary::source());
    }

    void replacesAnOlderLibrary_data()
    {
        QTest::addColumn<QByteArray>("older");
        QTest::newRow("from before versions") << otherLibrary(-1, "mmf_older");
        QTest::newRow("version 1") << otherLibrary(1, "mmf_older");
        // A build whose text changed without a new version (everyTextHasItsOwnVersion keeps that out).
        QTest::newRow("this version, other text") << otherLibrary(BrokerLibrary::version(), "mmf_older");
    }

    void replacesAnOlderLibrary()
    {
        QFETCH(QByteArray, older);
        preload(older);
        QCOMPARE(fcall("mmf_older"), QByteArray("mmf_older"));
        RedisClient redis(m_server.config());
        BrokerLibraryGuard guard(redis);
        redis.start();
        QTRY_VERIFY(guard.ready());
        QCOMPARE(loadedCode(), BrokerLibrary::source());
        QCOMPARE(guard.loadedVersion(), BrokerLibrary::version());
        QVERIFY(fcall("mmf_older").contains("Function not found"));
    }

    // A newer server's library stays: this server's calls may miss a function (an error), never misread.
    void leavesANewerLibraryAndSaysSo()
    {
        const int newer = BrokerLibrary::version() + 1;
        preload(otherLibrary(newer, "mmf_newer"));
        RedisClient redis(m_server.config());
        BrokerLibraryGuard guard(redis);
        QSignalSpy changed(&guard, &BrokerLibraryGuard::changed);
        redis.start();
        QTRY_COMPARE(guard.state(), BrokerLibraryGuard::State::Newer);
        QVERIFY(!guard.ready());
        QCOMPARE(guard.loadedVersion(), newer);
        QVERIFY2(guard.problem().contains(QStringLiteral("version %1, newer than this server's %2")
                                              .arg(newer)
                                              .arg(BrokerLibrary::version())),
                 qPrintable(guard.problem()));
        QVERIFY(changed.count() >= 1);
        // Checked again (as every few seconds): still left alone.
        bool checked = false;
        guard.check([&] { checked = true; });
        QTRY_VERIFY(checked);
        QCOMPARE(guard.state(), BrokerLibraryGuard::State::Newer);
        QCOMPARE(fcall("mmf_newer"), QByteArray("mmf_newer"));
        QCOMPARE(loadedCode(), otherLibrary(newer, "mmf_newer"));
    }

    // A server from before this guard replaces whatever is loaded when it connects; the next check (timer)
    // puts this server's library back.
    void restoresItsLibraryAfterAnOlderServerReplacedIt()
    {
        RedisClient redis(m_server.config());
        BrokerLibraryGuard guard(redis, 50);
        redis.start();
        QTRY_VERIFY(guard.ready());
        preload(otherLibrary(-1, "mmf_older"));
        QTRY_COMPARE(loadedCode(), BrokerLibrary::source());
        QVERIFY(guard.ready());
    }

    // Redis going away makes the state unknown until the next connect has checked again.
    void aLostConnectionIsUncheckedUntilReconnected()
    {
        RedisClient redis(m_server.config());
        BrokerLibraryGuard guard(redis);
        redis.start();
        QTRY_VERIFY(guard.ready());
        m_server.stop();
        QTRY_COMPARE(guard.state(), BrokerLibraryGuard::State::Unchecked);
        QVERIFY(!guard.problem().isEmpty());
        QVERIFY(m_server.restart());
        // A restart without persistence lost the library; the reconnect loads it again.
        QTRY_VERIFY_WITH_TIMEOUT(guard.ready(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(loadedCode(), BrokerLibrary::source(), 20000);
    }

    void cleanupTestCase() { m_admin.reset(); }
};

QTEST_GUILESS_MAIN(TestBrokerLibraryGuard)
#include "tst_brokerlibraryguard.moc"
