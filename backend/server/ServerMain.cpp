#include "server/ServerMain.h"

#include "auth/TokenCodec.h"
#include "config/ConfigLoader.h"
#include "core/UnixSignalWatcher.h"
#include "server/DataDir.h"
#include "server/ServerApplication.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <csignal>
#include <cstdio>

namespace mmf {

namespace {

void printError(const QString& message)
{
    std::fprintf(stderr, "mmf-server: %s\n", message.toUtf8().constData());
}

const QList<CommandLineOption> kSubcommandOptions{
    {QStringLiteral("user"), QStringLiteral("U"),
     QStringLiteral("token issue: the user id the token speaks for")},
    {QStringLiteral("project"), QStringLiteral("P"),
     QStringLiteral("token issue: the project (default: default)")},
    {QStringLiteral("methods"), QStringLiteral("M,M"),
     QStringLiteral("token issue: comma-separated methods: score, read, serve, admin")},
    {QStringLiteral("ttl"), QStringLiteral("SECONDS"),
     QStringLiteral("token issue: lifetime (default 3600)")},
};

int issueTokenCommand(const LoadedConfig& loaded)
{
    const QString user = loaded.options.value(QStringLiteral("user"));
    const QString project = loaded.options.value(QStringLiteral("project"), QStringLiteral("default"));
    const QStringList methods =
        loaded.options.value(QStringLiteral("methods")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    bool ttlOk = true;
    const qint64 ttl = loaded.options.contains(QStringLiteral("ttl"))
                           ? loaded.options.value(QStringLiteral("ttl")).toLongLong(&ttlOk)
                           : 3600;
    static const QRegularExpression kUser(QStringLiteral("^[A-Za-z0-9_.@-]{1,64}$"));
    static const QRegularExpression kProject(QStringLiteral("^[a-z][a-z0-9_-]{0,62}$"));
    static const QStringList kKnown{QStringLiteral("score"), QStringLiteral("read"), QStringLiteral("serve"),
                                    QStringLiteral("admin")};
    if (!kUser.match(user).hasMatch()) {
        printError(QStringLiteral("token issue: --user U is required (1 to 64 of [A-Za-z0-9_.@-])"));
        return 2;
    }
    if (!kProject.match(project).hasMatch()) {
        printError(QStringLiteral("token issue: --project must match [a-z][a-z0-9_-]{0,62}"));
        return 2;
    }
    if (methods.isEmpty()) {
        printError(QStringLiteral("token issue: --methods score,read,serve,admin is required"));
        return 2;
    }
    for (const QString& method : methods) {
        if (!kKnown.contains(method)) {
            printError(
                QStringLiteral("token issue: unknown method '%1' (score, read, serve, admin)").arg(method));
            return 2;
        }
    }
    if (!ttlOk || ttl < 1) {
        printError(QStringLiteral("token issue: --ttl is a positive number of seconds"));
        return 2;
    }
    Result<SigningKey> key = DataDir::loadOrCreateSigningKey(loaded.config.dataDir);
    if (!key) {
        printError(key.error().message);
        return 1;
    }
    SystemClock clock;
    v1::TokenClaims claims;
    claims.set_user_id(user.toStdString());
    claims.set_project_id(project.toStdString());
    for (const QString& method : methods)
        claims.add_methods(method.toStdString());
    claims.set_iat(clock.nowSecs());
    claims.set_exp(clock.nowSecs() + ttl);
    const QByteArray token = issueToken(*key, claims);
    std::printf("%s\n", token.constData());
    return 0;
}

int runServer(const LoadedConfig& loaded)
{
    ServerApplication server(loaded.config);
    Result<void> started = server.start();
    if (!started) {
        printError(started.error().message);
        return 1;
    }
    UnixSignalWatcher signalWatcher({SIGTERM, SIGINT});
    int exitCode = 0;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::unixSignal, &server,
                     [&server](int) { server.shutdown(); });
    QObject::connect(&server, &ServerApplication::finished, qApp, [&exitCode](int code) {
        exitCode = code;
        QCoreApplication::quit();
    });
    QCoreApplication::exec();
    return exitCode;
}

} // namespace

int runServerMain(const QStringList& arguments)
{
    ::signal(SIGPIPE, SIG_IGN);
    ConfigLoader loader(kSubcommandOptions);
    Result<LoadedConfig> loaded = loader.load(arguments, QProcessEnvironment::systemEnvironment());
    if (!loaded) {
        printError(loaded.error().message);
        return 2;
    }
    if (loaded->helpRequested) {
        std::printf("%s", loader.helpText().toUtf8().constData());
        std::printf("\nSubcommands:\n  token issue --data-dir DIR --user U --project P --methods M,M --ttl "
                    "SECONDS\n");
        return 0;
    }
    const QStringList& words = loaded->positional;
    if (loaded->config.dataDir.isEmpty()) {
        printError(
            QStringLiteral("--data-dir DIR is required (or MMF_SERVER_DATA_DIR, or [server] data_dir)"));
        return 2;
    }
    if (words.isEmpty())
        return runServer(*loaded);
    if (words == QStringList{QStringLiteral("token"), QStringLiteral("issue")})
        return issueTokenCommand(*loaded);
    printError(
        QStringLiteral("unknown command '%1' (commands: token issue)").arg(words.join(QLatin1Char(' '))));
    return 2;
}

} // namespace mmf
