// Input written to hurt, against a live mmf-server (real redis-server, a real echo worker): slow headers and
// slow bodies from slowhttptest while a normal client completes 100 tasks; framing and smuggling cases over a
// raw socket, each answered once with 400 and closed; an Authorization trailer that must not authenticate;
// WebSocket frames Qt or MMF must refuse (1002, 1007, 1009) and a half-open peer dropped by the server's
// ping; hostile JSON bodies answered 400 with the API error object. The server's memory (VmRSS / VmHWM from
// /proc) is printed after each group; the only bound asserted is a generous one.
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"
#include "WebSocketFrames.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <vector>

using namespace mmf;

namespace {

constexpr int kWaitMs = 10000;
constexpr qint64 kGenerousRssBytes = 1536LL * 1024 * 1024; // a leak or an unbounded buffer, not a wobble

// kB figures of /proc/<pid>/status.
qint64 procStatusKb(qint64 pid, const char* field)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

struct RawResponse
{
    int status = 0;
    QByteArray head;
    QByteArray body;
};

// Complete Content-Length framed responses at the front of `data`.
QList<RawResponse> parseResponses(const QByteArray& data)
{
    QList<RawResponse> out;
    qsizetype pos = 0;
    for (;;) {
        const qsizetype end = data.indexOf("\r\n\r\n", pos);
        if (end < 0)
            break;
        RawResponse r;
        r.head = data.mid(pos, end - pos);
        r.status = r.head.mid(9, 3).toInt();
        qsizetype length = 0;
        for (const QByteArray& line : r.head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (data.size() < end + 4 + length)
            break;
        r.body = data.mid(end + 4, length);
        pos = end + 4 + length;
        out.append(r);
    }
    return out;
}

// Sends bytes on a fresh connection and collects everything until the server closes it.
QByteArray exchange(quint16 port, const QByteArray& bytes, bool* closed)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(kWaitMs))
        return {};
    socket.write(bytes);
    QByteArray received;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { received += socket.readAll(); });
    *closed = QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, kWaitMs);
    received += socket.readAll();
    return received;
}

// A WebSocket client on a raw socket: it never answers pings, and sends whatever bytes it is told.
class RawWebSocket
{
public:
    bool open(quint16 port, const QByteArray& token)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { m_received += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(kWaitMs))
            return false;
        m_socket.write(upgradeRequest(token));
        if (!QTest::qWaitFor([this] { return m_received.contains("\r\n\r\n"); }, kWaitMs))
            return false;
        const bool switched = m_received.startsWith("HTTP/1.1 101");
        m_received.remove(0, m_received.indexOf("\r\n\r\n") + 4);
        return switched;
    }
    void send(const QByteArray& bytes) { m_socket.write(bytes); }
    bool waitClosed(int timeoutMs = kWaitMs)
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; },
                               timeoutMs);
    }
    // The status code of the first close frame the server sent (0: none).
    int closeCode() const { return serverCloseCode(m_received); }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
};

// The highest "connected:" count in slowhttptest's status lines (colour codes between label and number).
int maxConnected(const QByteArray& output)
{
    int best = 0;
    qsizetype at = 0;
    while ((at = output.indexOf("connected:", at)) >= 0) {
        at += 10;
        qsizetype i = at;
        while (i < output.size() && !(output[i] >= '0' && output[i] <= '9') && output[i] != '\n') {
            if (output[i] == '\x1b') { // skip an escape sequence up to its final letter
                while (i < output.size() && !QChar::isLetter(char16_t(output[i])))
                    ++i;
            }
            ++i;
        }
        qsizetype j = i;
        while (j < output.size() && output[j] >= '0' && output[j] <= '9')
            ++j;
        best = qMax(best, output.mid(i, j - i).toInt());
    }
    return best;
}

} // namespace

class TestHostileHttp : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void invalidRequestLine_data();
    void invalidRequestLine();
    void framing_data();
    void framing();
    void trailerDoesNotAuthenticate();
    void webSocketFrames_data();
    void webSocketFrames();
    void halfOpenWebSocketIsDropped();
    void hostileJson_data();
    void hostileJson();
    void slowClientsDoNotStopService();

private:
    void reportMemory(const char* after);

    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<WorkerFixture> m_worker;
    std::unique_ptr<TestHttpClient> m_alice;
    QByteArray m_aliceToken;
};

