#pragma once

#include "tools/ApiClient.h"
#include "tools/CtlCommandLine.h"
#include "tools/CtlError.h"
#include "tools/CtlSettings.h"

#include <QIODevice>
#include <QJsonObject>
#include <QObject>
#include <QProcessEnvironment>
#include <QTextStream>

#include <optional>

namespace mmf {

class TaskWatcher;

// Runs one mmfctl command on the event loop and reports its exit code through finished() exactly once.
// Output goes to `out`, errors as "error: <code>: <message> (field: x)" lines to `err`.
class CtlApp : public QObject
{
    Q_OBJECT
public:
    CtlApp(CtlInvocation invocation, CtlSettings settings, QTextStream* out, QTextStream* err,
           QIODevice* stdinDevice, QObject* parent = nullptr);

    // Parses `args` (without the program name), prints help or usage errors, resolves the server and token
    // (the session file from `env` included) and runs the command in the running QCoreApplication's loop.
    // Returns the process exit code.
    static int exec(const QStringList& args, const QProcessEnvironment& env);

    void start();
    // Where `login` saves the session and a silent refresh updates it.
    void setSession(const QString& path, std::optional<CtlSession> session);

signals:
    void finished(int exitCode);

private:
    void runCommand();
    void runSubmit();
    void runWatch(const QString& taskId);
    void runGet();
    void runList();
    void runCancel();
    void runLogs();
    void runTokenIssue();
    void runTokenList();
    void runTokenRevoke();
    void runModels();
    void runModel();
    void runDeadLetters();
    void runReplay();
    void runDiscard();
    void runScaler();
    void runScale();
    void runLogin();
    void runLogout();
    // Runs `next` once the session's access token is fresh (refreshing it first when it has expired).
    void ensureFreshSession(std::function<void()> next);

    // Sends the request; a non-2xx answer or no answer ends the run with the matching error and exit code.
    void call(const ApiRequest& request, std::function<void(const ApiResponse&)> onSuccess);
    // call(), then the answer as it came (--json) or as `format` prints it.
    void show(const ApiRequest& request, std::function<QString(const QJsonDocument&)> format);
    void printWatchEvent(const QJsonObject& push);
    void
    finishWithTask(const QJsonObject& task); // a finished task or result push: result or error, exit code
    void printRaw(const QByteArray& body);
    void fail(const CtlError& error);
    void finish(CtlExit code);

    CtlInvocation m_invocation;
    CtlSettings m_settings;
    QTextStream* m_out;
    QTextStream* m_err;
    QIODevice* m_stdin;
    ApiClient m_api;
    TaskWatcher* m_watcher = nullptr;
    bool m_finished = false;
    QString m_sessionPath;
    std::optional<CtlSession> m_session;
};

} // namespace mmf
