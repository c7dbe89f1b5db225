#include "tools/CtlApp.h"

#include "tools/CtlFormat.h"
#include "tools/CtlRequests.h"
#include "tools/TaskWatcher.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUrl>

#include <termios.h>
#include <unistd.h>

namespace mmf {

CtlApp::CtlApp(CtlInvocation invocation, CtlSettings settings, QTextStream* out, QTextStream* err,
               QIODevice* stdinDevice, QObject* parent)
    : QObject(parent)
    , m_invocation(std::move(invocation))
    , m_settings(std::move(settings))
    , m_out(out)
    , m_err(err)
    , m_stdin(stdinDevice)
    , m_api(m_settings.server, m_settings.token)
{}

int CtlApp::exec(const QStringList& args, const QProcessEnvironment& env)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const Result<CtlInvocation> parsed = CtlCommandLine::parse(args);
    if (!parsed) {
        err << "error: usage: " << parsed.error().message << '\n';
        if (args.isEmpty()) {
            err << '\n' << CtlCommandLine::globalHelp();
        } else {
            // Point at the command's own help when the command word was understood.
            QString command;
            for (qsizetype i = 0; i < args.size() && command.isEmpty(); ++i) {
                const QString twoWords = args.at(i) + QLatin1Char(' ') + args.value(i + 1);
                if (args.at(i) == QLatin1String("token"))
                    command = CtlCommandLine::commands().contains(twoWords) ? twoWords
                                                                            : QStringLiteral("token issue");
                else if (CtlCommandLine::commands().contains(args.at(i)))
                    command = args.at(i);
            }
            err << "run 'mmfctl " << (command.isEmpty() ? QString() : command + QLatin1Char(' '))
                << "--help' for usage\n";
        }
        return int(CtlExit::Usage);
    }
    const CtlInvocation& invocation = *parsed;
    if (invocation.help || invocation.command == QLatin1String("help")) {
        const QString topic = invocation.command == QLatin1String("help")
                                  ? invocation.positional.join(QLatin1Char(' '))
                                  : invocation.command;
        out << (topic.isEmpty() ? CtlCommandLine::globalHelp() : CtlCommandLine::commandHelp(topic));
        return int(CtlExit::Ok);
    }

    std::optional<CtlSession> session;
    if (Result<CtlSession> loaded = SessionFile(SessionFile::defaultPath(env)).load(); loaded)
        session = *loaded;
    const Result<CtlSettings> settings = CtlSettings::resolve(invocation, env, session);
    if (!settings) {
        err << "error: usage: " << settings.error().message << '\n';
        return int(CtlExit::Usage);
    }

    QFile stdinFile;
    stdinFile.open(stdin, QIODevice::ReadOnly);
    CtlApp app(invocation, *settings, &out, &err, &stdinFile);
    app.setSession(SessionFile::defaultPath(env), session);
    int exitCode = int(CtlExit::Ok);
    QEventLoop loop;
    connect(&app, &CtlApp::finished, &loop, [&](int code) {
        exitCode = code;
        loop.quit();
    });
    QTimer::singleShot(0, &app, &CtlApp::start);
    loop.exec();
    out.flush();
    err.flush();
    return exitCode;
}

void CtlApp::setSession(const QString& path, std::optional<CtlSession> session)
{
    m_sessionPath = path;
    m_session = std::move(session);
}

void CtlApp::ensureFreshSession(std::function<void()> next)
{
    const bool fromSession = m_settings.tokenSource == CtlSettings::TokenSource::Session && m_session;
    const QDateTime expiresAt =
        fromSession ? QDateTime::fromString(m_session->expiresAt, Qt::ISODate) : QDateTime();
    // Refresh a little early so the command's own requests do not race the expiry.
    if (!fromSession || m_session->refreshToken.isEmpty() || !expiresAt.isValid() ||
        expiresAt > QDateTime::currentDateTimeUtc().addSecs(30)) {
        next();
        return;
    }
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/api/v1/auth/refresh");
    request.body = QJsonDocument(QJsonObject{{QStringLiteral("refresh_token"), m_session->refreshToken}})
                       .toJson(QJsonDocument::Compact);
    call(request, [this, next = std::move(next)](const ApiResponse& response) {
        const QJsonObject pair = QJsonDocument::fromJson(response.body).object();
        m_session->accessToken = pair.value(QLatin1String("access_token")).toString();
        m_session->refreshToken = pair.value(QLatin1String("refresh_token")).toString();
        m_session->expiresAt = pair.value(QLatin1String("expires_at")).toString();
        if (Result<void> saved = SessionFile(m_sessionPath).save(*m_session); !saved)
            *m_err << "warning: cannot save the refreshed session: " << saved.error().message << '\n';
        m_api.setToken(m_session->accessToken);
        next();
    });
}

