#pragma once

#include <QByteArray>

namespace mmf {

// A WebSocket frame as a client sends it (RFC 6455 5.2): `first` is the FIN/RSV/opcode byte, the length in
// its shortest form, the payload masked with a fixed key unless `masked` is false.
QByteArray clientFrame(unsigned first, const QByteArray& payload, bool masked = true);

} // namespace mmf
