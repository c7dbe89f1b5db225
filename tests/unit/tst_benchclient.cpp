// mmf-bench's client pieces: the HTTP/1.1 response parser, the pipelined connection over a real socket, the
// top-level JSON scanner, latency percentiles, /proc parsing, INFO commandstats parsing, configuration and
// the report lines.
#include "tools/BenchConfig.h"
#include "tools/BenchConnection.h"
#include "tools/BenchProcesses.h"
#include "tools/BenchReport.h"
#include "tools/HttpResponseParser.h"
#include "tools/IdleConnections.h"
#include "tools/JsonScan.h"
#include "tools/LatencyLog.h"
#include "tools/LatencyStats.h"
#include "tools/ProcStats.h"
#include "tools/RedisCommandStats.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace mmf;

class TestBenchClient : public QObject
{
    Q_OBJECT

private slots:
    void parsesOneResponse();
    void splitAtEveryByte_data();
    void splitAtEveryByte();
    void pipelinedResponsesInOrder();
    void chunkedBody();
    void skipsInformationalResponses();
    void noBodyStatuses();
    void connectionClose();
    void refusesMalformed_data();
    void refusesMalformed();
    void staysFailedUntilReset();

    void connectionPipelinesOverSocket();
    void connectionReportsLostRequests();

    void jsonScan_data();
    void jsonScan();
    void jsonScanRejects_data();
    void jsonScanRejects();

    void percentiles_data();
    void percentiles();
    void percentilesOfShuffledSamples();

    void procStat();
    void procStatus();
    void procSampleOfThisProcess();
    void childProcesses();
    void forkedCpuCountsChildrenThatEnded();
    void descendantsCpuCountsGrandchildren();
    void childNames();

    void commandStats();
    void commandStatsRejects_data();
    void commandStatsRejects();

    void configDefaultsAndModes();
    void configErrors_data();
    void configErrors();
    void configNewModesAndOptions();
    void idleConnectionsAreHeldAndCounted();
    void latencyLogLines();
    void redisConfigReadsPasswordFile();
    void requestBodies();
    void summaryLine();
    void summaryLineWithProcesses();
    void commandsLine();
    void infoIntegerField_data();
    void infoIntegerField();
    void subscribersLine();
};

namespace {

const QByteArray kAcceptedBody = R"({"task_id":"t-000001","status":"queued"})";
const QByteArray kAccepted = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: " +
                             QByteArray::number(kAcceptedBody.size()) + "\r\n\r\n" + kAcceptedBody;

QByteArray response(int status, const QByteArray& body)
{
    return "HTTP/1.1 " + QByteArray::number(status) +
           " X\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QList<HttpResponseParser::Response> drain(HttpResponseParser& parser)
{
    QList<HttpResponseParser::Response> out;
    HttpResponseParser::Response r;
    while (parser.take(r))
        out.append(r);
    return out;
}

} // namespace

void TestBenchClient::parsesOneResponse()
{
    HttpResponseParser parser;
    QVERIFY(parser.feed(kAccepted.left(kAccepted.size() - 1)));
    QCOMPARE(parser.completed(), 0);
    QVERIFY(parser.feed(kAccepted.right(1)));
    const auto responses = drain(parser);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).status, 202);
    QCOMPARE(responses.at(0).body, QByteArray(R"({"task_id":"t-000001","status":"queued"})"));
    QVERIFY(!responses.at(0).close);
}

void TestBenchClient::splitAtEveryByte_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QList<int>>("statuses");
    QTest::addColumn<QByteArrayList>("bodies");
    const QByteArray chunked =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n";
    QTest::newRow("content-length then chunked then 429")
        << kAccepted + chunked + response(429, R"({"error":{"code":"rate_limited"}})")
        << QList<int>{202, 200, 429}
        << QByteArrayList{R"({"task_id":"t-000001","status":"queued"})", "Wikipedia in \r\n\r\nchunks.",
                          R"({"error":{"code":"rate_limited"}})"};
    QTest::newRow("LF-only lines and empty body")
        << QByteArray("HTTP/1.1 200 OK\nContent-Length: 0\n\nHTTP/1.1 201 Created\ncontent-length: 2\n\nok")
        << QList<int>{200, 201} << QByteArrayList{"", "ok"};
}

void TestBenchClient::splitAtEveryByte()
{
    QFETCH(QByteArray, stream);
    QFETCH(QList<int>, statuses);
    QFETCH(QByteArrayList, bodies);
    // Every split point (two reads), and byte by byte: the parse must not depend on how TCP cuts the stream.
    for (qsizetype split = 0; split <= stream.size(); ++split) {
        HttpResponseParser parser;
        QVERIFY(parser.feed(stream.left(split)));
        QVERIFY(parser.feed(stream.mid(split)));
        const auto responses = drain(parser);
        QCOMPARE(responses.size(), statuses.size());
        for (qsizetype i = 0; i < responses.size(); ++i) {
            QCOMPARE(responses.at(i).status, statuses.at(i));
            QCOMPARE(responses.at(i).body, bodies.at(i));
        }
    }
    HttpResponseParser parser;
    for (char c : stream)
        QVERIFY(parser.feed(&c, 1));
    QCOMPARE(drain(parser).size(), statuses.size());
}

void TestBenchClient::pipelinedResponsesInOrder()
{
    HttpResponseParser parser;
    QByteArray stream;
    for (int i = 0; i < 200; ++i)
        stream += response(202, R"({"task_id":"t)" + QByteArray::number(i) + R"("})");
    // In uneven pieces, as a busy socket delivers them.
    for (qsizetype pos = 0; pos < stream.size(); pos += 1237)
        QVERIFY(parser.feed(stream.mid(pos, 1237)));
    const auto responses = drain(parser);
    QCOMPARE(responses.size(), 200);
    for (int i = 0; i < 200; ++i)
        QCOMPARE(JsonScan::topLevelString(responses.at(i).body, "task_id"), "t" + QByteArray::number(i));
}

