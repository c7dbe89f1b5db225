#pragma once

#include <QHostAddress>
#include <QString>

namespace mmf::http {

// ::ffff:1.2.3.4 as 1.2.3.4, so that an IPv4 client on a dual-stack socket compares equal to its address.
inline QHostAddress plainAddress(const QHostAddress& address)
{
    bool v4 = false;
    const quint32 ip4 = address.toIPv4Address(&v4);
    return v4 ? QHostAddress(ip4) : address;
}

// How log lines name a connection's client: its address, and the proxy's when a trusted proxy forwarded it
// ("203.0.113.7 via proxy 127.0.0.1"), so that an operator behind a proxy can tell its clients apart.
inline QString describeClient(const QHostAddress& client, const QHostAddress& peer)
{
    const QHostAddress plainClient = plainAddress(client);
    const QHostAddress plainPeer = plainAddress(peer);
    if (plainClient.isNull() || plainClient == plainPeer)
        return plainPeer.toString();
    return QStringLiteral("%1 via proxy %2").arg(plainClient.toString(), plainPeer.toString());
}

} // namespace mmf::http
