#include "http/WebSocketFrameChecker.h"

#include <algorithm>

namespace mmf {

WebSocketFrameChecker::WebSocketFrameChecker(quint64 maxFrameBytes)
    : m_maxFrameBytes(maxFrameBytes)
{}

bool WebSocketFrameChecker::fail(int code, const char* reason)
{
    m_closeCode = code;
    m_reason = reason;
    return false;
}

// The length is known: check it, then expect the masking key.
bool WebSocketFrameChecker::headerDone()
{
    const bool control = (m_header[0] & 0x08) != 0;
    if (m_lengthBytes == 2 && m_length < 126)
        return fail(1002, "frame length not in its shortest form");
    if (m_lengthBytes == 8) {
        if (m_length >> 63)
            return fail(1002, "the top bit of a 64-bit frame length is set");
        if (m_length <= 0xFFFF)
            return fail(1002, "frame length not in its shortest form");
    }
    if (!control && m_length > m_maxFrameBytes)
        return fail(1009, "frame too large");
    m_payloadLeft = m_length;
    m_state = State::Mask;
    m_have = 0;
    return true;
}

bool WebSocketFrameChecker::feed(const char* data, qsizetype size)
{
    if (failed())
        return false;
    qsizetype pos = 0;
    while (pos < size) {
        switch (m_state) {
        case State::Header: {
            m_header[m_have++] = static_cast<unsigned char>(data[pos++]);
            if (m_have < 2)
                break;
            const unsigned opcode = m_header[0] & 0x0F;
            const bool control = (opcode & 0x08) != 0;
            const unsigned length7 = m_header[1] & 0x7F;
            if (m_header[0] & 0x70)
                return fail(1002, "reserved bits set");
            if ((opcode >= 3 && opcode <= 7) || opcode >= 0xB)
                return fail(1002, "reserved opcode");
            if (!(m_header[1] & 0x80))
                return fail(1002, "client frames must be masked");
            if (control && length7 > 125)
                return fail(1002, "control frame larger than 125 bytes");
            if (control && !(m_header[0] & 0x80))
                return fail(1002, "fragmented control frame");
            m_lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
            m_length = m_lengthBytes ? 0 : length7;
            m_have = 0;
            if (m_lengthBytes) {
                m_state = State::Length;
            } else if (!headerDone()) {
                return false;
            }
            break;
        }
        case State::Length:
            m_length = (m_length << 8) | static_cast<unsigned char>(data[pos++]);
            if (++m_have == m_lengthBytes && !headerDone())
                return false;
            break;
        case State::Mask: {
            const qsizetype n = std::min<qsizetype>(4 - m_have, size - pos);
            pos += n;
            m_have += int(n);
            if (m_have == 4) {
                ++m_frames;
                m_state = m_payloadLeft ? State::Payload : State::Header;
                m_have = 0;
            }
            break;
        }
        case State::Payload: {
            const quint64 n = std::min<quint64>(m_payloadLeft, quint64(size - pos));
            pos += qsizetype(n);
            m_payloadLeft -= n;
            if (m_payloadLeft == 0)
                m_state = State::Header;
            break;
        }
        }
    }
    return true;
}

} // namespace mmf
