// A real mmf-server meeting another version's broker library in Redis: an older one is replaced and tasks
// run; a newer one is left in place and the server says it is not ready, naming both versions.
#include "RedisServerFixture.h"
#include "RedisWait.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include "broker/BrokerLibrary.h"
#include "broker/BrokerLibraryGuard.h"

#include <QJsonObject>
#include <QTest>

#include <memory>

using namespace mmf;

class TestLibraryVersions : public QObject
{
    Q_OBJECT

    // A Redis holding `code` as library mmf; nullptr (and a failed check) when it cannot be set up.
    std::unique_ptr<RedisServerFixture> redisWith(const QByteArray& code)
    {
        auto redis = std::make_unique<RedisServerFixture>(QStringLiteral("lib-secret"));
        if (!redis->start())
            return nullptr;
        auto client = startConnected(redis->config());
        const bool loaded = client && commandSucceeds(*client, {"FUNCTION", "LOAD", code});
        return loaded ? std::move(redis) : nullptr;
    }

    static QString urlOf(const RedisServerFixture& redis)
    {
        return QStringLiteral("redis://:lib-secret@127.0.0.1:%1").arg(redis.port());
    }

    static QByteArray loadedCode(const RedisServerFixture& redis)
    {
        QByteArray code;
        auto client = startConnected(redis.config());
        if (!client)
            return code;
        sendAndWait(*client, {"FUNCTION", "LIST", "LIBRARYNAME", "mmf", "WITHCODE"},
                    [&](const RedisReply& r) { code = BrokerLibraryGuard::loadedCode(r); });
        return code;
    }

private slots:
    // As left by a server from before library versions (every server replaced the library on connect).
    void anOlderLibraryIsReplacedAndTasksRun()
    {
        auto redis =
            redisWith("#!lua name=mmf\nredis.register_function('mmf_submit', function() return 'old' end)");
        QVERIFY(redis);
        ServerFixture server;
        QVERIFY2(server.start(urlOf(*redis)), qPrintable(server.errorString()));
        const QByteArray token = server.issueToken(QStringLiteral("alice"));
        TestHttpClient client(server.url(), token);
        const auto ready = client.pollUntil(
            QStringLiteral("/readyz"), [](const TestHttpClient::Response& r) { return r.status == 200; });
        QCOMPARE(ready.status, 200);
        QCOMPARE(loadedCode(*redis), BrokerLibrary::source());
        WorkerFixture worker(QStringLiteral("echo"), server.url(), token);
        QVERIFY(worker.start());
        QVERIFY2(worker.waitForReady(), worker.output().constData());
        const auto done = client.postJson(QStringLiteral("/api/v1/models/echo/tasks?wait=20"),
                                          QJsonObject{{QStringLiteral("text"), QStringLiteral("after")}});
        QCOMPARE(done.json().value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    }

    // A newer server's library stays; this server is not ready and says why (the log and /readyz).
    void aNewerLibraryIsLeftAndTheServerIsNotReady()
    {
        const int newer = BrokerLibrary::version() + 1;
        const QByteArray code = "#!lua name=mmf\nlocal libraryVersion = " + QByteArray::number(newer) +
                                "\nredis.register_function('mmf_newer', function() return 'newer' end)\n";
        auto redis = redisWith(code);
        QVERIFY(redis);
        ServerFixture server;
        QVERIFY2(server.start(urlOf(*redis)), qPrintable(server.errorString()));
        TestHttpClient client(server.url(), server.issueToken(QStringLiteral("alice")));
        const QString why = QStringLiteral("version %1, newer than this server's %2")
                                .arg(newer)
                                .arg(BrokerLibrary::version());
        const auto ready =
            client.pollUntil(QStringLiteral("/readyz"), [&](const TestHttpClient::Response& r) {
                return r.status == 503 && r.body.contains(why.toUtf8());
            });
        QCOMPARE(ready.status, 503);
        QVERIFY2(ready.body.contains(why.toUtf8()), ready.body.constData());
        QCOMPARE(ready.errorCode(), QStringLiteral("unavailable"));
        QTRY_VERIFY2(server.output().contains(why.toUtf8()), server.output().constData());
        QCOMPARE(loadedCode(*redis), code);
        QCOMPARE(client.get(QStringLiteral("/healthz")).status, 200); // alive, only not ready
    }
};

QTEST_GUILESS_MAIN(TestLibraryVersions)
#include "tst_libraryversions.moc"
