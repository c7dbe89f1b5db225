// Sign-in under abuse, on a real server over real HTTP: a burst of parallel wrong guesses lets at most the
// limit reach a password hash (401) and answers the rest 429; a guesser at another address, once locked, does
// not lock the login's owner out; a flood of sign-ups from many addresses does not turn sign-ins away.
#include "CredentialsJson.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>
#include <memory>
#include <vector>

using namespace mmf;

namespace {

// Many raw HTTP requests at once, each on its own connection (optionally from a given loopback address), so
// they reach the server together; each answer's status is kept.
class Burst
{
public:
    explicit Burst(quint16 port)
        : m_port(port)
    {}
    ~Burst()
    {
        // Sockets still open (a failed check returns early) must not call back into freed members.
        for (auto& socket : m_sockets) {
            socket->disconnect();
            socket->abort();
        }
    }

    void post(const QByteArray& path, const QByteArray& body, const QString& from = {})
    {
        const size_t index = m_sockets.size();
        m_sockets.push_back(std::make_unique<QTcpSocket>());
        m_replies.emplace_back();
        m_written.push_back(false);
        m_closed.push_back(false);
        QTcpSocket* socket = m_sockets.back().get();
        if (!from.isEmpty())
            socket->bind(QHostAddress(from), 0);
        const QByteArray request =
            "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " +
            "application/json\r\nConnection: close\r\nContent-Length: " + QByteArray::number(body.size()) +
            "\r\n\r\n" + body;
        QObject::connect(socket, &QTcpSocket::connected, socket, [this, socket, index, request] {
            socket->write(request);
            m_written[index] = true;
        });
        QObject::connect(socket, &QTcpSocket::readyRead, socket,
                         [this, socket, index] { m_replies[index] += socket->readAll(); });
        QObject::connect(socket, &QTcpSocket::disconnected, socket,
                         [this, index] { m_closed[index] = true; });
        QObject::connect(socket, &QTcpSocket::errorOccurred, socket,
                         [this, index] { m_closed[index] = true; });
        socket->connectToHost(QHostAddress(QHostAddress::LocalHost), m_port);
    }
    bool waitWritten(int timeoutMs = 30000) { return waitFor(m_written, timeoutMs); }
    bool waitAnswered(int timeoutMs = 120000) { return waitFor(m_closed, timeoutMs); }
    // The status of each request in order (0: no answer).
    QList<int> statuses() const
    {
        QList<int> out;
        for (const QByteArray& reply : m_replies)
            out << (reply.startsWith("HTTP/1.1 ") ? reply.mid(9, 3).toInt() : 0);
        return out;
    }

private:
    static bool all(const std::vector<bool>& flags)
    {
        return std::all_of(flags.begin(), flags.end(), [](bool b) { return b; });
    }
    bool waitFor(const std::vector<bool>& flags, int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!all(flags) && !deadline.hasExpired())
            QTest::qWait(5);
        return all(flags);
    }

    quint16 m_port;
    std::vector<std::unique_ptr<QTcpSocket>> m_sockets;
    std::vector<QByteArray> m_replies;
    std::vector<bool> m_written;
    std::vector<bool> m_closed;
};

} // namespace

class TestSignInAbuse : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void parallelGuessesReachAtMostTheLimit();
    void lockedGuesserDoesNotLockTheOwnerOut();
    void signUpFloodDoesNotTurnSignInsAway();

private:
    int signUp(const QByteArray& login, const QByteArray& password);

    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<TestHttpClient> m_http;
};

void TestSignInAbuse::initTestCase()
{
    m_server = std::make_unique<ServerFixture>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_http = std::make_unique<TestHttpClient>(m_server->url());
    // The server listens before its embedded Redis is up; until then a sign-up is answered 503 (as it should
    // be), which on a busy machine the first test would see.
    QCOMPARE(m_http
                 ->pollUntil(QStringLiteral("/readyz"),
                             [](const TestHttpClient::Response& r) { return r.status == 200; })
                 .status,
             200);
}

