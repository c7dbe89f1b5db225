// HttpServer over real sockets on 127.0.0.1: GET/POST (length and chunked), keep-alive, pipelined answers in
// order when answered out of order, deferred answers after the client left, every limit (413 before any body
// byte, chunked 413, 414, 431, 408, 400 for an invalid request line or framing, 501 for an unknown method),
// idle close, the connection cap, HEAD, 100-continue, WebSocket upgrades (real QWebSocket client,
// Authorization seen, 1009 on an oversized message), 426, and an upgrade pipelined behind a deferred request.
#include "RawTcpClient.h"
#include "http/HttpServer.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace mmf;

namespace {

constexpr int kWaitMs = 5000;

struct Response
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    QString errorCode() const
    {
        return QJsonDocument::fromJson(body).object().value("error").toObject().value("code").toString();
    }
};

// Complete responses at the front of `data` (Content-Length framed; interim 1xx answers have no body).
QList<Response> parseResponses(const QByteArray& data, qsizetype* consumed = nullptr)
{
    QList<Response> out;
    qsizetype pos = 0;
    for (;;) {
        const qsizetype end = data.indexOf("\r\n\r\n", pos);
        if (end < 0)
            break;
        const QList<QByteArray> lines = data.mid(pos, end - pos).split('\n');
        Response r;
        const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
        r.status = statusLine.value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                r.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
        }
        const qsizetype length = r.header("content-length").toLongLong();
        const bool hasBody = r.status >= 200 && r.header("content-length").size() > 0;
        const qsizetype bodyStart = end + 4;
        if (hasBody && data.size() < bodyStart + length)
            break;
        r.body = hasBody ? data.mid(bodyStart, length) : QByteArray();
        pos = bodyStart + (hasBody ? length : 0);
        out.append(r);
    }
    if (consumed)
        *consumed = pos;
    return out;
}

// A raw HTTP client that also reads what it received as responses.
class RawClient : public RawTcpClient
{
public:
    using RawTcpClient::RawTcpClient;
    QList<Response> responses() const { return parseResponses(received); }
};

