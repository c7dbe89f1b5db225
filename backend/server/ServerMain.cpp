#include "server/ServerMain.h"

#include "accounts/AccountService.h"
#include "accounts/PasswordHasher.h"
#include "auth/TokenCodec.h"
#include "config/ConfigLoader.h"
#include "core/UnixSignalWatcher.h"
#include "gateway/IssuedTokens.h"
#include "gateway/TokenRevocations.h"
#include "redis/RedisClient.h"
#include "server/DataDir.h"
#include "server/EmbeddedRedis.h"
#include "server/ServerApplication.h"
#include "server/SystemdNotifier.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QRegularExpression>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <termios.h>
#include <unistd.h>

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
     QStringLiteral("token issue: comma-separated methods: score, read, serve, admin; superuser makes an "
                    "admin of every project")},
    {QStringLiteral("ttl"), QStringLiteral("SECONDS"),
     QStringLiteral("token issue: lifetime (default 3600)")},
    {QStringLiteral("id"), QStringLiteral("ID"),
     QStringLiteral("token revoke: the token's id (printed by token issue; GET /api/v1/tokens lists those "
                    "issued through the API)")},
    {QStringLiteral("login"), QStringLiteral("L"),
     QStringLiteral("admin create: the new admin's login (the password is read from stdin)")},
    {QStringLiteral("grace"), QStringLiteral("SECONDS"),
     QStringLiteral("keys rotate: how long the old key stays trusted (default: the longer of twice the "
                    "access token life and twice the retention)")},
};

// One line from stdin; on a terminal, asked for twice without echo.
std::optional<QByteArray> readPassword()
{
    auto readLine = []() -> std::optional<QByteArray> {
        std::string line;
        if (!std::getline(std::cin, line))
            return std::nullopt;
        QByteArray out = QByteArray::fromStdString(line);
        if (out.endsWith('\r'))
            out.chop(1);
        return out;
    };
    if (!::isatty(STDIN_FILENO))
        return readLine();
    termios saved{};
    ::tcgetattr(STDIN_FILENO, &saved);
    termios silent = saved;
    silent.c_lflag &= ~tcflag_t(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    std::fprintf(stderr, "Password: ");
    std::optional<QByteArray> first = readLine();
    std::fprintf(stderr, "\nPassword again: ");
    std::optional<QByteArray> second = readLine();
    std::fprintf(stderr, "\n");
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    if (!first || !second || *first != *second) {
        printError(QStringLiteral("admin create: the passwords differ"));
        return std::nullopt;
    }
    return first;
}

// Prints what went wrong and gives the exit code: 2 for a usage error, 1 otherwise.
int failed(const QString& command, const Error& error)
{
    printError(QStringLiteral("%1: %2").arg(command, error.message));
    return error.code == ErrorCode::InvalidArgument ? 2 : 1;
}

// The server's Redis for an admin command: the configured one, the embedded one of a running server, or the
// embedded one started just for this command (stopped when this goes).
struct AdminRedis
{
    std::unique_ptr<EmbeddedRedis> embedded;
    std::unique_ptr<RedisClient> client;

    ~AdminRedis()
    {
        client.reset();
        if (embedded)
            embedded->stop();
    }
};

// Null after printing why (`code`: the exit code).
std::unique_ptr<AdminRedis> openAdminRedis(const LoadedConfig& loaded, int* code)
{
    auto redis = std::make_unique<AdminRedis>();
    RedisConfig redisConfig;
    if (!loaded.config.redisUrl.isEmpty()) {
        Result<RedisConfig> parsed = RedisConfig::fromUrl(loaded.config.redisUrl);
        if (!parsed) {
            printError(parsed.error().message);
            *code = 2;
            return nullptr;
        }
        redisConfig = *parsed;
    } else if (Result<RedisConfig> running = EmbeddedRedis::running(loaded.config.dataDir)) {
        redisConfig = *running;
    } else {
        redis->embedded = std::make_unique<EmbeddedRedis>(
            loaded.config.dataDir, loaded.config.redisAppendfsync, loaded.config.redisAofRewritePercentage);
        Result<RedisConfig> started = redis->embedded->start();
        if (!started) {
            printError(started.error().message);
            *code = 1;
            return nullptr;
        }
        redisConfig = *started;
    }
    redisConfig.clientName = QStringLiteral("mmf-server-admin");
    redis->client = std::make_unique<RedisClient>(redisConfig);
    redis->client->start();
    return redis;
}

// Runs `work` once `redis` is connected (commands sent before fail at once) and the event loop until `work`
// calls its argument with the exit code, or 30 s have passed.
int runAdminCommand(RedisClient& redis, const QString& command,
                    const std::function<void(std::function<void(int)>)>& work)
{
    int exitCode = 1;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, qApp, [command] {
        printError(QStringLiteral("%1: Redis did not answer in time").arg(command));
        QCoreApplication::exit(1);
    });
    deadline.start(30000);
    const auto begin = [&] {
        work([&exitCode](int code) {
            exitCode = code;
            QCoreApplication::exit(exitCode);
        });
    };
    if (redis.isConnected())
        begin();
    else
        QObject::connect(&redis, &RedisClient::connected, qApp, begin, Qt::SingleShotConnection);
    const int loopCode = QCoreApplication::exec();
    return loopCode != 0 ? loopCode : exitCode;
}

