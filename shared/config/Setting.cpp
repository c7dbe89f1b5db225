#include "config/Setting.h"

#include <QDir>
#include <QHostAddress>
#include <QRegularExpression>

#include <cmath>
#include <limits>
#include <optional>

namespace mmf {

namespace {

using Apply = decltype(Setting::apply);
using Format = decltype(Setting::valueText);

constexpr qint64 kIntMax = std::numeric_limits<int>::max();
constexpr qint64 kMsPerDay = 86400LL * 1000;

// Digits only: no sign, no spaces, no exponent, no hex.
std::optional<qint64> parseWhole(const QString& text)
{
    if (text.isEmpty() || text.size() > 18)
        return std::nullopt;
    for (QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return std::nullopt;
    }
    return text.toLongLong();
}

// "10", "0.5", "86400": digits with an optional fraction.
std::optional<double> parseDecimal(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("^[0-9]{1,15}(\\.[0-9]{1,9})?$"));
    if (!re.match(text).hasMatch())
        return std::nullopt;
    return text.toDouble();
}

QString formatSeconds(qint64 ms)
{
    if (ms % 1000 == 0)
        return QString::number(ms / 1000);
    QString s = QString::number(double(ms) / 1000.0, 'f', 3);
    while (s.endsWith(QLatin1Char('0')))
        s.chop(1);
    return s;
}

QString rangeError(const QString& low, const QString& high, const QString& unit = {})
{
    return QStringLiteral("must be between %1 and %2%3")
        .arg(low, high, unit.isEmpty() ? QString() : QLatin1Char(' ') + unit);
}

template<class T> std::pair<Apply, Format> whole(T ServerConfig::*field, qint64 min, qint64 max)
{
    Apply apply = [=](ServerConfig& c, const QString& v, const QString&) -> QString {
        const auto n = parseWhole(v);
        if (!n)
            return QStringLiteral("not a whole number");
        if (*n < min || *n > max)
            return rangeError(QString::number(min), QString::number(max));
        c.*field = T(*n);
        return {};
    };
    Format format = [=](const ServerConfig& c) { return QString::number(c.*field); };
    return {apply, format};
}

// A duration written in seconds (decimals allowed), stored in milliseconds.
template<class T> std::pair<Apply, Format> seconds(T ServerConfig::*field, qint64 minMs, qint64 maxMs)
{
    Apply apply = [=](ServerConfig& c, const QString& v, const QString&) -> QString {
        const auto secs = parseDecimal(v);
        if (!secs)
            return QStringLiteral("not a number of seconds");
        const qint64 ms = std::llround(*secs * 1000.0);
        if (ms < minMs || ms > maxMs)
            return rangeError(formatSeconds(minMs), formatSeconds(maxMs), QStringLiteral("seconds"));
        c.*field = T(ms);
        return {};
    };
    Format format = [=](const ServerConfig& c) { return formatSeconds(qint64(c.*field)); };
    return {apply, format};
}

std::pair<Apply, Format> decimal(double ServerConfig::*field, double min, double max)
{
    Apply apply = [=](ServerConfig& c, const QString& v, const QString&) -> QString {
        const auto d = parseDecimal(v);
        if (!d)
            return QStringLiteral("not a number");
        if (*d < min || *d > max)
            return rangeError(QString::number(min), QString::number(max));
        c.*field = *d;
        return {};
    };
    Format format = [=](const ServerConfig& c) { return QString::number(c.*field, 'g', 15); };
    return {apply, format};
}

std::pair<Apply, Format> choice(QString ServerConfig::*field, const QStringList& choices)
{
    Apply apply = [=](ServerConfig& c, const QString& v, const QString&) -> QString {
        if (!choices.contains(v))
            return QStringLiteral("expected one of %1").arg(choices.join(QStringLiteral(", ")));
        c.*field = v;
        return {};
    };
    Format format = [=](const ServerConfig& c) { return c.*field; };
    return {apply, format};
}

std::pair<Apply, Format> logLevel()
{
    static const QList<std::pair<QString, QtMsgType>> levels{{QStringLiteral("debug"), QtDebugMsg},
                                                             {QStringLiteral("info"), QtInfoMsg},
                                                             {QStringLiteral("warning"), QtWarningMsg},
                                                             {QStringLiteral("error"), QtCriticalMsg}};
    Apply apply = [](ServerConfig& c, const QString& v, const QString&) -> QString {
        for (const auto& [name, type] : levels) {
            if (name == v) {
                c.logLevel = type;
                return {};
            }
        }
        return QStringLiteral("expected one of debug, info, warning, error");
    };
    Format format = [](const ServerConfig& c) {
        for (const auto& [name, type] : levels) {
            if (type == c.logLevel)
                return name;
        }
        return QStringLiteral("info");
    };
    return {apply, format};
}

std::optional<ServerConfig::Address> parseAddress(const QString& text)
{
    QString host;
    QString port;
    QHostAddress ip;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QStringLiteral("]:"));
        if (close < 0)
            return std::nullopt;
        if (!ip.setAddress(text.mid(1, close - 1)) || ip.protocol() != QAbstractSocket::IPv6Protocol)
            return std::nullopt;
        host = ip.toString();
        port = text.mid(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon <= 0)
            return std::nullopt;
        host = text.left(colon);
        port = text.mid(colon + 1);
        static const QRegularExpression dotted(QStringLiteral("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$"));
        if (host != QLatin1String("localhost")) {
            if (!dotted.match(host).hasMatch() || !ip.setAddress(host) ||
                ip.protocol() != QAbstractSocket::IPv4Protocol)
                return std::nullopt;
            host = ip.toString();
        }
    }
    const auto n = parseWhole(port);
    if (!n || port.size() > 5 || *n > 65535)
        return std::nullopt;
    return ServerConfig::Address{host, quint16(*n)};
}

