#include "worker/WorkerOptions.h"

#include "broker/BrokerKeys.h"

#include <QFile>

#include <cmath>
#include <utility>

namespace mmf {

namespace {

Error bad(const QString& option, const QString& message)
{
    return Error::invalidArgument(option + QStringLiteral(": ") + message, option);
}

bool isModelName(const QString& name)
{
    const QByteArray latin = name.toLatin1();
    return latin.size() == name.size() && BrokerKeys::isValidModelName(latin);
}

Result<QUrl> parseServer(const QString& option, const QString& text)
{
    QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return bad(option,
                   QStringLiteral("expected a URL such as http://127.0.0.1:8080, got '%1'").arg(text));
    const QString scheme = url.scheme().toLower();
    if (scheme != u"http" && scheme != u"https")
        return bad(option, QStringLiteral("the URL must start with http:// or https://, got '%1'").arg(text));
    if (url.hasQuery() || url.hasFragment() || !url.userInfo().isEmpty())
        return bad(option, QStringLiteral("the URL must not carry a query, a fragment or credentials"));
    // Requests append "/api/v1/...": keep a base path, without its trailing slash.
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path);
    return url;
}

struct Listen
{
    QHostAddress address;
    quint16 port = 0;
};

Result<Listen> parseListen(const QString& option, const QString& text)
{
    const auto fail = [&] {
        return bad(
            option,
            QStringLiteral("expected ADDR:PORT such as 127.0.0.1:0 or [::1]:9000, got '%1'").arg(text));
    };
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return fail();
    QString host = text.left(colon);
    const QString portText = text.mid(colon + 1);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    else if (host.contains(u':'))
        return fail(); // an IPv6 address needs brackets
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port > 65535)
        return bad(option,
                   QStringLiteral("the port must be a number from 0 to 65535, got '%1'").arg(portText));
    Listen listen;
    listen.port = quint16(port);
    if (host == u"localhost")
        listen.address = QHostAddress(QHostAddress::LocalHost);
    else if (!listen.address.setAddress(host))
        return bad(option, QStringLiteral("'%1' is not an IP address").arg(host));
    return listen;
}

} // namespace

