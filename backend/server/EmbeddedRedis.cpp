#include "server/EmbeddedRedis.h"

#include "server/RedisTuningCheck.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QThread>

#include <hiredis/hiredis.h>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcEmbeddedRedis, "mmf.server.redis")

namespace mmf {

namespace {

constexpr int kStartDeadlineMs = 15000;
constexpr qsizetype kMaxUnixPath = 100; // sun_path is 108 bytes on Linux
constexpr const char* kServerUser = "mmf-server";
constexpr int kMinRestartDelayMs = 200;
constexpr int kMaxRestartDelayMs = 30000;
constexpr qint64 kHealthyRunMs = 60000; // a Redis up this long resets the restart delay

bool answersPing(const RedisConfig& config)
{
    timeval timeout{0, 200000};
    redisContext* context =
        config.unixSocket.isEmpty()
            ? redisConnectWithTimeout(config.host.toUtf8().constData(), config.port, timeout)
            : redisConnectUnixWithTimeout(config.unixSocket.toUtf8().constData(), timeout);
    if (!context)
        return false;
    bool ok = false;
    if (!context->err) {
        redisSetTimeout(context, timeout);
        const QByteArray user = config.user.toUtf8();
        const QByteArray password = config.password.toUtf8();
        auto* auth = static_cast<redisReply*>(redisCommand(context, "AUTH %b %b", user.constData(),
                                                           size_t(user.size()), password.constData(),
                                                           size_t(password.size())));
        if (auth) {
            ok = auth->type == REDIS_REPLY_STATUS;
            freeReplyObject(auth);
        }
        if (ok) {
            auto* ping = static_cast<redisReply*>(redisCommand(context, "PING"));
            ok = ping && ping->type == REDIS_REPLY_STATUS;
            if (ping)
                freeReplyObject(ping);
        }
    }
    redisFree(context);
    return ok;
}

quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace

EmbeddedRedis::EmbeddedRedis(QString dataDir, QString appendfsync, int aofRewritePercentage, QObject* parent)
    : QObject(parent)
    , m_dataDir(std::move(dataDir))
    , m_appendfsync(std::move(appendfsync))
    , m_aofRewritePercentage(aofRewritePercentage)
    , m_restartDelayMs(kMinRestartDelayMs)
{
    m_process.setChildProcessModifier([] {
        // The Redis dies with its server, even when the server is SIGKILLed.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    });
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        onExited(status == QProcess::CrashExit
                     ? QStringLiteral("the embedded redis-server was killed by a signal")
                     : QStringLiteral("the embedded redis-server exited with code %1").arg(code));
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onExited(QStringLiteral("cannot start redis-server: %1").arg(m_process.errorString()));
    });
    connect(&m_process, &QProcess::started, this, [this] {
        m_upSince.start();
        if (m_supervising) {
            qCInfo(lcEmbeddedRedis) << "embedded redis-server restarted, pid" << m_process.processId();
            emit restarted(m_process.processId());
        }
    });
    m_restartTimer.setSingleShot(true);
    connect(&m_restartTimer, &QTimer::timeout, this, &EmbeddedRedis::relaunch);
}

void EmbeddedRedis::onExited(const QString& message)
{
    if (m_stopping || !m_supervising)
        return;
    if (m_upSince.isValid() && m_upSince.elapsed() >= kHealthyRunMs)
        m_restartDelayMs = kMinRestartDelayMs;
    const int delay = m_restartDelayMs;
    m_restartDelayMs = qMin(m_restartDelayMs * 2, kMaxRestartDelayMs);
    qCCritical(lcEmbeddedRedis).noquote()
        << message
        << QStringLiteral("(see %1/redis/redis.log); restarting in %2 ms").arg(m_dataDir).arg(delay);
    m_restartTimer.start(delay);
    emit crashed(message, delay);
}

void EmbeddedRedis::relaunch()
{
    if (m_stopping || m_process.state() != QProcess::NotRunning)
        return;
    if (!m_socketPath.isEmpty())
        QFile::remove(m_socketPath);
    // Asynchronous: started() or errorOccurred() follows; the clients reconnect once it listens.
    m_process.start();
}

EmbeddedRedis::~EmbeddedRedis()
{
    stop();
}

qint64 EmbeddedRedis::pid() const
{
    return m_process.processId();
}

Result<QString> EmbeddedRedis::ensurePassword(const QString& dir)
{
    const QString path = dir + QStringLiteral("/password");
    QFile existing(path);
    if (existing.open(QIODevice::ReadOnly)) {
        const QString password = QString::fromLatin1(existing.readAll().trimmed());
        if (password.size() >= 32)
            return password;
    }
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(random.data()), 8);
    const QByteArray password = random.toHex();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::internal(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(password + '\n');
    if (!file.commit())
        return Error::internal(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return QString::fromLatin1(password);
}

void EmbeddedRedis::killStale(const QString& pidFile)
{
    QFile file(pidFile);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const pid_t pid = pid_t(file.readAll().trimmed().toLongLong());
    if (pid <= 1)
        return;
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!cmdline.open(QIODevice::ReadOnly) || !cmdline.readAll().contains("redis-server"))
        return;
    qCWarning(lcEmbeddedRedis) << "stopping a stale embedded redis-server, pid" << pid;
    ::kill(pid, SIGTERM);
    QElapsedTimer timer;
    timer.start();
    while (::kill(pid, 0) == 0 && timer.elapsed() < 5000)
        QThread::msleep(20);
    if (::kill(pid, 0) == 0)
        ::kill(pid, SIGKILL);
}

Result<RedisConfig> EmbeddedRedis::start()
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (program.isEmpty())
        return Error::unavailable(
            QStringLiteral("redis-server is not installed (apt-get install redis-server), or "
                           "give an external one with --redis URL"));
    const QString dir = QDir(m_dataDir).absoluteFilePath(QStringLiteral("redis"));
    if (!QDir().mkpath(dir))
        return Error::internal(QStringLiteral("cannot create %1").arg(dir));
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    Result<QString> password = ensurePassword(dir);
    if (!password)
        return password.error();
    const QString pidFile = dir + QStringLiteral("/redis.pid");
    killStale(pidFile);