// runAdminCommand with the server's accounts on its Redis.
int withAccounts(const LoadedConfig& loaded, const QString& command,
                 const std::function<void(AccountService&, std::function<void(int)>)>& work)
{
    int code = 1;
    const std::unique_ptr<AdminRedis> redis = openAdminRedis(loaded, &code);
    if (!redis)
        return code;
    SystemClock clock;
    Argon2PasswordHasher hasher;
    SigningKey unused;
    AccountService accounts(*redis->client, hasher, unused, clock, AccountSettings{});
    return runAdminCommand(*redis->client, command,
                           [&](std::function<void(int)> exit) { work(accounts, std::move(exit)); });
}

// Revokes a token by its id on every server of this Redis: one issued through the API until it expires (its
// record says when), one made by `token issue` for good (nothing says when it expires).
int revokeTokenCommand(const LoadedConfig& loaded)
{
    const QByteArray id = loaded.options.value(QStringLiteral("id")).toUtf8();
    static const QRegularExpression kId(QStringLiteral("^[0-9a-f]{32}$"));
    if (!kId.match(QString::fromLatin1(id)).hasMatch()) {
        printError(
            QStringLiteral("token revoke: --id ID is required: the 32 hex digits token issue printed"));
        return 2;
    }
    int code = 1;
    const std::unique_ptr<AdminRedis> redis = openAdminRedis(loaded, &code);
    if (!redis)
        return code;
    SystemClock clock;
    IssuedTokens issued(*redis->client, clock);
    TokenRevocations revocations(*redis->client, clock);
    const QString command = QStringLiteral("token revoke");
    return runAdminCommand(*redis->client, command, [&](std::function<void(int)> exit) {
        issued.find(id, [&, exit](Result<std::optional<IssuedTokens::Entry>> entry) {
            if (!entry)
                return exit(failed(command, entry.error()));
            const qint64 expires = *entry ? (*entry)->expiresAtSecs : 0;
            revocations.revoke(id, expires, [&, expires, exit](Result<void> done) {
                if (!done)
                    return exit(failed(command, done.error()));
                // The record goes before the command ends (its HDEL answered): a revoked token is not listed.
                issued.remove(id, [id, expires, exit] {
                    std::printf("revoked token %s%s; every server refuses it within 2 s\n", id.constData(),
                                expires > 0 ? " (until it expires)" : "");
                    exit(0);
                });
            });
        });
    });
}

int createAdminCommand(const LoadedConfig& loaded)
{
    const QByteArray login = loaded.options.value(QStringLiteral("login")).toUtf8();
    if (login.isEmpty()) {
        printError(QStringLiteral("admin create: --login L is required"));
        return 2;
    }
    const std::optional<QByteArray> password = readPassword();
    if (!password) {
        printError(QStringLiteral("admin create: no password on stdin"));
        return 2;
    }
    return withAccounts(loaded, QStringLiteral("admin create"), [&](AccountService& accounts, auto exit) {
        accounts.createAdmin(login, *password, [login, exit](Result<QByteArray> userId) {
            if (!userId)
                return exit(failed(QStringLiteral("admin create"), userId.error()));
            std::printf("created superuser %s (user id %s)\n", login.constData(), userId->constData());
            exit(0);
        });
    });
}

int promoteCommand(const LoadedConfig& loaded)
{
    const QByteArray login = loaded.options.value(QStringLiteral("login")).toUtf8();
    if (login.isEmpty()) {
        printError(QStringLiteral("admin promote: --login L is required"));
        return 2;
    }
    return withAccounts(loaded, QStringLiteral("admin promote"), [&](AccountService& accounts, auto exit) {
        accounts.promoteToSuperuser(login, [login, exit](Result<QByteArray> userId) {
            if (!userId)
                return exit(failed(QStringLiteral("admin promote"), userId.error()));
            std::printf("%s (user id %s) is a superuser\n", login.constData(), userId->constData());
            exit(0);
        });
    });
}

