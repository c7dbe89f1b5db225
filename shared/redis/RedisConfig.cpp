#include "redis/RedisConfig.h"

#include <QUrl>

namespace mmf {

namespace {

Result<int> parseDb(QStringView text)
{
    bool ok = false;
    const int db = text.toInt(&ok);
    // toInt accepts a sign and surrounding spaces; a database number is plain digits.
    if (!ok || db < 0 || text.isEmpty() || !text.front().isDigit() || !text.back().isDigit())
        return Error::invalidArgument(QStringLiteral("invalid database number '%1'").arg(text),
                                      QStringLiteral("db"));
    return db;
}

// Splits "[user:]password@" off the front of `rest` (the last '@' ends it, so a password may hold '/', '?' or
// ':'). As in redis-cli, "secret@host" means a password without a user.
void takeUserInfo(QString& rest, RedisConfig& config)
{
    const qsizetype at = rest.lastIndexOf(QLatin1Char('@'));
    if (at < 0)
        return;
    const QString userInfo = rest.left(at);
    rest = rest.mid(at + 1);
    const qsizetype colon = userInfo.indexOf(QLatin1Char(':'));
    if (colon < 0) {
        config.password = QUrl::fromPercentEncoding(userInfo.toUtf8());
    } else {
        config.user = QUrl::fromPercentEncoding(userInfo.left(colon).toUtf8());
        config.password = QUrl::fromPercentEncoding(userInfo.mid(colon + 1).toUtf8());
    }
}

Result<void> applyQuery(QStringView query, RedisConfig& config)
{
    if (query.isEmpty())
        return {};
    for (QStringView item : query.split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        const QStringView key = eq < 0 ? item : item.left(eq);
        const QStringView value = eq < 0 ? QStringView() : item.mid(eq + 1);
        if (key == QLatin1String("db")) {
            auto db = parseDb(value);
            if (!db)
                return db.error();
            config.db = *db;
        } else {
            return Error::invalidArgument(
                QStringLiteral("unknown URL parameter '%1' (only db is supported)").arg(key),
                QStringLiteral("url"));
        }
    }
    return {};
}

QString displayUserInfo(const RedisConfig& c)
{
    if (c.user.isEmpty() && c.password.isEmpty())
        return {};
    return QString::fromUtf8(QUrl::toPercentEncoding(c.user)) + QLatin1Char(':') +
           (c.password.isEmpty() ? QString() : QStringLiteral("***")) + QLatin1Char('@');
}

} // namespace

Result<RedisConfig> RedisConfig::fromUrl(const QString& url)
{
    const QString trimmed = url.trimmed();
    const auto bad = [](const QString& what) { return Error::invalidArgument(what, QStringLiteral("url")); };
    if (trimmed.isEmpty())
        return bad(QStringLiteral("empty Redis URL"));

    const qsizetype schemeEnd = trimmed.indexOf(QLatin1String("://"));
    if (schemeEnd <= 0)
        return bad(QStringLiteral("not a Redis URL: expected redis://host:port[/db] or unix:///path.sock"));
    // Only the scheme is quoted back: the rest may hold a password.
    const QString scheme = trimmed.left(schemeEnd).toLower();
    QString rest = trimmed.mid(schemeEnd + 3);

    RedisConfig config;
    if (scheme == QLatin1String("unix")) {
        takeUserInfo(rest, config);
        const qsizetype q = rest.indexOf(QLatin1Char('?'));
        const QString path = q < 0 ? rest : rest.left(q);
        if (path.size() < 2 || !path.startsWith(QLatin1Char('/')))
            return bad(QStringLiteral("unix socket path must be absolute: unix:///path/to/redis.sock"));
        config.unixSocket = path;
        if (q >= 0) {
            if (auto r = applyQuery(QStringView(rest).mid(q + 1), config); !r)
                return r.error();
        }
        return config;
    }
    if (scheme == QLatin1String("rediss"))
        return bad(QStringLiteral("TLS (rediss://) is not supported"));
    if (scheme != QLatin1String("redis"))
        return bad(QStringLiteral("unsupported scheme '%1' (expected redis:// or unix://)").arg(scheme));

    takeUserInfo(rest, config);
    qsizetype hostEnd = rest.indexOf(QLatin1Char('/'));
    const qsizetype queryStart = rest.indexOf(QLatin1Char('?'));
    if (hostEnd < 0 || (queryStart >= 0 && queryStart < hostEnd))
        hostEnd = queryStart;
    const QString hostPort = hostEnd < 0 ? rest : rest.left(hostEnd);
    QString tail = hostEnd < 0 ? QString() : rest.mid(hostEnd);

    QString portText;
    if (hostPort.startsWith(QLatin1Char('['))) {
        const qsizetype close = hostPort.indexOf(QLatin1Char(']'));
        if (close < 0)
            return bad(QStringLiteral("unterminated IPv6 address (missing ']')"));
        config.host = hostPort.mid(1, close - 1);
        const QString after = hostPort.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(QLatin1Char(':')))
                return bad(QStringLiteral("unexpected text after IPv6 address: '%1'").arg(after));
            portText = after.mid(1);
            if (portText.isEmpty())
                return bad(QStringLiteral("empty port after ':'"));
        }
    } else {
        const qsizetype colon = hostPort.indexOf(QLatin1Char(':'));
        if (colon >= 0 && hostPort.indexOf(QLatin1Char(':'), colon + 1) >= 0)
            return bad(QStringLiteral("an IPv6 address must be in brackets: redis://[::1]:6379"));
        config.host = colon < 0 ? hostPort : hostPort.left(colon);
        if (colon >= 0) {
            portText = hostPort.mid(colon + 1);
            if (portText.isEmpty())
                return bad(QStringLiteral("empty port after ':'"));
        }
    }
    if (config.host.isEmpty())
        return bad(QStringLiteral("missing host in Redis URL"));
    if (!portText.isEmpty()) {
        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!ok || port == 0 || port > 65535 || !portText.front().isDigit())
            return bad(QStringLiteral("invalid port '%1' (expected 1-65535)").arg(portText));
        config.port = quint16(port);
    }

    QStringView path = tail;
    QStringView query;
    if (const qsizetype q = tail.indexOf(QLatin1Char('?')); q >= 0) {
        path = QStringView(tail).left(q);
        query = QStringView(tail).mid(q + 1);
    }
    if (path.size() > 1) {
        auto db = parseDb(path.mid(1));
        if (!db)
            return db.error();
        config.db = *db;
    }
    if (auto r = applyQuery(query, config); !r)
        return r.error();
    return config;
}

QString RedisConfig::toDisplayUrl() const
{
    if (!unixSocket.isEmpty()) {
        QString url = QStringLiteral("unix://") + displayUserInfo(*this) + unixSocket;
        if (db != 0)
            url += QStringLiteral("?db=%1").arg(db);
        return url;
    }
    const QString h = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    QString url =
        QStringLiteral("redis://") + displayUserInfo(*this) + h + QLatin1Char(':') + QString::number(port);
    if (db != 0)
        url += QLatin1Char('/') + QString::number(db);
    return url;
}

} // namespace mmf