Result<WorkerOptions> WorkerOptions::parse(const QStringList& arguments,
                                           const QHash<QString, QString>& environment)
{
    WorkerOptions options;
    bool serverGiven = false;
    bool tokenGiven = false;
    bool tokenFileGiven = false;
    bool nameGiven = false;

    // Options that only make sense for a model run as a process (each takes a value).
    static const QStringList kExecOnly = {QStringLiteral("--proto"),
                                          QStringLiteral("--proto-path"),
                                          QStringLiteral("--request"),
                                          QStringLiteral("--response"),
                                          QStringLiteral("--cancel-grace"),
                                          QStringLiteral("--task-timeout"),
                                          QStringLiteral("--tasks-per-process")};
    // Options that take a value; the rest are flags.
    static const QStringList kValued =
        QStringList{QStringLiteral("--model"),          QStringLiteral("--server"),
                    QStringLiteral("--token"),          QStringLiteral("--name"),
                    QStringLiteral("--concurrency"),    QStringLiteral("--listen"),
                    QStringLiteral("--option"),         QStringLiteral("--drain-timeout"),
                    QStringLiteral("--advertise-host"), QStringLiteral("--token-file"),
                    QStringLiteral("--exec"),           QStringLiteral("--exec-per-task")} +
        kExecOnly;
    QString execOnlyGiven;
    bool timeoutGiven = false;
    bool tasksPerProcessGiven = false;

    for (qsizetype i = 1; i < arguments.size(); ++i) {
        QString option = arguments[i];
        QString value;
        bool hasInlineValue = false;
        if (option.startsWith(u"--")) {
            const qsizetype eq = option.indexOf(u'=');
            if (eq > 0) {
                value = option.mid(eq + 1);
                option.truncate(eq);
                hasInlineValue = true;
            }
        } else if (option != u"-h") {
            return Error::invalidArgument(
                QStringLiteral("unexpected argument '%1' (options start with --; see --help)").arg(option));
        }

        if (option == u"--describe" || option == u"--help" || option == u"-h") {
            if (hasInlineValue)
                return bad(option, QStringLiteral("takes no value"));
            if (option == u"--describe")
                options.describe = true;
            else
                options.help = true;
            continue;
        }
        if (!kValued.contains(option))
            return Error::invalidArgument(QStringLiteral("unknown option '%1' (see --help)").arg(option),
                                          option);
        if (!hasInlineValue) {
            if (i + 1 >= arguments.size())
                return bad(option, QStringLiteral("needs a value"));
            value = arguments[++i];
        }

        if (kExecOnly.contains(option) && execOnlyGiven.isEmpty())
            execOnlyGiven = option;
        const auto seconds = [&](double max) -> Result<double> {
            bool ok = false;
            const double secs = value.toDouble(&ok);
            if (!ok || !std::isfinite(secs) || secs < 0 || secs > max)
                return bad(option,
                           QStringLiteral("expected seconds from 0 to %1, got '%2'").arg(max).arg(value));
            return secs;
        };
        const auto integer = [&](int max) -> Result<int> {
            bool ok = false;
            const int n = value.toInt(&ok);
            if (!ok || n < 1 || n > max)
                return bad(option,
                           QStringLiteral("expected an integer from 1 to %1, got '%2'").arg(max).arg(value));
            return n;
        };
        const auto nonEmpty = [&]() -> Result<void> {
            if (value.trimmed().isEmpty())
                return bad(option, QStringLiteral("must not be empty"));
            return {};
        };

        if (option == u"--exec" || option == u"--exec-per-task") {
            if (Result<void> r = nonEmpty(); !r)
                return r.error();
            if (!options.execCommand.isEmpty() || !options.execPerTaskCommand.isEmpty())
                return bad(option, QStringLiteral("--exec and --exec-per-task are given once, one of them"));
            (option == u"--exec" ? options.execCommand : options.execPerTaskCommand) = value;
        } else if (option == u"--proto" || option == u"--request" || option == u"--response") {
            if (Result<void> r = nonEmpty(); !r)
                return r.error();
            (option == u"--proto"     ? options.protoFile
             : option == u"--request" ? options.requestType
                                      : options.responseType) = value;
        } else if (option == u"--proto-path") {
            if (Result<void> r = nonEmpty(); !r)
                return r.error();
            options.protoPaths.append(value);
        } else if (option == u"--cancel-grace") {
            Result<double> secs = seconds(3600);
            if (!secs)
                return secs.error();
            options.cancelGraceSecs = *secs;
        } else if (option == u"--task-timeout") {
            Result<double> secs = seconds(7 * 86400);
            if (!secs)
                return secs.error();
            options.taskTimeoutSecs = *secs;
            timeoutGiven = true;
        } else if (option == u"--model") {
            if (!isModelName(value))
                return bad(option,
                           QStringLiteral("'%1' is not a model name ([a-z][a-z0-9_-]{0,62})").arg(value));
            options.model = value;
        } else if (option == u"--name") {
            if (!isModelName(value))
                return bad(option,
                           QStringLiteral("'%1' is not a model name ([a-z][a-z0-9_-]{0,62})").arg(value));
            options.name = value;
            nameGiven = true;
        } else if (option == u"--server") {
            auto url = parseServer(option, value);
            if (!url)
                return url.error();
            options.server = *url;
            serverGiven = true;
        } else if (option == u"--token") {
            if (value.trimmed().isEmpty())
                return bad(option, QStringLiteral("must not be empty"));
            if (tokenFileGiven)
                return bad(option, QStringLiteral("give either --token or --token-file, not both"));
            options.token = value.trimmed().toUtf8();
            tokenGiven = true;
            options.warnings << QStringLiteral(
                "--token puts the token on the command line, where `ps` shows it to every local user; "
                "set MMF_TOKEN or use --token-file PATH instead");
        } else if (option == u"--token-file") {
            // The token stays off the command line and out of the environment (systemd's LoadCredential).
            if (tokenGiven)
                return bad(option, tokenFileGiven
                                       ? QStringLiteral("is given twice")
                                       : QStringLiteral("give either --token or --token-file, not both"));
            QFile file(value);
            if (!file.open(QIODevice::ReadOnly))
                return bad(option, QStringLiteral("cannot read '%1': %2").arg(value, file.errorString()));
            options.token = file.read(64 * 1024).trimmed();
            if (options.token.isEmpty())
                return bad(option, QStringLiteral("'%1' holds no token").arg(value));
            tokenGiven = tokenFileGiven = true;
        } else if (option == u"--tasks-per-process") {
            Result<int> n = integer(kMaxTasksPerProcess);
            if (!n)
                return n.error();
            options.tasksPerProcess = *n;
            tasksPerProcessGiven = true;
        } else if (option == u"--concurrency") {
            Result<int> n = integer(kMaxConcurrency);
            if (!n)
                return n.error();
            options.concurrency = *n;
        } else if (option == u"--listen") {
            auto listen = parseListen(option, value);
            if (!listen)
                return listen.error();
            options.listenAddress = listen->address;
            options.listenPort = listen->port;
        } else if (option == u"--option") {
            const qsizetype eq = value.indexOf(u'=');
            if (eq <= 0)
                return bad(option, QStringLiteral("expected key=value, got '%1'").arg(value));
            const QString key = value.left(eq).trimmed();
            if (key.isEmpty())
                return bad(option, QStringLiteral("expected key=value, got '%1'").arg(value));
            if (options.modelOptions.contains(key))
                return bad(option, QStringLiteral("'%1' is given twice").arg(key));
            options.modelOptions.insert(key, value.mid(eq + 1));
        } else if (option == u"--drain-timeout") {
            bool ok = false;
            const double secs = value.toDouble(&ok);
            if (!ok || !std::isfinite(secs) || secs < 0 || secs > 86400)
                return bad(option, QStringLiteral("expected seconds from 0 to 86400, got '%1'").arg(value));
            options.drainTimeoutSecs = secs;
        } else if (option == u"--advertise-host") {
            if (value.isEmpty() || value.contains(u'/') || value.contains(u' '))
                return bad(option, QStringLiteral("expected a host name or address, got '%1'").arg(value));
            options.advertiseHost = value;
        }
    }

    if (options.help)
        return options;

    if (!serverGiven) {
        const QString fromEnv = environment.value(QStringLiteral("MMF_SERVER"));
        if (!fromEnv.isEmpty()) {
            auto url = parseServer(QStringLiteral("MMF_SERVER"), fromEnv);
            if (!url)
                return url.error();
            options.server = *url;
            serverGiven = true;
        }
    }
    if (!tokenGiven) {
        const QString fromEnv = environment.value(QStringLiteral("MMF_TOKEN")).trimmed();
        if (!fromEnv.isEmpty()) {
            options.token = fromEnv.toUtf8();
            tokenGiven = true;
        }
    }

    if (options.model.isEmpty())
        return bad(QStringLiteral("--model"), QStringLiteral("is required"));
    if (options.isExec()) {
        for (const auto& [option, value] : {std::pair{QStringLiteral("--proto"), options.protoFile},
                                            std::pair{QStringLiteral("--request"), options.requestType},
                                            std::pair{QStringLiteral("--response"), options.responseType}})
            if (value.isEmpty())
                return bad(option, QStringLiteral("is required with --exec and --exec-per-task"));
        if (!options.modelOptions.isEmpty())
            return bad(QStringLiteral("--option"), QStringLiteral("is for built-in models, not with --exec"));
        if (tasksPerProcessGiven && options.execCommand.isEmpty())
            return bad(QStringLiteral("--tasks-per-process"),
                       QStringLiteral("only with --exec (--exec-per-task starts a process per task)"));
        if (!timeoutGiven && !options.execPerTaskCommand.isEmpty())
            options.taskTimeoutSecs = 600;
    } else if (!execOnlyGiven.isEmpty()) {
        return bad(execOnlyGiven, QStringLiteral("only with --exec or --exec-per-task"));
    }
    if (!nameGiven)
        options.name = options.model;
    if (options.describe)
        return options; // contacts nothing: no server or token needed
    if (!serverGiven)
        return bad(QStringLiteral("--server"), QStringLiteral("is required (or set MMF_SERVER)"));
    if (!tokenGiven)
        return bad(QStringLiteral("--token"),
                   QStringLiteral("is required (or --token-file PATH, or set MMF_TOKEN)"));
    return options;
}