    RedisConfig config;
    config.user = QString::fromLatin1(kServerUser);
    config.password = *password;
    config.clientName = QStringLiteral("mmf-server");
    const QString socketPath = dir + QStringLiteral("/redis.sock");
    QString listenLines;
    if (socketPath.toUtf8().size() <= kMaxUnixPath) {
        config.unixSocket = socketPath;
        listenLines = QStringLiteral("port 0\nunixsocket %1\nunixsocketperm 700\n").arg(socketPath);
    } else {
        config.host = QStringLiteral("127.0.0.1");
        config.port = freeLoopbackPort();
        listenLines = QStringLiteral("bind 127.0.0.1\nport %1\n").arg(config.port);
    }
    const QString conf =
        QStringLiteral("# Written by mmf-server at each start; edits are overwritten.\n"
                       "%1"
                       "protected-mode yes\n"
                       // Nothing works without a password. The server is mmf-server; each
                       // model gets its own user at registration (ModelRedisUsers). The
                       // default user must stay on: Redis 7.0 replays the AOF's MULTI/EXEC
                       // blocks as the default user, and with it off every script's writes
                       // are refused at load (NOPERM) — the data would be lost on restart.
                       "user default on >%2 ~* &* +@all\n"
                       "user %6 on >%2 ~* &* +@all\n"
                       "dir %3\n"
                       "pidfile %4\n"
                       "logfile %3/redis.log\n"
                       "daemonize no\n"
                       "save \"\"\n"
                       "appendonly yes\n"
                       "appendfsync %5\n"
                       "auto-aof-rewrite-percentage %7\n"
                       // Each rewrite's child writes the AOF's base as an RDB: LZF saved ~20 % of it
                       // on task data for ~45 % of the child's CPU (docs/PERFORMANCE.md, step 10).
                       "rdbcompression no\n"
                       "maxmemory-policy noeviction\n"
                       // No 1 ms rehashing step in every 100 ms cron tick: rehashing happens on access
                       // (Redis's advice for hard latency goals; issue 15 wants p99 <= 2 ms).
                       "activerehashing no\n"
                       "tcp-keepalive 60\n")
            .arg(listenLines, *password, dir, pidFile, m_appendfsync, QString::fromLatin1(kServerUser),
                 QString::number(m_aofRewritePercentage)) +
        // The task path's settings, the same table an external Redis is checked against.
        QString::fromLatin1(RedisTuningCheck::confLines());
    const QString confPath = dir + QStringLiteral("/redis.conf");
    QSaveFile confFile(confPath);
    if (!confFile.open(QIODevice::WriteOnly))
        return Error::internal(QStringLiteral("cannot write %1").arg(confPath));
    confFile.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    confFile.write(conf.toUtf8());
    if (!confFile.commit())
        return Error::internal(QStringLiteral("cannot write %1").arg(confPath));
    m_socketPath = config.unixSocket;
    if (!m_socketPath.isEmpty())
        QFile::remove(m_socketPath);

