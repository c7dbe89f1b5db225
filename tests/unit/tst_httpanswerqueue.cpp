// HttpAnswerQueue without sockets: answers leave in request order whatever order they are given in, a
// duplicate or late answer is ignored, a closing answer stops everything behind it, HEAD and 204 carry no
// body, a large body is shared rather than copied, and headers with line breaks never reach the wire.
#include "http/HttpAnswerQueue.h"

#include <QTest>

using namespace mmf;

namespace {

struct Buffer final : HttpAnswerQueue::Output
{
    QByteArray bytes;
    int sharedWrites = 0;
    void write(const char* data, qsizetype size) override { bytes.append(data, size); }
    void write(const QByteArray& shared) override
    {
        ++sharedWrites;
        bytes.append(shared);
    }
};

using Outcome = HttpAnswerQueue::Outcome;

} // namespace

class TestHttpAnswerQueue : public QObject
{
    Q_OBJECT

private slots:
    void answersLeaveInRequestOrder()
    {
        QByteArray scratch;
        HttpAnswerQueue queue(scratch);
        Buffer out;
        const quint64 a = queue.push(false, false, false);
        const quint64 b = queue.push(false, false, false);
        const quint64 c = queue.push(false, false, false);
        QCOMPARE(queue.answer(c, 200, "text/plain", "c", {}, out), Outcome::Held);
        QCOMPARE(queue.answer(b, 200, "text/plain", "b", {}, out), Outcome::Held);
        QVERIFY(out.bytes.isEmpty());
        QCOMPARE(queue.answer(b, 500, "text/plain", "again", {}, out), Outcome::Ignored);
        QCOMPARE(queue.answer(a, 200, "text/plain", "a", {}, out), Outcome::Written);
        const QByteArray one = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\n";
        QCOMPARE(out.bytes, one + "a" + one + "b" + one + "c");
        QVERIFY(queue.empty());
        QCOMPARE(queue.answer(a, 200, "text/plain", "late", {}, out), Outcome::Ignored);
        QCOMPARE(queue.answer(99, 200, "text/plain", "unknown", {}, out), Outcome::Ignored);
    }

    void closingAnswerStopsTheRest()
    {
        QByteArray scratch;
        HttpAnswerQueue queue(scratch);
        Buffer out;
        const quint64 a = queue.push(false, false, false);
        const quint64 b = queue.push(false, false, false);
        QCOMPARE(queue.answer(b, 200, "", "b", {}, out), Outcome::Held);
        QCOMPARE(queue.answer(a, 200, "", "a", {{"Connection", "close"}}, out), Outcome::Closing);
        QCOMPARE(out.bytes, QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\na"));
    }

    void closeAfterLastMarksTheLastAnswer()
    {
        QByteArray scratch;
        HttpAnswerQueue queue(scratch);
        Buffer out;
        const quint64 a = queue.push(false, false, true);
        queue.closeAfterLast();
        QCOMPARE(queue.answer(a, 200, "", "", {}, out), Outcome::Closing);
        QVERIFY(out.bytes.contains("Connection: close\r\n"));
        QVERIFY(!out.bytes.contains("keep-alive"));
    }

    void headAnd204HaveNoBody()
    {
        QByteArray scratch;
        HttpAnswerQueue queue(scratch);
        Buffer out;
        const quint64 head = queue.push(false, true, false);
        const quint64 empty = queue.push(false, false, true);
        queue.answer(head, 200, "text/plain", "body", {}, out);
        queue.answer(empty, 204, "text/plain", "ignored", {}, out);
        QCOMPARE(out.bytes,
                 QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\n"
                            "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n"));
    }

    void largeBodyIsShared()
    {
        QByteArray scratch;
        HttpAnswerQueue queue(scratch);
        Buffer out;
        const QByteArray big(200 * 1024, 'x');
        const quint64 a = queue.push(false, false, false);
        const quint64 b = queue.push(false, false, false);
        queue.answer(b, 200, "", big, {}, out);
        queue.answer(a, 200, "", big, {}, out);
        QCOMPARE(out.sharedWrites, 3); // a's body; b's head and body
        QCOMPARE(out.bytes.count('x'), 2 * big.size());
    }

    void headersWithLineBreaksAreDropped()
    {
        QByteArray scratch;
        HttpAnswerQueue queue(scratch);
        Buffer out;
        const quint64 a = queue.push(false, false, false);
        queue.answer(a, 200, "", "",
                     {{"X-Bad", "v\r\nSet-Cookie: x=1"}, {"X-Ok", "1"}, {"Content-Length", "99"}}, out);
        QCOMPARE(out.bytes, QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Ok: 1\r\n\r\n"));
    }

    void clearForgetsUnanswered()
    {
        QByteArray scratch;
        HttpAnswerQueue queue(scratch);
        Buffer out;
        const quint64 a = queue.push(false, false, false);
        queue.clear();
        QVERIFY(queue.empty());
        QCOMPARE(queue.answer(a, 200, "", "", {}, out), Outcome::Ignored);
        const quint64 b = queue.push(false, false, false);
        QVERIFY(b > a);
        QCOMPARE(queue.answer(b, 200, "", "", {}, out), Outcome::Written);
    }
};

QTEST_APPLESS_MAIN(TestHttpAnswerQueue)
#include "tst_httpanswerqueue.moc"