std::pair<Apply, Format> address(ServerConfig::Address ServerConfig::*field, bool allowEmpty)
{
    Apply apply = [=](ServerConfig& c, const QString& v, const QString&) -> QString {
        if (v.isEmpty() && allowEmpty) {
            c.*field = {};
            return {};
        }
        const auto a = parseAddress(v);
        if (!a)
            return QStringLiteral("expected ADDR:PORT (an IPv4 address, [IPv6] or localhost; port 0-65535)");
        c.*field = *a;
        return {};
    };
    Format format = [=](const ServerConfig& c) { return (c.*field).toString(); };
    return {apply, format};
}

std::pair<Apply, Format> path(QString ServerConfig::*field)
{
    Apply apply = [=](ServerConfig& c, const QString& v, const QString& baseDir) -> QString {
        c.*field = v.isEmpty() ? QString() : QDir::cleanPath(QDir(baseDir).absoluteFilePath(v));
        return {};
    };
    Format format = [=](const ServerConfig& c) { return c.*field; };
    return {apply, format};
}

std::pair<Apply, Format> redisUrl()
{
    Apply apply = [](ServerConfig& c, const QString& v, const QString&) -> QString {
        // The shape only; RedisConfig::fromUrl parses it for real when the server connects.
        static const QRegularExpression tcp(
            QStringLiteral("^redis://([^@/]*@)?([^:/@\\[\\]]+|\\[[0-9a-fA-F:.]+\\])"
                           "(:[0-9]{1,5})?(/[0-9]{1,5})?$"));
        static const QRegularExpression unixSocket(QStringLiteral("^unix:///[^?]+(\\?db=[0-9]{1,5})?$"));
        if (!v.isEmpty() && !tcp.match(v).hasMatch() && !unixSocket.match(v).hasMatch())
            return QStringLiteral("expected redis://[user:password@]host:port[/db] or unix:///path.sock");
        c.redisUrl = v;
        return {};
    };
    Format format = [](const ServerConfig& c) { return c.redisUrl; };
    return {apply, format};
}