void TestBenchClient::chunkedBody()
{
    HttpResponseParser parser;
    QVERIFY(parser.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                        "a\r\n0123456789\r\n0\r\n\r\n"));
    // "gzip, chunked" is still chunked framing; decoding the content is not the parser's job.
    const auto responses = drain(parser);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).body, QByteArray("0123456789"));
}

void TestBenchClient::skipsInformationalResponses()
{
    HttpResponseParser parser;
    QVERIFY(parser.feed("HTTP/1.1 100 Continue\r\n\r\n" + kAccepted));
    const auto responses = drain(parser);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).status, 202);
}

void TestBenchClient::noBodyStatuses()
{
    HttpResponseParser parser;
    QVERIFY(parser.feed("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n" +
                        kAccepted));
    const auto responses = drain(parser);
    QCOMPARE(responses.size(), 3);
    QCOMPARE(responses.at(0).status, 204);
    QVERIFY(responses.at(0).body.isEmpty());
    QCOMPARE(responses.at(1).status, 304);
    QCOMPARE(responses.at(2).status, 202);
}

void TestBenchClient::connectionClose()
{
    HttpResponseParser parser;
    QVERIFY(parser.feed("HTTP/1.1 503 X\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
                        "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"
                        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"));
    const auto responses = drain(parser);
    QCOMPARE(responses.size(), 3);
    QVERIFY(responses.at(0).close);
    QVERIFY(responses.at(1).close);
    QVERIFY(!responses.at(2).close);
}

void TestBenchClient::refusesMalformed_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("read until close")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbody") << "without Content-Length";
    QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n") << "bad status line";
    QTest::newRow("bad code") << QByteArray("HTTP/1.1 2x2 OK\r\n") << "bad status code";
    QTest::newRow("bad content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n") << "bad Content-Length";
    QTest::newRow("conflicting content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")
        << "bad Content-Length";
    QTest::newRow("header without colon")
        << QByteArray("HTTP/1.1 200 OK\r\nnonsense\r\n\r\n") << "bad header line";
    QTest::newRow("unknown transfer coding")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")
        << "unsupported Transfer-Encoding";
    QTest::newRow("bad chunk size") << QByteArray(
                                           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                    << "bad chunk size";
    QTest::newRow("chunk without CRLF")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n")
        << "not followed by CRLF";
    QTest::newRow("huge headers") << "HTTP/1.1 200 OK\r\nX-Big: " + QByteArray(70'000, 'a') << "longer than";
    QTest::newRow("huge body") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n")
                               << "body larger than";
}

void TestBenchClient::refusesMalformed()
{
    QFETCH(QByteArray, stream);
    QFETCH(QString, messagePart);
    HttpResponseParser parser;
    QVERIFY(!parser.feed(stream));
    QVERIFY(parser.failed());
    QVERIFY2(parser.error().contains(messagePart), qPrintable(parser.error()));
    QCOMPARE(parser.completed(), 0);
}

void TestBenchClient::staysFailedUntilReset()
{
    HttpResponseParser parser;
    QVERIFY(!parser.feed("garbage\r\n"));
    QVERIFY(!parser.feed(kAccepted));
    QCOMPARE(parser.completed(), 0);
    parser.reset();
    QVERIFY(parser.feed(kAccepted));
    QCOMPARE(parser.completed(), 1);
}

void TestBenchClient::connectionPipelinesOverSocket()
{
    // A real loopback server that answers each request only after several have arrived, in odd-sized writes.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket* peer = nullptr;
    QByteArray received;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        peer = server.nextPendingConnection();
        connect(peer, &QTcpSocket::readyRead, this, [&] {
            received += peer->readAll();
            const int requests = int(received.count("\r\n\r\n"));
            if (requests == 5) {
                QByteArray answers;
                for (int i = 0; i < 5; ++i)
                    answers += response(202, R"({"task_id":"id)" + QByteArray::number(i) + R"("})");
                for (qsizetype pos = 0; pos < answers.size(); pos += 7)
                    peer->write(answers.mid(pos, 7));
            }
        });
    });

    QElapsedTimer clock;
    clock.start();
    QList<QByteArray> ids;
    QList<qint64> written;
    QList<int> tasks;
    BenchConnection connection(clock, [&](const HttpResponseParser::Response& r, qint64 ns, int n) {
        ids.append(JsonScan::topLevelString(r.body, "task_id"));
        written.append(ns);
        tasks.append(n);
    });
    QSignalSpy connected(&connection, &BenchConnection::connected);
    connection.connectTo(QStringLiteral("127.0.0.1"), server.serverPort());
    QVERIFY(connected.wait(5000));
    const QByteArray request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    for (int i = 0; i < 5; ++i)
        connection.send(request, i + 1);
    connection.flush();
    QCOMPARE(connection.inFlight(), 5);
    QTRY_COMPARE_WITH_TIMEOUT(ids.size(), 5, 5000);
    QCOMPARE(ids, (QList<QByteArray>{"id0", "id1", "id2", "id3", "id4"}));
    QCOMPARE(tasks, (QList<int>{1, 2, 3, 4, 5}));
    QVERIFY(std::is_sorted(written.begin(), written.end()));
    QCOMPARE(connection.inFlight(), 0);
}

void TestBenchClient::connectionReportsLostRequests()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    connect(&server, &QTcpServer::newConnection, this, [&] {
        QTcpSocket* peer = server.nextPendingConnection();
        connect(peer, &QTcpSocket::readyRead, peer, [peer] {
            peer->readAll();
            peer->write(response(202, R"({"task_id":"only"})"));
            peer->disconnectFromHost(); // answers one, drops the rest
        });
    });
    QElapsedTimer clock;
    clock.start();
    int answered = 0;
    BenchConnection connection(clock, [&](const HttpResponseParser::Response&, qint64, int) { ++answered; });
    QSignalSpy connected(&connection, &BenchConnection::connected);
    QSignalSpy lost(&connection, &BenchConnection::lost);
    connection.connectTo(QStringLiteral("127.0.0.1"), server.serverPort());
    QVERIFY(connected.wait(5000));
    connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1);
    connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 10);
    connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 100);
    connection.flush();
    QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, 5000);
    QCOMPARE(answered, 1);
    QCOMPARE(lost.at(0).at(1).toInt(), 110);
    QCOMPARE(connection.inFlight(), 0);
    // Reported once, even though the socket signals both an error and a disconnect.
    QTest::qWait(50);
    QCOMPARE(lost.size(), 1);
}