QString WorkerOptions::usage()
{
    return QStringLiteral(
        "Usage: mmf-worker --model NAME --server URL --token-file PATH [options]\n"
        "       mmf-worker --model NAME --exec CMD --proto FILE --request TYPE --response TYPE ...\n"
        "Hosts one model: registers with the server, takes its tasks from Redis, answers pings.\n"
        "\n"
        "  --model NAME            the built-in model to host\n"
        "  --server URL            the server, e.g. http://127.0.0.1:8080 (env MMF_SERVER)\n"
        "  --token-file PATH       a file holding a token with the serve method (e.g. a systemd\n"
        "                          credential); or set MMF_TOKEN\n"
        "  --token TOKEN           the token itself: visible to every local user in `ps`, avoid\n"
        "  --name N                the model name to register under (default: --model)\n"
        "  --concurrency N         tasks worked on at once, 1..1024 (default 1)\n"
        "  --listen ADDR:PORT      the ping endpoint (default 127.0.0.1:0)\n"
        "  --advertise-host HOST   the host the registry pings (default: the listen address, or the\n"
        "                          address registering from when listening on any; the server\n"
        "                          accepts only that unless its [registry] allowed_hosts names HOST)\n"
        "  --option key=value      a run-time setting of the model (repeatable)\n"
        "  --drain-timeout SECONDS on SIGTERM, how long running tasks may finish (default 30)\n"
        "  --describe              print the model's types and descriptor set as JSON and exit\n"
        "\n"
        "A model run as a process (any language; --model is the name it registers under):\n"
        "  --exec CMD              run CMD (with /bin/sh -c) once per slot; it speaks JSON lines\n"
        "  --exec-per-task CMD     run CMD once per task: request JSON on stdin, response JSON on stdout\n"
        "  --proto FILE            the .proto defining the request and response (compiled at start)\n"
        "  --proto-path DIR        an import root, as protoc's -I (repeatable; default: the folder of FILE)\n"
        "  --request TYPE          the request message, e.g. pkg.Request\n"
        "  --response TYPE         the response message\n"
        "  --cancel-grace SECONDS  after a cancel, how long before the process is killed (default 5)\n"
        "  --task-timeout SECONDS  a task's time limit, 0 = none (default: 0, 600 with --exec-per-task)\n"
        "  --tasks-per-process N   with --exec: requests one process is sent at once, 1..256 (default 1);\n"
        "                          ceil(concurrency / N) processes run, each told N in its environment\n"
        "                          (MMF_TASKS_PER_PROCESS)\n"
        "  --help                  this text\n"
        "\n"
        "Exit codes: 0 done, 1 failure, 2 bad usage, 3 registration refused by the server.\n");
}

} // namespace mmf