QByteArray get(const QByteArray& target, const QByteArray& extra = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

HttpLimits smallLimits()
{
    HttpLimits l;
    l.maxBodyBytes = 1024;
    l.maxHeaderCount = 10;
    return l;
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<HttpServer> m_server;
    quint16 m_port = 0;
    int m_handled = 0;
    std::vector<HttpResponder> m_deferred;
    std::vector<HttpRequest> m_deferredRequests;

    // Echo handler; paths under /defer keep their responder for the test to answer; /twice answers twice.
    // `held`: holdAccepting(true) before listen().
    void start(const HttpLimits& limits = {}, bool held = false)
    {
        m_server = std::make_unique<HttpServer>(limits);
        m_server->holdAccepting(held);
        m_server->setHandler([this](HttpRequest& request, const HttpResponder& responder) {
            ++m_handled;
            if (request.path.startsWith("/defer")) {
                m_deferred.push_back(responder);
                m_deferredRequests.push_back(request);
                return;
            }
            if (request.path == "/twice") {
                responder.send(200, "text/plain", "first");
                responder.send(500, "text/plain", "second");
                return;
            }
            const QByteArray body = request.method + ' ' + request.path + " q=" + request.queryParam("q") +
                                    " body=" + request.body + " x=" + request.header("x-test");
            responder.send(200, "text/plain", body, {{"X-Echo", "yes"}});
        });
        const Result<quint16> port = m_server->listen(QHostAddress::LocalHost, 0);
        QVERIFY2(port.ok(), port.ok() ? "" : qPrintable(port.error().message));
        m_port = port.value();
        QVERIFY(m_port != 0);
    }

private slots:
    void cleanup()
    {
        m_deferred.clear();
        m_deferredRequests.clear();
        m_server.reset();
        m_handled = 0;
    }

    void basicGet()
    {
        start();
        RawClient client(m_port);
        client.send(get("/hello%20world?q=a%2Bb+c&r=1", "X-Test: Value \r\n"));
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 1, kWaitMs);
        const Response r = client.responses().first();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("GET /hello world q=a+b c body= x=Value"));
        QCOMPARE(r.header("content-type"), QByteArray("text/plain"));
        QCOMPARE(r.header("x-echo"), QByteArray("yes"));
        QVERIFY(r.header("connection").isEmpty()); // keep-alive is the default in HTTP/1.1
        QVERIFY(client.received.startsWith("HTTP/1.1 200 OK\r\n"));
        QCOMPARE(m_server->connectionCount(), 1);
    }

    void heldConnectionsWaitInTheBacklog()
    {
        // Held from before listen(): the kernel completes a client's connection (backlog) but the server
        // takes none while held, so nothing reads the request; once released, it is answered.
        start({}, true);
        RawClient first(m_port);
        QVERIFY(first.waitConnected());
        first.send(get("/first"));
        QTest::qWait(100); // a chance to take it, which a held server must not use
        QCOMPARE(m_server->connectionCount(), 0);
        QCOMPARE(m_handled, 0);
        m_server->holdAccepting(false);
        QTRY_COMPARE_WITH_TIMEOUT(first.responses().size(), 1, kWaitMs);
        QCOMPARE(first.responses().first().status, 200);

        // Held again: the open connection is served as before, a new one waits until the release.
        m_server->holdAccepting(true);
        first.send(get("/again"));
        QTRY_COMPARE_WITH_TIMEOUT(first.responses().size(), 2, kWaitMs);
        RawClient second(m_port);
        QVERIFY(second.waitConnected());
        second.send(get("/second"));
        QTest::qWait(100);
        QCOMPARE(m_server->connectionCount(), 1);
        QVERIFY(second.received.isEmpty());
        m_server->holdAccepting(false);
        QTRY_COMPARE_WITH_TIMEOUT(second.responses().size(), 1, kWaitMs);
        QCOMPARE(second.responses().first().body, QByteArray("GET /second q= body= x="));
    }

    void postBody_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("content-length")
            << QByteArray("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n"
                          "hello world")
            << QByteArray("POST /p q= body=hello world x=");
        QTest::newRow("chunked") << QByteArray(
                                        "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                                 << QByteArray("POST /c q= body=hello world x=");
        QTest::newRow("unregistered method reaches the handler")
            << QByteArray("PATCH /m HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nab")
            << QByteArray("PATCH /m q= body=ab x=");
    }

    void postBody()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, expected);
        start();
        RawClient client(m_port);
        // In two writes, split inside the body, to cross a read boundary.
        client.send(request.left(request.size() - 3));
        QVERIFY(client.waitConnected());
        QTRY_VERIFY_WITH_TIMEOUT(client.socket.bytesToWrite() == 0, kWaitMs);
        client.send(request.right(3));
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 1, kWaitMs);
        QCOMPARE(client.responses().first().status, 200);
        QCOMPARE(client.responses().first().body, expected);
    }

    void pipelinedAnswersKeepRequestOrder()
    {
        start();
        RawClient client(m_port);
        client.send(get("/defer/1") + get("/defer/2") + get("/defer/3"));
        QTRY_COMPARE_WITH_TIMEOUT(int(m_deferred.size()), 3, kWaitMs);
        QCOMPARE(m_deferredRequests[0].path, QByteArray("/defer/1"));
        QCOMPARE(m_deferredRequests[2].path, QByteArray("/defer/3"));
        // Answer last-first: the third and second wait for the first.
        m_deferred[2].send(200, "text/plain", "3");
        m_deferred[1].send(200, "text/plain", "2");
        QVERIFY(!m_deferred[2].isPending());
        QVERIFY(m_deferred[0].isPending());
        m_deferred[0].send(200, "text/plain", "1");
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 3, kWaitMs);
        const QList<Response> rs = client.responses();
        QCOMPARE(rs[0].body, QByteArray("1"));
        QCOMPARE(rs[1].body, QByteArray("2"));
        QCOMPARE(rs[2].body, QByteArray("3"));
        // The same connection still serves a fourth request.
        client.send(get("/after"));
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 4, kWaitMs);
        QCOMPARE(client.responses()[3].body, QByteArray("GET /after q= body= x="));
        QCOMPARE(m_server->connectionCount(), 1);
    }

    // Past 64 unanswered requests the connection stops reading; answering resumes it, order intact.
    void pipelineBackPressure()
    {
        start();
        RawClient client(m_port);
        QByteArray burst;
        for (int i = 0; i < 100; ++i)
            burst += get("/defer/" + QByteArray::number(i));
        client.send(burst);
        QTRY_VERIFY_WITH_TIMEOUT(m_deferred.size() >= 64, kWaitMs);
        QCOMPARE(int(m_deferred.size()), 64);
        for (int i = 0; i < 64; ++i)
            m_deferred[size_t(i)].send(200, "text/plain", QByteArray::number(i));
        QTRY_COMPARE_WITH_TIMEOUT(int(m_deferred.size()), 100, kWaitMs);
        for (int i = 99; i >= 64; --i)
            m_deferred[size_t(i)].send(200, "text/plain", QByteArray::number(i));
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 100, kWaitMs);
        const QList<Response> rs = client.responses();
        for (int i = 0; i < 100; ++i)
            QCOMPARE(rs[i].body, QByteArray::number(i));
        QCOMPARE(m_deferredRequests[99].path, QByteArray("/defer/99"));
    }

    void firstSendWins()
    {
        start();
        RawClient client(m_port);
        client.send(get("/twice") + get("/next"));
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 2, kWaitMs);
        qsizetype consumed = 0;
        const QList<Response> rs = parseResponses(client.received, &consumed);
        QCOMPARE(rs[0].status, 200);
        QCOMPARE(rs[0].body, QByteArray("first"));
        QCOMPARE(rs[1].body, QByteArray("GET /next q= body= x="));
        QCOMPARE(consumed, client.received.size()); // nothing of the second send() reached the wire
    }

    void deferredAnswerAfterClientLeft()
    {
        start();
        {
            RawClient client(m_port);
            client.send(get("/defer/gone"));
            QTRY_COMPARE_WITH_TIMEOUT(int(m_deferred.size()), 1, kWaitMs);
            QVERIFY(m_deferred[0].isPending());
            client.socket.abort();
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!m_deferred[0].isPending(), kWaitMs);
        m_deferred[0].send(200, "text/plain", "too late"); // a no-op, not a crash
        HttpResponder copy = m_deferred[0];
        copy.sendJson(200, "{}");
        QVERIFY(!copy.isPending());
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");

        QTest::newRow("413 content-length, headers only")
            << QByteArray("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000000\r\n\r\n") << 413
            << "payload_too_large";
        QTest::newRow("413 content-length just over")
            << QByteArray("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n") << 413
            << "payload_too_large";
        QTest::newRow("413 chunked")
            << QByteArray("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "320\r\n" +
                          QByteArray(800, 'a') + "\r\n320\r\n" + QByteArray(800, 'b') + "\r\n0\r\n\r\n")
            << 413 << "payload_too_large";
        QTest::newRow("414 request line") << get("/" + QByteArray(9000, 'a')) << 414 << "payload_too_large";
        QByteArray many;
        for (int i = 0; i < 20; ++i)
            many += "X-H" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("431 header count") << get("/", many) << 431 << "payload_too_large";
        QTest::newRow("431 one header")
            << get("/", "X-Big: " + QByteArray(9000, 'b') + "\r\n") << 431 << "payload_too_large";
        QByteArray total;
        for (int i = 0; i < 3; ++i)
            total += "X-Part" + QByteArray::number(i) + ": " + QByteArray(7000, 'c') + "\r\n";
        QTest::newRow("431 all headers") << get("/", total) << 431 << "payload_too_large";
        QTest::newRow("400 header without colon")
            << QByteArray("GET / HTTP/1.1\r\nHost t\r\n\r\n") << 400 << "invalid_argument";
        QTest::newRow("400 bad content-length")
            << QByteArray("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 12abc\r\n\r\n") << 400
            << "invalid_argument";
        QTest::newRow("400 bad version")
            << QByteArray("GET / HTTP/x.1\r\nHost: t\r\n\r\n") << 400 << "invalid_argument";
        QTest::newRow("400 length and chunked")
            << QByteArray(
                   "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "3\r\nabc\r\n0\r\n\r\n")
            << 400 << "invalid_argument";
        QTest::newRow("400 request line without target and version")
            << QByteArray("HELLO\r\n\r\n") << 400 << "invalid_argument";
        QTest::newRow("400 no Host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400 << "invalid_argument";
        QTest::newRow("400 space before the colon")
            << QByteArray("POST / HTTP/1.1\r\nHost: t\r\nContent-Length : 3\r\n\r\nabc") << 400
            << "invalid_argument";
        QTest::newRow("501 unknown method")
            << QByteArray("BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n") << 501 << "invalid_argument";
    }

    void refusals()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QString, code);
        start(smallLimits());
        RawClient client(m_port);
        client.send(request);
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 1, kWaitMs);
        const Response r = client.responses().first();
        QCOMPARE(r.status, status);
        QCOMPARE(r.errorCode(), code);
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QCOMPARE(m_handled, 0);
        QTRY_VERIFY_WITH_TIMEOUT(client.closedByServer(), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kWaitMs);
    }

    void errorWaitsForEarlierAnswer()
    {
        start(smallLimits());
        RawClient client(m_port);
        client.send(get("/defer/1") + "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(int(m_deferred.size()), 1, kWaitMs);
        m_deferred[0].send(200, "text/plain", "one");
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 2, kWaitMs);
        QCOMPARE(client.responses()[0].body, QByteArray("one"));
        QCOMPARE(client.responses()[1].status, 413);
        QTRY_VERIFY_WITH_TIMEOUT(client.closedByServer(), kWaitMs);
    }

    void headerTimeout()
    {
        HttpLimits limits;
        limits.headerTimeoutMs = 200;
        start(limits);
        RawClient client(m_port);
        QElapsedTimer elapsed;
        elapsed.start();
        client.send("GET /slow HTTP/1.1\r\nHost: t\r\nX-Drip: ");
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 1, kWaitMs);
        QVERIFY(elapsed.elapsed() >= 150);
        QCOMPARE(client.responses().first().status, 408);
        QCOMPARE(m_handled, 0);
        QTRY_VERIFY_WITH_TIMEOUT(client.closedByServer(), kWaitMs);
    }

    void silentConnectionIsClosed()
    {
        HttpLimits limits;
        limits.headerTimeoutMs = 200;
        start(limits);
        RawClient client(m_port);
        QVERIFY(client.waitConnected());
        QTRY_VERIFY_WITH_TIMEOUT(client.closedByServer(), kWaitMs);
        QVERIFY(client.received.isEmpty()); // nothing was asked, nothing is answered
    }

    void idleKeepAliveIsClosed()
    {
        HttpLimits limits;
        limits.idleTimeoutMs = 200;
        start(limits);
        RawClient client(m_port);
        client.send(get("/one"));
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 1, kWaitMs);
        QCOMPARE(client.responses().first().status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(client.closedByServer(), kWaitMs);
        QCOMPARE(m_server->connectionCount(), 0);
    }

    void connectionCloseIsHonoured()
    {
        start();
        RawClient client(m_port);
        client.send(get("/bye", "Connection: close\r\n") + get("/ignored"));
        QTRY_VERIFY_WITH_TIMEOUT(client.closedByServer(), kWaitMs);
        QCOMPARE(client.responses().size(), 1);
        QCOMPARE(client.responses().first().header("connection"), QByteArray("close"));
        QCOMPARE(m_handled, 1);
    }

    void connectionLimit()
    {
        HttpLimits limits;
        limits.maxConnections = 2;
        start(limits);
        RawClient a(m_port);
        RawClient b(m_port);
        a.send(get("/a"));
        b.send(get("/b"));
        QTRY_COMPARE_WITH_TIMEOUT(a.responses().size(), 1, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(b.responses().size(), 1, kWaitMs);
        RawClient c(m_port);
        c.send(get("/c"));
        QTRY_VERIFY_WITH_TIMEOUT(c.closedByServer(), kWaitMs);
        QVERIFY(c.responses().isEmpty());
        QCOMPARE(m_server->connectionCount(), 2);
        // a freed place is usable again
        a.socket.abort();
        QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 1, kWaitMs);
        RawClient d(m_port);
        d.send(get("/d"));
        QTRY_COMPARE_WITH_TIMEOUT(d.responses().size(), 1, kWaitMs);
    }

    void headHasNoBody()
    {
        start();
        RawClient client(m_port);
        client.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + get("/after"));
        // The HEAD answer carries the GET's Content-Length but no body: the next answer follows right away.
        QTRY_VERIFY_WITH_TIMEOUT(client.received.count("HTTP/1.1 200 OK") == 2, kWaitMs);
        const qsizetype second = client.received.indexOf("HTTP/1.1 200 OK", 1);
        const QByteArray first = client.received.left(second);
        QVERIFY(first.endsWith("\r\n\r\n"));
        QVERIFY(first.contains("Content-Length: "));
        QVERIFY(client.received.endsWith("GET /after q= body= x="));
    }

    void expectContinue()
    {
        start();
        RawClient client(m_port);
        client.send("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(client.received.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), kWaitMs);
        client.send("data");
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 2, kWaitMs);
        QCOMPARE(client.responses()[1].body, QByteArray("POST /e q= body=data x="));
    }

    void bodyOverTheLimitIsDrainedNotReset()
    {
        // A client that sends its whole body before it reads (no Expect: 100-continue) must still get the
        // 413. The server refuses after the headers and drains the rest; a reset while the client still sends
        // (it used to give up after 1 MiB, whatever the limit) fails the client's send, and the answer is
        // lost.
        HttpLimits limits;
        limits.maxBodyBytes = 1024 * 1024;
        start(limits);
        const qsizetype bodySize = limits.maxBodyBytes + 900 * 1024; // under twice the limit
        const QByteArray request =
            "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: " + QByteArray::number(bodySize) + "\r\n\r\n" +
            QByteArray(bodySize, 'x');
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(m_port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        // Plain non-blocking I/O, so that a reset shows as the error it is (Qt reports it like a close). The
        // body goes in pieces, each once the server has taken the last, like a client slower than the server:
        // a server that gives up draining resets the connection while the client still sends.
        qsizetype sent = 0;
        int error = 0;
        const auto unacknowledged = [fd] {
            int n = 0;
            return ::ioctl(fd, SIOCOUTQ, &n) == 0 ? n : -1;
        };
        const auto pendingError = [fd] {
            int e = 0;
            socklen_t size = sizeof e;
            return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &size) == 0 ? e : errno;
        };
        while (sent < request.size() && !error) {
            QVERIFY(QTest::qWaitFor([&] { return (error = pendingError()) != 0 || unacknowledged() == 0; },
                                    kWaitMs));
            if (error)
                break;
            const ssize_t n =
                ::send(fd, request.constData() + sent,
                       size_t(std::min<qsizetype>(64 * 1024, request.size() - sent)), MSG_NOSIGNAL);
            if (n > 0)
                sent += n;
            else if (errno != EAGAIN && errno != EWOULDBLOCK)
                error = errno;
        }
        ::shutdown(fd, SHUT_WR);
        QByteArray received;
        QVERIFY(QTest::qWaitFor(
            [&] {
                char buffer[16384];
                for (;;) {
                    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
                    if (n > 0) {
                        received.append(buffer, n);
                        continue;
                    }
                    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        return false;
                    if (n < 0 && !error)
                        error = errno;
                    return true; // end of stream, or the reset
                }
            },
            kWaitMs));
        ::close(fd);
        QVERIFY2(error == 0, std::strerror(error));
        QVERIFY2(received.startsWith("HTTP/1.1 413"), received.left(200).constData());
        QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kWaitMs);
    }

    void closeStopsAccepting()
    {
        start();
        RawClient idle(m_port);
        idle.send(get("/idle"));
        QTRY_COMPARE_WITH_TIMEOUT(idle.responses().size(), 1, kWaitMs);
        RawClient busy(m_port);
        busy.send(get("/defer/busy"));
        QTRY_COMPARE_WITH_TIMEOUT(int(m_deferred.size()), 1, kWaitMs);
        m_server->close();
        QTRY_VERIFY_WITH_TIMEOUT(idle.closedByServer(), kWaitMs);
        // the outstanding answer still goes out, then the connection closes
        m_deferred[0].send(200, "text/plain", "done");
        QTRY_COMPARE_WITH_TIMEOUT(busy.responses().size(), 1, kWaitMs);
        QCOMPARE(busy.responses().first().body, QByteArray("done"));
        QCOMPARE(busy.responses().first().header("connection"), QByteArray("close"));
        QTRY_VERIFY_WITH_TIMEOUT(busy.closedByServer(), kWaitMs);
        RawClient late(m_port);
        QTRY_VERIFY_WITH_TIMEOUT(late.closedByServer(), kWaitMs); // refused: nobody listens
    }

    void queryParam_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<bool>("found");
        QTest::addColumn<QByteArray>("value");

        QTest::newRow("plain") << QByteArray("a=1&wait=30") << QByteArray("wait") << true << QByteArray("30");
        QTest::newRow("first wins") << QByteArray("a=1&a=2") << QByteArray("a") << true << QByteArray("1");
        QTest::newRow("percent and plus")
            << QByteArray("q=a%2Bb+c%20d") << QByteArray("q") << true << QByteArray("a+b c d");
        QTest::newRow("encoded name")
            << QByteArray("my%20key=v") << QByteArray("my key") << true << QByteArray("v");
        QTest::newRow("empty value") << QByteArray("a=&b=2") << QByteArray("a") << true << QByteArray("");
        QTest::newRow("no value") << QByteArray("flag&b=2") << QByteArray("flag") << true << QByteArray("");
        QTest::newRow("missing") << QByteArray("a=1") << QByteArray("b") << false << QByteArray();
        QTest::newRow("prefix is not a match")
            << QByteArray("ab=1") << QByteArray("a") << false << QByteArray();
        QTest::newRow("empty query") << QByteArray() << QByteArray("a") << false << QByteArray();
        QTest::newRow("bad escape kept")
            << QByteArray("a=%zz%4") << QByteArray("a") << true << QByteArray("%zz%4");
    }

    void queryParam()
    {
        QFETCH(QByteArray, query);
        QFETCH(QByteArray, name);
        QFETCH(bool, found);
        QFETCH(QByteArray, value);
        HttpRequest r;
        r.query = query;
        bool wasFound = !found;
        const QByteArray got = r.queryParam(name, &wasFound);
        QCOMPARE(wasFound, found);
        QCOMPARE(got, value);
        QCOMPARE(got.isNull(), !found);
    }

    void webSocketUpgrade()
    {
        start();
        QByteArray seenAuth;
        QByteArray seenPath;
        m_server->setWebSocketHandler("/ws", [&](QWebSocket* socket, const HttpRequest& upgrade) {
            seenAuth = upgrade.header("authorization");
            seenPath = upgrade.path;
            connect(socket, &QWebSocket::textMessageReceived, socket,
                    [socket](const QString& text) { socket->sendTextMessage("echo:" + text); });
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        });
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy received(&client, &QWebSocket::textMessageReceived);
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws?x=1").arg(m_port)));
        request.setRawHeader("Authorization", "Bearer abc");
        client.open(request);
        QVERIFY(connected.wait(kWaitMs));
        QCOMPARE(seenAuth, QByteArray("Bearer abc"));
        QCOMPARE(seenPath, QByteArray("/ws"));
        client.sendTextMessage(QStringLiteral("hello"));
        QVERIFY(received.wait(kWaitMs));
        QCOMPARE(received.first().first().toString(), QStringLiteral("echo:hello"));
        QCOMPARE(m_server->connectionCount(), 0); // the socket left the HTTP side
        // HTTP on other connections is unaffected
        RawClient http(m_port);
        http.send(get("/still"));
        QTRY_COMPARE_WITH_TIMEOUT(http.responses().size(), 1, kWaitMs);
        client.close();
    }

    void plainGetOnWebSocketPath()
    {
        start();
        m_server->setWebSocketHandler("/ws",
                                      [](QWebSocket* socket, const HttpRequest&) { socket->deleteLater(); });
        RawClient client(m_port);
        client.send(get("/ws") + get("/other"));
        QTRY_COMPARE_WITH_TIMEOUT(client.responses().size(), 2, kWaitMs);
        const Response r = client.responses().first();
        QCOMPARE(r.status, 426);
        QCOMPARE(r.errorCode(), QStringLiteral("invalid_argument"));
        QCOMPARE(r.header("upgrade"), QByteArray("websocket"));
        QCOMPARE(client.responses()[1].status, 200);
        QCOMPARE(m_handled, 1);
    }

    void oversizedWebSocketMessage()
    {
        HttpLimits limits;
        limits.wsMaxMessageBytes = 1024;
        start(limits);
        m_server->setWebSocketHandler("/ws", [](QWebSocket* socket, const HttpRequest&) {
            connect(socket, &QWebSocket::textMessageReceived, socket,
                    [socket](const QString& text) { socket->sendTextMessage(text); });
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        });
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        QSignalSpy received(&client, &QWebSocket::textMessageReceived);
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_port)));
        QVERIFY(connected.wait(kWaitMs));
        client.sendTextMessage(QString(512, QLatin1Char('s'))); // under the limit: echoed
        QVERIFY(received.wait(kWaitMs));
        client.sendTextMessage(QString(4096, QLatin1Char('x')));
        QVERIFY(disconnected.wait(kWaitMs));
        QCOMPARE(client.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        QCOMPARE(received.size(), 1);
    }

    // The upgrade request arrives behind a deferred request, its head split across two writes: the hand-over
    // must wait for the earlier answer and give QWebSocketServer exactly the upgrade request's bytes.
    void upgradePipelinedBehindDeferredRequest()
    {
        start();
        QByteArray seenAuth;
        m_server->setWebSocketHandler("/ws", [&](QWebSocket* socket, const HttpRequest& upgrade) {
            seenAuth = upgrade.header("authorization");
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        });
        const QByteArray upgrade =
            "GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            "Authorization: Bearer xyz\r\n\r\n";
        RawClient client(m_port);
        client.send(get("/defer/1") + upgrade.left(30));
        QTRY_COMPARE_WITH_TIMEOUT(int(m_deferred.size()), 1, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(client.socket.bytesToWrite() == 0, kWaitMs);
        client.send(upgrade.mid(30));
        m_deferred[0].send(200, "text/plain", "first");
        QTRY_VERIFY_WITH_TIMEOUT(client.received.contains("HTTP/1.1 101"), kWaitMs);
        QVERIFY(client.received.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(client.received.indexOf("first") < client.received.indexOf("HTTP/1.1 101"));
        QVERIFY(
            client.received.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")); // accept key of the RFC 6455 sample
        QTRY_COMPARE_WITH_TIMEOUT(seenAuth, QByteArray("Bearer xyz"), kWaitMs);
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