void TestSignInAbuse::cleanupTestCase()
{
    m_http.reset();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

int TestSignInAbuse::signUp(const QByteArray& login, const QByteArray& password)
{
    return m_http->post(QStringLiteral("/api/v1/auth/register"), credentialsJson(login, password)).status;
}

void TestSignInAbuse::parallelGuessesReachAtMostTheLimit()
{
    QCOMPARE(signUp("target", "target password"), 201);
    // 20 guesses at once from one address; the limit per login and address is 5.
    Burst burst(m_server->port());
    for (int i = 0; i < 20; ++i)
        burst.post("/api/v1/auth/login", credentialsJson("target", "guess " + QByteArray::number(i)));
    QVERIFY(burst.waitAnswered());
    const QList<int> statuses = burst.statuses();
    QCOMPARE(statuses.count(401) + statuses.count(429), 20);
    QVERIFY2(statuses.count(401) <= 5,
             qPrintable(QStringLiteral("%1 guesses were hashed and answered 401").arg(statuses.count(401))));
    QVERIFY(statuses.count(401) >= 1);
    // The owner, at another address, is not locked out by them.
    Burst owner(m_server->port());
    owner.post("/api/v1/auth/login", credentialsJson("target", "target password"),
               QStringLiteral("127.0.0.3"));
    QVERIFY(owner.waitAnswered());
    QCOMPARE(owner.statuses(), QList<int>{200});
}

void TestSignInAbuse::lockedGuesserDoesNotLockTheOwnerOut()
{
    // The operator's own login: today's guesser must not be able to keep its owner out.
    QCOMPARE(signUp("boss", "boss password 1"), 201);
    auto guess = [this] {
        Burst one(m_server->port());
        one.post("/api/v1/auth/login", credentialsJson("boss", "not the password"),
                 QStringLiteral("127.0.0.2"));
        return one.waitAnswered() ? one.statuses().first() : 0;
    };
    for (int i = 0; i < 5; ++i)
        QCOMPARE(guess(), 401);
    QCOMPARE(guess(), 429); // locked: the guesser at 127.0.0.2
    // The owner signs in from 127.0.0.1.
    const auto owner =
        m_http->post(QStringLiteral("/api/v1/auth/login"), credentialsJson("boss", "boss password 1"));
    QCOMPARE(owner.status, 200);
    QVERIFY(!owner.json().value(QStringLiteral("access_token")).toString().isEmpty());
    QCOMPARE(guess(), 429); // and the guesser stays locked
}

void TestSignInAbuse::signUpFloodDoesNotTurnSignInsAway()
{
    QCOMPARE(signUp("steady", "steady password"), 201);
    // 200 sign-ups from 20 addresses (10 each: under the per-address cap), every one a password hash.
    Burst flood(m_server->port());
    auto wave = [&](int first) {
        for (int i = first; i < first + 100; ++i)
            flood.post("/api/v1/auth/register",
                       credentialsJson("flood" + QByteArray::number(i), "flood password"),
                       QStringLiteral("127.0.0.%1").arg(10 + i % 20));
    };
    wave(0);
    QVERIFY(flood.waitWritten());
    // Sign-ins in the middle of the flood: each is served.
    Burst signIns(m_server->port());
    for (int i = 0; i < 5; ++i)
        signIns.post("/api/v1/auth/login", credentialsJson("steady", "steady password"));
    wave(100);
    QVERIFY(signIns.waitAnswered());
    QCOMPARE(signIns.statuses(), QList<int>(5, 200));
    QVERIFY(flood.waitAnswered());
    const QList<int> statuses = flood.statuses();
    QCOMPARE(statuses.count(201) + statuses.count(429), 200);
    QVERIFY(statuses.count(201) > 0);
}

QTEST_GUILESS_MAIN(TestSignInAbuse)
#include "tst_signinabuse.moc"
