#include "ServerFixture.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>

#include <csignal>
#include <sys/prctl.h>

namespace mmf {

namespace {

void dieWithParent()
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
}

QString buildPath(const QString& relative)
{
    const QByteArray fromEnv = qgetenv("MMF_BUILD_DIR");
    const QString root = fromEnv.isEmpty() ? QStringLiteral(MMF_BUILD_DIR) : QString::fromLocal8Bit(fromEnv);
    return QDir(root).absoluteFilePath(relative);
}

} // namespace

QString ServerFixture::serverProgram()
{
    return buildPath(QStringLiteral("backend/server/mmf-server"));
}

QString ServerFixture::workerProgram()
{
    return buildPath(QStringLiteral("backend/worker/mmf-worker"));
}

QString ServerFixture::ctlProgram()
{
    return buildPath(QStringLiteral("backend/tools/mmfctl"));
}

ServerFixture::ServerFixture(QStringList extraArgs)
    : m_extraArgs(std::move(extraArgs))
{}

ServerFixture::~ServerFixture()
{
    if (isRunning())
        stop(5000);
}

bool ServerFixture::start(const QString& redisUrl, int timeoutMs)
{
    m_process = std::make_unique<QProcess>();
    m_process->setChildProcessModifier(dieWithParent);
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_output.clear();
    m_redisUrl = redisUrl;
    QStringList args{QStringLiteral("--data-dir"), m_dataDir.path(), QStringLiteral("--listen"),
                     QStringLiteral("127.0.0.1:%1").arg(m_port)};
    if (!redisUrl.isEmpty())
        args << QStringLiteral("--redis") << redisUrl;
    args << m_extraArgs;
    m_process->start(serverProgram(), args);
    if (!m_process->waitForStarted(10000)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(serverProgram(), m_process->errorString());
        return false;
    }
    static const QRegularExpression kListening(QStringLiteral("^listening on http://([^\\s]+):(\\d+)$"),
                                               QRegularExpression::MultilineOption);
    QDeadlineTimer deadline(timeoutMs);
    QByteArray stdoutText;
    while (!deadline.hasExpired()) {
        if (m_process->state() != QProcess::Running) {
            m_error = QStringLiteral("mmf-server exited: %1").arg(QString::fromUtf8(output()));
            return false;
        }
        m_process->waitForReadyRead(100);
        stdoutText += m_process->readAllStandardOutput();
        const QRegularExpressionMatch match = kListening.match(QString::fromUtf8(stdoutText));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(2).toUInt());
            m_output += stdoutText;
            return true;
        }
    }
    m_error = QStringLiteral("mmf-server did not print its listening line in time: %1")
                  .arg(QString::fromUtf8(output()));
    return false;
}

int ServerFixture::stop(int timeoutMs)
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return m_process ? m_process->exitCode() : -1;
    m_process->terminate();
    if (!m_process->waitForFinished(timeoutMs)) {
        m_process->kill();
        m_process->waitForFinished(5000);
        return -1;
    }
    output();
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

bool ServerFixture::kill(int signal)
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return false;
    if (::kill(pid_t(m_process->processId()), signal) != 0)
        return false;
    if (signal == SIGKILL)
        m_process->waitForFinished(10000);
    return true;
}

bool ServerFixture::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QUrl ServerFixture::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

qint64 ServerFixture::pid() const
{
    return m_process ? m_process->processId() : 0;
}

QByteArray ServerFixture::output() const
{
    if (m_process) {
        m_output += m_process->readAllStandardOutput();
        m_output += m_process->readAllStandardError();
    }
    return m_output;
}

QByteArray ServerFixture::issueToken(const QString& user, const QString& project, const QString& methods,
                                     int ttlSecs) const
{
    QProcess process;
    process.start(serverProgram(),
                  {QStringLiteral("token"), QStringLiteral("issue"), QStringLiteral("--data-dir"),
                   m_dataDir.path(), QStringLiteral("--user"), user, QStringLiteral("--project"), project,
                   QStringLiteral("--methods"), methods, QStringLiteral("--ttl"), QString::number(ttlSecs)});
    if (!process.waitForFinished(15000) || process.exitCode() != 0)
        return {};
    const QList<QByteArray> words = process.readAllStandardOutput().simplified().split(' ');
    return words.isEmpty() ? QByteArray() : words.last();
}

