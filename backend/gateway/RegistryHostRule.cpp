#include "gateway/RegistryHostRule.h"

#include "http/PlainAddress.h"

namespace mmf {

namespace {

// 127.0.0.1 and ::1 are the same machine's one loopback (a worker may listen on one and call the other);
// other 127/8 addresses are not treated alike, since each may be another local service.
bool isPlainLoopback(const QHostAddress& address)
{
    return address == QHostAddress(QHostAddress::LocalHost) ||
           address == QHostAddress(QHostAddress::LocalHostIPv6);
}

} // namespace

RegistryHostRule::RegistryHostRule(const QStringList& allowed)
{
    for (const QString& entry : allowed) {
        if (entry.contains(QLatin1Char('/'))) {
            const QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(entry);
            if (!subnet.first.isNull())
                m_subnets << subnet;
        } else if (const QHostAddress address(entry); !address.isNull()) {
            m_subnets << qMakePair(http::plainAddress(address),
                                   address.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32);
        } else {
            m_names << entry.toLower();
        }
    }
}

Result<QString> RegistryHostRule::check(const QString& host, const QHostAddress& peer) const
{
    const QHostAddress from = http::plainAddress(peer);
    if (host.isEmpty())
        return from.toString();
    const QHostAddress named = http::plainAddress(QHostAddress(host));
    if (!named.isNull()) {
        if (named == from || (isPlainLoopback(named) && isPlainLoopback(from)))
            return named.toString();
        for (const auto& subnet : m_subnets) {
            if (named.isInSubnet(subnet))
                return named.toString();
        }
    } else {
        const QString name = host.toLower();
        if (m_names.contains(name) || (name == QLatin1String("localhost") && isPlainLoopback(from)))
            return name;
    }
    return Error::permissionDenied(
        QStringLiteral("the registration names host %1 for pings but comes from %2: the registry pings "
                       "only the registering address (leave host empty or name that address), or hosts "
                       "an operator allows in [registry] allowed_hosts")
            .arg(host, from.toString()));
}

} // namespace mmf
