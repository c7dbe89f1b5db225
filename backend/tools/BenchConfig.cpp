#include "tools/BenchConfig.h"

#include <QFile>
#include <QHash>

#include <algorithm>
#include <iterator>

#include <limits>

namespace mmf {

namespace {

struct IntOption
{
    const char* name;
    int BenchConfig::*field;
    int min;
    int max;
};

const IntOption kIntOptions[] = {
    {"tasks", &BenchConfig::tasks, 1, 100'000'000},
    {"connections", &BenchConfig::connections, 1, 1000},
    {"window", &BenchConfig::window, 1, 100'000},
    {"batch-size", &BenchConfig::batchSize, 1, 100'000},
    {"payload-bytes", &BenchConfig::payloadBytes, 0, 64 * 1024 * 1024},
    {"stall-timeout", &BenchConfig::stallTimeoutS, 1, 86'400},
    {"wait", &BenchConfig::waitS, 1, 60},
    {"subscribers", &BenchConfig::subscribers, 1, 1'000'000},
    {"idle-connections", &BenchConfig::idleConnections, 0, 1'000'000},
};

const char* const kModeNames[] = {"throughput", "batch", "latency", "wait", "subscribers"};

} // namespace

QString BenchConfig::modeName(BenchMode mode)
{
    return QLatin1String(kModeNames[int(mode)]);
}

Result<BenchConfig> BenchConfig::parse(const QStringList& args, const QProcessEnvironment& env)
{
    BenchConfig config;
    QHash<QString, QString> values;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        if (arg == QLatin1String("-h") || arg == QLatin1String("--help")) {
            config.help = true;
            return config;
        }
        if (!arg.startsWith(QLatin1String("--")))
            return Error::invalidArgument(QStringLiteral("unexpected argument \"%1\"").arg(arg));
        QString name = arg.mid(2);
        QString value;
        if (const qsizetype eq = name.indexOf(QLatin1Char('=')); eq >= 0) {
            value = name.mid(eq + 1);
            name.truncate(eq);
        } else if (i + 1 < args.size()) {
            value = args.at(++i);
        } else {
            return Error::invalidArgument(QStringLiteral("--%1 needs a value").arg(name), name);
        }
        values.insert(name, value);
    }

    static const QStringList known = {QStringLiteral("server"),
                                      QStringLiteral("token"),
                                      QStringLiteral("model"),
                                      QStringLiteral("mode"),
                                      QStringLiteral("rate"),
                                      QStringLiteral("server-pid"),
                                      QStringLiteral("tasks"),
                                      QStringLiteral("connections"),
                                      QStringLiteral("window"),
                                      QStringLiteral("batch-size"),
                                      QStringLiteral("payload-bytes"),
                                      QStringLiteral("stall-timeout"),
                                      QStringLiteral("wait"),
                                      QStringLiteral("subscribers"),
                                      QStringLiteral("worker-pids"),
                                      QStringLiteral("redis"),
                                      QStringLiteral("redis-password-file"),
                                      QStringLiteral("latency-log"),
                                      QStringLiteral("idle-connections")};
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (!known.contains(it.key()))
            return Error::invalidArgument(QStringLiteral("unknown option --%1").arg(it.key()), it.key());
    }

    QString server = values.value(QStringLiteral("server"), env.value(QStringLiteral("MMF_SERVER")));
    if (server.isEmpty())
        server = QStringLiteral("http://127.0.0.1:8080");
    config.server = QUrl(server, QUrl::StrictMode);
    if (!config.server.isValid() || config.server.scheme() != QLatin1String("http") ||
        config.server.host().isEmpty())
        return Error::invalidArgument(
            QStringLiteral("--server needs an http:// URL (the bench speaks plain HTTP)"),
            QStringLiteral("server"));
    config.token = values.value(QStringLiteral("token"), env.value(QStringLiteral("MMF_TOKEN")));
    if (config.token.isEmpty())
        return Error::invalidArgument(QStringLiteral("--token (or MMF_TOKEN) is required"),
                                      QStringLiteral("token"));
    config.model = values.value(QStringLiteral("model"), config.model);
    if (config.model.isEmpty())
        return Error::invalidArgument(QStringLiteral("--model must not be empty"), QStringLiteral("model"));

    const QString mode = values.value(QStringLiteral("mode"), QStringLiteral("throughput"));
    const auto knownMode = std::find_if(std::begin(kModeNames), std::end(kModeNames),
                                        [&mode](const char* name) { return mode == QLatin1String(name); });
    if (knownMode == std::end(kModeNames))
        return Error::invalidArgument(
            QStringLiteral("--mode must be throughput, batch, latency, wait or subscribers"),
            QStringLiteral("mode"));
    config.mode = BenchMode(knownMode - std::begin(kModeNames));
    // A batch answer holds up to batch-size ids: fewer requests in flight keep the same number of tasks
    // moving.
    if (config.mode == BenchMode::Batch)
        config.window = 2;
    // A closed loop: each connection waits for its answer (with the result) before it submits again.
    if (config.mode == BenchMode::Wait) {
        config.connections = 64;
        config.window = 1;
    }

    for (const IntOption& option : kIntOptions) {
        const QString name = QLatin1String(option.name);
        if (!values.contains(name))
            continue;
        bool ok = false;
        const qint64 number = values.value(name).toLongLong(&ok);
        if (!ok || number < option.min || number > option.max)
            return Error::invalidArgument(
                QStringLiteral("--%1 must be an integer in %2..%3").arg(name).arg(option.min).arg(option.max),
                name);
        config.*option.field = int(number);
    }
    if (values.contains(QStringLiteral("rate"))) {
        bool ok = false;
        config.rate = values.value(QStringLiteral("rate")).toDouble(&ok);
        if (!ok || config.rate <= 0 || config.rate > 1e6)
            return Error::invalidArgument(
                QStringLiteral("--rate must be a number of tasks per second in (0, 1e6]"),
                QStringLiteral("rate"));
    }
    if (values.contains(QStringLiteral("server-pid"))) {
        bool ok = false;
        config.serverPid = values.value(QStringLiteral("server-pid")).toLongLong(&ok);
        if (!ok || config.serverPid <= 0)
            return Error::invalidArgument(QStringLiteral("--server-pid must be a process id"),
                                          QStringLiteral("server-pid"));
    }
    if (values.contains(QStringLiteral("worker-pids"))) {
        for (const QString& item : values.value(QStringLiteral("worker-pids")).split(QLatin1Char(','))) {
            bool ok = false;
            const qint64 pid = item.trimmed().toLongLong(&ok);
            if (!ok || pid <= 0)
                return Error::invalidArgument(
                    QStringLiteral("--worker-pids must be process ids separated by commas"),
                    QStringLiteral("worker-pids"));
            config.workerPids.append(pid);
        }
    }
    config.latencyLog = values.value(QStringLiteral("latency-log"));
    if (values.contains(QStringLiteral("latency-log")) && config.latencyLog.isEmpty())
        return Error::invalidArgument(QStringLiteral("--latency-log needs a file name"),
                                      QStringLiteral("latency-log"));
    if (config.idleConnections > 0 && config.mode == BenchMode::Subscribers)
        return Error::invalidArgument(
            QStringLiteral("--idle-connections is for the task modes, not subscribers"),
            QStringLiteral("idle-connections"));
    if (!config.latencyLog.isEmpty() && config.mode == BenchMode::Subscribers)
        return Error::invalidArgument(QStringLiteral("--latency-log is for the task modes, not subscribers"),
                                      QStringLiteral("latency-log"));
    config.redisUrl = values.value(QStringLiteral("redis"));
    config.redisPasswordFile = values.value(QStringLiteral("redis-password-file"));
    if (!config.redisPasswordFile.isEmpty() && config.redisUrl.isEmpty())
        return Error::invalidArgument(QStringLiteral("--redis-password-file needs --redis"),
                                      QStringLiteral("redis-password-file"));
    if (config.mode == BenchMode::Subscribers && config.serverPid <= 0)
        return Error::invalidArgument(
            QStringLiteral("--mode subscribers needs --server-pid (it measures the server's memory)"),
            QStringLiteral("server-pid"));
    if (config.mode == BenchMode::Latency) {
        config.connections = 1;
        config.window = std::numeric_limits<int>::max();
    }
    return config;
}

QString BenchConfig::helpText()
{
    return QStringLiteral(
        "Usage: mmf-bench --server URL --token TOKEN [options]\n"
        "Submits tasks through the public API and prints one summary line (key=value) per run.\n\n"
        "  --server URL          server (env MMF_SERVER; default http://127.0.0.1:8080)\n"
        "  --token TOKEN         token with score and read (env MMF_TOKEN)\n"
        "  --model NAME          model to load (default echo)\n"
        "  --tasks N             tasks to submit (default 1000)\n"
        "  --mode MODE           throughput (single submits over C connections), batch (tasks:batch),\n"
        "                        latency (a fixed rate over one connection; reports p999 too),\n"
        "                        wait (?wait=S submits in a closed loop; completion = the 200 answer),\n"
        "                        subscribers (opens N WebSocket subscribers; reports the server's memory\n"
        "                        per subscriber)\n"
        "  --connections C       connections (default 4; wait 64; latency: 1)\n"
        "  --window W            requests in flight per connection (default 16, batch 2, wait 1)\n"
        "  --batch-size B        inputs per tasks:batch request (default 100)\n"
        "  --rate R              latency mode: tasks per second (default 500)\n"
        "  --payload-bytes N     length of the echo text (default 100)\n"
        "  --wait S              wait mode: seconds each submit may wait for its result (default 10)\n"
        "  --subscribers N       subscribers mode: WebSocket connections to open (default 10000)\n"
        "  --server-pid PID      report CPU per task and RSS of the server and of its children (its\n"
        "                        embedded redis-server: \"redis\")\n"
        "  --worker-pids P,P,..  report CPU per task and RSS of these workers (worker1, worker2, ...)\n"
        "  --redis URL           the server's Redis (redis://[USER:@]HOST:PORT or unix://[USER:@]/PATH):\n"
        "                        reset its INFO commandstats before the run, print calls and usec per task\n"
        "                        after it\n"
        "  --redis-password-file FILE  the Redis password (never on the command line)\n"
        "  --stall-timeout S     end with an error when no result arrives for S seconds (default 30)\n"
        "  --latency-log FILE    write one line per completed task: submit time (Unix ms), latency (ms),\n"
        "                        task id, succeeded|failed; to trace a tail to its tasks\n"
        "  --idle-connections N  hold N keep-alive connections (one GET /healthz each, then silent) open\n"
        "                        through the run (reported as idle_conns=held/N; the server drops idle ones\n"
        "                        after its idle timeout)\n\n"
        "A task is complete when its result (or a final status) arrives on the WebSocket subscription to\n"
        "model/<name> (wait mode: when its 200 answer arrives); latency is that arrival minus the time its\n"
        "submit was written. With --server-pid or --worker-pids the summary line also has CPU microseconds\n"
        "per completed task and RSS after the run of each process, this one included (\"client\").\n"
        "Exit codes: 0 all tasks succeeded, 1 errors or failed tasks, 2 usage error, 3 server "
        "unreachable.\n");
}

Result<RedisConfig> BenchConfig::redisConfig() const
{
    Result<RedisConfig> config = RedisConfig::fromUrl(redisUrl);
    if (!config)
        return Error::invalidArgument(QStringLiteral("--redis: ") + config.error().message,
                                      QStringLiteral("redis"));
    config->clientName = QStringLiteral("mmf-bench");
    if (!redisPasswordFile.isEmpty()) {
        QFile file(redisPasswordFile);
        if (!file.open(QIODevice::ReadOnly))
            return Error::invalidArgument(QStringLiteral("--redis-password-file: cannot read %1: %2")
                                              .arg(redisPasswordFile, file.errorString()),
                                          QStringLiteral("redis-password-file"));
        config->password = QString::fromUtf8(file.readAll().trimmed());
    }
    return config;
}

QByteArray BenchConfig::requestBody() const
{
    QByteArray body;
    body.reserve(payloadBytes + 16);
    body += "{\"text\":\"";
    body += QByteArray(payloadBytes, 'x');
    body += "\"}";
    return body;
}

QByteArray BenchConfig::batchBody(int n) const
{
    const QByteArray one = requestBody();
    QByteArray body;
    body.reserve(qsizetype(n) * (one.size() + 1) + 16);
    body += "{\"inputs\":[";
    for (int i = 0; i < n; ++i) {
        if (i > 0)
            body += ',';
        body += one;
    }
    body += "]}";
    return body;
}

} // namespace mmf
