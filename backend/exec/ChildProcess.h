#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <sys/types.h>

#include <memory>

namespace mmf {

// A child process `/bin/sh -c COMMAND` with pipes for stdin, stdout and stderr, in a process group of its own
// (so a kill reaches what the shell started too). Plain POSIX I/O with explicit timeouts, so any thread may
// drive it without an event loop; one thread at a time. The destructor kills the group and reaps the child.
class ChildProcess
{
public:
    struct Pumped
    {
        QByteArray out;      // what stdout gave during this call
        QByteArray err;      // what stderr gave
        bool outEof = false; // stdout is closed (the child exited, or closed it)
        bool errEof = false;
        bool woken = false;       // the wake fd became readable (it is drained)
        bool writeFailed = false; // stdin is gone while input was pending
    };

    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // `environment` replaces the inherited one when not empty. Errors name the command and the cause.
    static Result<std::unique_ptr<ChildProcess>> spawn(const QString& command,
                                                       const QHash<QString, QString>& environment);

    pid_t pid() const { return m_pid; }
    // Queues bytes for stdin; they are written as the child reads, during pump().
    void write(const QByteArray& bytes);
    // Closes stdin once the queued bytes are written (EOF for the child).
    void closeInputWhenWritten();
    bool hasPendingInput() const { return !m_input.isEmpty(); }
    // Waits up to `timeoutMs` (or until `wakeFd`, if >= 0, is readable) for output, writing queued input as
    // stdin accepts it. Returns at the first batch of output.
    Pumped pump(int timeoutMs, int wakeFd = -1);
    // Signals the whole group.
    void signalGroup(int signal);
    // Reaps the child, waiting up to `timeoutMs`; true once it exited (see exitDescription()).
    bool waitForExit(int timeoutMs);
    bool hasExited() const { return m_exited; }
    // 0 when it exited with code 0; the code, or 128 + signal.
    int exitCode() const;
    // "exited with code 3", "was killed by signal 9".
    QString exitDescription() const;
    // Kills the group (SIGKILL) and reaps.
    void kill();

private:
    ChildProcess() = default;
    void closeFd(int& fd);

    pid_t m_pid = -1;
    int m_stdin = -1;
    int m_stdout = -1;
    int m_stderr = -1;
    QByteArray m_input;
    bool m_closeInput = false;
    bool m_exited = false;
    int m_status = 0;
};

} // namespace mmf
