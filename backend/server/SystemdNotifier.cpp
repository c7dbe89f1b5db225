#include "server/SystemdNotifier.h"

#include <cstdlib>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace mmf {

SystemdNotifier::SystemdNotifier(QByteArray socketPath)
    : m_socketPath(std::move(socketPath))
{}

SystemdNotifier SystemdNotifier::takeFromEnvironment()
{
    const char* value = std::getenv("NOTIFY_SOCKET");
    QByteArray path = value ? QByteArray(value) : QByteArray();
    ::unsetenv("NOTIFY_SOCKET");
    return SystemdNotifier(path);
}

bool SystemdNotifier::notify(const QByteArray& state) const
{
    if (m_socketPath.isEmpty())
        return true;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (m_socketPath.size() >= qsizetype(sizeof(address.sun_path)) ||
        (m_socketPath[0] != '/' && m_socketPath[0] != '@'))
        return false;
    std::memcpy(address.sun_path, m_socketPath.constData(), size_t(m_socketPath.size()));
    socklen_t length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(m_socketPath.size()));
    if (address.sun_path[0] == '@')
        address.sun_path[0] = '\0'; // abstract namespace: the name is the bytes after the NUL, no terminator
    else
        length += 1;
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const ssize_t sent = ::sendto(fd, state.constData(), size_t(state.size()), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr*>(&address), length);
    ::close(fd);
    return sent == state.size();
}

} // namespace mmf
