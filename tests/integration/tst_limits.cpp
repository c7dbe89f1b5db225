// Limits that hold under abuse, against a live mmf-server (real redis-server, a real echo worker): each test
// holds the server at one limit from other loopback addresses (127.0.0.2 and up) and checks both the clear
// answer the abuser gets (429/503/408 with the API error object, or a WebSocket close code) and that a normal
// client on 127.0.0.1 still completes a task meanwhile.
#include "RawWebSocketClient.h"
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"
#include "WebSocketFrames.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

using namespace mmf;

namespace {

constexpr int kWaitMs = 10000;
constexpr int kPerAddress = 20;
constexpr int kWsPerServer = 8;
constexpr int kWsPerUser = 3;

QHostAddress loopback(int last)
{
    return QHostAddress(QStringLiteral("127.0.0.%1").arg(last));
}

QString errorCode(const QByteArray& response)
{
    const QByteArray body = response.mid(response.indexOf("\r\n\r\n") + 4);
    return QJsonDocument::fromJson(body).object().value("error").toObject().value("code").toString();
}

// User + system CPU time of a process, from /proc/<pid>/stat.
double cpuSeconds(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    // Fields after the command name (which may hold spaces) start at "state", field 3.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    return double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) /
           double(::sysconf(_SC_CLK_TCK));
}

int openDescriptors(qint64 pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid))
                   .entryList(QDir::NoDotAndDotDot | QDir::AllEntries)
                   .size());
}

} // namespace

class TestLimits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void webSocketsPerUser();
    void webSocketsPerServer();
    void idleAuthenticatedWebSocket();
    void slowBodyHitsTheWholeBodyDeadline();
    void slowHeadersHitTheHeaderDeadline();
    void connectionsPerAddress();
    void pingFloodCountsPongsInTheSendBudget();
    void acceptResumesAfterRunningOutOfDescriptors();

private:
    bool aliceCompletesTask();
    std::unique_ptr<RawWebSocketClient> heldWebSocket(int from, const QByteArray& token);

    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<WorkerFixture> m_worker;
    std::unique_ptr<TestHttpClient> m_alice;
    QByteArray m_aliceToken;
    std::vector<std::unique_ptr<RawWebSocketClient>> m_held;
};

void TestLimits::initTestCase()
{
    m_redis = std::make_unique<RedisServerFixture>(
        QStringLiteral("test-secret-%1").arg(QCoreApplication::applicationPid()));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    m_server = std::make_unique<ServerFixture>(QStringList{
        QStringLiteral("--header-timeout"), QStringLiteral("3"), QStringLiteral("--body-timeout"),
        QStringLiteral("2"), QStringLiteral("--max-connections-per-address"), QString::number(kPerAddress),
        QStringLiteral("--ws-max-connections"), QString::number(kWsPerServer),
        QStringLiteral("--ws-max-per-user"), QString::number(kWsPerUser), QStringLiteral("--ws-idle-timeout"),
        QStringLiteral("1.5"), QStringLiteral("--ws-max-send-buffer-bytes"), QStringLiteral("65536")});
    QVERIFY2(m_server->start(m_redis->url()), qPrintable(m_server->errorString()));
    m_aliceToken = m_server->issueToken(QStringLiteral("alice"), QStringLiteral("default"),
                                        QStringLiteral("score,read"));
    QVERIFY(!m_aliceToken.isEmpty());
    m_alice = std::make_unique<TestHttpClient>(m_server->url(), m_aliceToken);
    const QByteArray workerToken =
        m_server->issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    m_worker = std::make_unique<WorkerFixture>(QStringLiteral("echo"), m_server->url(), workerToken);
    QVERIFY(m_worker->start());
    QVERIFY2(m_worker->waitForReady(), m_worker->output().right(2000).constData());
}

