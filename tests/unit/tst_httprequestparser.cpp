// HttpRequestParser on byte strings, no sockets: every row is parsed whole, split in two at every byte
// boundary, and byte by byte, and must give the same requests and the same refusal each time. Rows cover the
// request forms that are served (pipelined, chunked with extensions and trailers, HTTP/1.0, absolute-form)
// and every refusal: invalid request lines (400, not 501), framing and smuggling cases (400), limits
// (413/414/431), unknown methods (501), versions (505).
#include "http/HttpRequestParser.h"

#include <QTest>

using namespace mmf;

namespace {

HttpLimits testLimits()
{
    HttpLimits l;
    l.maxBodyBytes = 1024;
    l.maxRequestLine = 256;
    l.maxHeaderBytes = 256;
    l.maxHeadersTotal = 1024;
    l.maxHeaderCount = 10;
    return l;
}

// One line per complete request, then "ERROR <status> <message>" when the input is refused.
QStringList describe(const QByteArray& input, const QList<qsizetype>& cuts)
{
    HttpRequestParser parser(testLimits());
    QStringList out;
    qsizetype from = 0;
    QList<qsizetype> ends = cuts;
    ends.append(input.size());
    for (const qsizetype end : ends) {
        qsizetype pos = from;
        for (;;) {
            const auto step = parser.feed(input.constData() + pos, end - pos);
            pos += step.consumed;
            if (step.event == HttpRequestParser::Event::NeedMore) {
                if (pos != end)
                    return out << QStringLiteral("NEEDMORE BEFORE THE END");
                break;
            }
            if (step.event == HttpRequestParser::Event::Error)
                return out << QStringLiteral("ERROR %1 %2")
                                  .arg(parser.error().status)
                                  .arg(QString::fromLatin1(parser.error().message));
            if (step.event == HttpRequestParser::Event::MessageComplete) {
                const HttpRequest& r = parser.request();
                QString line = QString::fromLatin1(r.method + ' ' + r.path);
                if (!r.query.isNull())
                    line += '?' + QString::fromLatin1(r.query);
                for (const auto& h : r.headers)
                    line += QStringLiteral(" [%1=%2]")
                                .arg(QString::fromLatin1(h.first), QString::fromLatin1(h.second));
                line += QStringLiteral(" body=%1 keepalive=%2 http10=%3")
                            .arg(QString::fromLatin1(r.body))
                            .arg(r.keepAlive)
                            .arg(parser.isHttp10());
                out << line;
            }
        }
        from = end;
    }
    if (parser.phase() != HttpRequestParser::Phase::Idle)
        out << QStringLiteral("INCOMPLETE");
    return out;
}

// Byte strings that hold NULs.
template<qsizetype N> QByteArray bytes(const char (&text)[N])
{
    return QByteArray(text, N - 1);
}

QByteArray chunkedPost(const QByteArray& chunks)
{
    return "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks;
}

QByteArray withHeader(const QByteArray& header)
{
    return "GET / HTTP/1.1\r\nHost: h\r\n" + header + "\r\n\r\n";
}

} // namespace

