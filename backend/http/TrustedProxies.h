#pragma once

#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>

namespace mmf {

struct HttpRequest;

// Which peers are reverse proxies whose `X-Forwarded-For` the server believes (`[http] trusted_proxies`), and
// the client address a request comes from. Behind a proxy every connection has the proxy's address: the
// sign-in throttle, the per-address connection caps and the registry's host rule would treat all clients as
// one. A header from any other peer is ignored, since anyone can write one.
//
// The client is found as nginx's `real_ip_recursive` and Envoy's trusted hops do: each proxy appends the
// address it was connected from, so X-Forwarded-For is read from its right end (over every line of it, in
// order), skipping trusted proxies; the first address that is not one is the client. When every address is a
// trusted proxy the leftmost is the client; an entry that is not an address ("unknown", a host name) ends the
// walk at the last proxy reached, which is then the client. Entries may carry a port (`1.2.3.4:80`,
// `[::1]:80`); IPv4-mapped IPv6 addresses compare as IPv4.
class TrustedProxies
{
public:
    // Addresses and CIDRs, as ServerConfig holds them (validated there); other entries are ignored.
    explicit TrustedProxies(const QStringList& entries = {});

    bool isEmpty() const { return m_subnets.isEmpty(); }
    bool trusts(const QHostAddress& peer) const;
    // The peer itself unless it is a trusted proxy; then as described above.
    QHostAddress clientOf(const QHostAddress& peer, const HttpRequest& request) const;

    // One X-Forwarded-For entry as an address (port and brackets dropped, IPv4-mapped as IPv4); a null
    // address when it is none.
    static QHostAddress parseEntry(QByteArrayView entry);

private:
    QList<QPair<QHostAddress, int>> m_subnets;
};

} // namespace mmf