void TestBenchClient::jsonScan_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QByteArray>("taskId");
    QTest::addColumn<QByteArray>("status");
    QTest::newRow("result push")
        << QByteArray(
               R"({"type":"result","task_id":"t1","status":"succeeded","result":{"text":"x"},"error":null})")
        << QByteArray("result") << QByteArray("t1") << QByteArray("succeeded");
    QTest::newRow("nested status is not top level")
        << QByteArray(
               R"({"type":"result","result":{"status":"nested","list":[{"task_id":"no"}]},"task_id":"t2","status":"failed"})")
        << QByteArray("result") << QByteArray("t2") << QByteArray("failed");
    QTest::newRow("spaces and numbers")
        << QByteArray(" { \"seq\" : 12 , \"type\" : \"log\" , \"ok\": true, \"task_id\": \"t3\" } ")
        << QByteArray("log") << QByteArray("t3") << QByteArray();
    QTest::newRow("escapes in values")
        << QByteArray(R"({"text":"say \"type\":\"result\"","type":"log","task_id":"a\/b\u00e9\ud83d\ude00"})")
        << QByteArray("log") << QByteArray("a/b\xc3\xa9\xf0\x9f\x98\x80") << QByteArray();
    QTest::newRow("non-string value") << QByteArray(R"({"type":"status","status":3})") << QByteArray("status")
                                      << QByteArray() << QByteArray();
    QTest::newRow("empty object") << QByteArray("{}") << QByteArray() << QByteArray() << QByteArray();
}

void TestBenchClient::jsonScan()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, type);
    QFETCH(QByteArray, taskId);
    QFETCH(QByteArray, status);
    QByteArray values[3];
    QVERIFY(JsonScan::topLevelStrings(json, {"type", "task_id", "status"}, values));
    QCOMPARE(values[0], type);
    QCOMPARE(values[1], taskId);
    QCOMPARE(values[2], status);
}

void TestBenchClient::jsonScanRejects_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("array") << QByteArray(R"(["type","x"])");
    QTest::newRow("truncated") << QByteArray(R"({"type":"res)");
    QTest::newRow("missing colon") << QByteArray(R"({"type" "x"})");
    QTest::newRow("unclosed nested") << QByteArray(R"({"result":{"a":[1,2})");
    QTest::newRow("empty") << QByteArray();
}

void TestBenchClient::jsonScanRejects()
{
    QFETCH(QByteArray, json);
    QByteArray value;
    QVERIFY(!JsonScan::topLevelStrings(json, {"type"}, &value));
    QVERIFY(value.isNull());
}

void TestBenchClient::percentiles_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<double>("p");
    QTest::addColumn<double>("expectedMs");
    // Samples 1..n ms: nearest rank gives ceil(p/100 · n) ms.
    QTest::newRow("p50 of 100") << 100 << 50.0 << 50.0;
    QTest::newRow("p99 of 100") << 100 << 99.0 << 99.0;
    QTest::newRow("p100 of 100") << 100 << 100.0 << 100.0;
    QTest::newRow("p0 is the minimum") << 100 << 0.0 << 1.0;
    QTest::newRow("p99.9 of 1000") << 1000 << 99.9 << 999.0;
    QTest::newRow("p99.9 of 100 is the max") << 100 << 99.9 << 100.0;
    QTest::newRow("p50 of 3") << 3 << 50.0 << 2.0;
    QTest::newRow("p99 of 1") << 1 << 99.0 << 1.0;
    QTest::newRow("p50 of 4 rounds up rank") << 4 << 50.0 << 2.0;
    QTest::newRow("p51 of 4") << 4 << 51.0 << 3.0;
    QTest::newRow("empty") << 0 << 50.0 << 0.0;
}

void TestBenchClient::percentiles()
{
    QFETCH(int, n);
    QFETCH(double, p);
    QFETCH(double, expectedMs);
    LatencyStats stats;
    for (int i = n; i >= 1; --i) // descending: the stats must sort
        stats.add(qint64(i) * 1'000'000);
    QCOMPARE(stats.count(), n);
    QCOMPARE(stats.percentileMs(p), expectedMs);
}