std::pair<Apply, Format> projectName()
{
    Apply apply = [](ServerConfig& c, const QString& v, const QString&) -> QString {
        static const QRegularExpression re(QStringLiteral("^[a-z][a-z0-9_-]{0,62}$"));
        if (!re.match(v).hasMatch())
            return QStringLiteral("expected a project name matching [a-z][a-z0-9_-]{0,62}");
        c.defaultProject = v;
        return {};
    };
    Format format = [](const ServerConfig& c) { return c.defaultProject; };
    return {apply, format};
}

std::pair<Apply, Format> methods()
{
    Apply apply = [](ServerConfig& c, const QString& v, const QString&) -> QString {
        static const QStringList known{QStringLiteral("score"), QStringLiteral("read"),
                                       QStringLiteral("serve"), QStringLiteral("admin"),
                                       QStringLiteral("train")};
        QStringList list;
        if (!v.trimmed().isEmpty()) {
            for (const QString& part : v.split(QLatin1Char(','))) {
                const QString m = part.trimmed();
                if (!known.contains(m))
                    return QStringLiteral("expected a comma-separated list of %1")
                        .arg(known.join(QStringLiteral(", ")));
                if (!list.contains(m))
                    list << m;
            }
        }
        c.defaultMethods = list;
        return {};
    };
    Format format = [](const ServerConfig& c) { return c.defaultMethods.join(QLatin1Char(',')); };
    return {apply, format};
}

// A comma-separated list of CIDRs and addresses, and host names when `names` (the registry's allowed hosts;
// trusted proxies are matched against peer addresses, which have no name).
std::pair<Apply, Format> hostList(QStringList ServerConfig::*field, bool names)
{
    Apply apply = [=](ServerConfig& c, const QString& v, const QString&) -> QString {
        static const QRegularExpression name(
            QStringLiteral("^[a-z0-9]([a-z0-9-]{0,62})(\\.[a-z0-9]([a-z0-9-]{0,62}))*$"));
        QStringList list;
        for (const QString& part : v.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString item = part.trimmed().toLower();
            if (item.isEmpty())
                continue;
            const bool cidr = item.contains(QLatin1Char('/'))
                                  ? !QHostAddress::parseSubnet(item).first.isNull()
                                  : !QHostAddress(item).isNull();
            if (!cidr && !names)
                return QStringLiteral("'%1' is neither an address nor a CIDR (10.0.0.0/8)").arg(item);
            if (!cidr && !name.match(item).hasMatch())
                return QStringLiteral("'%1' is neither an address, a CIDR (10.0.0.0/8) nor a host name")
                    .arg(item);
            list << item;
        }
        c.*field = list;
        return {};
    };
    Format format = [=](const ServerConfig& c) { return (c.*field).join(QLatin1Char(',')); };
    return {apply, format};
}

// NAME=N[,NAME=N...]; merges into the pool, so each resource is a setting of its own for precedence.
std::pair<Apply, Format> pool()
{
    Apply apply = [](ServerConfig& c, const QString& v, const QString&) -> QString {
        static const QRegularExpression name(QStringLiteral("^[a-z][a-z0-9_]{0,31}$"));
        QMap<QString, qint64> parsed;
        for (const QString& part : v.split(QLatin1Char(','))) {
            const qsizetype eq = part.indexOf(QLatin1Char('='));
            if (eq < 0)
                return QStringLiteral("expected NAME=N[,NAME=N...], e.g. cpu=8,gpu=1,mem_mb=16000");
            const QString n = part.left(eq).trimmed();
            if (!name.match(n).hasMatch())
                return QStringLiteral("resource names match [a-z][a-z0-9_]{0,31}");
            const auto amount = parseWhole(part.mid(eq + 1).trimmed());
            if (!amount || *amount > 1'000'000'000'000LL)
                return QStringLiteral("%1: expected a whole number from 0 to 10^12").arg(n);
            parsed.insert(n, *amount);
        }
        c.pool.insert(parsed);
        return {};
    };
    Format format = [](const ServerConfig& c) {
        QStringList parts;
        for (auto it = c.pool.cbegin(); it != c.pool.cend(); ++it)
            parts << it.key() + QLatin1Char('=') + QString::number(it.value());
        return parts.join(QLatin1Char(','));
    };
    return {apply, format};
}

