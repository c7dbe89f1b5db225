#pragma once

#include <QtGlobal>

namespace mmf {

// Limits that keep a hostile or broken client from taking memory or connections. Defaults follow nginx,
// Apache, Node and Envoy; see docs/ARCHITECTURE.md (configuration table).
struct HttpLimits
{
    qint64 maxBodyBytes = 16 * 1024 * 1024; // 413, checked on Content-Length before reading the body
    int maxRequestLine = 8 * 1024;          // 414
    int maxHeaderBytes = 8 * 1024;          // 431, one header line
    int maxHeadersTotal = 16 * 1024;        // 431, all headers
    int maxHeaderCount = 100;               // 431
    int headerTimeoutMs = 10 * 1000;        // 408, time to send the whole header block
    int idleTimeoutMs = 60 * 1000;          // keep-alive idle close; also the longest pause in a body (408)
    int bodyTimeoutMs = 300 * 1000;         // 408, time to send a whole body, however it is paced
    int maxConnections = 10000;             // HTTP connections; further ones are closed at once
    int maxConnectionsPerAddress = 256;     // HTTP connections + WebSockets of one peer address (429)
    int wsMaxConnections = 4096;            // upgraded WebSockets; a further upgrade gets 503
    qint64 wsMaxMessageBytes = 1024 * 1024; // 1009
    qint64 wsMaxSendBufferBytes = 8 * 1024 * 1024; // 1008
    int wsPingIntervalMs = 30 * 1000;              // a peer silent for two intervals is dropped
};

} // namespace mmf