void TestBenchClient::percentilesOfShuffledSamples()
{
    LatencyStats stats;
    // 10 000 samples: 9 900 fast (1 ms) and 100 slow (500 ms), interleaved.
    for (int i = 0; i < 10'000; ++i)
        stats.add(i % 100 == 7 ? 500'000'000 : 1'000'000);
    QCOMPARE(stats.percentileMs(50), 1.0);
    QCOMPARE(stats.percentileMs(99), 1.0);
    QCOMPARE(stats.percentileMs(99.01), 500.0);
    QCOMPARE(stats.percentileMs(99.9), 500.0);
    QCOMPARE(stats.maxMs(), 500.0);
    QVERIFY(qAbs(stats.meanMs() - (9'900 * 1.0 + 100 * 500.0) / 10'000) < 1e-9);
    stats.add(2'000'000'000); // adding after a percentile re-sorts
    QCOMPARE(stats.maxMs(), 2000.0);
}

void TestBenchClient::procStat()
{
    // A command with spaces and a ')' of its own: fields count from the last ')'.
    const QByteArray stat =
        "4242 (mmf (srv) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 3 4 20 0 9 0 100 "
        "200000000 5000 18446744073709551615\n";
    const Result<double> cpu = ProcStats::parseCpuSeconds(stat, 100);
    QVERIFY(cpu.ok());
    QCOMPARE(*cpu, 3.0);
    const Result<double> children = ProcStats::parseChildrenCpuSeconds(stat, 100); // cutime 3 + cstime 4
    QVERIFY(children.ok());
    QCOMPARE(*children, 0.07);
    // utime and stime, but the line ends before cutime and cstime.
    const QByteArray shortStat = "1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12";
    QVERIFY(ProcStats::parseCpuSeconds(shortStat, 100).ok());
    QVERIFY(!ProcStats::parseChildrenCpuSeconds(shortStat, 100).ok());
    QCOMPARE(*ProcStats::parseCommand(stat), QByteArray("mmf (srv) x"));
    QVERIFY(!ProcStats::parseCommand("4242 no parentheses").ok());
    QVERIFY(!ProcStats::parseCpuSeconds("garbage", 100).ok());
    QVERIFY(!ProcStats::parseCpuSeconds("1 (x) S 1 2", 100).ok());
}

void TestBenchClient::procStatus()
{
    const QByteArray status =
        "Name:\tmmf-server\nVmPeak:\t  300000 kB\nVmHWM:\t   81234 kB\nVmRSS:\t   51200 kB\n";
    QCOMPARE(*ProcStats::parseStatusKb(status, "VmRSS"), qint64(51200));
    QCOMPARE(*ProcStats::parseStatusKb(status, "VmHWM"), qint64(81234));
    QCOMPARE(ProcStats::parseStatusKb(status, "VmSwap").error().code, ErrorCode::NotFound);
    // "VmRSSx" must not match "VmRSS".
    QCOMPARE(ProcStats::parseStatusKb("VmRSSx: 1 kB\n", "VmRSS").error().code, ErrorCode::NotFound);
}

void TestBenchClient::procSampleOfThisProcess()
{
    const Result<ProcSample> sample = ProcStats::sample(qint64(getpid()));
    QVERIFY(sample.ok());
    QVERIFY(sample->rssKb > 0);
    QVERIFY(sample->peakRssKb >= sample->rssKb);
    QVERIFY(sample->cpuSeconds >= 0);
    QCOMPARE(sample->command, QByteArray("tst_benchclient"));
    QCOMPARE(ProcStats::sample(999'999'999).error().code, ErrorCode::NotFound);
}

void TestBenchClient::childProcesses()
{
    // This test process stands in for the server, a real child for its embedded Redis.
    QProcess child;
    child.start(QStringLiteral("sleep"), {QStringLiteral("30")});
    QVERIFY(child.waitForStarted(5000));
    QVERIFY(ProcStats::childPids(qint64(getpid())).contains(child.processId()));

    BenchProcesses processes(qint64(getpid()), {child.processId()}, qint64(getpid()));
    QVERIFY(processes.sampleBefore().ok());
    processes.sampleAfter();
    QStringList names;
    for (const ProcUsage& usage : processes.usage())
        names << usage.name;
    // The server's children first, then the server, the workers and the client.
    QCOMPARE(names, (QStringList{"sleep", "server", "worker1", "client"}));
    const ProcUsage& client = processes.usage().last();
    QVERIFY(client.cpuAfterS >= client.cpuBeforeS);
    QVERIFY(client.rssAfterKb > 0);
    QVERIFY(!client.gone);

    child.kill();
    QVERIFY(child.waitForFinished(5000));
    processes.sampleAfter();
    QVERIFY(processes.usage().at(0).gone);
    QVERIFY(processes.usage().at(2).gone); // the same process as "worker1"
    QVERIFY(!processes.usage().at(1).gone);

    BenchProcesses missing(0, {999'999'999}, 0);
    const Result<void> before = missing.sampleBefore();
    QCOMPARE(before.error().code, ErrorCode::NotFound);
    QVERIFY(before.error().message.contains(QStringLiteral("worker1")));
}

void TestBenchClient::forkedCpuCountsChildrenThatEnded()
{
    // This process stands in for Redis, a shell that does some arithmetic for its AOF rewrite.
    const Result<double> before = BenchProcesses::descendantsCpuSeconds(qint64(getpid()));
    QVERIFY(before.ok());
    QProcess child;
    child.start(QStringLiteral("sh"),
                {QStringLiteral("-c"), QStringLiteral("i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done")});
    QVERIFY(child.waitForStarted(5000));
    QVERIFY(child.waitForFinished(120000)); // waited for: its CPU is now this process's cutime + cstime
    const Result<double> after = BenchProcesses::descendantsCpuSeconds(qint64(getpid()));
    QVERIFY(after.ok());
    // 300,000 shell iterations take far more than the 10 ms a tick counts.
    QVERIFY2(*after - *before >= 0.02, qPrintable(QStringLiteral("%1 -> %2").arg(*before).arg(*after)));
    QCOMPARE(BenchProcesses::descendantsCpuSeconds(999'999'999).error().code, ErrorCode::NotFound);
}

void TestBenchClient::descendantsCpuCountsGrandchildren()
{
    // A "worker" (a shell) whose child runs on: the child's own child burnt the CPU and was waited for, so
    // only the child's cutime holds it.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString marker = dir.filePath(QStringLiteral("busy-done"));
    QProcess worker;
    worker.start(QStringLiteral("sh"),
                 {QStringLiteral("-c"),
                  QStringLiteral("exec 3<&0; ((i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done); "
                                 "touch '%1'; exec cat <&3) & wait")
                      .arg(marker)});
    QVERIFY(worker.waitForStarted(5000));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(marker), 120000);
    const Result<double> cpu = BenchProcesses::descendantsCpuSeconds(worker.processId());
    QVERIFY(cpu.ok());
    QVERIFY2(*cpu >= 0.02, qPrintable(QString::number(*cpu)));

    BenchProcesses processes(0, {worker.processId()}, 0);
    QVERIFY(processes.sampleBefore().ok());
    QStringList names;
    for (const ProcUsage& usage : processes.usage())
        names << usage.name;
    QCOMPARE(names, (QStringList{"worker1", "worker1_models"}));
    QVERIFY(processes.usage().at(1).forks);
    QVERIFY(processes.usage().at(1).cpuBeforeS >= 0.02);
    // The memory of the processes below (the shell's background job and its cat), reported beside the CPU.
    QVERIFY(!processes.usage().at(1).noRss);
    QVERIFY2(processes.usage().at(1).rssBeforeKb > 0,
             qPrintable(QString::number(processes.usage().at(1).rssBeforeKb)));
    worker.closeWriteChannel(); // EOF for the grandchild's cat: the whole tree ends
    QVERIFY(worker.waitForFinished(5000));
}

void TestBenchClient::childNames()
{
    QCOMPARE(BenchProcesses::childName("redis-server"), QStringLiteral("redis"));
    // Redis retitles itself ("redis-server *:0"); comm keeps the first 15 bytes of that.
    QCOMPARE(BenchProcesses::childName("redis-server *:"), QStringLiteral("redis"));
    QCOMPARE(BenchProcesses::childName("mmf-worker"), QStringLiteral("mmf-worker"));
}

void TestBenchClient::commandStats()
{
    // As Redis 7.0 answers INFO commandstats: \r\n line ends, a section header, sub-commands with '|'.
    const QByteArray info = "# Commandstats\r\n"
                            "cmdstat_xadd:calls=4000,usec=20000,usec_per_call=5.00,rejected_calls=0,"
                            "failed_calls=0\r\n"
                            "cmdstat_evalsha:calls=3000,usec=75000,usec_per_call=25.00,rejected_calls=0,"
                            "failed_calls=2\r\n"
                            "cmdstat_client|setname:calls=3,usec=3,usec_per_call=1.00,rejected_calls=0,"
                            "failed_calls=0\r\n"
                            "cmdstat_FCALL:calls=1000,usec=20000,usec_per_call=20.00\r\n"
                            "\r\n";
    const Result<QList<CommandStat>> stats = RedisCommandStats::parse(info);
    QVERIFY(stats.ok());
    QCOMPARE(stats->size(), 4);
    QCOMPARE(stats->at(0).name, QByteArray("xadd"));
    QCOMPARE(stats->at(0).calls, qint64(4000));
    QCOMPARE(stats->at(0).usec, qint64(20000));
    QCOMPARE(stats->at(2).name, QByteArray("client|setname"));
    QCOMPARE(stats->at(3).name, QByteArray("fcall"));

    const QList<CommandStat> sorted = RedisCommandStats::byTime(*stats);
    QList<QByteArray> order;
    for (const CommandStat& stat : sorted)
        order << stat.name;
    // Equal time: more calls first.
    QCOMPARE(order, (QList<QByteArray>{"evalsha", "xadd", "fcall", "client|setname"}));

    QVERIFY(RedisCommandStats::parse("").ok());
    QVERIFY(RedisCommandStats::parse("# Commandstats\r\n")->isEmpty());
}

void TestBenchClient::commandStatsRejects_data()
{
    QTest::addColumn<QByteArray>("info");
    QTest::newRow("no calls") << QByteArray("cmdstat_get:usec=5\r\n");
    QTest::newRow("no usec") << QByteArray("cmdstat_get:calls=5\r\n");
    QTest::newRow("not a number") << QByteArray("cmdstat_get:calls=x,usec=5\r\n");
    QTest::newRow("no colon") << QByteArray("cmdstat_get calls=1,usec=5\r\n");
    QTest::newRow("no name") << QByteArray("cmdstat_:calls=1,usec=5\r\n");
}

void TestBenchClient::commandStatsRejects()
{
    QFETCH(QByteArray, info);
    const Result<QList<CommandStat>> stats = RedisCommandStats::parse(info);
    QVERIFY(!stats.ok());
    QCOMPARE(stats.error().code, ErrorCode::InvalidArgument);
    QVERIFY(stats.error().message.contains(QStringLiteral("cmdstat_")));
}

void TestBenchClient::configDefaultsAndModes()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("MMF_TOKEN"), QStringLiteral("envtoken"));
    Result<BenchConfig> config = BenchConfig::parse({}, env);
    QVERIFY(config.ok());
    QCOMPARE(config->server, QUrl(QStringLiteral("http://127.0.0.1:8080")));
    QCOMPARE(config->token, QStringLiteral("envtoken"));
    QCOMPARE(config->mode, BenchMode::Throughput);
    QCOMPARE(config->model, QStringLiteral("echo"));
    QCOMPARE(config->window, 16);

    config = BenchConfig::parse({"--mode", "batch", "--batch-size=50", "--tasks", "20000"}, env);
    QVERIFY(config.ok());
    QCOMPARE(config->mode, BenchMode::Batch);
    QCOMPARE(config->batchSize, 50);
    QCOMPARE(config->tasks, 20000);
    QCOMPARE(config->window, 2);
    config = BenchConfig::parse({"--mode", "batch", "--window", "8"}, env);
    QCOMPARE(config->window, 8); // an explicit window wins over the mode's default

    config = BenchConfig::parse({"--mode", "latency", "--rate", "250.5", "--connections", "8", "--server-pid",
                                 "77", "--token", "flag", "--server", "http://h:9/prefix"},
                                env);
    QVERIFY(config.ok());
    QCOMPARE(config->connections, 1); // latency mode measures one connection
    QCOMPARE(config->rate, 250.5);
    QCOMPARE(config->serverPid, qint64(77));
    QCOMPARE(config->token, QStringLiteral("flag"));
    QVERIFY(BenchConfig::parse({"--help"}, {})->help);
    QVERIFY(BenchConfig::helpText().contains(QStringLiteral("--payload-bytes")));
}