// [scaling] NAME = mode:dynamic min:0 max:3 cpu:1 ...; on the command line "NAME=SPEC[;NAME=SPEC...]". The
// shape only: the scaler's ScalingSpec parses the spec for real when the server starts.
std::pair<Apply, Format> scalingSpecs()
{
    Apply apply = [](ServerConfig& c, const QString& v, const QString&) -> QString {
        static const QRegularExpression name(QStringLiteral("^[a-z][a-z0-9_-]{0,62}$"));
        static const QRegularExpression token(QStringLiteral(
            "^(mode:(static|dynamic)|(min|max|tasks_per_replica):[0-9]{1,4}|project:[a-z][a-z0-9_-]{0,62}|"
            "command:\\S+|[a-z][a-z0-9_]{0,31}:[0-9]{1,13})$"));
        QMap<QString, QString> parsed;
        for (const QString& part : v.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
            const qsizetype eq = part.indexOf(QLatin1Char('='));
            const QString model = part.left(eq).trimmed();
            if (eq < 0 || !name.match(model).hasMatch())
                return QStringLiteral(
                    "expected MODEL=SPEC[;MODEL=SPEC...], e.g. echo=mode:dynamic min:0 max:3 cpu:1");
            const QString spec = part.mid(eq + 1).simplified();
            for (const QString& t : spec.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
                if (!token.match(t).hasMatch())
                    return QStringLiteral("%1: '%2' is not one of mode:static|dynamic, min:N, max:N, "
                                          "tasks_per_replica:N, project:NAME, command:PATH, RESOURCE:N")
                        .arg(model, t);
            }
            parsed.insert(model, spec);
        }
        c.scaling.insert(parsed);
        return {};
    };
    Format format = [](const ServerConfig& c) {
        QStringList parts;
        for (auto it = c.scaling.cbegin(); it != c.scaling.cend(); ++it)
            parts << it.key() + QLatin1Char('=') + it.value();
        return parts.join(QLatin1Char(';'));
    };
    return {apply, format};
}

std::pair<Apply, Format> optionalPath(QString ServerConfig::*field)
{
    Apply apply = [=](ServerConfig& c, const QString& v, const QString& baseDir) -> QString {
        c.*field = v.isEmpty() ? QString() : QDir::cleanPath(QDir(baseDir).absoluteFilePath(v));
        return {};
    };
    Format format = [=](const ServerConfig& c) { return c.*field; };
    return {apply, format};
}

Setting row(const char* title, const char* section, const char* key, const char* option,
            const char* valueName, const char* defaultText, const char* meaning,
            std::pair<Apply, Format> parser, const char* note = "")
{
    Setting s;
    s.title = QString::fromUtf8(title);
    s.section = QString::fromLatin1(section);
    s.key = QString::fromLatin1(key);
    s.option = QString::fromLatin1(option);
    s.valueName = QString::fromLatin1(valueName);
    s.defaultText = QString::fromUtf8(defaultText);
    s.defaultNote = QString::fromUtf8(note);
    s.meaning = QString::fromUtf8(meaning);
    s.apply = std::move(parser.first);
    s.valueText = std::move(parser.second);
    return s;
}

