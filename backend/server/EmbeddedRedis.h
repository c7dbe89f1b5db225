#pragma once

#include "core/Result.h"
#include "redis/RedisConfig.h"

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QTimer>

namespace mmf {

// The embedded default: a private redis-server (Debian's) under the data dir, reachable only through a unix
// socket with mode 0700 (TCP on 127.0.0.1 when the socket path would be too long), password-protected (a
// random password kept in the data dir with mode 0600; the server signs in as the user `mmf-server`,
// instances get per-model users), AOF on, noeviction. It dies with the server: stopped on shutdown, and told
// by the kernel (PR_SET_PDEATHSIG) if the server is killed. Supervised: when it exits while it should run
// (killed, crashed), it is started again on the same files, after 200 ms doubling to 30 s while it keeps
// dying (reset once it has run for a minute); the server's Redis clients reconnect by themselves.
class EmbeddedRedis : public QObject
{
    Q_OBJECT
public:
    EmbeddedRedis(QString dataDir, QString appendfsync, int aofRewritePercentage = 100,
                  QObject* parent = nullptr);
    ~EmbeddedRedis() override;

    // Starts redis-server and waits (bounded, at start-up only) until it answers PING. Errors say why.
    Result<RedisConfig> start();
    // How to reach the embedded Redis a running server started under dataDir (read from its config and
    // password files, then pinged); not_found when none answers. For operator commands run beside a server.
    static Result<RedisConfig> running(const QString& dataDir);
    // SIGTERM (Redis flushes the AOF), then SIGKILL after a grace. Ends the supervision.
    void stop();
    qint64 pid() const;

signals:
    // The process ended while it should be running; a restart is scheduled in `restartInMs`.
    void crashed(const QString& message, int restartInMs);
    // A new redis-server runs after a crash (it may still be loading its AOF).
    void restarted(qint64 pid);

private:
    Result<QString> ensurePassword(const QString& dir);
    void killStale(const QString& pidFile);
    void onExited(const QString& message);
    void relaunch();

    QString m_dataDir;
    QString m_appendfsync;
    int m_aofRewritePercentage;
    QString m_socketPath; // removed before each launch: a killed Redis leaves it behind
    QProcess m_process;
    bool m_stopping = false;
    bool m_supervising = false; // from the first successful start until stop()
    int m_restartDelayMs;
    QElapsedTimer m_upSince;
    QTimer m_restartTimer;
};

} // namespace mmf
