// WebSocketFrameChecker on byte strings: valid client frames pass however the stream is split; each refusal
// carries its close code (1002 unmasked, reserved bits/opcodes, control frames over 125 bytes or fragmented,
// a 2^63 length, lengths not in shortest form; 1009 over the limit).
#include "http/WebSocketFrameChecker.h"

#include <QTest>

using namespace mmf;

namespace {

// A client frame: FIN + opcode, masked unless told otherwise, length in its shortest form.
QByteArray frame(unsigned first, const QByteArray& payload, bool masked = true)
{
    QByteArray out;
    out.append(char(first));
    const char maskBit = masked ? char(0x80) : char(0);
    if (payload.size() < 126) {
        out.append(char(maskBit | char(payload.size())));
    } else if (payload.size() <= 0xFFFF) {
        out.append(char(maskBit | 126));
        out.append(char(payload.size() >> 8));
        out.append(char(payload.size() & 0xFF));
    } else {
        out.append(char(maskBit | 127));
        for (int i = 7; i >= 0; --i)
            out.append(char((quint64(payload.size()) >> (8 * i)) & 0xFF));
    }
    if (masked)
        out.append("\x01\x02\x03\x04", 4);
    return out + payload; // the payload's bytes do not matter to the checker
}

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
            << frame(0x81, "hello") + frame(0x89, "p") + frame(0x02, QByteArray(300, 'a')) +
                   frame(0x80, QByteArray(66000, 'b')) + frame(0x88, "\x03\xe8")
            << 0 << 5;
        QTest::newRow("unmasked text") << frame(0x81, "hi") + frame(0x81, "hi", false) << 1002 << 1;
        QTest::newRow("126-byte ping") << header("\x89\xfe\x00\x7e", 4) << 1002 << 0;
        QTest::newRow("fragmented ping") << frame(0x09, "x") << 1002 << 0;
        QTest::newRow("2^63 length") << header("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04", 14)
                                     << 1002 << 0;
        QTest::newRow("16-bit length under 126") << header("\x82\xfe\x00\x05", 4) << 1002 << 0;
        QTest::newRow("64-bit length under 65536")
            << header("\x82\xff\x00\x00\x00\x00\x00\x00\x01\x00", 10) << 1002 << 0;
        QTest::newRow("over the limit")
            << header("\x82\xff\x00\x00\x00\x00\x00\x01\x86\xa0", 10) << 1009 << 0;
        QTest::newRow("reserved bit") << frame(0xC1, "x") << 1002 << 0;
        QTest::newRow("reserved opcode") << frame(0x83, "x") << 1002 << 0;
        QTest::newRow("reserved control opcode") << frame(0x8B, "x") << 1002 << 0;
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
