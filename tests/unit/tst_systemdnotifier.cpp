// SystemdNotifier: the datagram systemd expects on $NOTIFY_SOCKET, for a path and an abstract socket.
#include "server/SystemdNotifier.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace mmf;

namespace {

// A bound datagram socket standing in for systemd's; `name` starting with '@' is abstract.
class DatagramSink
{
public:
    explicit DatagramSink(const QByteArray& name)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, name.constData(), size_t(name.size()));
        socklen_t length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(name.size()));
        if (name.startsWith('@'))
            address.sun_path[0] = '\0';
        else
            length += 1;
        m_bound = ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), length) == 0;
    }
    ~DatagramSink() { ::close(m_fd); }
    bool bound() const { return m_bound; }
    QByteArray receive() const
    {
        char buffer[256];
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        return n < 0 ? QByteArray() : QByteArray(buffer, qsizetype(n));
    }

private:
    int m_fd = -1;
    bool m_bound = false;
};

} // namespace

class TestSystemdNotifier : public QObject
{
    Q_OBJECT

private slots:
    void sendsToAPathSocket();
    void sendsToAnAbstractSocket();
    void takesTheSocketOutOfTheEnvironment();
    void withoutASocketDoesNothing();
    void refusesARelativePath();
};

void TestSystemdNotifier::sendsToAPathSocket()
{
    QTemporaryDir dir;
    const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("notify")));
    DatagramSink sink(path);
    QVERIFY(sink.bound());
    SystemdNotifier notifier(path);
    QVERIFY(notifier.isActive());
    QVERIFY(notifier.notify("READY=1"));
    QCOMPARE(sink.receive(), QByteArray("READY=1"));
}

void TestSystemdNotifier::sendsToAnAbstractSocket()
{
    const QByteArray name = "@mmf-test-notify-" + QByteArray::number(::getpid());
    DatagramSink sink(name);
    QVERIFY(sink.bound());
    QVERIFY(SystemdNotifier(name).notify("STOPPING=1"));
    QCOMPARE(sink.receive(), QByteArray("STOPPING=1"));
}

void TestSystemdNotifier::takesTheSocketOutOfTheEnvironment()
{
    QTemporaryDir dir;
    const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("notify")));
    DatagramSink sink(path);
    qputenv("NOTIFY_SOCKET", path);
    const SystemdNotifier notifier = SystemdNotifier::takeFromEnvironment();
    QVERIFY(!qEnvironmentVariableIsSet("NOTIFY_SOCKET")); // children started later do not inherit it
    QVERIFY(notifier.notify("READY=1"));
    QCOMPARE(sink.receive(), QByteArray("READY=1"));
}

void TestSystemdNotifier::withoutASocketDoesNothing()
{
    qunsetenv("NOTIFY_SOCKET");
    const SystemdNotifier notifier = SystemdNotifier::takeFromEnvironment();
    QVERIFY(!notifier.isActive());
    QVERIFY(notifier.notify("READY=1"));
}

void TestSystemdNotifier::refusesARelativePath()
{
    QVERIFY(!SystemdNotifier("relative/notify").notify("READY=1"));
    QVERIFY(!SystemdNotifier(QByteArray(200, '/')).notify("READY=1")); // longer than sun_path
}

QTEST_GUILESS_MAIN(TestSystemdNotifier)
#include "tst_systemdnotifier.moc"