QList<Setting> buildTable()
{
    using C = ServerConfig;
    QList<Setting> t;
    // [server]
    t << row(
        "data dir", "server", "data_dir", "data-dir", "DIR", "",
        "Embedded Redis data and the signing keys. Relative paths start at the working directory (in the INI "
        "file: at the file's folder).",
        path(&C::dataDir), "none; the server requires it");
    t << row("listen address", "server", "listen", "listen", "ADDR:PORT", "127.0.0.1:8080",
             "HTTP and WebSocket API. Port 0 picks a free one; once ready the server prints `listening on "
             "http://ADDR:PORT` on a line of its own.",
             address(&C::listen, false));
    t << row("metrics address", "server", "metrics_listen", "metrics-listen", "ADDR:PORT", "",
             "A separate address for `/metrics`.", address(&C::metricsListen, true),
             "empty: served on the main port");
    // [redis]
    t << row(
        "external Redis", "redis", "url", "redis", "URL", "",
        "`redis://[user:password@]host:port[/db]` or `unix:///path.sock`. Give an external Redis "
        "`hash-max-listpack-value 4096` (the embedded one has it): task hashes then stay compact "
        "listpacks, ~20 % less Redis CPU per task. The embedded one also has `stream-node-max-bytes "
        "1024` (a finished task's `XDEL` rewrites a smaller node) and `latency-tracking no`; both are worth "
        "setting on a Redis that serves MMF alone (docs/PERFORMANCE.md, step 8). The server reads an "
        "external Redis's three at its first connection and logs a warning for each that differs.",
        redisUrl(), "empty: an embedded redis-server under the data dir");
    t << row(
        "Redis durability (embedded)", "redis", "appendfsync", "appendfsync", "always|everysec|no",
        "everysec",
        "fsync policy of the embedded Redis: with `everysec` a machine crash can lose the last ~1-2 s of "
        "accepted tasks, a killed redis-server only writes it had postponed (rare); `always` makes a 202 "
        "mean fsynced. See docs/RELIABILITY.md.",
        choice(&C::redisAppendfsync,
               {QStringLiteral("always"), QStringLiteral("everysec"), QStringLiteral("no")}));
    t << row(
        "Redis AOF rewrites (embedded)", "redis", "aof_rewrite_percentage", "aof-rewrite-percentage",
        "PERCENT", "100",
        "The embedded Redis rewrites its append-only file once it has grown by this share of its size "
        "after the last rewrite. A rewrite forks Redis: the child's CPU runs beside the server's, and "
        "Redis stands still while it forks (8-10 ms with ~150,000 tasks retained on a small VM). 200 "
        "cut the forks' CPU per task by a third to a half in docs/PERFORMANCE.md (step 8), for an AOF "
        "up to three times its base size between rewrites instead of two, and a longer replay after a "
        "crash. The rewrite writes its RDB base uncompressed (`rdbcompression no`, fixed: LZF saved about "
        "a fifth of the file on task data for up to ~45 % of the child's CPU, step 10).",
        whole(&C::redisAofRewritePercentage, 50, 1000));
    // [registry]
    t << row("registry ping interval", "registry", "ping_interval", "ping-interval", "SECONDS", "10",
             "How often the registry pings every instance (decimals allowed).",
             seconds(&C::pingIntervalMs, 1, kMsPerDay));
    t << row("registry allowed hosts", "registry", "allowed_hosts", "registry-allowed-hosts", "LIST", "",
             "Hosts an instance's registration may name for its pings besides the address it registers "
             "from: CIDRs (`10.0.0.0/8`), addresses and exact host names, comma-separated. Empty: only the "
             "registering connection's own address (no pinging of other hosts on anyone's behalf).",
             hostList(&C::registryAllowedHosts, true), "none");
    // [http]
    t << row("request body limit", "http", "max_body_bytes", "max-body-bytes", "N", "16777216",
             "Largest request body (413), checked before the body is read.",
             whole(&C::maxBodyBytes, 1, std::numeric_limits<qint64>::max() / 2), "16 MiB");
    t << row("request line limit", "http", "max_request_line", "max-request-line", "N", "8192",
             "Longest request line (414).", whole(&C::maxRequestLine, 64, kIntMax), "8 KiB");
    t << row("header line limit", "http", "max_header_bytes", "max-header-bytes", "N", "8192",
             "Longest single header line (431).", whole(&C::maxHeaderBytes, 64, kIntMax), "8 KiB");
    t << row("header block limit", "http", "max_headers_total", "max-headers-total", "N", "16384",
             "Largest header block (431).", whole(&C::maxHeadersTotal, 64, kIntMax), "16 KiB");
    t << row("header count limit", "http", "max_header_count", "max-header-count", "N", "100",
             "Most header lines (431).", whole(&C::maxHeaderCount, 1, kIntMax));
    t << row("header timeout", "http", "header_timeout", "header-timeout", "SECONDS", "10",
             "Time a client has to send the whole header block (408).",
             seconds(&C::headerTimeoutMs, 1, kIntMax));
    t << row(
        "keep-alive idle timeout", "http", "idle_timeout", "idle-timeout", "SECONDS", "60",
        "An idle keep-alive connection is closed after this; also the longest pause inside a body (408).",
        seconds(&C::idleTimeoutMs, 1, kIntMax));
    t << row("request body timeout", "http", "body_timeout", "body-timeout", "SECONDS", "300",
             "Time a client has to send a whole request body, however it paces it (408).",
             seconds(&C::bodyTimeoutMs, 1, kIntMax));
    t << row("connection limit", "http", "max_connections", "max-connections", "N", "10000",
             "Open HTTP connections; further ones are closed at once (upgraded WebSockets are counted by "
             "`[ws] max_connections`).",
             whole(&C::maxConnections, 1, kIntMax));
    t << row("connections per address", "http", "max_connections_per_address", "max-connections-per-address",
             "N", "256",
             "Open HTTP connections and WebSockets from one client address; a further one gets 429 and is "
             "closed.",
             whole(&C::maxConnectionsPerAddress, 1, kIntMax));
    t << row("trusted proxies", "http", "trusted_proxies", "trusted-proxies", "LIST", "",
             "Reverse proxies in front of the server (nginx, HAProxy, a load balancer): addresses and CIDRs, "
             "comma-separated. A request from one of them comes from the client its `X-Forwarded-For` names "
             "(read from the right, past every trusted proxy): the sign-in throttle, the per-address "
             "connection cap and the registry's pings then see each client instead of the proxy. A trusted "
             "proxy's own connections are not capped per address; its clients' WebSockets are. List only "
             "proxies that append the address they were connected from (nginx: `proxy_set_header "
             "X-Forwarded-For $proxy_add_x_forwarded_for`); from any other peer the header is ignored.",
             hostList(&C::trustedProxies, false), "none: the header is ignored");
    // [ws]
    t << row("WebSocket message limit", "ws", "max_message_bytes", "ws-max-message-bytes", "N", "1048576",
             "Largest incoming WebSocket frame and message (close code 1009); unset, Qt would accept 2 GB "
             "(CVE-2018-21035).",
             whole(&C::wsMaxMessageBytes, 1, kIntMax), "1 MiB");
    t << row("WebSocket send buffer limit", "ws", "max_send_buffer_bytes", "ws-max-send-buffer-bytes", "N",
             "8388608", "Bytes queued to one subscriber before it is closed (1008).",
             whole(&C::wsMaxSendBufferBytes, 1024, std::numeric_limits<qint64>::max() / 2), "8 MiB");
    t << row("WebSocket ping interval", "ws", "ping_interval", "ws-ping-interval", "SECONDS", "30",
             "How often the server pings each WebSocket client; one that sends nothing, not even a pong, for "
             "two intervals is dropped (a half-open peer).",
             seconds(&C::wsPingIntervalMs, 100, kIntMax));
    t << row("WebSocket limit", "ws", "max_connections", "ws-max-connections", "N", "4096",
             "Open WebSockets on this server; a further upgrade request gets 503.",
             whole(&C::wsMaxConnections, 1, kIntMax));
    t << row("WebSockets per user", "ws", "max_per_user", "ws-max-per-user", "N", "32",
             "Authenticated WebSockets of one user on this server; a further one is closed with 1013.",
             whole(&C::wsMaxPerUser, 1, kIntMax));
    t << row("WebSocket idle timeout", "ws", "idle_timeout", "ws-idle-timeout", "SECONDS", "300",
             "An authenticated WebSocket with no subscription that sends no message for this long is closed "
             "with 1008.",
             seconds(&C::wsIdleTimeoutMs, 100, kIntMax));
    t << row("WebSocket access re-check", "ws", "access_recheck", "ws-access-recheck", "SECONDS", "10",
             "How often each WebSocket's user is checked to still hold `read` in its token's project (also "
             "checked on every subscribe); one that lost it is closed with 1008.",
             seconds(&C::wsAccessRecheckMs, 100, kIntMax));
    // [tasks]
    t << row("queue limit", "tasks", "queue_limit", "queue-limit", "N", "100000",
             "Queued tasks per model before submissions get 429.", whole(&C::queueLimit, 1, kIntMax));
    t << row("retention", "tasks", "retention", "retention", "SECONDS", "86400",
             "How long tasks, results and logs are kept.", seconds(&C::retentionMs, 1000, 3650 * kMsPerDay));
    t << row("claim timeout", "tasks", "claim_timeout_ms", "claim-timeout-ms", "MS", "30000",
             "How long a pending task's claim may go unrenewed before the leader reclaims it.",
             whole(&C::claimTimeoutMs, 100, kMsPerDay));
    t << row("max attempts", "tasks", "max_attempts", "max-attempts", "N", "3",
             "Attempts before a task goes to the dead letters, for models that set none of their own.",
             whole(&C::maxAttempts, 1, 1000));
    t << row("first retry backoff", "tasks", "backoff_initial_ms", "backoff-initial-ms", "MS", "1000",
             "Delay before the first retry of a failed attempt, for models that set none of their own.",
             whole(&C::backoffInitialMs, 0, kMsPerDay));
    t << row("backoff factor", "tasks", "backoff_factor", "backoff-factor", "X", "2",
             "Each further retry waits this many times longer.", decimal(&C::backoffFactor, 1.0, 100.0));
    t << row("longest backoff", "tasks", "backoff_max_ms", "backoff-max-ms", "MS", "30000",
             "Upper bound of the retry delay; not below the first backoff.",
             whole(&C::backoffMaxMs, 0, kMsPerDay));
    // [pool]
    Setting poolRow =
        row("resource pool", "pool", "", "pool", "NAME=N,...", "cpu=<cores>",
            "Resources the scaler shares among replicas, e.g. `cpu=8,gpu=1,mem_mb=16000`: in the INI "
            "file one `name = N` line per resource, in the environment one variable per resource "
            "(`MMF_POOL_GPU=1`). Each resource takes its value from the highest source that names it.",
            pool(), "cpu = the machine's cores");
    poolRow.machineDefault = true;
    t << poolRow;
    // [scaler]
    t << row("scaler tasks per replica", "scaler", "tasks_per_replica", "scaler-tasks-per-replica", "N", "1",
             "Queued + running tasks one replica of a dynamic model is meant to take: its target is "
             "ceil(tasks / N), clamped to [min, max].",
             whole(&C::scalerTasksPerReplica, 1, 1000000));
    t << row("scaler cool-down", "scaler", "cooldown", "scaler-cooldown", "SECONDS", "30",
             "A dynamic model's target falls only after demand has stayed lower this long (no flapping).",
             seconds(&C::scalerCooldownMs, 0, kMsPerDay));
    t << row("scaler interval", "scaler", "interval", "scaler-interval", "SECONDS", "1",
             "How often the leader's scaler reads the demand and reallocates the pool.",
             seconds(&C::scalerIntervalMs, 50, kMsPerDay));
    t << row("worker program", "scaler", "worker_program", "worker-program", "PATH", "",
             "The `mmf-worker` the local driver starts for built-in models.", optionalPath(&C::workerProgram),
             "empty: the one beside `mmf-server`");
    // [scaling]
    t << row(
        "model scaling", "scaling", "", "scaling", "MODEL=SPEC;...", "",
        "Per model: `mode:static` or `mode:dynamic`, `min:N max:N` and the resources of one replica (`cpu:1 "
        "mem_mb:500`), optionally `tasks_per_replica:N`, `project:NAME`, `command:PATH` (an external "
        "model's program, run like mmf-worker), e.g. `echo = mode:dynamic min:0 max:3 cpu:1` in the INI "
        "file (one line per model), `--scaling \"echo=mode:dynamic max:3;calc=min:1\"`; "
        "written to Redis at start, changed at run time with `PUT /api/v1/models/{name}/scaling`.",
        scalingSpecs(), "none");
    // [auth]
    t << row("access token life", "auth", "access_ttl", "access-ttl", "SECONDS", "900",
             "Life of an access token.", seconds(&C::accessTtlMs, 1000, 3650 * kMsPerDay), "15 minutes");
    t << row("refresh token life", "auth", "refresh_ttl", "refresh-ttl", "SECONDS", "2592000",
             "Life of a refresh token (a session).", seconds(&C::refreshTtlMs, 1000, 3650 * kMsPerDay),
             "30 days");
    t << row("new users' project", "auth", "default_project", "default-project", "NAME", "default",
             "Project that registration makes a new user a member of.", projectName());
    t << row("new users' methods", "auth", "default_methods", "default-methods", "LIST", "score,read",
             "Methods a new user gets in that project (score, read, serve, admin, train).", methods());
    t << row("failed sign-ins per login", "auth", "max_failures_per_login", "max-failures-per-login", "N",
             "5",
             "Failed sign-ins for one login from one client address within the window before sign-ins of "
             "that login from that address get 429 (others, the owner's included, are not locked out).",
             whole(&C::maxFailuresPerLogin, 1, kIntMax));
    t << row("failed sign-ins per address", "auth", "max_failures_per_address", "max-failures-per-address",
             "N", "20",
             "Failed sign-ins from one client address within the window before its sign-ins get 429.",
             whole(&C::maxFailuresPerAddress, 1, kIntMax));
    t << row("failed sign-ins per login, all addresses", "auth", "max_failures_per_login_total",
             "max-failures-per-login-total", "N", "100",
             "Failed sign-ins for one login from all addresses within the window before its sign-ins get "
             "429, except from addresses that signed in to it successfully before (a distributed attack "
             "is slowed, the owner not locked out).",
             whole(&C::maxFailuresPerLoginTotal, 1, kIntMax));
    t << row("sign-in failure window", "auth", "failure_window", "failure-window", "SECONDS", "300",
             "How long failed sign-ins are counted (and 429 lasts at most).",
             seconds(&C::failureWindowMs, 1000, kMsPerDay), "5 minutes");
    t << row("sign-ups per address", "auth", "max_registrations_per_address", "max-registrations-per-address",
             "N", "20", "Sign-ups from one client address within the sign-up window before they get 429.",
             whole(&C::maxRegistrationsPerAddress, 1, kIntMax));
    t << row("sign-up window", "auth", "registration_window", "registration-window", "SECONDS", "3600",
             "How long sign-ups per address are counted.",
             seconds(&C::registrationWindowMs, 1000, 30 * kMsPerDay), "1 hour");
    // [log]
    t << row("log level", "log", "level", "log-level", "LEVEL", "info",
             "Lowest level written: debug, info, warning or error.", logLevel());
    return t;
}

} // namespace

QString Setting::optionName() const
{
    return QStringLiteral("--") + option;
}

QString Setting::iniName() const
{
    return QStringLiteral("[%1] %2").arg(section, isSection() ? QStringLiteral("<name>") : key);
}

QString Setting::envName() const
{
    return isSection() ? envPrefix() + QStringLiteral("<NAME>")
                       : QStringLiteral("MMF_%1_%2").arg(section.toUpper(), key.toUpper());
}

QString Setting::envPrefix() const
{
    return QStringLiteral("MMF_%1_").arg(section.toUpper());
}

const QList<Setting>& Setting::all()
{
    static const QList<Setting> table = buildTable();
    return table;
}

} // namespace mmf