void TestHostileHttp::initTestCase()
{
    m_redis = std::make_unique<RedisServerFixture>(
        QStringLiteral("test-secret-%1").arg(QCoreApplication::applicationPid()));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    m_server = std::make_unique<ServerFixture>(QStringList{
        QStringLiteral("--ws-ping-interval"), QStringLiteral("0.5"), QStringLiteral("--ws-max-message-bytes"),
        QStringLiteral("65536"), QStringLiteral("--header-timeout"), QStringLiteral("5"),
        // slowhttptest's 500 sockets come from one address (the cap itself is tst_limits')
        QStringLiteral("--max-connections-per-address"), QStringLiteral("2000")});
    QVERIFY2(m_server->start(m_redis->url()), qPrintable(m_server->errorString()));
    m_aliceToken = m_server->issueToken(QStringLiteral("alice"), QStringLiteral("default"),
                                        QStringLiteral("score,read"));
    QVERIFY(!m_aliceToken.isEmpty());
    m_alice = std::make_unique<TestHttpClient>(m_server->url(), m_aliceToken);
    const QByteArray workerToken =
        m_server->issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    m_worker =
        std::make_unique<WorkerFixture>(QStringLiteral("echo"), m_server->url(), workerToken,
                                        QStringList{QStringLiteral("--concurrency"), QStringLiteral("8")});
    QVERIFY(m_worker->start());
    QVERIFY2(m_worker->waitForReady(), m_worker->output().right(2000).constData());
    reportMemory("start");
}

void TestHostileHttp::cleanupTestCase()
{
    m_worker.reset();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

void TestHostileHttp::reportMemory(const char* after)
{
    const qint64 rss = procStatusKb(m_server->pid(), "VmRSS:");
    const qint64 peak = procStatusKb(m_server->pid(), "VmHWM:");
    qInfo("mmf-server memory after %s: VmRSS %lld kB, VmHWM %lld kB", after, rss, peak);
    QVERIFY(rss > 0);
    QVERIFY2(rss * 1024 < kGenerousRssBytes, "the server's memory is out of bounds");
}

void TestHostileHttp::invalidRequestLine_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::newRow("no target, no version") << QByteArray("HELLO\r\n\r\n");
    QTest::newRow("no version") << QByteArray("GET /healthz\r\nHost: x\r\n\r\n");
    QTest::newRow("three parts, bad version") << QByteArray("GET /healthz HTTP/1.x\r\nHost: x\r\n\r\n");
    QTest::newRow("TLS hello") << QByteArray("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", 15);
}

void TestHostileHttp::invalidRequestLine()
{
    QFETCH(QByteArray, request);
    bool closed = false;
    const QList<RawResponse> answers = parseResponses(exchange(m_server->port(), request, &closed));
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers[0].status, 400);
    QVERIFY(closed);
    QCOMPARE(
        QJsonDocument::fromJson(answers[0].body).object().value("error").toObject().value("code").toString(),
        QStringLiteral("invalid_argument"));
}

void TestHostileHttp::framing_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    // Each carries a second request where another parser might see one: only one answer may come back.
    const QByteArray smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    const QByteArray post = "POST /api/v1/models/echo/tasks HTTP/1.1\r\nHost: x\r\n";
    QTest::newRow("CL and TE") << post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
                                      smuggled
                               << 400;
    QTest::newRow("TE and CL") << post + "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n" +
                                      smuggled
                               << 400;
    QTest::newRow("two Content-Lengths")
        << post + "Content-Length: 0\r\nContent-Length: 35\r\n\r\n" + smuggled << 400;
    QTest::newRow("Content-Length list") << post + "Content-Length: 0, 35\r\n\r\n" + smuggled << 400;
    QTest::newRow("Content-Length overflow")
        << post + "Content-Length: 18446744073709551651\r\n\r\n" + smuggled << 400;
    QTest::newRow("chunk size overflow")
        << post + "Transfer-Encoding: chunked\r\n\r\n10000000000000023\r\n" + smuggled << 400;
    QTest::newRow("chunk size not hex")
        << post + "Transfer-Encoding: chunked\r\n\r\n2g\r\nab\r\n0\r\n\r\n" + smuggled << 400;
    QTest::newRow("chunk size with a space")
        << post + "Transfer-Encoding: chunked\r\n\r\n0 \r\n\r\n" + smuggled << 400;
    QTest::newRow("TE not chunked") << post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" +
                                           smuggled
                                    << 400;
    QTest::newRow("TE with a space before the colon")
        << post + "Transfer-Encoding : chunked\r\nContent-Length: 0\r\n\r\n23\r\n" + smuggled << 400;
    QTest::newRow("obs-fold") << post +
                                     "Content-Length: 0\r\nX-Fold: a\r\n Transfer-Encoding: chunked\r\n\r\n" +
                                     smuggled
                              << 400;
    QTest::newRow("bare CR") << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\rX-B: 2\r\n\r\n") +
                                    smuggled
                             << 400;
    QTest::newRow("bare LF") << QByteArray("GET /healthz HTTP/1.1\nHost: x\n\n") + smuggled << 400;
    QTest::newRow("NUL") << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a") + '\0' + "b\r\n\r\n" +
                                smuggled
                         << 400;
    QTest::newRow("no Host") << QByteArray("GET /healthz HTTP/1.1\r\nX-A: b\r\n\r\n") + smuggled << 400;
    QTest::newRow("two Hosts") << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n") + smuggled
                               << 400;
    QTest::newRow("unknown method stays 501")
        << QByteArray("BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n") + smuggled << 501;
}