void TestBenchClient::configErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("field");
    QTest::newRow("no token") << QStringList{"--server", "http://h:1"} << "token";
    QTest::newRow("bad mode") << QStringList{"--token", "t", "--mode", "fast"} << "mode";
    QTest::newRow("zero tasks") << QStringList{"--token", "t", "--tasks", "0"} << "tasks";
    QTest::newRow("https") << QStringList{"--token", "t", "--server", "https://h"} << "server";
    QTest::newRow("negative rate") << QStringList{"--token", "t", "--rate", "-5"} << "rate";
    QTest::newRow("unknown option") << QStringList{"--token", "t", "--turbo", "1"} << "turbo";
    QTest::newRow("missing value") << QStringList{"--token"} << "token";
    QTest::newRow("bad pid") << QStringList{"--token", "t", "--server-pid", "x"} << "server-pid";
    QTest::newRow("wait too long") << QStringList{"--token", "t", "--mode", "wait", "--wait", "61"} << "wait";
    QTest::newRow("subscribers without server pid")
        << QStringList{"--token", "t", "--mode", "subscribers"} << "server-pid";
    QTest::newRow("no subscribers") << QStringList{"--token", "t", "--subscribers", "0"} << "subscribers";
    QTest::newRow("bad worker pids") << QStringList{"--token", "t", "--worker-pids", "1,x"} << "worker-pids";
    QTest::newRow("empty worker pid") << QStringList{"--token", "t", "--worker-pids", "1,"} << "worker-pids";
    QTest::newRow("password file without redis")
        << QStringList{"--token", "t", "--redis-password-file", "/p"} << "redis-password-file";
    QTest::newRow("empty latency log") << QStringList{"--token", "t", "--latency-log="} << "latency-log";
    QTest::newRow("negative idle connections")
        << QStringList{"--token", "t", "--idle-connections", "-1"} << "idle-connections";
    QTest::newRow("idle connections of subscribers")
        << QStringList{"--token", "t", "--mode", "subscribers", "--server-pid", "1", "--idle-connections",
                       "5"}
        << "idle-connections";
    QTest::newRow("latency log of subscribers")
        << QStringList{"--token", "t", "--mode", "subscribers", "--server-pid", "1", "--latency-log", "/l"}
        << "latency-log";
}

