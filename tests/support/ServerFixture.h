#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace mmf {

// A real mmf-server process for one test: its own temp data dir, 127.0.0.1 on a port the OS picks (read from
// its "listening on http://..." line). With no Redis URL it runs the embedded default. The destructor stops
// it.
class ServerFixture
{
public:
    explicit ServerFixture(QStringList extraArgs = {});
    ~ServerFixture();
    ServerFixture(const ServerFixture&) = delete;
    ServerFixture& operator=(const ServerFixture&) = delete;

    // Starts and waits for the listening line (false after the deadline; errorString() and output() say why).
    bool start(const QString& redisUrl = {}, int timeoutMs = 30000);
    // SIGTERM and wait; returns the exit code (-1 if it had to be killed).
    int stop(int timeoutMs = 15000);
    bool kill(int signal);
    bool isRunning() const;

    quint16 port() const { return m_port; }
    QUrl url() const;
    QString dataDir() const { return m_dataDir.path(); }
    qint64 pid() const;
    QString errorString() const { return m_error; }
    QByteArray output() const;

    // `mmf-server token issue` against this data dir; empty on failure.
    QByteArray issueToken(const QString& user, const QString& project = QStringLiteral("default"),
                          const QString& methods = QStringLiteral("score,read,serve,admin"),
                          int ttlSecs = 3600) const;

    // `mmf-server admin create` against this server's Redis (password on stdin); false on failure, with
    // the command's output in errorString().
    bool createAdmin(const QString& login, const QByteArray& password);
    // `mmf-server token revoke --id ID` against this server's Redis; false on failure, with the command's
    // output in errorString() (its output on success too).
    bool revokeToken(const QByteArray& tokenId);
    // `mmf-server keys rotate --grace S` on this server's data dir; the new key id, empty on failure.
    QByteArray rotateKeys(int graceSecs);

    static QString serverProgram();
    static QString workerProgram();
    static QString ctlProgram();

private:
    QStringList m_extraArgs;
    QString m_redisUrl;
    QTemporaryDir m_dataDir;
    std::unique_ptr<QProcess> m_process;
    mutable QByteArray m_output;
    quint16 m_port = 0;
    QString m_error;
};

// A real mmf-worker process hosting a built-in model.
class WorkerFixture
{
public:
    WorkerFixture(QString model, QUrl server, QByteArray token, QStringList extraArgs = {});
    ~WorkerFixture();
    WorkerFixture(const WorkerFixture&) = delete;
    WorkerFixture& operator=(const WorkerFixture&) = delete;

    bool start();
    // Waits for the worker's "ready instance_id=..." line (it registered and takes tasks).
    bool waitForReady(int timeoutMs = 30000);
    // Sends a signal; with SIGKILL waits until the process is gone.
    bool kill(int signal);
    // Waits for the process to exit; returns its exit code (-1 on timeout or crash).
    int waitForExit(int timeoutMs = 15000);
    bool isRunning() const;
    qint64 pid() const;
    QByteArray output() const;

private:
    QString m_model;
    QUrl m_server;
    QByteArray m_token;
    QStringList m_extraArgs;
    std::unique_ptr<QProcess> m_process;
    mutable QByteArray m_output;
};

} // namespace mmf
