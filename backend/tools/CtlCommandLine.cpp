#include "tools/CtlCommandLine.h"

#include <QUrl>

#include <limits>
#include <optional>

#include <vector>

namespace mmf {

namespace {

enum class Kind
{
    Flag,
    Text,
    Int,
    Repeat // a text option that may be given several times (CtlInvocation::lists)
};

struct OptionSpec
{
    const char* name;
    const char* valueName; // shown in help; unused for flags
    Kind kind;
    qint64 min;
    qint64 max;
    const char* help;
};

struct CommandSpec
{
    const char* name;
    const char* args; // usage line after the command
    int minArgs;
    int maxArgs;
    std::vector<OptionSpec> options;
    const char* summary;
    const char* description;
};

const std::vector<OptionSpec>& globalOptions()
{
    static const std::vector<OptionSpec> options = {
        {"server", "URL", Kind::Text, 0, 0,
         "server base URL (env MMF_SERVER; default http://127.0.0.1:8080)"},
        {"token", "TOKEN", Kind::Text, 0, 0,
         "bearer token (env MMF_TOKEN; else the session of `mmfctl login`)"},
        {"json", "", Kind::Flag, 0, 0,
         "print the API's JSON (one object per line for streams) instead of text"},
        {"help", "", Kind::Flag, 0, 0, "show help"},
    };
    return options;
}

const std::vector<CommandSpec>& commandSpecs()
{
    static const std::vector<CommandSpec> specs = {
        {"submit",
         "MODEL [JSON | @FILE | -]",
         1,
         2,
         {{"wait", "S", Kind::Int, 0, 60, "hold the request up to S seconds (0..60) for the result"},
          {"idempotency-key", "KEY", Kind::Text, 0, 0, "the same key and body again give the same task"},
          {"watch", "", Kind::Flag, 0, 0, "follow the task's logs live and print its result"}},
         "submit a task to a model",
         "The request is inline JSON, @FILE, or - for stdin (default {}). Prints the task id; with --wait "
         "or\n"
         "--watch the result instead, and exits 1 if the task failed, was cancelled or dead-lettered."},
        {"watch",
         "TASK_ID",
         1,
         1,
         {},
         "follow a task's logs and progress live, then print its result",
         "Prints log lines as \"[ts] LEVEL text\", progress and status changes, then the result. Exits 0 "
         "when\n"
         "the task succeeded, 1 when it failed, was cancelled or dead-lettered. Reconnects if the socket "
         "drops."},
        {"get", "TASK_ID", 1, 1, {}, "show a task", "Prints the task's status, times, error and result."},
        {"list",
         "",
         0,
         0,
         {{"model", "MODEL", Kind::Text, 0, 0, "only this model's tasks"},
          {"status", "STATUS", Kind::Text, 0, 0,
           "queued, running, succeeded, failed, cancelled or dead_lettered"},
          {"limit", "N", Kind::Int, 1, 1000, "at most N tasks (1..1000)"},
          {"before", "CURSOR", Kind::Text, 0, 0, "tasks older than this cursor (paging)"}},
         "list your tasks, newest first",
         "Prints a table: id, model, status, created, duration (started to finished)."},
        {"cancel",
         "TASK_ID",
         1,
         1,
         {},
         "cancel a task",
         "A queued task is cancelled at once; a running one is told to stop."},
        {"logs",
         "TASK_ID",
         1,
         1,
         {{"from", "SEQ", Kind::Int, 0, std::numeric_limits<qint64>::max(), "start at this sequence number"}},
         "print a task's log lines",
         "Prints the lines logged so far as \"[ts] LEVEL text\"."},
        {"token issue",
         "",
         0,
         0,
         {{"user", "USER", Kind::Text, 0, 0, "the user the token acts as (required)"},
          {"project", "PROJECT", Kind::Text, 0, 0, "the project (default: default)"},
          {"methods", "M1,M2", Kind::Text, 0, 0, "comma list of score, read, serve, admin, train (required)"},
          {"ttl", "SECONDS", Kind::Int, 1, std::numeric_limits<int>::max(),
           "lifetime in seconds (default 3600)"}},
         "issue a token for a worker or a script (admin)",
         "Prints the token as the last word of the output (--json: also its token_id)."},
        {"token list",
         "",
         0,
         0,
         {{"project", "PROJECT", Kind::Text, 0, 0, "the project (default: the session's)"}},
         "list the valid tokens issued for workers and scripts (admin)",
         "Prints a table of the tokens' ids, users, methods and ends (never the tokens themselves)."},
        {"token revoke",
         "TOKEN_ID",
         1,
         1,
         {},
         "revoke a token by its id (admin of its project)",
         "Every server refuses the token within 2 s and closes its WebSockets."},
        {"models",
         "",
         0,
         0,
         {{"offline", "", Kind::Flag, 0, 0, "also the known models that have no instance now"}},
         "list the models that can take tasks",
         "Prints a table of the live models (with --offline, of every known model)."},
        {"model",
         "NAME",
         1,
         1,
         {{"instances", "", Kind::Flag, 0, 0, "list the model's instances with their pings and counters"},
          {"set", "KEY=VALUE", Kind::Repeat, 0, 0,
           "change a setting (admin; repeatable): description, version, owner, tags (comma list), docs "
           "(@FILE reads a file), retry.max_attempts, retry.backoff_initial_ms, retry.backoff_factor, "
           "retry.backoff_max_ms"}},
         "show one model: status, instances, queue, estimated wait, request fields",
         "Prints the model's figures, catalogue fields, retry policy and its request fields (with their\n"
         "comments) from the JSON Schema. --instances lists its instances instead; --set changes settings\n"
         "and prints the model as changed."},
        {"dead-letters",
         "MODEL",
         1,
         1,
         {{"limit", "N", Kind::Int, 1, 1000, "at most N dead letters (1..1000, default 100)"},
          {"before", "TIME", Kind::Text, 0, 0, "only dead letters before this RFC 3339 time (paging)"}},
         "list a model's dead letters, newest first (admin)",
         "Prints a table: task id, user, attempts, when, last error."},
        {"replay",
         "MODEL [TASK_ID...]",
         1,
         10001,
         {{"all", "", Kind::Flag, 0, 0, "replay every dead letter of the model"}},
         "queue dead letters again under their own ids (admin)",
         "Prints \"replayed ID\" and \"not found ID\" lines; exits 1 when some were not found."},
        {"discard",
         "MODEL TASK_ID",
         2,
         2,
         {},
         "remove a dead letter from the list; the task stays dead_lettered (admin)",
         "Prints nothing on success."},
        {"scaler",
         "",
         0,
         0,
         {},
         "show the resource pool and how each managed model scales",
         "Prints the pool (total and used per resource), then a table: model, mode, min, max, target (what\n"
         "demand asks), desired (what the pool grants), current (replicas running), resources per replica."},
        {"scale",
         "MODEL",
         1,
         1,
         {{"mode", "MODE", Kind::Text, 0, 0, "static (keep min replicas) or dynamic (min..max by demand)"},
          {"min", "N", Kind::Int, 0, 1000, "fewest replicas (default 0)"},
          {"max", "N", Kind::Int, 0, 1000, "most replicas"},
          {"resource", "NAME=N", Kind::Repeat, 0, 0,
           "what one replica takes from the pool (repeatable; default cpu=1)"},
          {"tasks-per-replica", "N", Kind::Int, 1, 1000000, "queued + running tasks per replica"},
          {"project", "PROJECT", Kind::Text, 0, 0,
           "the project of a model not known yet (default: the token's)"}},
         "set how a model scales (admin)",
         "Sends PUT /api/v1/models/MODEL/scaling and prints the model's scaling as stored. A model never "
         "seen\n"
         "before is described with mmf-worker, so its tasks are queued at zero replicas (cold start)."},
        {"login",
         "LOGIN",
         1,
         1,
         {{"project", "PROJECT", Kind::Text, 0, 0, "sign in to this project (default: your first)"}},
         "sign in and keep the session for later commands",
         "Reads the password from stdin (asked for without echo on a terminal), signs in to --server and\n"
         "saves the session (mode 0600) to $MMF_SESSION_FILE or ~/.config/mmf/mmfctl-session.json. Later\n"
         "commands use it and refresh it silently when the access token has expired."},
        {"logout",
         "",
         0,
         0,
         {},
         "sign out: end the saved session",
         "Ends the session on the server (when it answers) and deletes the session file."},
        {"help", "[COMMAND]", 0, 2, {}, "show help", "Shows the global help or a command's help."},
    };
    return specs;
}

const CommandSpec* findCommand(const QString& command)
{
    const QString name = command == QLatin1String("token") ? QStringLiteral("token issue") : command;
    // "help token" shows "token issue"; the others are asked for by their full name.
    for (const CommandSpec& spec : commandSpecs()) {
        if (name == QLatin1String(spec.name))
            return &spec;
    }
    return nullptr;
}

const OptionSpec* findOption(const std::vector<OptionSpec>& list, const QString& name)
{
    for (const OptionSpec& option : list) {
        if (name == QLatin1String(option.name))
            return &option;
    }
    return nullptr;
}

Error usage(const QString& message, const QString& field = {})
{
    return Error::invalidArgument(message, field);
}

QString optionLines(const std::vector<OptionSpec>& options)
{
    QString text;
    for (const OptionSpec& option : options) {
        QString left = QStringLiteral("  --") + QLatin1String(option.name);
        if (option.kind != Kind::Flag)
            left += QLatin1Char(' ') + QLatin1String(option.valueName);
        if (QLatin1String(option.name) == QLatin1String("help"))
            left = QStringLiteral("  -h, --help");
        text += left.leftJustified(26) + QLatin1Char(' ') + QLatin1String(option.help) + QLatin1Char('\n');
    }
    return text;
}

const QStringList kStatuses = {QStringLiteral("queued"),    QStringLiteral("running"),
                               QStringLiteral("succeeded"), QStringLiteral("failed"),
                               QStringLiteral("cancelled"), QStringLiteral("dead_lettered")};
const QStringList kMethods = {QStringLiteral("score"), QStringLiteral("read"), QStringLiteral("serve"),
                              QStringLiteral("admin"), QStringLiteral("train")};

// Checks that belong to one command: required options and value sets.
Result<void> validate(const CtlInvocation& inv)
{
    if (inv.has(QStringLiteral("server"))) {
        const QUrl url(inv.value(QStringLiteral("server")), QUrl::StrictMode);
        if (!url.isValid() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
            url.host().isEmpty())
            return usage(QStringLiteral("--server needs an http:// or https:// URL"),
                         QStringLiteral("server"));
    }
    if (inv.command == QLatin1String("list") && inv.has(QStringLiteral("status")) &&
        !kStatuses.contains(inv.value(QStringLiteral("status"))))
        return usage(QStringLiteral("--status must be one of ") + kStatuses.join(QStringLiteral(", ")),
                     QStringLiteral("status"));
    if (inv.command == QLatin1String("token issue")) {
        for (const char* required : {"user", "methods"}) {
            if (inv.value(QLatin1String(required)).isEmpty())
                return usage(QStringLiteral("--%1 is required").arg(QLatin1String(required)),
                             QLatin1String(required));
        }
        const QStringList methods = inv.value(QStringLiteral("methods")).split(QLatin1Char(','));
        for (const QString& method : methods) {
            if (!kMethods.contains(method.trimmed()))
                return usage(QStringLiteral("unknown method \"%1\" (expected %2)")
                                 .arg(method, kMethods.join(QStringLiteral(", "))),
                             QStringLiteral("methods"));
        }
    }
    if (inv.command == QLatin1String("model")) {
        static const QStringList keys = {QStringLiteral("description"),
                                         QStringLiteral("version"),
                                         QStringLiteral("owner"),
                                         QStringLiteral("tags"),
                                         QStringLiteral("docs"),
                                         QStringLiteral("retry.max_attempts"),
                                         QStringLiteral("retry.backoff_initial_ms"),
                                         QStringLiteral("retry.backoff_factor"),
                                         QStringLiteral("retry.backoff_max_ms")};
        const QStringList sets = inv.lists.value(QStringLiteral("set"));
        if (!sets.isEmpty() && inv.has(QStringLiteral("instances")))
            return usage(QStringLiteral("--set and --instances do not go together"), QStringLiteral("set"));
        for (const QString& set : sets) {
            const qsizetype eq = set.indexOf(QLatin1Char('='));
            if (eq <= 0 || !keys.contains(set.left(eq)))
                return usage(QStringLiteral("--set needs KEY=VALUE with KEY one of ") +
                                 keys.join(QStringLiteral(", ")),
                             QStringLiteral("set"));
        }
    }
    if (inv.command == QLatin1String("replay") &&
        inv.has(QStringLiteral("all")) == (inv.positional.size() > 1))
        return usage(QStringLiteral("replay needs either TASK_ID... or --all"), QStringLiteral("all"));
    if (inv.command == QLatin1String("help") && !inv.positional.isEmpty()) {
        const QString topic = inv.positional.join(QLatin1Char(' '));
        if (!findCommand(topic))
            return usage(QStringLiteral("unknown command \"%1\"").arg(topic));
    }
    return {};
}

} // namespace

Result<CtlInvocation> CtlCommandLine::parse(const QStringList& args)
{
    CtlInvocation inv;
    const CommandSpec* spec = nullptr;
    bool optionsEnded = false;

    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        const bool isOption = !optionsEnded && arg.startsWith(QLatin1Char('-')) && arg != QLatin1String("-");
        if (!isOption) {
            if (!spec) {
                QString name = arg;
                if (name == QLatin1String("token")) {
                    static const QStringList kTokenCommands{QStringLiteral("issue"), QStringLiteral("list"),
                                                            QStringLiteral("revoke")};
                    if (i + 1 >= args.size() || !kTokenCommands.contains(args.at(i + 1)))
                        return usage(QStringLiteral("unknown command \"token %1\" (expected \"token issue\", "
                                                    "\"token list\" or \"token revoke\")")
                                         .arg(i + 1 < args.size() ? args.at(i + 1) : QString()));
                    name = QStringLiteral("token ") + args.at(i + 1);
                    ++i;
                }
                spec = findCommand(name);
                if (!spec)
                    return usage(QStringLiteral("unknown command \"%1\"").arg(name));
                inv.command = name;
            } else {
                inv.positional.append(arg);
            }
            continue;
        }
        if (arg == QLatin1String("--")) {
            optionsEnded = true;
            continue;
        }
        if (arg == QLatin1String("-h")) {
            inv.help = true;
            continue;
        }
        if (!arg.startsWith(QLatin1String("--")))
            return usage(QStringLiteral("unknown option %1").arg(arg), arg);

        QString name = arg.mid(2);
        std::optional<QString> inlineValue;
        if (const qsizetype eq = name.indexOf(QLatin1Char('=')); eq >= 0) {
            inlineValue = name.mid(eq + 1);
            name.truncate(eq);
        }
        const OptionSpec* option = findOption(globalOptions(), name);
        if (!option && spec)
            option = findOption(spec->options, name);
        if (!option) {
            return usage(spec ? QStringLiteral("unknown option --%1 for %2").arg(name, inv.command)
                              : QStringLiteral("unknown option --%1").arg(name),
                         name);
        }
        if (option->kind == Kind::Flag) {
            if (inlineValue)
                return usage(QStringLiteral("--%1 takes no value").arg(name), name);
            if (name == QLatin1String("help"))
                inv.help = true;
            else
                inv.options.insert(name, QString());
            continue;
        }
        QString value;
        if (inlineValue) {
            value = *inlineValue;
        } else {
            if (i + 1 >= args.size())
                return usage(
                    QStringLiteral("--%1 needs a value (%2)").arg(name, QLatin1String(option->valueName)),
                    name);
            value = args.at(++i);
        }
        if (option->kind == Kind::Int) {
            bool ok = false;
            const qint64 number = value.toLongLong(&ok);
            if (!ok || number < option->min || number > option->max) {
                const QString range =
                    option->max == std::numeric_limits<qint64>::max() ||
                            option->max == std::numeric_limits<int>::max()
                        ? QStringLiteral("an integer >= %1").arg(option->min)
                        : QStringLiteral("an integer in %1..%2").arg(option->min).arg(option->max);
                return usage(QStringLiteral("--%1 must be %2, not \"%3\"").arg(name, range, value), name);
            }
        }
        if (option->kind == Kind::Repeat)
            inv.lists[name].append(value);
        inv.options.insert(name, value);
    }

