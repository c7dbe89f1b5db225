#pragma once

#include <QByteArray>
#include <QtGlobal>

namespace mmf {

// Checks the frame headers of what a WebSocket client sends (RFC 6455 5.2), as a byte stream fed in pieces of
// any size, without keeping payloads. QWebSocket parses frames itself but accepts unmasked client frames;
// this is the check in front of it (WebSocketGuard), and it also refuses what Qt would, so one place names
// the close code: 1002 for an unmasked frame, a reserved bit or opcode, a control frame over 125 bytes or
// fragmented, a 64-bit length with its top bit set or a length not in its shortest form; 1009 for a frame
// over `maxFrameBytes`. Once it has refused, it takes no more input.
class WebSocketFrameChecker
{
public:
    explicit WebSocketFrameChecker(quint64 maxFrameBytes);

    // False once the stream is refused; closeCode() and reason() say why.
    bool feed(const char* data, qsizetype size);
    bool failed() const { return m_closeCode != 0; }
    int closeCode() const { return m_closeCode; }
    const char* reason() const { return m_reason; }
    quint64 frames() const { return m_frames; } // complete frame headers seen

private:
    bool fail(int code, const char* reason);
    bool headerDone();

    enum class State
    {
        Header,
        Length,
        Mask,
        Payload
    };

    quint64 m_maxFrameBytes;
    State m_state = State::Header;
    unsigned char m_header[2] = {0, 0};
    int m_have = 0; // bytes of the current header part read so far
    int m_lengthBytes = 0;
    quint64 m_length = 0;
    quint64 m_payloadLeft = 0;
    quint64 m_frames = 0;
    int m_closeCode = 0;
    const char* m_reason = "";
};

} // namespace mmf