void TestBenchClient::configErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, field);
    const Result<BenchConfig> config = BenchConfig::parse(args, {});
    QVERIFY(!config.ok());
    QCOMPARE(config.error().field, field);
}

void TestBenchClient::configNewModesAndOptions()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("MMF_TOKEN"), QStringLiteral("t"));
    Result<BenchConfig> config = BenchConfig::parse({"--mode", "wait"}, env);
    QVERIFY(config.ok());
    QCOMPARE(config->mode, BenchMode::Wait);
    QCOMPARE(config->connections, 64); // the closed loop of issue 15: 64 connections, one request each
    QCOMPARE(config->window, 1);
    QCOMPARE(config->waitS, 10);
    QCOMPARE(BenchConfig::modeName(config->mode), QStringLiteral("wait"));
    config = BenchConfig::parse({"--mode", "wait", "--connections", "8", "--wait", "3"}, env);
    QCOMPARE(config->connections, 8);
    QCOMPARE(config->waitS, 3);

    config = BenchConfig::parse({"--mode", "subscribers", "--subscribers", "500", "--server-pid", "9"}, env);
    QVERIFY(config.ok());
    QCOMPARE(config->mode, BenchMode::Subscribers);
    QCOMPARE(config->subscribers, 500);
    QCOMPARE(BenchConfig::modeName(config->mode), QStringLiteral("subscribers"));

    config = BenchConfig::parse({"--worker-pids", "11,12, 13", "--redis", "unix:///tmp/r.sock",
                                 "--redis-password-file", "/nonexistent"},
                                env);
    QVERIFY(config.ok());
    QCOMPARE(config->workerPids, (QList<qint64>{11, 12, 13}));
    QCOMPARE(config->redisUrl, QStringLiteral("unix:///tmp/r.sock"));
    QCOMPARE(config->redisPasswordFile, QStringLiteral("/nonexistent"));
    QVERIFY(BenchConfig::helpText().contains(QStringLiteral("--redis-password-file")));

    config = BenchConfig::parse({"--mode", "latency", "--latency-log", "/tmp/l.txt"}, env);
    QVERIFY(config.ok());
    QCOMPARE(config->latencyLog, QStringLiteral("/tmp/l.txt"));
    QCOMPARE(config->idleConnections, 0);
    config = BenchConfig::parse({"--mode", "wait", "--idle-connections", "10000"}, env);
    QVERIFY(config.ok());
    QCOMPARE(config->idleConnections, 10'000);
    QVERIFY(BenchConfig::helpText().contains(QStringLiteral("--idle-connections")));
    QVERIFY(BenchConfig::helpText().contains(QStringLiteral("--latency-log")));
}

