#pragma once

#include <QHostAddress>

namespace mmf::http {

// ::ffff:1.2.3.4 as 1.2.3.4, so that an IPv4 client on a dual-stack socket compares equal to its address.
inline QHostAddress plainAddress(const QHostAddress& address)
{
    bool v4 = false;
    const quint32 ip4 = address.toIPv4Address(&v4);
    return v4 ? QHostAddress(ip4) : address;
}

} // namespace mmf::http
