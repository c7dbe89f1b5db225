// mmf-server under a Type=notify unit: READY=1 reaches $NOTIFY_SOCKET from the server itself once it
// answers HTTP (not while it holds its connections for a Redis that does not answer yet), STOPPING=1 on
// SIGTERM, and the embedded redis-server does not inherit the socket.
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace mmf;

namespace {

struct Datagram
{
    QByteArray text;
    pid_t sender = 0;
};

// systemd's side: a datagram socket that records each message with the sender's pid (SO_PASSCRED).
class NotifySocket
{
public:
    explicit NotifySocket(const QByteArray& path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        const int on = 1;
        ::setsockopt(m_fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
        m_bound = ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    }
    ~NotifySocket() { ::close(m_fd); }
    bool bound() const { return m_bound; }

    // Waits up to `timeoutMs` for the next datagram.
    std::optional<Datagram> next(int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            char buffer[256];
            iovec io{buffer, sizeof buffer};
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
            msghdr message{};
            message.msg_iov = &io;
            message.msg_iovlen = 1;
            message.msg_control = control;
            message.msg_controllen = sizeof control;
            const ssize_t n = ::recvmsg(m_fd, &message, 0);
            if (n >= 0) {
                Datagram datagram{QByteArray(buffer, qsizetype(n)), 0};
                for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
                    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                        ucred credentials;
                        std::memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
                        datagram.sender = credentials.pid;
                    }
                }
                return datagram;
            }
            QThread::msleep(20);
        }
        return std::nullopt;
    }

private:
    int m_fd = -1;
    bool m_bound = false;
};

} // namespace

class TestSystemdReady : public QObject
{
    Q_OBJECT

private slots:
    void signalsReadyAndStopping();
    void readyWaitsForRedis();
};

void TestSystemdReady::signalsReadyAndStopping()
{
    QTemporaryDir dir;
    const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("notify")));
    NotifySocket systemd(path);
    QVERIFY(systemd.bound());

    ServerFixture server;
    qputenv("NOTIFY_SOCKET", path);
    const bool started = server.start();
    qunsetenv("NOTIFY_SOCKET");
    QVERIFY2(started, qPrintable(server.errorString()));

    const std::optional<Datagram> ready = systemd.next(30000);
    QVERIFY2(ready, server.output().constData());
    QCOMPARE(ready->text, QByteArray("READY=1"));
    QCOMPARE(qint64(ready->sender), server.pid());
    TestHttpClient client(server.url(), {});
    QCOMPARE(client.get(QStringLiteral("/healthz")).status, 200);

    // The embedded redis-server must not be able to speak for the unit.
    QFile pidFile(QDir(server.dataDir()).filePath(QStringLiteral("redis/redis.pid")));
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    QFile environ(QStringLiteral("/proc/%1/environ").arg(pidFile.readAll().trimmed().toLongLong()));
    QVERIFY(environ.open(QIODevice::ReadOnly));
    const QByteArray redisEnvironment = environ.readAll();
    QVERIFY(!redisEnvironment.isEmpty());
    QVERIFY(!redisEnvironment.contains("NOTIFY_SOCKET="));

    QCOMPARE(server.stop(), 0);
    const std::optional<Datagram> stopping = systemd.next(5000);
    QVERIFY(stopping);
    QCOMPARE(stopping->text, QByteArray("STOPPING=1"));
    QVERIFY(!systemd.next(200)); // nothing else: one READY, one STOPPING
}

void TestSystemdReady::readyWaitsForRedis()
{
    // Started while its Redis hangs, the server listens but holds its connections: no READY=1 yet, so units
    // ordered after it do not start against a server that does not answer. Once Redis answers, it does.
    RedisServerFixture redis(QStringLiteral("notify-secret"));
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    QTemporaryDir dir;
    const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("notify")));
    NotifySocket systemd(path);
    QVERIFY(systemd.bound());

    QVERIFY(redis.kill(SIGSTOP));
    ServerFixture server;
    qputenv("NOTIFY_SOCKET", path);
    const bool started =
        server.start(QStringLiteral("redis://:notify-secret@127.0.0.1:%1").arg(redis.port()));
    qunsetenv("NOTIFY_SOCKET");
    if (!started)
        redis.kill(SIGCONT);
    QVERIFY2(started, qPrintable(server.errorString()));
    const std::optional<Datagram> early = systemd.next(500);
    QVERIFY(redis.kill(SIGCONT));
    QVERIFY2(!early, early ? early->text.constData() : "");

    const std::optional<Datagram> ready = systemd.next(30000);
    QVERIFY2(ready, server.output().constData());
    QCOMPARE(ready->text, QByteArray("READY=1"));
    TestHttpClient client(server.url(), {});
    QCOMPARE(client.get(QStringLiteral("/readyz")).status, 200);
}

QTEST_GUILESS_MAIN(TestSystemdReady)
#include "tst_systemdready.moc"