void TestLimits::cleanupTestCase()
{
    m_held.clear();
    m_worker.reset();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

void TestLimits::cleanup()
{
    m_held.clear(); // each test starts with the server's counts back at zero (checked where it matters)
}

bool TestLimits::aliceCompletesTask()
{
    const auto response = m_alice->post(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                                        "{\"text\":\"hi\"}", {{"Content-Type", "application/json"}}, 40000);
    if (response.status != 200 || response.json().value("status").toString() != QLatin1String("succeeded")) {
        qWarning("alice's task: %d %s", response.status, response.body.constData());
        return false;
    }
    return true;
}

// An authenticated WebSocket subscribed to stats (so the idle limit leaves it alone).
std::unique_ptr<RawWebSocketClient> TestLimits::heldWebSocket(int from, const QByteArray& token)
{
    auto client = std::make_unique<RawWebSocketClient>(loopback(from));
    if (!client->upgrade(m_server->port(), token)) {
        qInfo("upgrade refused: %s", client->head().left(200).constData());
        return nullptr;
    }
    client->subscribe("stats");
    if (!client->waitFor("\"subscribed\"")) {
        qInfo("no subscription: %s", client->received().left(200).toHex().constData());
        return nullptr;
    }
    return client;
}

void TestLimits::webSocketsPerUser()
{
    const QByteArray bob =
        m_server->issueToken(QStringLiteral("bob"), QStringLiteral("default"), QStringLiteral("read"));
    for (int i = 0; i < kWsPerUser; ++i) {
        auto held = heldWebSocket(2, bob);
        QVERIFY(held);
        m_held.push_back(std::move(held));
    }
    RawWebSocketClient over(loopback(2));
    QVERIFY(over.upgrade(m_server->port(), bob)); // the handshake is the HTTP layer's; the user is the hub's
    QVERIFY(over.waitClosed());
    QByteArray reason;
    QCOMPARE(over.closeCode(&reason), 1013);
    QVERIFY2(reason.contains("too many WebSockets for this user"), reason.constData());

    // Another user is not affected, and alice still completes a task.
    TestWebSocket aliceSocket(m_server->url(), m_aliceToken);
    QVERIFY(aliceSocket.open());
    QVERIFY(aliceSocket.subscribeAndWait(QStringLiteral("stats")));
    QVERIFY(aliceCompletesTask());

    // A socket of bob's closes: bob may open another.
    m_held.back()->abort();
    m_held.pop_back();
    QVERIFY(QTest::qWaitFor([&] { return heldWebSocket(2, bob) != nullptr; }, kWaitMs));
}

void TestLimits::webSocketsPerServer()
{
    std::vector<QByteArray> tokens;
    for (int u = 0; u < 3; ++u)
        tokens.push_back(m_server->issueToken(QStringLiteral("holder%1").arg(u), QStringLiteral("default"),
                                              QStringLiteral("read")));
    // Earlier tests' sockets are gone once the server has seen them close.
    for (int i = 0; i < kWsPerServer; ++i) {
        std::unique_ptr<RawWebSocketClient> held;
        QVERIFY(QTest::qWaitFor(
            [&] { return (held = heldWebSocket(3 + i % 4, tokens[size_t(i / kWsPerUser)])) != nullptr; },
            kWaitMs));
        m_held.push_back(std::move(held));
    }
    RawWebSocketClient over(loopback(8));
    QVERIFY(!over.upgrade(m_server->port(), tokens[2]));
    QCOMPARE(over.httpStatus(), 503);
    QCOMPARE(errorCode(over.head() + over.received()), QStringLiteral("unavailable"));
    QVERIFY(over.head().contains("Retry-After:"));

    QVERIFY(aliceCompletesTask());

    m_held.front()->abort();
    m_held.erase(m_held.begin());
    QVERIFY(QTest::qWaitFor([&] { return heldWebSocket(8, tokens[2]) != nullptr; }, kWaitMs));
}

void TestLimits::idleAuthenticatedWebSocket()
{
    const QByteArray carol =
        m_server->issueToken(QStringLiteral("carol"), QStringLiteral("default"), QStringLiteral("read"));
    TestWebSocket idle(m_server->url(), carol);
    TestWebSocket busy(m_server->url(), carol);
    QVERIFY(idle.open());
    QVERIFY(busy.open());
    QVERIFY(busy.subscribeAndWait(QStringLiteral("stats")));

    QVERIFY(idle.waitForDisconnected(kWaitMs));
    QCOMPARE(idle.closeCode(), 1008);
    QVERIFY2(idle.closeReason().startsWith(QStringLiteral("idle")), qPrintable(idle.closeReason()));
    // The subscribed socket outlives the idle one by more than the idle limit.
    QTest::qWait(2000);
    QVERIFY(busy.isConnected());
    QVERIFY(aliceCompletesTask());
}

void TestLimits::slowBodyHitsTheWholeBodyDeadline()
{
    // Five clients each send one body byte every 200 ms: never idle, never done.
    std::vector<std::unique_ptr<RawWebSocketClient>> slow;
    for (int i = 0; i < 5; ++i) {
        auto client = std::make_unique<RawWebSocketClient>(loopback(10 + i));
        QVERIFY(client->connect(m_server->port()));
        client->send("POST /api/v1/models/echo/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                     m_aliceToken + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
        slow.push_back(std::move(client));
    }
    QTimer drip;
    QObject::connect(&drip, &QTimer::timeout, [&] {
        for (auto& client : slow) {
            if (client->isConnected())
                client->send(" ");
        }
    });
    drip.start(200);
    QVERIFY(aliceCompletesTask());
    for (auto& client : slow) {
        QVERIFY2(client->waitFor("\r\n\r\n", 15000), "no answer to a body that never ends");
        QCOMPARE(client->httpStatus(), 408);
        QVERIFY(client->waitClosed());
    }
    drip.stop();
    QVERIFY(slow.front()->received().contains("request body not received in time"));
}

void TestLimits::slowHeadersHitTheHeaderDeadline()
{
    RawWebSocketClient slow(loopback(15));
    QVERIFY(slow.connect(m_server->port()));
    const QByteArray request = "GET /healthz HTTP/1.1\r\nHost: x\r\n" + QByteArray(400, 'X');
    qsizetype sent = 0;
    QTimer drip;
    QObject::connect(&drip, &QTimer::timeout, [&] {
        if (slow.isConnected() && sent < request.size())
            slow.send(request.mid(sent++, 1));
    });
    drip.start(100);
    QVERIFY(aliceCompletesTask());
    QVERIFY(slow.waitFor("\r\n\r\n", 15000));
    QCOMPARE(slow.httpStatus(), 408);
    QVERIFY(slow.waitClosed());
}

void TestLimits::connectionsPerAddress()
{
    // Opened quickly, well inside the header timeout that would close them.
    for (int i = 0; i < kPerAddress; ++i) {
        auto client = std::make_unique<RawWebSocketClient>(loopback(20));
        QVERIFY(client->connect(m_server->port()));
        m_held.push_back(std::move(client));
    }
    RawWebSocketClient over(loopback(20));
    QVERIFY(over.connect(m_server->port()));
    over.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(over.waitClosed());
    QCOMPARE(over.httpStatus(), 429);
    QCOMPARE(errorCode(over.received()), QStringLiteral("rate_limited"));
    QVERIFY(over.received().contains("too many connections from this address"));

    // Another address is served meanwhile.
    RawWebSocketClient other(loopback(21));
    QVERIFY(other.connect(m_server->port()));
    other.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QVERIFY(other.waitClosed());
    QCOMPARE(other.httpStatus(), 200);
    QVERIFY(aliceCompletesTask());

    // Once they are gone, the address is served again.
    m_held.clear();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            RawWebSocketClient again(loopback(20));
            if (!again.connect(m_server->port()))
                return false;
            again.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return again.waitClosed() && again.httpStatus() == 200;
        }(),
        kWaitMs);
}