    if (inv.help)
        return inv; // help is printed whatever else is missing
    if (!spec)
        return usage(QStringLiteral("no command given"));
    if (inv.positional.size() < spec->minArgs)
        return usage(QStringLiteral("%1 needs %2").arg(inv.command, QLatin1String(spec->args)));
    if (inv.positional.size() > spec->maxArgs)
        return usage(QStringLiteral("too many arguments for %1: \"%2\"")
                         .arg(inv.command, inv.positional.at(spec->maxArgs)));
    if (Result<void> checked = validate(inv); !checked)
        return checked.error();
    return inv;
}

QStringList CtlCommandLine::commands()
{
    QStringList names;
    for (const CommandSpec& spec : commandSpecs())
        names.append(QLatin1String(spec.name));
    return names;
}

QString CtlCommandLine::globalHelp()
{
    QString text =
        QStringLiteral("Usage: mmfctl [--server URL] [--token TOKEN] [--json] COMMAND [ARGS] [OPTIONS]\n\n"
                       "Commands:\n");
    for (const CommandSpec& spec : commandSpecs()) {
        QString left = QStringLiteral("  ") + QLatin1String(spec.name);
        if (*spec.args)
            left += QLatin1Char(' ') + QLatin1String(spec.args);
        text += left.leftJustified(36) + QLatin1Char(' ') + QLatin1String(spec.summary) + QLatin1Char('\n');
    }
    text += QStringLiteral("\nGlobal options:\n") + optionLines(globalOptions());
    text += QStringLiteral(
        "\nExit codes: 0 ok, 1 API error or failed task, 2 usage error, 3 server unreachable.\n"
        "Run 'mmfctl COMMAND --help' for a command's options.\n");
    return text;
}

QString CtlCommandLine::commandHelp(const QString& command)
{
    const CommandSpec* spec = findCommand(command);
    if (!spec)
        return {};
    QString text = QStringLiteral("Usage: mmfctl ") + QLatin1String(spec->name);
    if (*spec->args)
        text += QLatin1Char(' ') + QLatin1String(spec->args);
    if (!spec->options.empty())
        text += QStringLiteral(" [OPTIONS]");
    text += QStringLiteral("\n\n") + QLatin1String(spec->summary) + QStringLiteral(".\n") +
            QLatin1String(spec->description) + QLatin1Char('\n');
    if (!spec->options.empty())
        text += QStringLiteral("\nOptions:\n") + optionLines(spec->options);
    text += QStringLiteral("\nGlobal options:\n") + optionLines(globalOptions());
    return text;
}

} // namespace mmf