void CtlApp::runLogin()
{
    const QString login = m_invocation.positional.value(0);
    QByteArray password;
    if (m_stdin && m_stdin->isOpen()) {
        const bool terminal = ::isatty(STDIN_FILENO);
        termios saved{};
        if (terminal) {
            *m_err << "Password for " << login << ": ";
            m_err->flush();
            ::tcgetattr(STDIN_FILENO, &saved);
            termios silent = saved;
            silent.c_lflag &= ~tcflag_t(ECHO);
            ::tcsetattr(STDIN_FILENO, TCSANOW, &silent);
        }
        password = m_stdin->readLine();
        if (terminal) {
            ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
            *m_err << '\n';
        }
        while (password.endsWith('\n') || password.endsWith('\r'))
            password.chop(1);
    }
    if (password.isEmpty()) {
        fail({QStringLiteral("usage"), QStringLiteral("no password on stdin"), {}, CtlExit::Usage});
        return;
    }
    QJsonObject body{{QStringLiteral("login"), login},
                     {QStringLiteral("password"), QString::fromUtf8(password)}};
    if (m_invocation.has(QStringLiteral("project")))
        body.insert(QStringLiteral("project"), m_invocation.value(QStringLiteral("project")));
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/api/v1/auth/login");
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    call(request, [this, login](const ApiResponse& response) {
        const QJsonObject pair = QJsonDocument::fromJson(response.body).object();
        CtlSession session;
        session.server = m_settings.server.toString();
        session.login = login;
        session.accessToken = pair.value(QLatin1String("access_token")).toString();
        session.refreshToken = pair.value(QLatin1String("refresh_token")).toString();
        session.expiresAt = pair.value(QLatin1String("expires_at")).toString();
        if (Result<void> saved = SessionFile(m_sessionPath).save(session); !saved) {
            fail({QStringLiteral("internal"), saved.error().message, {}, CtlExit::Failure});
            return;
        }
        QStringList methods;
        for (const QJsonValue& method : pair.value(QLatin1String("methods")).toArray())
            methods << method.toString();
        *m_out << "signed in to " << session.server << " as " << login << " (project "
               << pair.value(QLatin1String("project")).toString() << ": " << methods.join(QLatin1Char(','))
               << ")\n";
        finish(CtlExit::Ok);
    });
}

void CtlApp::runLogout()
{
    auto forget = [this] {
        if (Result<void> removed = SessionFile(m_sessionPath).remove();
            !removed && removed.error().code != ErrorCode::NotFound) {
            fail({QStringLiteral("internal"), removed.error().message, {}, CtlExit::Failure});
            return;
        }
        *m_out << "signed out\n";
        finish(CtlExit::Ok);
    };
    if (!m_session || m_session->refreshToken.isEmpty()) {
        forget();
        return;
    }
    // The server ends the session first; an unreachable server still lets the local session go.
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/api/v1/auth/logout");
    request.body = QJsonDocument(QJsonObject{{QStringLiteral("refresh_token"), m_session->refreshToken}})
                       .toJson(QJsonDocument::Compact);
    request.timeoutMs = 10000;
    QUrl server(m_session->server);
    ApiClient* client = server.isValid() && !server.isEmpty() ? new ApiClient(server, {}, this) : &m_api;
    client->send(request, this, [forget](const ApiResponse&) { forget(); });
}

void CtlApp::start()
{
    const QString& command = m_invocation.command;
    if (command == QLatin1String("login")) {
        runLogin();
        return;
    }
    if (command == QLatin1String("logout")) {
        runLogout();
        return;
    }
    ensureFreshSession([this] { runCommand(); });
}

