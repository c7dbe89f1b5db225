#pragma once

#include <QByteArray>

namespace mmf {

// sd_notify(3) without libsystemd: one datagram to the AF_UNIX socket systemd names in $NOTIFY_SOCKET, so a
// Type=notify unit's `systemctl start` returns once the server listens. A path starting with '@' is in the
// abstract namespace. With no socket (not under systemd) notify() does nothing.
class SystemdNotifier
{
public:
    explicit SystemdNotifier(QByteArray socketPath);

    // Reads $NOTIFY_SOCKET and removes it from the environment, so child processes (the embedded
    // redis-server, which speaks the same protocol) cannot signal readiness in the server's name.
    static SystemdNotifier takeFromEnvironment();

    bool isActive() const { return !m_socketPath.isEmpty(); }
    // Sends `state` (e.g. "READY=1", "STOPPING=1"). Returns false when a socket was named but the send
    // failed.
    bool notify(const QByteArray& state) const;

private:
    QByteArray m_socketPath;
};

} // namespace mmf
