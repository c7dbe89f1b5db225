#include "exec/ChildProcess.h"

#include <QDeadlineTimer>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

extern char** environ;

namespace mmf {

namespace {

constexpr qsizetype kReadChunk = 64 * 1024;

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(const QString& command,
                                                          const QHash<QString, QString>& environment)
{
    int in[2] = {-1, -1};
    int out[2] = {-1, -1};
    int err[2] = {-1, -1};
    const auto closeAll = [&] {
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]})
            if (fd >= 0)
                ::close(fd);
    };
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
        const int error = errno;
        closeAll();
        return Error::internal(
            QStringLiteral("cannot create pipes for '%1': %2").arg(command, errnoText(error)));
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 clears FD_CLOEXEC on the targets; every other pipe end is close-on-exec.
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    const std::string commandText = command.toStdString();
    char sh[] = "/bin/sh";
    char dashC[] = "-c";
    std::vector<char*> argv{sh, dashC, const_cast<char*>(commandText.c_str()), nullptr};
    std::vector<std::string> envText;
    std::vector<char*> envp;
    char** env = environ;
    if (!environment.isEmpty()) {
        for (auto it = environment.begin(); it != environment.end(); ++it)
            envText.push_back((it.key() + u'=' + it.value()).toStdString());
        for (std::string& entry : envText)
            envp.push_back(entry.data());
        envp.push_back(nullptr);
        env = envp.data();
    }

    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, "/bin/sh", &actions, &attr, argv.data(), env);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    if (spawned != 0) {
        ::close(in[1]);
        ::close(out[0]);
        ::close(err[0]);
        return Error::internal(QStringLiteral("cannot start '%1': %2").arg(command, errnoText(spawned)));
    }
    std::unique_ptr<ChildProcess> child(new ChildProcess);
    child->m_pid = pid;
    child->m_stdin = in[1];
    child->m_stdout = out[0];
    child->m_stderr = err[0];
    for (int fd : {child->m_stdin, child->m_stdout, child->m_stderr})
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
#ifdef SYS_pidfd_open
    // Linux 5.3 and later; without it an event loop polls reap().
    child->m_pidfd = int(::syscall(SYS_pidfd_open, pid, 0));
    if (child->m_pidfd >= 0)
        ::fcntl(child->m_pidfd, F_SETFD, FD_CLOEXEC);
#endif
    return child;
}

ChildProcess::~ChildProcess()
{
    kill();
    closeFd(m_stdin);
    closeFd(m_stdout);
    closeFd(m_stderr);
    closeFd(m_pidfd);
}

void ChildProcess::closeFd(int& fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

void ChildProcess::write(const QByteArray& bytes)
{
    m_input += bytes;
}

void ChildProcess::closeInputWhenWritten()
{
    m_closeInput = true;
    if (m_input.isEmpty())
        closeFd(m_stdin);
}

ChildProcess::Pumped ChildProcess::pump(int timeoutMs)
{
    Pumped result;
    QDeadlineTimer deadline(qMax(0, timeoutMs));
    for (;;) {
        pollfd fds[3];
        int count = 0;
        const auto add = [&](int fd, short events) {
            fds[count].fd = fd;
            fds[count].events = events;
            fds[count].revents = 0;
            return count++;
        };
        const int outIndex = m_stdout >= 0 ? add(m_stdout, POLLIN) : -1;
        const int errIndex = m_stderr >= 0 ? add(m_stderr, POLLIN) : -1;
        const int inIndex = m_stdin >= 0 && !m_input.isEmpty() ? add(m_stdin, POLLOUT) : -1;
        if (outIndex < 0 && errIndex < 0 && inIndex < 0) {
            result.outEof = result.errEof = true;
            return result;
        }
        const int ready = ::poll(fds, nfds_t(count), int(deadline.remainingTime()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return result; // timeout (or a poll error, treated like one)

        const auto readable = [&](int index) {
            return index >= 0 && (fds[index].revents & (POLLIN | POLLHUP | POLLERR));
        };
        if (readable(outIndex))
            drain(m_stdout, result.out, result.outEof, true);
        if (readable(errIndex))
            drain(m_stderr, result.err, result.errEof, true);
        if (inIndex >= 0 && fds[inIndex].revents && !flushInput()) {
            closeFd(m_stdin);
            result.writeFailed = true;
        }
        if (!result.out.isEmpty() || !result.err.isEmpty() || result.outEof || result.errEof ||
            result.writeFailed || deadline.hasExpired())
            return result;
    }
}

void ChildProcess::drain(int& fd, QByteArray& into, bool& eof, bool closeAtEnd)
{
    if (fd < 0)
        return;
    char buffer[kReadChunk];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            into.append(buffer, qsizetype(n));
            if (n < ssize_t(sizeof buffer))
                return;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        eof = true;
        if (closeAtEnd) {
            ::close(fd);
            fd = -1;
        }
        return;
    }
}

QByteArray ChildProcess::readOutput(bool& eof)
{
    QByteArray bytes;
    drain(m_stdout, bytes, eof, false);
    return bytes;
}

QByteArray ChildProcess::readErrors(bool& eof)
{
    QByteArray bytes;
    drain(m_stderr, bytes, eof, false);
    return bytes;
}

bool ChildProcess::flushInput()
{
    while (m_stdin >= 0 && !m_input.isEmpty()) {
        const ssize_t n = ::write(m_stdin, m_input.constData(), size_t(m_input.size()));
        if (n > 0) {
            m_input.remove(0, qsizetype(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        // EPIPE: the child closed stdin (or died); SIGPIPE is ignored by the worker.
        m_input.clear();
        return false;
    }
    if (m_input.isEmpty() && m_closeInput)
        closeFd(m_stdin);
    return true;
}

void ChildProcess::signalGroup(int signal)
{
    if (m_pid > 0 && !m_exited)
        ::kill(-m_pid, signal);
}

bool ChildProcess::waitForExit(int timeoutMs)
{
    if (m_exited)
        return true;
    if (m_pid <= 0)
        return false;
    QDeadlineTimer deadline(qMax(0, timeoutMs));
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
        if (done == m_pid || (done < 0 && errno == ECHILD)) {
            m_exited = true;
            m_status = done == m_pid ? status : 0;
            return true;
        }
        if (deadline.hasExpired())
            return false;
        ::usleep(useconds_t(qMin<qint64>(5, qMax<qint64>(1, deadline.remainingTime())) * 1000));
    }
}

int ChildProcess::exitCode() const
{
    if (WIFEXITED(m_status))
        return WEXITSTATUS(m_status);
    if (WIFSIGNALED(m_status))
        return 128 + WTERMSIG(m_status);
    return -1;
}

QString ChildProcess::exitDescription() const
{
    if (!m_exited)
        return QStringLiteral("is still running");
    if (WIFSIGNALED(m_status))
        return QStringLiteral("was killed by signal %1").arg(WTERMSIG(m_status));
    return QStringLiteral("exited with code %1").arg(exitCode());
}

void ChildProcess::kill()
{
    if (m_pid <= 0 || m_exited)
        return;
    signalGroup(SIGKILL);
    waitForExit(5000);
}

} // namespace mmf