void CtlApp::runCommand()
{
    const QString& command = m_invocation.command;
    if (command == QLatin1String("submit"))
        runSubmit();
    else if (command == QLatin1String("watch"))
        runWatch(m_invocation.positional.value(0));
    else if (command == QLatin1String("get"))
        runGet();
    else if (command == QLatin1String("list"))
        runList();
    else if (command == QLatin1String("cancel"))
        runCancel();
    else if (command == QLatin1String("logs"))
        runLogs();
    else if (command == QLatin1String("token issue"))
        runTokenIssue();
    else if (command == QLatin1String("token list"))
        runTokenList();
    else if (command == QLatin1String("token revoke"))
        runTokenRevoke();
    else if (command == QLatin1String("models"))
        runModels();
    else if (command == QLatin1String("model"))
        runModel();
    else if (command == QLatin1String("dead-letters"))
        runDeadLetters();
    else if (command == QLatin1String("replay"))
        runReplay();
    else if (command == QLatin1String("discard"))
        runDiscard();
    else if (command == QLatin1String("scaler"))
        runScaler();
    else if (command == QLatin1String("scale"))
        runScale();
    else
        fail({QStringLiteral("usage"),
              QStringLiteral("unknown command \"%1\"").arg(command),
              {},
              CtlExit::Usage});
}

void CtlApp::runSubmit()
{
    const Result<QByteArray> body = CtlRequests::readBody(m_invocation.positional.value(1), m_stdin);
    if (!body) {
        fail({QStringLiteral("usage"), body.error().message, {}, CtlExit::Usage});
        return;
    }
    const std::optional<int> wait = m_invocation.has(QStringLiteral("wait"))
                                        ? std::optional<int>(m_invocation.intValue(QStringLiteral("wait"), 0))
                                        : std::nullopt;
    const bool watch = m_invocation.has(QStringLiteral("watch"));
    const ApiRequest request = CtlRequests::submit(m_invocation.positional.at(0), *body, wait,
                                                   m_invocation.value(QStringLiteral("idempotency-key")));
    const bool wantsResult = watch || wait.has_value();
    call(request, [this, watch, wantsResult](const ApiResponse& response) {
        const QJsonObject task = QJsonDocument::fromJson(response.body).object();
        const QString taskId = task.value(QLatin1String("task_id")).toString();
        const QString status = task.value(QLatin1String("status")).toString();
        if (wantsResult && CtlFormat::isFinalStatus(status)) {
            // Finished within --wait (or an idempotent repeat of a finished task): the answer is the task
            // itself.
            if (m_settings.json)
                printRaw(response.body);
            finishWithTask(task);
            return;
        }
        if (taskId.isEmpty()) {
            fail({QStringLiteral("internal"),
                  QStringLiteral("the server's answer has no task_id"),
                  {},
                  CtlExit::Failure});
            return;
        }
        if (m_settings.json)
            printRaw(response.body);
        else if (watch)
            *m_out << "task " << taskId << Qt::endl;
        else
            *m_out << taskId << Qt::endl;
        if (watch)
            runWatch(taskId);
        else
            finish(CtlExit::Ok);
    });
}

void CtlApp::runWatch(const QString& taskId)
{
    m_watcher = new TaskWatcher(&m_api, m_settings.token, taskId, this);
    connect(m_watcher, &TaskWatcher::event, this, &CtlApp::printWatchEvent);
    connect(m_watcher, &TaskWatcher::finished, this, [this](const QJsonObject& result) {
        if (m_settings.json)
            printRaw(QJsonDocument(result).toJson(QJsonDocument::Compact));
        finishWithTask(result);
    });
    connect(m_watcher, &TaskWatcher::failed, this, &CtlApp::fail);
    m_watcher->start();
}

void CtlApp::show(const ApiRequest& request, std::function<QString(const QJsonDocument&)> format)
{
    call(request, [this, format = std::move(format)](const ApiResponse& response) {
        if (m_settings.json)
            printRaw(response.body);
        else
            *m_out << format(QJsonDocument::fromJson(response.body));
        finish(CtlExit::Ok);
    });
}

void CtlApp::runGet()
{
    show(CtlRequests::getTask(m_invocation.positional.at(0)),
         [](const QJsonDocument& answer) { return CtlFormat::taskDetails(answer.object()); });
}