void TestBenchClient::idleConnectionsAreHeldAndCounted()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    std::vector<QTcpSocket*> accepted;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket* socket = server.nextPendingConnection())
            accepted.push_back(socket);
    });
    IdleConnections idle;
    QSignalSpy settled(&idle, &IdleConnections::settled);
    idle.open(QStringLiteral("127.0.0.1"), server.serverPort(), 20);
    QVERIFY(settled.wait(10'000));
    QCOMPARE(idle.connected(), 20);
    QCOMPARE(idle.failed(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(int(accepted.size()), 20, 10'000);
    for (int i = 0; i < 3; ++i)
        accepted.at(size_t(i))->close(); // the server lets three go
    QTRY_COMPARE_WITH_TIMEOUT(idle.closedByServer(), 3, 10'000);
    QCOMPARE(settled.size(), 1);

    const quint16 port = server.serverPort();
    server.close(); // nobody listens there now
    IdleConnections refused;
    QSignalSpy refusedSettled(&refused, &IdleConnections::settled);
    refused.open(QStringLiteral("127.0.0.1"), port, 5);
    QVERIFY(refusedSettled.wait(10'000));
    QCOMPARE(refused.connected(), 0);
    QCOMPARE(refused.failed(), 5);
    QVERIFY(!refused.firstError().isEmpty());
}

void TestBenchClient::latencyLogLines()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("latency.txt"));
    {
        Result<LatencyLog> log = LatencyLog::open(path);
        QVERIFY(log.ok());
        LatencyLog moved = std::move(log).value(); // what BenchRunner holds
        moved.add(1796363360532.25, 812'345, "01ABC.echo", true);
        moved.add(1796363360534.5, 2'000'000, "01ABD.echo", false);
        moved.add(1796363360535, 3'000'600, QByteArray(), true); // an answer without a task id
        QVERIFY(moved.close().ok());
        moved.add(1, 1, "after-close", true); // ignored, not a crash
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("1796363360532.250 0.812 01ABC.echo succeeded\n"
                                        "1796363360534.500 2.000 01ABD.echo failed\n"
                                        "1796363360535.000 3.001 - succeeded\n"));

    const Result<LatencyLog> refused = LatencyLog::open(dir.filePath(QStringLiteral("no/such/dir/l.txt")));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().field, QStringLiteral("latency-log"));
    QVERIFY2(refused.error().message.contains(QStringLiteral("no/such/dir/l.txt")),
             qPrintable(refused.error().message));
}

void TestBenchClient::redisConfigReadsPasswordFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("password"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("s3cret-value\n");
    file.close();

    BenchConfig config;
    config.redisUrl = QStringLiteral("unix:///tmp/redis.sock");
    config.redisPasswordFile = path;
    Result<RedisConfig> redis = config.redisConfig();
    QVERIFY(redis.ok());
    QCOMPARE(redis->unixSocket, QStringLiteral("/tmp/redis.sock"));
    QCOMPARE(redis->password, QStringLiteral("s3cret-value"));
    QCOMPARE(redis->clientName, QStringLiteral("mmf-bench"));

    config.redisPasswordFile = dir.filePath(QStringLiteral("missing"));
    redis = config.redisConfig();
    QCOMPARE(redis.error().field, QStringLiteral("redis-password-file"));
    config.redisUrl = QStringLiteral("http://nope");
    QCOMPARE(config.redisConfig().error().field, QStringLiteral("redis"));
}

void TestBenchClient::requestBodies()

{
    BenchConfig config;
    config.payloadBytes = 5;
    QCOMPARE(config.requestBody(), QByteArray(R"({"text":"xxxxx"})"));
    QCOMPARE(config.batchBody(2), QByteArray(R"({"inputs":[{"text":"xxxxx"},{"text":"xxxxx"}]})"));
    config.payloadBytes = 100;
    QCOMPARE(config.requestBody().size(), qsizetype(100 + QByteArray(R"({"text":""})").size()));
}

void TestBenchClient::summaryLine()
{
    BenchSummary s;
    s.mode = QStringLiteral("latency");
    s.tasks = 20000;
    s.succeeded = 19990;
    s.failed = 4;
    s.errors = 6;
    s.connections = 1;
    s.rate = 500;
    s.slips = 2;
    s.elapsedS = 40.0123;
    s.tasksPerS = 499.8;
    s.submitPerS = 500.1;
    s.p50Ms = 1.234;
    s.p99Ms = 5.5;
    s.p999Ms = 12;
    s.showP999 = true;
    s.firstError = QStringLiteral("429 rate_limited: queue \"full\"");
    QCOMPARE(BenchReport::summaryLine(s),
             QStringLiteral("mode=latency tasks=20000 ok=19990 failed=4 errors=6 conns=1 rate=500 slips=2 "
                            "elapsed_s=40.012 tasks_per_s=499.8 submit_per_s=500.1 p50_ms=1.23 p99_ms=5.50 "
                            "p999_ms=12.00 first_error=\"429 rate_limited: queue 'full'\""));
    s.idleWanted = 10'000;
    s.idleHeld = 9'990;
    QVERIFY(
        BenchReport::summaryLine(s).contains(QStringLiteral(" slips=2 idle_conns=9990/10000 elapsed_s=")));

    BenchSummary plain;
    plain.mode = QStringLiteral("throughput");
    plain.tasks = 10;
    plain.connections = 4;
    plain.window = 16;
    plain.error = QStringLiteral("no result for 30 s");
    const QString line = BenchReport::summaryLine(plain);
    QVERIFY(line.startsWith(
        QStringLiteral("mode=throughput tasks=10 ok=0 failed=0 errors=0 conns=4 window=16 ")));
    QVERIFY(!line.contains(QStringLiteral("p999_ms")));
    QVERIFY(!line.contains(QStringLiteral("cpu_us_per_task")));
    QVERIFY(line.endsWith(QStringLiteral("error=\"no result for 30 s\"")));
}

void TestBenchClient::summaryLineWithProcesses()
{
    BenchSummary s;
    s.mode = QStringLiteral("wait");
    s.tasks = 2000;
    s.succeeded = 1990;
    s.failed = 10;
    s.connections = 64;
    s.window = 1;
    s.elapsedS = 1;
    s.tasksPerS = 2000;
    s.submitPerS = 2000;
    // CPU per completed task: (after - before) / 2000 tasks, in µs.
    s.processes = {{"redis", 10, 1.0, 1.212, 8 * 1024, 9 * 1024, false},
                   {"redis_fork", 10, 0.5, 0.6, 0, 0, false, true, true},
                   {"server", 11, 5.0, 5.156, 30 * 1024, 31 * 1024 + 512, false},
                   {"worker1", 12, 2.0, 2.05, 20 * 1024, 20 * 1024, false},
                   {"worker1_models", 12, 1.0, 1.1, 90 * 1024, 100 * 1024, false, true},
                   {"worker2", 13, 2.0, 2.0, 20 * 1024, 21 * 1024, true},
                   {"client", 14, 0.5, 0.536, 10 * 1024, 12 * 1024, false}};
    QCOMPARE(BenchReport::summaryLine(s),
             QStringLiteral(
                 "mode=wait tasks=2000 ok=1990 failed=10 errors=0 conns=64 window=1 elapsed_s=1.000 "
                 "tasks_per_s=2000.0 submit_per_s=2000.0 p50_ms=0.00 p99_ms=0.00 "
                 "cpu_us_per_task=redis:106.0,redis_fork:50.0,server:78.0,worker1:25.0,worker1_models:50.0,"
                 "worker2:0.0,client:18.0,all:327.0 "
                 "rss_mb=redis:9.0,server:31.5,worker1:20.0,worker1_models:100.0,worker2:21.0(gone),"
                 "client:12.0"));

    s.succeeded = 0;
    s.failed = 0;
    QVERIFY(BenchReport::summaryLine(s).contains(
        QStringLiteral("cpu_us_per_task=redis:0,redis_fork:0,server:0,")));
}

void TestBenchClient::commandsLine()
{
    BenchSummary s;
    s.mode = QStringLiteral("throughput");
    s.succeeded = 1000;
    QCOMPARE(BenchReport::commandsLine(s, 10), QString()); // no --redis
    s.commands = QList<CommandStat>{{"xadd", 4000, 20000}, {"fcall", 3000, 75000}, {"get", 1, 2}};
    QCOMPARE(BenchReport::commandsLine(s, 10),
             QStringLiteral("redis_commands mode=throughput tasks=1000 calls_per_task=7.00 us_per_task=95.0 "
                            "fcall=3.00/75.0 xadd=4.00/20.0 get=0.00/0.0"));
    // Only the top ones are listed; the totals still count all.
    QCOMPARE(BenchReport::commandsLine(s, 1),
             QStringLiteral("redis_commands mode=throughput tasks=1000 calls_per_task=7.00 us_per_task=95.0 "
                            "fcall=3.00/75.0"));
    // A run during which Redis rewrote its AOF says so, last.
    s.aofRewrites = 1;
    QCOMPARE(BenchReport::commandsLine(s, 1),
             QStringLiteral("redis_commands mode=throughput tasks=1000 calls_per_task=7.00 us_per_task=95.0 "
                            "fcall=3.00/75.0 aof_rewrites=1"));
    // And how long its fork stopped Redis (none reported: no fork since the stats were reset).
    s.lastForkUs = 0;
    QVERIFY(!BenchReport::commandsLine(s, 1).contains(QStringLiteral("fork_ms")));
    s.lastForkUs = 4146;
    QVERIFY(BenchReport::commandsLine(s, 1).endsWith(QStringLiteral(" aof_rewrites=1 fork_ms=4.1")));
}

void TestBenchClient::infoIntegerField_data()
{
    QTest::addColumn<QByteArray>("info");
    QTest::addColumn<qint64>("expected"); // -1: none
    const QByteArray persistence = "# Persistence\r\nloading:0\r\naof_rewrite_in_progress:1\r\n"
                                   "aof_rewrites:3\r\naof_rewrites_consecutive_failures:7\r\n";
    QTest::newRow("among the persistence lines") << persistence << qint64(3);
    QTest::newRow("after the commandstats")
        << QByteArray("# Commandstats\r\ncmdstat_get:calls=1,usec=2,usec_per_call=2.00\r\n\r\n") + persistence
        << qint64(3);
    QTest::newRow("a longer name is another field")
        << QByteArray("aof_rewrites_consecutive_failures:7\r\naof_rewrite_in_progress:1\r\n") << qint64(-1);
    QTest::newRow("missing") << QByteArray("# Persistence\r\nloading:0\r\n") << qint64(-1);
    QTest::newRow("not a number") << QByteArray("aof_rewrites:many\r\n") << qint64(-1);
    QTest::newRow("empty value") << QByteArray("aof_rewrites:\r\n") << qint64(-1);
    QTest::newRow("the last line, no line end") << QByteArray("loading:0\naof_rewrites:12") << qint64(12);
}

void TestBenchClient::infoIntegerField()
{
    QFETCH(QByteArray, info);
    QFETCH(qint64, expected);
    const std::optional<qint64> value = RedisCommandStats::integerField(info, "aof_rewrites");
    QCOMPARE(value.has_value(), expected >= 0);
    if (value)
        QCOMPARE(*value, expected);
}

void TestBenchClient::subscribersLine()
{
    SubscribersSummary s;
    s.wanted = 10000;
    s.subscribed = 9998;
    s.errors = 2;
    s.elapsedS = 4.25;
    s.serverRssBeforeKb = 25 * 1024;
    s.serverRssAfterKb = 25 * 1024 + 99980;
    s.clientRssAfterKb = 300 * 1024;
    s.serverCpuS = 4.999;
    s.firstError = QStringLiteral("closed (code 1008 too many)");
    QCOMPARE(BenchReport::subscribersLine(s),
             QStringLiteral(
                 "mode=subscribers subscribers=10000 ok=9998 errors=2 elapsed_s=4.250 "
                 "server_rss_mb=25.0->122.6 server_kb_per_subscriber=10.0 server_cpu_us_per_subscriber=500.0 "
                 "client_rss_mb=300.0 "
                 "first_error=\"closed (code 1008 too many)\""));
}

QTEST_GUILESS_MAIN(TestBenchClient)
#include "tst_benchclient.moc"
