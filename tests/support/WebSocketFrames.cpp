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

} // namespace mmf