void CtlApp::runList()
{
    const std::optional<int> limit =
        m_invocation.has(QStringLiteral("limit"))
            ? std::optional<int>(m_invocation.intValue(QStringLiteral("limit"), 0))
            : std::nullopt;
    const ApiRequest request = CtlRequests::listTasks(m_invocation.value(QStringLiteral("model")),
                                                      m_invocation.value(QStringLiteral("status")), limit,
                                                      m_invocation.value(QStringLiteral("before")));
    show(request, &CtlFormat::tasksTable);
}

void CtlApp::runCancel()
{
    const QString taskId = m_invocation.positional.at(0);
    call(CtlRequests::cancelTask(taskId), [this, taskId](const ApiResponse& response) {
        if (m_settings.json) {
            printRaw(response.body);
        } else {
            const QString status =
                QJsonDocument::fromJson(response.body).object().value(QLatin1String("status")).toString();
            *m_out << taskId << ' ' << (status.isEmpty() ? QStringLiteral("cancel_requested") : status)
                   << '\n';
        }
        finish(CtlExit::Ok);
    });
}

void CtlApp::runLogs()
{
    const std::optional<qint64> from =
        m_invocation.has(QStringLiteral("from"))
            ? std::optional<qint64>(m_invocation.value(QStringLiteral("from")).toLongLong())
            : std::nullopt;
    call(CtlRequests::taskLogs(m_invocation.positional.at(0), from), [this](const ApiResponse& response) {
        if (m_settings.json) {
            printRaw(response.body);
        } else {
            const QJsonArray lines =
                QJsonDocument::fromJson(response.body).object().value(QLatin1String("lines")).toArray();
            for (const QJsonValue& line : lines)
                *m_out << CtlFormat::logLine(line.toObject()) << '\n';
        }
        finish(CtlExit::Ok);
    });
}

void CtlApp::runTokenIssue()
{
    const ApiRequest request = CtlRequests::issueToken(
        m_invocation.value(QStringLiteral("user")),
        m_invocation.value(QStringLiteral("project"), QStringLiteral("default")),
        m_invocation.value(QStringLiteral("methods")).split(QLatin1Char(','), Qt::SkipEmptyParts),
        m_invocation.has(QStringLiteral("ttl")) ? m_invocation.value(QStringLiteral("ttl")).toLongLong()
                                                : 3600);
    call(request, [this](const ApiResponse& response) {
        const QString token =
            QJsonDocument::fromJson(response.body).object().value(QLatin1String("token")).toString();
        if (m_settings.json) {
            printRaw(response.body);
        } else if (token.isEmpty()) {
            fail({QStringLiteral("internal"),
                  QStringLiteral("the server's answer has no token"),
                  {},
                  CtlExit::Failure});
            return;
        } else {
            *m_out << token << '\n';
        }
        finish(CtlExit::Ok);
    });
}

void CtlApp::runTokenList()
{
    show(CtlRequests::listTokens(m_invocation.value(QStringLiteral("project"))), &CtlFormat::tokensTable);
}

void CtlApp::runTokenRevoke()
{
    const QString id = m_invocation.positional.value(0);
    call(CtlRequests::revokeToken(id), [this, id](const ApiResponse&) {
        if (!m_settings.json)
            *m_out << "revoked " << id << '\n';
        finish(CtlExit::Ok);
    });
}

void CtlApp::runModels()
{
    show(CtlRequests::models(m_invocation.has(QStringLiteral("offline"))), &CtlFormat::modelsTable);
}

void CtlApp::runModel()
{
    const QString name = m_invocation.positional.value(0);
    if (m_invocation.has(QStringLiteral("instances"))) {
        show(CtlRequests::instances(name), &CtlFormat::instancesTable);
        return;
    }
    const QStringList sets = m_invocation.lists.value(QStringLiteral("set"));
    ApiRequest request = CtlRequests::model(name);
    if (!sets.isEmpty()) {
        Result<QJsonObject> body = CtlRequests::modelSettings(sets);
        if (!body) {
            fail({QStringLiteral("usage"), body.error().message, body.error().field, CtlExit::Usage});
            return;
        }
        request = CtlRequests::patchModel(name, *body);
    }
    show(request, [](const QJsonDocument& answer) { return CtlFormat::modelDetails(answer.object()); });
}

