#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <sys/types.h>

#include <memory>

namespace mmf {

// A child process `/bin/sh -c COMMAND` with pipes for stdin, stdout and stderr, in a process group of its own
// (so a kill reaches what the shell started too). Plain POSIX I/O: a thread may drive it with pump() and its
// explicit timeouts, or an event loop through the descriptors (readable / writable notifications) and the
// calls that never wait (readOutput(), readErrors(), flushInput(), reap()); one thread at a time. The
// destructor kills the group and reaps the child.
class ChildProcess
{
public:
    struct Pumped
    {
        QByteArray out;      // what stdout gave during this call
        QByteArray err;      // what stderr gave
        bool outEof = false; // stdout is closed (the child exited, or closed it)
        bool errEof = false;
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
    // Waits up to `timeoutMs` for output, writing queued input as stdin accepts it. Returns at the first
    // batch of output.
    Pumped pump(int timeoutMs);
    // For an event loop: the pipe ends (-1 once closed), and a pidfd that becomes readable when the child
    // exits (-1 where the kernel has none: then poll reap()).
    int stdinFd() const { return m_stdin; }
    int stdoutFd() const { return m_stdout; }
    int stderrFd() const { return m_stderr; }
    int exitFd() const { return m_pidfd; }
    // What stdout / stderr hold now, without waiting; `eof` is set at its end. These never close a
    // descriptor (a notifier must be switched off before its descriptor closes): the destructor does.
    QByteArray readOutput(bool& eof);
    QByteArray readErrors(bool& eof);
    // Writes queued input as far as stdin takes it now. false when stdin is gone (the child closed it or
    // died): the input is dropped. Closes stdin only when closeInputWhenWritten() asked for it.
    bool flushInput();
    // Reaps the child if it has exited, without waiting.
    bool reap() { return waitForExit(0); }

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
    // Reads what `fd` holds now into `into`; at its end sets `eof` (and closes it with `closeAtEnd`).
    static void drain(int& fd, QByteArray& into, bool& eof, bool closeAtEnd);

    pid_t m_pid = -1;
    int m_stdin = -1;
    int m_stdout = -1;
    int m_stderr = -1;
    int m_pidfd = -1;
    QByteArray m_input;
    bool m_closeInput = false;
    bool m_exited = false;
    int m_status = 0;
};

} // namespace mmf