void TestHostileHttp::framing()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    bool closed = false;
    const QByteArray received = exchange(m_server->port(), request, &closed);
    const QList<RawResponse> answers = parseResponses(received);
    QVERIFY2(answers.size() == 1, received.constData()); // never two answers to one request
    QCOMPARE(answers[0].status, status);
    QVERIFY(answers[0].head.contains("Connection: close"));
    QVERIFY(closed);
    const QJsonObject error = QJsonDocument::fromJson(answers[0].body).object().value("error").toObject();
    QCOMPARE(error.value("code").toString(), QStringLiteral("invalid_argument"));
    QVERIFY(!error.value("message").toString().isEmpty());
}

// Trailers are dropped after the header checks: a token sent as a trailer authenticates nothing.
void TestHostileHttp::trailerDoesNotAuthenticate()
{
    const QByteArray body = "{\"text\":\"trailer\"}";
    const QByteArray request =
        "POST /api/v1/models/echo/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
        QByteArray::number(body.size(), 16) + "\r\n" + body + "\r\n0\r\nAuthorization: Bearer " +
        m_aliceToken + "\r\n\r\n";
    bool closed = false;
    const QList<RawResponse> answers = parseResponses(exchange(m_server->port(), request, &closed));
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers[0].status, 401);
    // The same body with the token as a header is accepted.
    QByteArray asHeader = request;
    asHeader.replace("Connection: close\r\n",
                     "Connection: close\r\nAuthorization: Bearer " + m_aliceToken + "\r\n");
    const QList<RawResponse> accepted = parseResponses(exchange(m_server->port(), asHeader, &closed));
    QCOMPARE(accepted.size(), 1);
    QCOMPARE(accepted[0].status, 202);
}

void TestHostileHttp::webSocketFrames_data()
{
    QTest::addColumn<QByteArray>("frames");
    QTest::addColumn<int>("closeCode");

    QTest::newRow("unmasked text frame") << clientFrame(0x81, "{\"op\":\"ping\"}", false) << 1002;
    QTest::newRow("bad UTF-8 text") << clientFrame(0x81, QByteArray("{\"op\":\"\xc3\x28\"}")) << 1007;
    QTest::newRow("message over the limit") << clientFrame(0x82, QByteArray(70000, 'a')) << 1009;
    QTest::newRow("fragments over the limit")
        << clientFrame(0x01, QByteArray(40000, 'a')) + clientFrame(0x80, QByteArray(40000, 'b')) << 1009;
    QTest::newRow("2^63 length") << QByteArray("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00\x11\x22\x33\x44", 14)
                                 << 1002;
    QTest::newRow("126-byte ping") << QByteArray("\x89\xfe\x00\x7e", 4) + QByteArray(4 + 126, 'p') << 1002;
    QTest::newRow("reserved opcode") << clientFrame(0x83, "x") << 1002;
}

void TestHostileHttp::webSocketFrames()
{
    QFETCH(QByteArray, frames);
    QFETCH(int, closeCode);
    RawWebSocket ws;
    QVERIFY(ws.open(m_server->port(), m_aliceToken));
    ws.send(frames);
    QVERIFY(ws.waitClosed());
    QCOMPARE(ws.closeCode(), closeCode);
    // The server still serves WebSocket clients that behave.
    TestWebSocket good(m_server->url(), m_aliceToken);
    QVERIFY(good.open());
}

// A peer that answers no ping is dropped after two intervals (0.5 s here); a normal client stays.
void TestHostileHttp::halfOpenWebSocketIsDropped()
{
    TestWebSocket good(m_server->url(), m_aliceToken);
    QVERIFY(good.open());
    RawWebSocket silent;
    QVERIFY(silent.open(m_server->port(), m_aliceToken));
    QVERIFY(silent.waitClosed(kWaitMs));
    QTest::qWait(1500); // three ping intervals: the client that answers pings is still there
    QVERIFY(good.isConnected());
}