void CtlApp::runDeadLetters()
{
    const ApiRequest request =
        CtlRequests::deadLetters(m_invocation.positional.value(0),
                                 m_invocation.has(QStringLiteral("limit"))
                                     ? std::optional<int>(m_invocation.intValue(QStringLiteral("limit"), 100))
                                     : std::nullopt,
                                 m_invocation.value(QStringLiteral("before")));
    show(request, &CtlFormat::deadLettersTable);
}

void CtlApp::runReplay()
{
    const QStringList ids = m_invocation.positional.mid(1);
    call(CtlRequests::replay(m_invocation.positional.value(0), ids), [this](const ApiResponse& response) {
        const QJsonObject answer = QJsonDocument::fromJson(response.body).object();
        if (m_settings.json)
            printRaw(response.body);
        else
            *m_out << CtlFormat::replayLines(answer);
        finish(answer.value(QLatin1String("not_found")).toArray().isEmpty() ? CtlExit::Ok : CtlExit::Failure);
    });
}

void CtlApp::runDiscard()
{
    call(CtlRequests::discardDeadLetter(m_invocation.positional.value(0), m_invocation.positional.value(1)),
         [this](const ApiResponse&) { finish(CtlExit::Ok); });
}

void CtlApp::runScaler()
{
    ApiRequest request;
    request.path = QStringLiteral("/api/v1/scaler");
    call(request, [this](const ApiResponse& response) {
        if (m_settings.json) {
            printRaw(response.body);
            finish(CtlExit::Ok);
            return;
        }
        const QJsonObject answer = QJsonDocument::fromJson(response.body).object();
        const QJsonObject pool = answer.value(QLatin1String("pool")).toObject();
        const QJsonObject total = pool.value(QLatin1String("total")).toObject();
        const QJsonObject used = pool.value(QLatin1String("used")).toObject();
        QStringList parts;
        for (auto it = total.constBegin(); it != total.constEnd(); ++it)
            parts << QStringLiteral("%1 %2/%3")
                         .arg(it.key())
                         .arg(used.value(it.key()).toInteger())
                         .arg(it.value().toInteger());
        *m_out << "pool: " << parts.join(QStringLiteral(", ")) << "\n";
        *m_out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8\n")
                      .arg(QStringLiteral("MODEL"), -20)
                      .arg(QStringLiteral("MODE"), -8)
                      .arg(QStringLiteral("MIN"), 4)
                      .arg(QStringLiteral("MAX"), 4)
                      .arg(QStringLiteral("TARGET"), 7)
                      .arg(QStringLiteral("DESIRED"), 8)
                      .arg(QStringLiteral("CURRENT"), 8)
                      .arg(QStringLiteral("RESOURCES"));
        for (const QJsonValue& value : answer.value(QLatin1String("models")).toArray()) {
            const QJsonObject m = value.toObject();
            QStringList resources;
            const QJsonObject r = m.value(QLatin1String("resources")).toObject();
            for (auto it = r.constBegin(); it != r.constEnd(); ++it)
                resources << QStringLiteral("%1=%2").arg(it.key()).arg(it.value().toInteger());
            *m_out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8\n")
                          .arg(m.value(QLatin1String("name")).toString(), -20)
                          .arg(m.value(QLatin1String("mode")).toString(), -8)
                          .arg(m.value(QLatin1String("min")).toInt(), 4)
                          .arg(m.value(QLatin1String("max")).toInt(), 4)
                          .arg(m.value(QLatin1String("target")).toInt(), 7)
                          .arg(m.value(QLatin1String("desired")).toInt(), 8)
                          .arg(m.value(QLatin1String("current")).toInt(), 8)
                          .arg(resources.join(QLatin1Char(',')));
        }
        finish(CtlExit::Ok);
    });
}