    m_stopping = false;
    m_process.setProgram(program);
    m_process.setArguments({confPath});
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.setStandardOutputFile(QProcess::nullDevice());
    m_process.start();
    if (!m_process.waitForStarted(5000))
        return Error::unavailable(
            QStringLiteral("cannot start redis-server: %1").arg(m_process.errorString()));

    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < kStartDeadlineMs) {
        if (m_process.state() != QProcess::Running)
            return Error::unavailable(
                QStringLiteral("redis-server exited at start; see %1/redis.log").arg(dir));
        if (answersPing(config)) {
            qCInfo(lcEmbeddedRedis) << "embedded redis-server ready, pid" << m_process.processId();
            m_supervising = true;
            return config;
        }
        QThread::msleep(10);
    }
    stop();
    return Error::unavailable(QStringLiteral("redis-server did not answer within %1 s; see %2/redis.log")
                                  .arg(kStartDeadlineMs / 1000)
                                  .arg(dir));
}

void EmbeddedRedis::stop()
{
    m_supervising = false;
    m_restartTimer.stop();
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_stopping = true;
    m_process.terminate();
    if (!m_process.waitForFinished(10000)) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

Result<RedisConfig> EmbeddedRedis::running(const QString& dataDir)
{
    const QString dir = QDir(dataDir).absoluteFilePath(QStringLiteral("redis"));
    QFile conf(dir + QStringLiteral("/redis.conf"));
    QFile passwordFile(dir + QStringLiteral("/password"));
    if (!conf.open(QIODevice::ReadOnly) || !passwordFile.open(QIODevice::ReadOnly))
        return Error::notFound(QStringLiteral("no embedded Redis under %1").arg(dataDir));
    RedisConfig config;
    config.user = QString::fromLatin1(kServerUser);
    config.password = QString::fromLatin1(passwordFile.readAll().trimmed());
    for (const QByteArray& line : conf.readAll().split('\n')) {
        if (line.startsWith("unixsocket "))
            config.unixSocket = QString::fromUtf8(line.mid(11).trimmed());
        else if (line.startsWith("port ") && line.mid(5).trimmed() != "0") {
            config.host = QStringLiteral("127.0.0.1");
            config.port = quint16(line.mid(5).trimmed().toUInt());
        }
    }
    if (!answersPing(config))
        return Error::notFound(QStringLiteral("the embedded Redis under %1 is not running").arg(dataDir));
    return config;
}

} // namespace mmf
