// WebSocketFrameChecker on byte strings: valid client frames pass however the stream is split; each refusal
// carries its close code (1002 unmasked, reserved bits/opcodes, control frames over 125 bytes or fragmented,
// a 2^63 length, lengths not in shortest form; 1009 over the limit).
#include "http/WebSocketFrameChecker.h"

#include "WebSocketFrames.h"

#include <QTest>

using namespace mmf;

namespace {

QByteArray header(const char* bytes, int size)
{
    return QByteArray(bytes, size);
}

struct Outcome
{
    int code = 0;
    quint64 frames = 0;
};

Outcome check(const QByteArray& stream, qsizetype piece)
{
    WebSocketFrameChecker checker(70000);
    for (qsizetype at = 0; at < stream.size(); at += piece) {
        if (!checker.feed(stream.constData() + at, std::min(piece, stream.size() - at)))
            break;
    }
    return {checker.closeCode(), checker.frames()};
}

} // namespace

class TestWebSocketFrameChecker : public QObject
{
    Q_OBJECT

private slots:
    void streams_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("frames");

        QTest::newRow("text, ping, fragmented binary, close")
            << clientFrame(0x81, "hello") + clientFrame(0x89, "p") + clientFrame(0x02, QByteArray(300, 'a')) +
                   clientFrame(0x80, QByteArray(66000, 'b')) + clientFrame(0x88, "\x03\xe8")
            << 0 << 5;
        QTest::newRow("unmasked text")
            << clientFrame(0x81, "hi") + clientFrame(0x81, "hi", false) << 1002 << 1;
        QTest::newRow("126-byte ping") << header("\x89\xfe\x00\x7e", 4) << 1002 << 0;
        QTest::newRow("fragmented ping") << clientFrame(0x09, "x") << 1002 << 0;
        QTest::newRow("2^63 length") << header("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04", 14)
                                     << 1002 << 0;
        QTest::newRow("16-bit length under 126") << header("\x82\xfe\x00\x05", 4) << 1002 << 0;
        QTest::newRow("64-bit length under 65536")
            << header("\x82\xff\x00\x00\x00\x00\x00\x00\x01\x00", 10) << 1002 << 0;
        QTest::newRow("over the limit")
            << header("\x82\xff\x00\x00\x00\x00\x00\x01\x86\xa0", 10) << 1009 << 0;
        QTest::newRow("reserved bit") << clientFrame(0xC1, "x") << 1002 << 0;
        QTest::newRow("reserved opcode") << clientFrame(0x83, "x") << 1002 << 0;
        QTest::newRow("reserved control opcode") << clientFrame(0x8B, "x") << 1002 << 0;
    }

    void streams()
    {
        QFETCH(QByteArray, stream);
        QFETCH(int, code);
        QFETCH(int, frames);
        for (const qsizetype piece :
             {stream.size(), qsizetype(1), qsizetype(2), qsizetype(3), qsizetype(7)}) {
            const Outcome got = check(stream, piece);
            QCOMPARE(got.code, code);
            QCOMPARE(got.frames, quint64(frames));
        }
    }
};

QTEST_APPLESS_MAIN(TestWebSocketFrameChecker)
#include "tst_websocketframechecker.moc"