void CtlApp::runScale()
{
    QJsonObject body;
    if (m_invocation.has(QStringLiteral("mode"))) {
        const QString mode = m_invocation.value(QStringLiteral("mode"));
        if (mode != QLatin1String("static") && mode != QLatin1String("dynamic")) {
            fail({QStringLiteral("usage"), QStringLiteral("--mode is static or dynamic"),
                  QStringLiteral("mode"), CtlExit::Usage});
            return;
        }
        body.insert(QStringLiteral("mode"), mode);
    }
    for (const char* name : {"min", "max"}) {
        if (m_invocation.has(QLatin1String(name)))
            body.insert(QLatin1String(name), m_invocation.intValue(QLatin1String(name), 0));
    }
    if (m_invocation.has(QStringLiteral("tasks-per-replica")))
        body.insert(QStringLiteral("tasks_per_replica"),
                    m_invocation.intValue(QStringLiteral("tasks-per-replica"), 1));
    if (m_invocation.has(QStringLiteral("project")))
        body.insert(QStringLiteral("project"), m_invocation.value(QStringLiteral("project")));
    const QStringList resources = m_invocation.lists.value(QStringLiteral("resource"));
    if (!resources.isEmpty()) {
        QJsonObject amounts;
        for (const QString& resource : resources) {
            const qsizetype eq = resource.indexOf(QLatin1Char('='));
            bool ok = false;
            const qint64 amount = eq > 0 ? resource.mid(eq + 1).toLongLong(&ok) : 0;
            if (!ok || amount < 0) {
                fail({QStringLiteral("usage"),
                      QStringLiteral("--resource takes NAME=N, got \"%1\"").arg(resource),
                      QStringLiteral("resource"), CtlExit::Usage});
                return;
            }
            amounts.insert(resource.left(eq), double(amount));
        }
        body.insert(QStringLiteral("resources"), amounts);
    }
    ApiRequest request;
    request.method = "PUT";
    request.path = QStringLiteral("/api/v1/models/%1/scaling")
                       .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_invocation.positional.value(0))));
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    call(request, [this](const ApiResponse& response) {
        printRaw(response.body);
        finish(CtlExit::Ok);
    });
}

void CtlApp::call(const ApiRequest& request, std::function<void(const ApiResponse&)> onSuccess)
{
    m_api.send(request, this, [this, onSuccess = std::move(onSuccess)](const ApiResponse& response) {
        if (!response.reachable()) {
            fail({QStringLiteral("unavailable"),
                  QStringLiteral("cannot reach %1: %2")
                      .arg(m_settings.server.toString(), response.networkError),
                  {},
                  CtlExit::Unreachable});
            return;
        }
        if (!response.ok()) {
            fail(CtlFormat::apiError(response.status, response.body));
            return;
        }
        onSuccess(response);
    });
}

void CtlApp::printWatchEvent(const QJsonObject& push)
{
    if (m_settings.json) {
        printRaw(QJsonDocument(push).toJson(QJsonDocument::Compact));
        return;
    }
    const QString type = push.value(QLatin1String("type")).toString();
    if (type == QLatin1String("log"))
        *m_out << CtlFormat::logLine(push) << Qt::endl;
    else if (type == QLatin1String("progress"))
        *m_out << CtlFormat::progressLine(push) << Qt::endl;
    else if (type == QLatin1String("status"))
        *m_out << CtlFormat::statusLine(push) << Qt::endl;
}

void CtlApp::finishWithTask(const QJsonObject& task)
{
    const QString status = task.value(QLatin1String("status")).toString();
    if (CtlFormat::isSuccess(status)) {
        if (!m_settings.json)
            *m_out << CtlFormat::json(task.value(QLatin1String("result"))) << Qt::endl;
        finish(CtlExit::Ok);
        return;
    }
    CtlError error = CtlFormat::taskError(task.value(QLatin1String("error")));
    if (!task.value(QLatin1String("error")).isObject()) {
        error.code = status;
        error.message =
            QStringLiteral("task %1 ended %2").arg(task.value(QLatin1String("task_id")).toString(), status);
    }
    fail(error);
}

void CtlApp::printRaw(const QByteArray& body)
{
    *m_out << QString::fromUtf8(body.trimmed()) << Qt::endl;
}

void CtlApp::fail(const CtlError& error)
{
    if (m_finished)
        return;
    *m_err << CtlFormat::errorLine(error) << '\n';
    if (error.code == QLatin1String("unauthenticated") &&
        m_settings.tokenSource == CtlSettings::TokenSource::None)
        *m_err << "hint: pass --token, set MMF_TOKEN or run 'mmfctl login'\n";
    m_err->flush();
    finish(error.exit);
}

void CtlApp::finish(CtlExit code)
{
    if (m_finished)
        return;
    m_finished = true;
    m_out->flush();
    emit finished(int(code));
}

} // namespace mmf