void TestLimits::pingFloodCountsPongsInTheSendBudget()
{
    RawWebSocketClient flood(loopback(30));
    QVERIFY(flood.shrinkReceiveWindow());
    const QByteArray token =
        m_server->issueToken(QStringLiteral("flooder"), QStringLiteral("default"), QStringLiteral("read"));
    QVERIFY(flood.upgrade(m_server->port(), token));
    // Up to 32 MiB of pings, written as fast as the server takes them, until it gives up on this peer;
    // alice's task half-way.
    const auto refused = [this] { return m_server->output().contains("does not read its answers"); };
    bool aliceDone = true;
    flood.floodPings(refused, [&](int burst) {
        if (burst == 128)
            aliceDone = aliceCompletesTask();
    });
    QVERIFY(aliceDone);
    // The server's log reaches us through a pipe the event loop reads: the loop above may end (the peer
    // closed) before the line has been read.
    QTRY_VERIFY2_WITH_TIMEOUT(refused(), "the server kept queueing pongs for a peer that reads nothing",
                              kWaitMs);
    // The server gives up on the peer. A close frame (1008) is sent, behind the unread pongs: a peer that
    // does not read may never see it, so it is checked only when it arrives.
    flood.socket().setReadBufferSize(0);
    QByteArray received;
    QVERIFY(QTest::qWaitFor(
        [&] {
            if (flood.socket().isOpen())
                received += flood.socket().readAll();
            return flood.socket().state() == QAbstractSocket::UnconnectedState;
        },
        30000));
    const qsizetype at = received.lastIndexOf("\x88");
    qInfo("after the ping flood: %lld bytes read, close frame %s", qint64(received.size()),
          at >= 0 ? "seen" : "cut off");
    if (at >= 0 && at + 4 <= received.size())
        QCOMPARE((int(quint8(received[at + 2])) << 8) | quint8(received[at + 3]), 1008);
}