bool ServerFixture::createAdmin(const QString& login, const QByteArray& password)
{
    QProcess process;
    QStringList args{QStringLiteral("admin"), QStringLiteral("create"),  QStringLiteral("--data-dir"),
                     m_dataDir.path(),        QStringLiteral("--login"), login};
    if (!m_redisUrl.isEmpty())
        args << QStringLiteral("--redis") << m_redisUrl;
    process.start(serverProgram(), args);
    process.write(password + '\n');
    process.closeWriteChannel();
    const bool ok = process.waitForFinished(30000) && process.exitCode() == 0;
    if (!ok)
        m_error = QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
    return ok;
}

bool ServerFixture::revokeToken(const QByteArray& tokenId)
{
    QProcess process;
    QStringList args{QStringLiteral("token"), QStringLiteral("revoke"), QStringLiteral("--data-dir"),
                     m_dataDir.path(),        QStringLiteral("--id"),   QString::fromLatin1(tokenId)};
    if (!m_redisUrl.isEmpty())
        args << QStringLiteral("--redis") << m_redisUrl;
    process.start(serverProgram(), args);
    const bool ok = process.waitForFinished(30000) && process.exitCode() == 0;
    m_error = QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
    return ok;
}

QByteArray ServerFixture::rotateKeys(int graceSecs)
{
    QProcess process;
    process.start(serverProgram(),
                  {QStringLiteral("keys"), QStringLiteral("rotate"), QStringLiteral("--data-dir"),
                   m_dataDir.path(), QStringLiteral("--grace"), QString::number(graceSecs)});
    if (!process.waitForFinished(15000) || process.exitCode() != 0) {
        m_error = QString::fromUtf8(process.readAllStandardError());
        return {};
    }
    // "new signing key <id>; ..."
    const QList<QByteArray> words = process.readAllStandardOutput().split(' ');
    return words.size() > 3 ? words.at(3).chopped(1) : QByteArray();
}

WorkerFixture::WorkerFixture(QString model, QUrl server, QByteArray token, QStringList extraArgs)
    : m_model(std::move(model))
    , m_server(std::move(server))
    , m_token(std::move(token))
    , m_extraArgs(std::move(extraArgs))
{}

WorkerFixture::~WorkerFixture()
{
    if (isRunning()) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

bool WorkerFixture::start()
{
    m_process = std::make_unique<QProcess>();
    m_process->setChildProcessModifier(dieWithParent);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    // The token through the environment, as the README says: never on a command line `ps` shows.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MMF_TOKEN"), QString::fromLatin1(m_token));
    m_process->setProcessEnvironment(env);
    QStringList args{QStringLiteral("--model"), m_model, QStringLiteral("--server"), m_server.toString()};
    args << m_extraArgs;
    m_process->start(ServerFixture::workerProgram(), args);
    return m_process->waitForStarted(10000);
}

bool WorkerFixture::waitForReady(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (output().contains("ready instance_id="))
            return true;
        if (!isRunning())
            return false;
        m_process->waitForReadyRead(100);
    }
    return output().contains("ready instance_id=");
}

bool WorkerFixture::kill(int signal)
{
    if (!isRunning())
        return false;
    if (::kill(pid_t(m_process->processId()), signal) != 0)
        return false;
    if (signal == SIGKILL)
        m_process->waitForFinished(10000);
    return true;
}

int WorkerFixture::waitForExit(int timeoutMs)
{
    if (!m_process)
        return -1;
    if (m_process->state() != QProcess::NotRunning && !m_process->waitForFinished(timeoutMs))
        return -1;
    output();
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

bool WorkerFixture::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 WorkerFixture::pid() const
{
    return m_process ? m_process->processId() : 0;
}

QByteArray WorkerFixture::output() const
{
    if (m_process)
        m_output += m_process->readAll();
    return m_output;
}

} // namespace mmf