class TestHttpRequestParser : public QObject
{
    Q_OBJECT

private slots:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("get") << QByteArray("GET /a%20b?x=1&y HTTP/1.1\r\nHost: h\r\nX-Test:  v w \r\n\r\n")
                             << QStringList{
                                    "GET /a b?x=1&y [host=h] [x-test=v w] body= keepalive=1 http10=0"};
        QTest::newRow("content-length body, pipelined, empty lines before a request")
            << QByteArray("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"
                          "DELETE /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
            << QStringList{"POST /p [host=h] [content-length=5] body=hello keepalive=1 http10=0",
                           "DELETE /d [host=h] [connection=close] body= keepalive=0 http10=0"};
        QTest::newRow("chunked, extension, trailers dropped")
            << chunkedPost("5;name=\"v\"\r\nhello\r\n6\r\n world\r\n0\r\nAuthorization: Bearer x\r\n\r\n")
            << QStringList{
                   "POST /c [host=h] [transfer-encoding=chunked] body=hello world keepalive=1 http10=0"};
        QTest::newRow("chunked, upper-case hex, leading zeros")
            << chunkedPost("00A\r\n0123456789\r\n0\r\n\r\n")
            << QStringList{
                   "POST /c [host=h] [transfer-encoding=chunked] body=0123456789 keepalive=1 http10=0"};
        QTest::newRow("http/1.0 without host, keep-alive")
            << QByteArray("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /x HTTP/1.0\r\n\r\n")
            << QStringList{"GET /old [connection=keep-alive] body= keepalive=1 http10=1",
                           "GET /x body= keepalive=0 http10=1"};
        QTest::newRow("absolute-form") << QByteArray("GET http://h:80/p?q HTTP/1.1\r\nHost: h\r\n\r\n")
                                       << QStringList{"GET /p?q [host=h] body= keepalive=1 http10=0"};
        QTest::newRow("incomplete body")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\nab")
            << QStringList{"INCOMPLETE"};

        // Invalid request lines: 400, never 501.
        const auto bad = [](const char* message) {
            return QStringList{QStringLiteral("ERROR 400 ") + message};
        };
        const char* badLine = "malformed request line: expected METHOD TARGET HTTP/1.1";
        QTest::newRow("no target, no version") << QByteArray("HELLO\r\n\r\n") << bad(badLine);
        QTest::newRow("no version") << QByteArray("GET /\r\nHost: h\r\n\r\n") << bad(badLine);
        QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: h\r\n\r\n")
                                    << bad("malformed request line: empty target");
        QTest::newRow("trailing space") << QByteArray("GET / HTTP/1.1 \r\nHost: h\r\n\r\n")
                                        << bad("malformed request line: invalid HTTP version");
        QTest::newRow("bad version") << QByteArray("GET / HTTP/x.1\r\nHost: h\r\n\r\n")
                                     << bad("malformed request line: invalid HTTP version");
        QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\nHost: h\r\n\r\n")
                                    << bad("malformed request line: invalid method");
        QTest::newRow("NUL in target") << bytes("GET /a\0b HTTP/1.1\r\nHost: h\r\n\r\n")
                                       << bad("malformed request line: invalid character in the target");
        QTest::newRow("tab in target") << QByteArray("GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n")
                                       << bad("malformed request line: invalid character in the target");
        QTest::newRow("binary garbage")
            << bytes("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n") << bad(badLine);
        QTest::newRow("unknown method") << QByteArray("BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n")
                                        << QStringList{"ERROR 501 unknown request method"};
        QTest::newRow("http/2") << QByteArray("GET / HTTP/2.0\r\nHost: h\r\n\r\n")
                                << QStringList{"ERROR 505 HTTP version not supported: use HTTP/1.1"};

        // Line endings and bytes.
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: h\n\n")
                                 << bad("malformed request: a line ends in LF without CR");
        QTest::newRow("bare CR in a value")
            << withHeader("X-A: a\rb") << bad("malformed request: a bare CR in a header value");
        QTest::newRow("bare CR before a request")
            << QByteArray("\rGET / HTTP/1.1\r\nHost: h\r\n\r\n") << bad("malformed request: a bare CR");
        QTest::newRow("NUL in a value")
            << withHeader(bytes("X-A: a\0b")) << bad("malformed request: NUL in a header value");
        QTest::newRow("control byte in a value")
            << withHeader("X-A: a\x01"
                          "b")
            << bad("malformed request: control character in a header value");
        QTest::newRow("space before the colon")
            << withHeader("Content-Length : 5")
            << bad("malformed request: whitespace before a header's colon");
        QTest::newRow("obs-fold") << withHeader("X-A: a\r\n b")
                                  << bad("malformed request: obsolete line folding in a header");
        QTest::newRow("no colon") << withHeader("X-A")
                                  << bad("malformed request: a header line without a colon");
        QTest::newRow("empty name") << withHeader(": v") << bad("malformed request: a header without a name");
        QTest::newRow("no host") << QByteArray("GET / HTTP/1.1\r\nX-A: b\r\n\r\n")
                                 << bad("malformed request: no Host header");
        QTest::newRow("two hosts") << withHeader("Host: evil")
                                   << bad("malformed request: more than one Host header");

        // Framing.
        QTest::newRow("CL and TE")
            << QByteArray(
                   "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "3\r\nabc\r\n0\r\n\r\n")
            << bad("malformed request: both Content-Length and Transfer-Encoding");
        QTest::newRow("two content-lengths")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc")
            << bad("malformed request: more than one Content-Length");
        QTest::newRow("content-length list")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc")
            << bad("malformed request: invalid Content-Length");
        QTest::newRow("content-length sign")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc")
            << bad("malformed request: invalid Content-Length");
        QTest::newRow("content-length negative")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n")
            << bad("malformed request: invalid Content-Length");
        QTest::newRow("content-length overflow")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551617\r\n\r\n")
            << bad("malformed request: Content-Length out of range");
        QTest::newRow("content-length 2^63")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775808\r\n\r\n")
            << bad("malformed request: Content-Length out of range");
        QTest::newRow("content-length over the limit")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775807\r\n\r\n")
            << QStringList{"ERROR 413 request body too large"};
        QTest::newRow("TE gzip, chunked")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
            << QStringList{"ERROR 501 transfer coding not supported: only chunked is"};
        QTest::newRow("TE chunked, gzip")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")
            << bad("malformed request: Transfer-Encoding must be chunked");
        QTest::newRow("TE twice chunked") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
                                                        "chunked\r\nTransfer-Encoding: chunked\r\n\r\n")
                                          << bad("malformed request: Transfer-Encoding must be chunked");
        QTest::newRow("TE identity")
            << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n")
            << bad("malformed request: Transfer-Encoding must be chunked");
        QTest::newRow("TE in HTTP/1.0")
            << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
            << bad("malformed request: Transfer-Encoding in an HTTP/1.0 request");
        QTest::newRow("chunk size not hex")
            << chunkedPost("zz\r\n") << bad("malformed request: invalid chunk size");
        QTest::newRow("chunk size 0x")
            << chunkedPost("0x5\r\nhello\r\n0\r\n\r\n") << bad("malformed request: invalid chunk size");
        QTest::newRow("chunk size negative")
            << chunkedPost("-1\r\n") << bad("malformed request: invalid chunk size");
        QTest::newRow("chunk size space before")
            << chunkedPost(" 5\r\nhello\r\n0\r\n\r\n") << bad("malformed request: invalid chunk size");
        QTest::newRow("chunk size space after")
            << chunkedPost("5 \r\nhello\r\n0\r\n\r\n") << bad("malformed request: invalid chunk size");
        QTest::newRow("chunk size empty")
            << chunkedPost("\r\n") << bad("malformed request: invalid chunk size");
        QTest::newRow("chunk size overflow")
            << chunkedPost("10000000000000000\r\n") << bad("malformed request: chunk size out of range");
        QTest::newRow("chunk size over the limit")
            << chunkedPost("fffffffffffffff\r\n") << QStringList{"ERROR 413 request body too large"};
        QTest::newRow("chunk data too long") << chunkedPost("3\r\nabcd\r\n0\r\n\r\n")
                                             << bad("malformed request: chunk data not followed by CRLF");
        QTest::newRow("chunk extension with a bare CR")
            << chunkedPost("3;a\rb\r\nabc\r\n0\r\n\r\n")
            << bad("malformed request: control character in a chunk extension");
        QTest::newRow("trailer with obs-fold") << chunkedPost("0\r\nX-T: a\r\n b\r\n\r\n")
                                               << bad("malformed request: obsolete line folding in a header");

        // Limits.
        QTest::newRow("414") << QByteArray("GET /" + QByteArray(300, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n")
                             << QStringList{"ERROR 414 request line too long"};
        QTest::newRow("431 one header") << withHeader("X-Big: " + QByteArray(300, 'b'))
                                        << QStringList{"ERROR 431 a request header is too large"};
        QByteArray many;
        for (int i = 0; i < 11; ++i)
            many += "X-H" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("431 count") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n" + many + "\r\n")
                                   << QStringList{"ERROR 431 too many request headers"};
        QByteArray total;
        for (int i = 0; i < 6; ++i)
            total += "X-P" + QByteArray::number(i) + ": " + QByteArray(200, 'c') + "\r\n";
        QTest::newRow("431 total") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n" + total + "\r\n")
                                   << QStringList{"ERROR 431 request headers too large"};
        QTest::newRow("431 trailers count against the headers")
            << chunkedPost("0\r\n" + total + "\r\n") << QStringList{"ERROR 431 request headers too large"};
        QTest::newRow("413 chunked total") << chunkedPost("200\r\n" + QByteArray(512, 'a') + "\r\n201\r\n" +
                                                          QByteArray(513, 'b') + "\r\n0\r\n\r\n")
                                           << QStringList{"ERROR 413 request body too large"};
        QTest::newRow("good request, then a refused one")
            << QByteArray("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\n\r\n")
            << QStringList{"GET /1 [host=h] body= keepalive=1 http10=0",
                           "ERROR 400 malformed request: no Host header"};
    }

    void parse()
    {
        QFETCH(QByteArray, input);
        QFETCH(QStringList, expected);
        QCOMPARE(describe(input, {}), expected);
        for (qsizetype cut = 1; cut < input.size(); ++cut) {
            const QStringList got = describe(input, {cut});
            if (got != expected)
                QFAIL(qPrintable(QStringLiteral("split at byte %1: %2").arg(cut).arg(got.join(" | "))));
        }
        QList<qsizetype> everyByte;
        for (qsizetype cut = 1; cut < input.size(); ++cut)
            everyByte.append(cut);
        QCOMPARE(describe(input, everyByte), expected);
    }

    // The phases the connection keys its deadlines on.
    void phases()
    {
        HttpRequestParser parser(testLimits());
        QCOMPARE(parser.phase(), HttpRequestParser::Phase::Idle);
        const QByteArray head =
            "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
        auto step = parser.feed(head.constData(), 5);
        QCOMPARE(step.event, HttpRequestParser::Event::NeedMore);
        QCOMPARE(parser.phase(), HttpRequestParser::Phase::Head);
        step = parser.feed(head.constData() + 5, head.size() - 5);
        QCOMPARE(step.event, HttpRequestParser::Event::HeadersComplete);
        QCOMPARE(step.consumed, head.size() - 5);
        QCOMPARE(parser.phase(), HttpRequestParser::Phase::Body);
        QVERIFY(parser.expectsContinue());
        QVERIFY(parser.hasBody());
        step = parser.feed("ok", 2);
        QCOMPARE(step.event, HttpRequestParser::Event::MessageComplete);
        QCOMPARE(parser.request().body, QByteArray("ok"));
        QCOMPARE(parser.phase(), HttpRequestParser::Phase::Idle);
        // After an error nothing more is taken.
        step = parser.feed("\n", 1);
        QCOMPARE(step.event, HttpRequestParser::Event::Error);
        step = parser.feed("GET / HTTP/1.1\r\n", 16);
        QCOMPARE(step.event, HttpRequestParser::Event::Error);
        QCOMPARE(step.consumed, 0);
    }
};

QTEST_APPLESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