int rotateKeysCommand(const LoadedConfig& loaded)
{
    const ServerConfig& config = loaded.config;
    qint64 grace = qMax(2 * config.accessTtlMs, 2 * config.retentionMs) / 1000;
    if (loaded.options.contains(QStringLiteral("grace"))) {
        bool ok = false;
        grace = loaded.options.value(QStringLiteral("grace")).toLongLong(&ok);
        if (!ok || grace < 0) {
            printError(QStringLiteral("keys rotate: --grace is a whole number of seconds (0 or more)"));
            return 2;
        }
    }
    SystemClock clock;
    Result<SigningKey> current = DataDir::loadOrCreateSigningKey(config.dataDir);
    if (!current) {
        printError(current.error().message);
        return 1;
    }
    Result<SigningKey> next = DataDir::rotateSigningKey(config.dataDir, grace, clock.nowSecs());
    if (!next) {
        printError(next.error().message);
        return 1;
    }
    std::printf("new signing key %s; the old key %s stays trusted until %s\n", next->keyId().constData(),
                current->keyId().constData(),
                QDateTime::fromSecsSinceEpoch(clock.nowSecs() + grace, Qt::UTC)
                    .toString(Qt::ISODate)
                    .toUtf8()
                    .constData());
    return 0;
}

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
                                    QStringLiteral("admin"), QStringLiteral("superuser")};
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
                QStringLiteral("token issue: unknown method '%1' (score, read, serve, admin, superuser)")
                    .arg(method));
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
    for (const QString& method : methods) {
        // "superuser" is no method: it is the server-wide flag (and admin in the token's project).
        if (method == QLatin1String("superuser")) {
            claims.set_superuser(true);
            claims.add_methods("admin");
        } else {
            claims.add_methods(method.toStdString());
        }
    }
    claims.set_iat(clock.nowSecs());
    claims.set_exp(clock.nowSecs() + ttl);
    claims.set_token_id(IssuedTokens::newId().toStdString());
    const QByteArray token = issueToken(*key, claims);
    std::printf("%s\n", token.constData());
    // Standard error: scripts take the token from standard output.
    std::fprintf(stderr, "token id %s (revoke it with: mmf-server token revoke --id %s)\n",
                 claims.token_id().c_str(), claims.token_id().c_str());
    return 0;
}

int runServer(const LoadedConfig& loaded)
{
    // Taken before the embedded Redis starts, so it does not inherit the socket.
    const SystemdNotifier systemd = SystemdNotifier::takeFromEnvironment();
    ServerApplication server(loaded.config);
    // Ready for systemd once it serves (its connections are held until Redis is ready, 5 s at most), so that
    // units after it start against a server that answers.
    QObject::connect(&server, &ServerApplication::serving, qApp, [&systemd] { systemd.notify("READY=1"); });
    Result<void> started = server.start();
    if (!started) {
        printError(started.error().message);
        return 1;
    }
    UnixSignalWatcher signalWatcher({SIGTERM, SIGINT});
    int exitCode = 0;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::unixSignal, &server, [&server, &systemd](int) {
        systemd.notify("STOPPING=1");
        server.shutdown();
    });
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
                    "SECONDS\n  token revoke --data-dir DIR --id ID\n  admin create --data-dir DIR --login L "
                    "  (a superuser; password on stdin, or asked "
                    "for)\n  admin promote --data-dir DIR --login L  (an existing user becomes a superuser)\n"
                    "  keys rotate --data-dir DIR [--grace SECONDS]\n");
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
    if (words == QStringList{QStringLiteral("token"), QStringLiteral("revoke")})
        return revokeTokenCommand(*loaded);
    if (words == QStringList{QStringLiteral("admin"), QStringLiteral("create")})
        return createAdminCommand(*loaded);
    if (words == QStringList{QStringLiteral("admin"), QStringLiteral("promote")})
        return promoteCommand(*loaded);
    if (words == QStringList{QStringLiteral("keys"), QStringLiteral("rotate")})
        return rotateKeysCommand(*loaded);
    printError(
        QStringLiteral(
            "unknown command '%1' (commands: token issue, token revoke, admin create, admin promote, keys "
            "rotate)")
            .arg(words.join(QLatin1Char(' '))));
    return 2;
}

} // namespace mmf
