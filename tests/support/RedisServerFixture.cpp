#include "RedisServerFixture.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QHostAddress>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

#include <csignal>
#include <sys/prctl.h>

namespace mmf {

namespace {

quint16 pickFreePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// True when something on the port answers PING like Redis (+PONG, or -NOAUTH when a password is required).
bool answersPing(quint16 port, int timeoutMs)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return false;
    socket.write("PING\r\n");
    QByteArray reply;
    const QDeadlineTimer deadline(timeoutMs);
    while (!reply.contains('\n') && socket.waitForReadyRead(int(deadline.remainingTime())))
        reply += socket.readAll();
    return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
}

} // namespace

RedisServerFixture::RedisServerFixture(QString password, QStringList extraArgs)
    : m_password(std::move(password))
    , m_extraArgs(std::move(extraArgs))
    , m_dir(QDir::tempPath() + QStringLiteral("/mmf-redis-XXXXXX"))
{}

RedisServerFixture::~RedisServerFixture()
{
    stop();
}

bool RedisServerFixture::start(int timeoutMs)
{
    if (isRunning())
        return true;
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory: %1").arg(m_dir.errorString());
        return false;
    }
    const QDeadlineTimer deadline(timeoutMs);
    for (int attempt = 0; attempt < 10 && !deadline.hasExpired(); ++attempt) {
        const quint16 port = pickFreePort();
        if (port == 0) {
            m_error = QStringLiteral("cannot find a free port on 127.0.0.1");
            return false;
        }
        switch (launch(port, int(deadline.remainingTime()))) {
        case Launch::Ready:
            return true;
        case Launch::PortInUse:
            continue; // another process took the port between probe and bind
        case Launch::Failed:
            return false;
        }
    }
    if (m_error.isEmpty())
        m_error = QStringLiteral("redis-server did not start within %1 ms").arg(timeoutMs);
    return false;
}

bool RedisServerFixture::restart(int timeoutMs)
{
    if (m_port == 0) {
        m_error = QStringLiteral("restart() before start()");
        return false;
    }
    stop();
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        switch (launch(m_port, int(deadline.remainingTime()))) {
        case Launch::Ready:
            return true;
        case Launch::PortInUse:
            continue; // the old socket may linger for a moment
        case Launch::Failed:
            return false;
        }
    }
    return false;
}

RedisServerFixture::Launch RedisServerFixture::launch(quint16 port, int timeoutMs)
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (program.isEmpty()) {
        m_error = QStringLiteral("redis-server is not on PATH");
        return Launch::Failed;
    }
    QStringList args{QStringLiteral("--port"),
                     QString::number(port),
                     QStringLiteral("--bind"),
                     QStringLiteral("127.0.0.1"),
                     QStringLiteral("--save"),
                     QString(),
                     QStringLiteral("--appendonly"),
                     QStringLiteral("no"),
                     QStringLiteral("--dir"),
                     m_dir.path(),
                     QStringLiteral("--unixsocket"),
                     unixSocketPath(),
                     QStringLiteral("--unixsocketperm"),
                     QStringLiteral("700"),
                     QStringLiteral("--daemonize"),
                     QStringLiteral("no"),
                     QStringLiteral("--logfile"),
                     QString()};
    if (!m_password.isEmpty())
        args << QStringLiteral("--requirepass") << m_password;
    args << m_extraArgs;

    m_process = std::make_unique<QProcess>();
    m_output.clear();
    m_process->setProgram(program);
    m_process->setArguments(args);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    // No stray servers when a test crashes or is killed by ctest's timeout.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process->start();
    if (!m_process->waitForStarted(5000)) {
        m_error = QStringLiteral("cannot start redis-server: %1").arg(m_process->errorString());
        m_process.reset();
        return Launch::Failed;
    }

    // "Ready to accept connections" comes after the listening socket is bound, so the server on the port is
    // ours (a PING alone could reach another process that won a port race); the PING then proves it answers.
    const QDeadlineTimer deadline(timeoutMs);
    while (true) {
        m_output += m_process->readAll();
        if (m_output.contains("Ready to accept connections") && answersPing(port, 1000)) {
            m_port = port;
            m_error.clear();
            return Launch::Ready;
        }
        if (m_process->state() != QProcess::Running) {
            m_output += m_process->readAll();
            const bool inUse = m_output.contains("Address already in use");
            m_error = QStringLiteral("redis-server exited: %1").arg(QString::fromUtf8(m_output.right(600)));
            m_process.reset();
            return inUse ? Launch::PortInUse : Launch::Failed;
        }
        if (deadline.hasExpired()) {
            m_error = QStringLiteral("redis-server did not become ready within %1 ms: %2")
                          .arg(timeoutMs)
                          .arg(QString::fromUtf8(m_output.right(600)));
            stop();
            return Launch::Failed;
        }
        // Wakes on new output or on exit; the bound keeps the loop checking the deadline.
        if (!m_process->waitForReadyRead(int(qMin<qint64>(100, deadline.remainingTime()))))
            m_process->waitForFinished(0);
    }
}

void RedisServerFixture::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill(); // SIGKILL also ends a stopped process
        m_process->waitForFinished(5000);
    }
    m_output += m_process->readAll();
    m_process.reset();
}

bool RedisServerFixture::kill(int signal)
{
    if (!isRunning())
        return false;
    if (signal == SIGKILL) {
        stop();
        return true;
    }
    return ::kill(pid_t(m_process->processId()), signal) == 0;
}

bool RedisServerFixture::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 RedisServerFixture::pid() const
{
    return isRunning() ? m_process->processId() : 0;
}

QString RedisServerFixture::unixSocketPath() const
{
    return m_dir.filePath(QStringLiteral("redis.sock"));
}

QString RedisServerFixture::url() const
{
    return QStringLiteral("redis://:%1@127.0.0.1:%2").arg(m_password).arg(m_port);
}

RedisConfig RedisServerFixture::config() const
{
    RedisConfig config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = m_port;
    config.password = m_password;
    return config;
}

RedisConfig RedisServerFixture::unixConfig() const
{
    RedisConfig config;
    config.unixSocket = unixSocketPath();
    config.password = m_password;
    return config;
}

QByteArray RedisServerFixture::output() const
{
    if (m_process)
        m_output += m_process->readAll();
    return m_output;
}

QByteArray RedisServerFixture::syncCommand(const QStringList& args, int timeoutMs) const
{
    QProcess cli;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!m_password.isEmpty())
        env.insert(QStringLiteral("REDISCLI_AUTH"), m_password); // keeps it off the command line
    cli.setProcessEnvironment(env);
    cli.setProcessChannelMode(QProcess::SeparateChannels);
    cli.start(QStringLiteral("redis-cli"), QStringList{QStringLiteral("-h"), QStringLiteral("127.0.0.1"),
                                                       QStringLiteral("-p"), QString::number(m_port)} +
                                               args);
    if (!cli.waitForFinished(timeoutMs)) {
        cli.kill();
        cli.waitForFinished(1000);
        qWarning("RedisServerFixture::syncCommand: redis-cli did not finish within %d ms", timeoutMs);
        return {};
    }
    QByteArray out = cli.readAllStandardOutput();
    if (out.endsWith('\n'))
        out.chop(1);
    return out;
}

} // namespace mmf
