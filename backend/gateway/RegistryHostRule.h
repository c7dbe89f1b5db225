#pragma once

#include "core/Result.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace mmf {

// Which host an instance's registration may name for the registry's pings. Pinging whatever a caller names
// would turn the server into a scanner of its own network (round-trip times, evictions and the reply's
// fields are shown back), so by default only the registering connection's own address is allowed (127.0.0.1,
// ::1 and localhost count as one); an empty host means that address. The operator may allow more with
// `[registry] allowed_hosts`: CIDRs, single addresses, exact host names.
class RegistryHostRule
{
public:
    // `allowed` as ServerConfig holds it (validated there); unparsable entries are ignored.
    explicit RegistryHostRule(const QStringList& allowed = {});

    // The host to store and ping (the peer's address for an empty host), or permission_denied naming the
    // host, the peer and the setting.
    Result<QString> check(const QString& host, const QHostAddress& peer) const;

private:
    QList<QPair<QHostAddress, int>> m_subnets;
    QStringList m_names;
};

} // namespace mmf
