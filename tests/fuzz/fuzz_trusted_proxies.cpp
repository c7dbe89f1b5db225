// TrustedProxies::clientOf on any X-Forwarded-For lines: never crashes, and the client it names is the peer
// or an address written in the header — never one made up — and, from a peer that is no trusted proxy, always
// the peer. The input's lines are the header's lines; its first byte picks the peer.
#include "FuzzCheck.h"
#include "http/HttpRequest.h"
#include "http/TrustedProxies.h"

#include <cstddef>
#include <cstdint>

using namespace mmf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const TrustedProxies proxies({QStringLiteral("127.0.0.0/8"), QStringLiteral("10.0.0.0/8"),
                                         QStringLiteral("::1"), QStringLiteral("fd00::/8")});
    static const QHostAddress peers[] = {
        QHostAddress(QStringLiteral("127.0.0.1")), QHostAddress(QStringLiteral("::ffff:10.1.2.3")),
        QHostAddress(QStringLiteral("::1")), QHostAddress(QStringLiteral("192.0.2.7"))};
    if (size < 1 || size > 16384)
        return 0;
    const QHostAddress& peer = peers[data[0] % 4];
    HttpRequest request;
    const QByteArray input(reinterpret_cast<const char*>(data) + 1, qsizetype(size) - 1);
    const QList<QByteArray> lines = input.split('\n');
    for (const QByteArray& line : lines)
        request.headers.append({QByteArrayLiteral("x-forwarded-for"), line});

    const QHostAddress client = proxies.clientOf(peer, request);
    MMF_FUZZ_CHECK(!client.isNull());
    // A v4-mapped peer may come back as plain IPv4: the same client.
    const bool isPeer = client.isEqual(peer, QHostAddress::ConvertV4MappedToIPv4);
    if (!proxies.trusts(peer)) {
        MMF_FUZZ_CHECK(isPeer);
        return 0;
    }
    if (isPeer)
        return 0;
    // Otherwise it was read from the header: some entry parses to it.
    bool written = false;
    for (const QByteArray& line : lines) {
        for (const QByteArray& entry : line.split(',')) {
            const QHostAddress parsed = TrustedProxies::parseEntry(entry.trimmed());
            if (!parsed.isNull() &&
                (parsed == client || parsed.isEqual(client, QHostAddress::ConvertV4MappedToIPv4)))
                written = true;
        }
    }
    MMF_FUZZ_CHECK(written);
    return 0;
}