void TestLimits::acceptResumesAfterRunningOutOfDescriptors()
{
    const pid_t pid = pid_t(m_server->pid());
    struct rlimit before = {};
    QCOMPARE(::prlimit(pid, RLIMIT_NOFILE, nullptr, &before), 0);
    const int open = openDescriptors(pid);
    QVERIFY(open > 0);
    const struct rlimit tight = {rlim_t(open + 6), before.rlim_max};
    QCOMPARE(::prlimit(pid, RLIMIT_NOFILE, &tight, nullptr), 0);

    // More connections than descriptors left; they send a request each so the server has work to do.
    for (int i = 0; i < 24; ++i) {
        auto client = std::make_unique<RawWebSocketClient>(loopback(40 + i % 4));
        QVERIFY(client->connect(m_server->port())); // the kernel completes it from the backlog
        client->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        m_held.push_back(std::move(client));
    }
    // The server says so, and waits rather than retrying accept() in a loop (Qt 6.4 alone spins a core).
    QTRY_VERIFY_WITH_TIMEOUT(m_server->output().contains("cannot accept connections"), kWaitMs);
    const double cpuBefore = cpuSeconds(pid);
    QTest::qWait(2000);
    const double cpuSpent = cpuSeconds(pid) - cpuBefore;
    qInfo("out of descriptors: the server used %.2f s of CPU in 2 s", cpuSpent);
    QVERIFY2(cpuSpent < 1.0, "the server spins while out of descriptors");
    // The descriptors come back as these clients leave; the limit stays where it is.
    m_held.clear();
    bool served = false;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            RawWebSocketClient fresh(loopback(50));
            if (!fresh.connect(m_server->port()))
                return false;
            fresh.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            served = fresh.waitFor("\r\n\r\n", 2000) && fresh.httpStatus() == 200;
            return served;
        }(),
        15000);
    QCOMPARE(::prlimit(pid, RLIMIT_NOFILE, &before, nullptr), 0);
    QVERIFY(aliceCompletesTask());
}

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
