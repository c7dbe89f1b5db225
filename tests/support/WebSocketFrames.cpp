#include "WebSocketFrames.h"

namespace mmf {

QByteArray clientFrame(unsigned first, const QByteArray& payload, bool masked)
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
    if (!masked)
        return out + payload;
    const char key[4] = {0x11, 0x22, 0x33, 0x44};
    out.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out.append(char(payload[i] ^ key[i % 4]));
    return out;
}

QByteArray upgradeRequest(const QByteArray& token, const QByteArray& extraHeaderLines)
{
    return "GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Authorization: Bearer " +
           token + "\r\n" + extraHeaderLines + "\r\n";
}

int serverCloseCode(const QByteArray& frames, QByteArray* reason)
{
    qsizetype pos = 0;
    while (pos + 2 <= frames.size()) {
        const auto opcode = quint8(frames[pos]) & 0x0F;
        qsizetype length = quint8(frames[pos + 1]) & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            if (pos + 4 > frames.size())
                return 0;
            length = (qsizetype(quint8(frames[pos + 2])) << 8) | quint8(frames[pos + 3]);
            header = 4;
        } else if (length == 127) {
            if (pos + 10 > frames.size())
                return 0;
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | quint8(frames[pos + 2 + i]);
            header = 10;
        }
        if (opcode == 0x8 && length >= 2 && pos + header + 2 <= frames.size()) {
            if (reason)
                *reason = frames.mid(pos + header + 2, length - 2);
            return (int(quint8(frames[pos + header])) << 8) | quint8(frames[pos + header + 1]);
        }
        pos += header + length;
    }
    return 0;
}

} // namespace mmf
