#pragma once

#include "core/Result.h"
#include "redis/RedisConfig.h"

#include <QObject>
#include <QProcess>
#include <QString>

namespace mmf {

// The embedded default: a private redis-server (Debian's) under the data dir, reachable only through a unix
// socket with mode 0700 (TCP on 127.0.0.1 when the socket path would be too long), password-protected (a
// random password kept in the data dir with mode 0600; the server signs in as the user `mmf-server`,
// instances get per-model users), AOF on, noeviction. It dies with the server: stopped on shutdown, and told
// by the kernel (PR_SET_PDEATHSIG) if the server is killed.
class EmbeddedRedis : public QObject
{
    Q_OBJECT
public:
    EmbeddedRedis(QString dataDir, QString appendfsync, QObject* parent = nullptr);
    ~EmbeddedRedis() override;

    // Starts redis-server and waits (bounded, at start-up only) until it answers PING. Errors say why.
    Result<RedisConfig> start();
    // How to reach the embedded Redis a running server started under dataDir (read from its config and
    // password files, then pinged); not_found when none answers. For operator commands run beside a server.
    static Result<RedisConfig> running(const QString& dataDir);
    // SIGTERM (Redis flushes the AOF), then SIGKILL after a grace.
    void stop();
    qint64 pid() const;

signals:
    // The process ended while it should be running.
    void crashed(const QString& message);

private:
    Result<QString> ensurePassword(const QString& dir);
    void killStale(const QString& pidFile);

    QString m_dataDir;
    QString m_appendfsync;
    QProcess m_process;
    bool m_stopping = false;
};

} // namespace mmf
