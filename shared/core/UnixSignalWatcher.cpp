#include "core/UnixSignalWatcher.h"

#include <QSocketNotifier>

#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace mmf {

namespace {
// The write end of the self-pipe, for the async-signal-safe handler.
std::atomic<int> g_signalFd{-1};

void handleSignal(int signalNumber)
{
    const int fd = g_signalFd.load();
    if (fd < 0)
        return;
    const unsigned char byte = static_cast<unsigned char>(signalNumber);
    [[maybe_unused]] ssize_t written = ::write(fd, &byte, 1);
}
} // namespace

struct UnixSignalWatcher::Private
{
    int fds[2] = {-1, -1};
    std::unique_ptr<QSocketNotifier> notifier;
    std::vector<int> signalNumbers;
};

UnixSignalWatcher::UnixSignalWatcher(std::initializer_list<int> signalNumbers, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    Q_ASSERT(g_signalFd.load() < 0);
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, d->fds) != 0)
        return;
    g_signalFd.store(d->fds[0]);
    d->notifier = std::make_unique<QSocketNotifier>(d->fds[1], QSocketNotifier::Read);
    connect(d->notifier.get(), &QSocketNotifier::activated, this, [this] {
        unsigned char byte = 0;
        while (::read(d->fds[1], &byte, 1) == 1)
            emit unixSignal(int(byte));
    });
    for (int signalNumber : signalNumbers) {
        struct sigaction action = {};
        action.sa_handler = handleSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        ::sigaction(signalNumber, &action, nullptr);
        d->signalNumbers.push_back(signalNumber);
    }
}

UnixSignalWatcher::~UnixSignalWatcher()
{
    for (int signalNumber : d->signalNumbers)
        ::signal(signalNumber, SIG_DFL);
    g_signalFd.store(-1);
    d->notifier.reset();
    for (int fd : d->fds) {
        if (fd >= 0)
            ::close(fd);
    }
}

} // namespace mmf
