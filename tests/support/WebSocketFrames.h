#pragma once

#include <QByteArray>

namespace mmf {

// A WebSocket frame as a client sends it (RFC 6455 5.2): `first` is the FIN/RSV/opcode byte, the length in
// its shortest form, the payload masked with a fixed key unless `masked` is false.
QByteArray clientFrame(unsigned first, const QByteArray& payload, bool masked = true);

// A WebSocket upgrade request for /api/v1/ws with the token as a bearer.
QByteArray upgradeRequest(const QByteArray& token, const QByteArray& extraHeaderLines = {});

// The status code of the first close frame in `frames` (unmasked frames as a server sends them), with its
// reason in `reason` when given; 0 when there is none (yet).
int serverCloseCode(const QByteArray& frames, QByteArray* reason = nullptr);

} // namespace mmf
