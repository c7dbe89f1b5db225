#include "config/ServerConfig.h"

#include <QThread>

namespace mmf {

QString ServerConfig::Address::toString() const
{
    if (host.isEmpty())
        return {};
    const QString h = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return h + QLatin1Char(':') + QString::number(port);
}

QMap<QString, qint64> ServerConfig::defaultPool()
{
    return {{QStringLiteral("cpu"), qMax(1, QThread::idealThreadCount())}};
}

} // namespace mmf
