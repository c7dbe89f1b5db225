#pragma once

#include "redis/RedisConfig.h"

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace mmf {

// A private redis-server (from PATH) for one test, on a free 127.0.0.1 port and a unix socket in its own temp
// dir, without persistence. start()/restart() block until it answers (or a deadline passes: false, and
// errorString() says why). The destructor kills it; the child also dies if the test process does.
class RedisServerFixture
{
public:
    explicit RedisServerFixture(QString password = {}, QStringList extraArgs = {});
    ~RedisServerFixture();
    RedisServerFixture(const RedisServerFixture&) = delete;
    RedisServerFixture& operator=(const RedisServerFixture&) = delete;

    // Picks a free port and starts the server, retrying with a new port if another process grabs it first.
    bool start(int timeoutMs = 10000);
    // Starts the server again on the same port after stop() or kill(SIGKILL). Data is not kept.
    bool restart(int timeoutMs = 10000);
    // Kills the server (SIGKILL, also when it is SIGSTOPped) and waits until it is gone.
    void stop();
    // Sends a signal (SIGSTOP, SIGCONT, SIGKILL, ...). After SIGKILL it waits until the process is gone.
    bool kill(int signal);
    bool isRunning() const;

    quint16 port() const { return m_port; }
    qint64 pid() const;
    QString unixSocketPath() const;
    QString password() const { return m_password; }
    // redis://:password@127.0.0.1:port, for a server's --redis.
    QString url() const;
    // 127.0.0.1:port with the password; timeouts at their defaults.
    RedisConfig config() const;
    // The same server through its unix socket.
    RedisConfig unixConfig() const;
    QString errorString() const { return m_error; }
    // Everything the server printed so far (its log).
    QByteArray output() const;

    // Runs `redis-cli -p PORT args...` and returns its stdout without the final newline ("" on timeout).
    // Replies come in redis-cli's raw form: one line per array element, errors as their text. For assertions
    // only.
    QByteArray syncCommand(const QStringList& args, int timeoutMs = 10000) const;

private:
    enum class Launch
    {
        Ready,
        PortInUse,
        Failed
    };
    Launch launch(quint16 port, int timeoutMs);

    QString m_password;
    QStringList m_extraArgs;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    mutable QByteArray m_output;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace mmf
