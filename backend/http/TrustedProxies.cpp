#include "http/TrustedProxies.h"

#include "http/HttpRequest.h"
#include "http/PlainAddress.h"

namespace mmf {

TrustedProxies::TrustedProxies(const QStringList& entries)
{
    for (const QString& entry : entries) {
        if (entry.contains(QLatin1Char('/'))) {
            QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(entry);
            if (subnet.first.isNull())
                continue;
            // 0:0:0:0:0:ffff:a.b.c.d/n names IPv4 addresses: keep it as the IPv4 subnet they compare as.
            if (const QHostAddress v4 = http::plainAddress(subnet.first);
                v4.protocol() == QAbstractSocket::IPv4Protocol && subnet.first != v4) {
                if (subnet.second < 96)
                    continue;
                subnet = qMakePair(v4, subnet.second - 96);
            }
            m_subnets << subnet;
        } else if (const QHostAddress address = http::plainAddress(QHostAddress(entry)); !address.isNull()) {
            m_subnets << qMakePair(address, address.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32);
        }
    }
}

bool TrustedProxies::trusts(const QHostAddress& peer) const
{
    const QHostAddress address = http::plainAddress(peer);
    for (const auto& subnet : m_subnets) {
        if (address.isInSubnet(subnet))
            return true;
    }
    return false;
}

QHostAddress TrustedProxies::parseEntry(QByteArrayView entry)
{
    entry = entry.trimmed();
    if (entry.startsWith('[')) { // [v6] or [v6]:port
        const qsizetype close = entry.indexOf(']');
        if (close < 0)
            return {};
        const QByteArrayView rest = entry.sliced(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(':'))
            return {};
        entry = entry.sliced(1, close - 1);
    } else if (entry.count(':') == 1) { // v4:port (a bare IPv6 address has more colons)
        entry = entry.first(entry.indexOf(':'));
    }
    if (entry.isEmpty() || entry.size() > 45) // INET6_ADDRSTRLEN - 1
        return {};
    QHostAddress address;
    if (!address.setAddress(QString::fromLatin1(entry)) || !address.scopeId().isEmpty())
        return {};
    return http::plainAddress(address);
}

QHostAddress TrustedProxies::clientOf(const QHostAddress& peer, const HttpRequest& request) const
{
    QHostAddress client = http::plainAddress(peer);
    if (m_subnets.isEmpty() || !trusts(client))
        return client;
    // Every X-Forwarded-For line in order is one list: walk it from its right end.
    for (qsizetype h = request.headers.size() - 1; h >= 0; --h) {
        if (request.headers[h].first != "x-forwarded-for")
            continue;
        const QByteArrayView line(request.headers[h].second);
        qsizetype end = line.size();
        while (end > 0) {
            const qsizetype comma = line.lastIndexOf(',', end - 1);
            const QByteArrayView entry = line.sliced(comma + 1, end - comma - 1);
            end = comma < 0 ? 0 : comma;
            if (entry.trimmed().isEmpty())
                continue; // "a, , b" or a trailing comma: nothing was appended there
            const QHostAddress hop = parseEntry(entry);
            if (hop.isNull())
                return client; // not an address: the proxy that wrote it is as far as we can see
            client = hop;
            if (!trusts(client))
                return client;
        }
    }
    return client;
}

} // namespace mmf