void TestHostileHttp::hostileJson_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("10,000-deep nesting")
        << "{\"text\":" + QByteArray(10000, '[') + QByteArray(10000, ']') + "}";
    QTest::newRow("10,000-deep objects")
        << QByteArray(10000, '{').replace("{", "{\"point\":") + "{}" + QByteArray(10000, '}');
    QByteArray million = "{\"values\":[";
    million.reserve(2 * 1000 * 1000 + 32);
    for (int i = 0; i < 1000 * 1000; ++i)
        million += "0,";
    million += "\"x\"]}";
    QTest::newRow("a million-element array") << million;
    QTest::newRow("duplicate keys") << QByteArray("{\"text\":\"a\",\"text\":\"b\"}");
    QTest::newRow("bad UTF-8") << QByteArray("{\"text\":\"\xff\xfe\"}");
    QTest::newRow("lone surrogate") << QByteArray("{\"text\":\"\\ud800\"}");
    QTest::newRow("1e400") << QByteArray("{\"f_double\":1e400}");
    QTest::newRow("int64 overflow") << QByteArray("{\"f_int64\":\"9223372036854775808\"}");
    QTest::newRow("int64 overflow as a number") << QByteArray("{\"f_int64\":9223372036854775808}");
    QTest::newRow("int32 overflow") << QByteArray("{\"delay_ms\":2147483648}");
    QTest::newRow("not JSON") << QByteArray("{\"text\":");
}

void TestHostileHttp::hostileJson()
{
    QFETCH(QByteArray, body);
    const auto response = m_alice->post(QStringLiteral("/api/v1/models/echo/tasks"), body,
                                        {{"Content-Type", "application/json"}});
    QCOMPARE(response.status, 400);
    QCOMPARE(response.errorCode(), QStringLiteral("invalid_argument"));
    QVERIFY(!response.json().value("error").toObject().value("message").toString().isEmpty());
    reportMemory(QTest::currentDataTag());
}

// 250 slow-header and 250 slow-body connections (slowhttptest) while a normal client completes 100 tasks.
void TestHostileHttp::slowClientsDoNotStopService()
{
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("slowhttptest"));
    if (tool.isEmpty()) {
        if (qEnvironmentVariableIsSet("MMF_REQUIRE_TOOLS"))
            QFAIL("slowhttptest is not installed (scripts/setup-debian.sh installs it)");
        QSKIP("slowhttptest is not installed");
    }
    const QString base = m_server->url().toString();
    // stdbuf: its status lines come through a pipe as they are printed, not when it exits.
    QProcess headers;
    QProcess bodies;
    headers.setProcessChannelMode(QProcess::MergedChannels);
    bodies.setProcessChannelMode(QProcess::MergedChannels);
    headers.start(QStringLiteral("stdbuf"), {"-oL", tool, "-H", "-c", "250", "-r", "250", "-i", "1", "-x",
                                             "8", "-l", "60", "-p", "5", "-u", base + "/healthz"});
    bodies.start(QStringLiteral("stdbuf"),
                 {"-oL", tool, "-B", "-c", "250", "-r", "250", "-i", "1", "-x", "8", "-s", "65536", "-l",
                  "60", "-p", "5", "-u", base + "/api/v1/models/echo/tasks"});
    QVERIFY(headers.waitForStarted());
    QVERIFY(bodies.waitForStarted());
    // Until each has had at least 100 of its sockets connected at once.
    QByteArray headerOutput, bodyOutput;
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     headerOutput += headers.readAll();
                     bodyOutput += bodies.readAll();
                     return maxConnected(headerOutput) >= 100 && maxConnected(bodyOutput) >= 100;
                 },
                 30000),
             (headerOutput.right(600) + bodyOutput.right(600)).constData());
    int succeeded = 0;
    for (int i = 0; i < 100; ++i) {
        const auto response = m_alice->post(QStringLiteral("/api/v1/models/echo/tasks?wait=30"),
                                            "{\"text\":\"task " + QByteArray::number(i) + "\"}",
                                            {{"Content-Type", "application/json"}}, 40000);
        if (response.status == 200 &&
            response.json().value("status").toString() == QLatin1String("succeeded"))
            ++succeeded;
    }
    const bool stillRunning = headers.state() == QProcess::Running && bodies.state() == QProcess::Running;
    reportMemory("slowhttptest");
    headers.kill(); // it ignores SIGTERM; its status lines so far are enough
    bodies.kill();
    QTRY_VERIFY_WITH_TIMEOUT(
        headers.state() == QProcess::NotRunning && bodies.state() == QProcess::NotRunning, kWaitMs);
    headerOutput += headers.readAll();
    bodyOutput += bodies.readAll();
    qInfo("slowhttptest: at most %d slow-header and %d slow-body sockets connected at once",
          maxConnected(headerOutput), maxConnected(bodyOutput));
    qInfo("100 tasks done while the attack was %s", stillRunning ? "still running" : "over");
    QCOMPARE(succeeded, 100);
    QCOMPARE(m_alice->get(QStringLiteral("/healthz")).status, 200);
}

QTEST_MAIN(TestHostileHttp)
#include "tst_hostile_http.moc"
