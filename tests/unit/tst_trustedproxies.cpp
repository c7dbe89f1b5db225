// The client a request comes from behind reverse proxies: X-Forwarded-For is believed only from a trusted
// peer, read from its right end past every trusted proxy, over every line of the header in order.
#include "http/HttpRequest.h"
#include "http/TrustedProxies.h"

#include <QTest>

using namespace mmf;

class TestTrustedProxies : public QObject
{
    Q_OBJECT
private slots:
    void clientOf_data();
    void clientOf();
    void parseEntry_data();
    void parseEntry();
    void trusts();
};

void TestTrustedProxies::clientOf_data()
{
    QTest::addColumn<QStringList>("trusted");
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QList<QByteArray>>("forwardedFor"); // one X-Forwarded-For line each
    QTest::addColumn<QString>("client");

    const QStringList none;
    const QStringList proxy{"127.0.0.1"};
    const QStringList chain{"10.0.0.0/8", "127.0.0.1"};
    using Lines = QList<QByteArray>;

    QTest::newRow("no trusted proxies: the header is ignored")
        << none << "127.0.0.1" << Lines{"203.0.113.7"} << "127.0.0.1";
    QTest::newRow("an untrusted peer's header is ignored")
        << proxy << "198.51.100.2" << Lines{"203.0.113.7"} << "198.51.100.2";
    QTest::newRow("a trusted peer without the header is the client")
        << proxy << "127.0.0.1" << Lines{} << "127.0.0.1";
    QTest::newRow("one hop") << proxy << "127.0.0.1" << Lines{"203.0.113.7"} << "203.0.113.7";
    QTest::newRow("what the client wrote itself stays left of what the proxy appended")
        << proxy << "127.0.0.1" << Lines{"192.0.2.66, 203.0.113.7"} << "203.0.113.7";
    QTest::newRow("past every trusted proxy")
        << chain << "127.0.0.1" << Lines{"192.0.2.66, 203.0.113.7, 10.1.1.1, 10.2.2.2"} << "203.0.113.7";
    QTest::newRow("every hop trusted: the leftmost")
        << chain << "127.0.0.1" << Lines{"10.3.3.3, 10.1.1.1"} << "10.3.3.3";
    QTest::newRow("lines read as one list, the last line rightmost")
        << chain << "127.0.0.1" << Lines{"192.0.2.66", "203.0.113.7, 10.1.1.1"} << "203.0.113.7";
    QTest::newRow("a later line's untrusted hop wins")
        << proxy << "127.0.0.1" << Lines{"203.0.113.7", "192.0.2.1"} << "192.0.2.1";
    QTest::newRow("not an address ends the walk at the last proxy")
        << chain << "127.0.0.1" << Lines{"203.0.113.7, unknown, 10.1.1.1"} << "10.1.1.1";
    QTest::newRow("a host name is no address")
        << proxy << "127.0.0.1" << Lines{"client.example"} << "127.0.0.1";
    QTest::newRow("empty entries are skipped")
        << proxy << "127.0.0.1" << Lines{"203.0.113.7, ,"} << "203.0.113.7";
    QTest::newRow("IPv4 with a port") << proxy << "127.0.0.1" << Lines{"203.0.113.7:51234"} << "203.0.113.7";
    QTest::newRow("IPv6 bracketed with a port")
        << proxy << "127.0.0.1" << Lines{"[2001:db8::7]:443"} << "2001:db8::7";
    QTest::newRow("IPv6 bare") << proxy << "127.0.0.1" << Lines{" 2001:db8::7 "} << "2001:db8::7";
    QTest::newRow("IPv4-mapped entry is IPv4")
        << proxy << "127.0.0.1" << Lines{"::ffff:203.0.113.7"} << "203.0.113.7";
    QTest::newRow("IPv4-mapped peer is trusted as IPv4")
        << proxy << "::ffff:127.0.0.1" << Lines{"203.0.113.7"} << "203.0.113.7";
    QTest::newRow("IPv4-mapped hop is skipped as a trusted IPv4 proxy")
        << chain << "127.0.0.1" << Lines{"203.0.113.7, ::ffff:10.1.1.1"} << "203.0.113.7";
    QTest::newRow("a scope id is no client address")
        << proxy << "127.0.0.1" << Lines{"fe80::1%eth0"} << "127.0.0.1";
    QTest::newRow("a trusted IPv6 proxy")
        << QStringList{"::1"} << "::1" << Lines{"203.0.113.7"} << "203.0.113.7";
}

void TestTrustedProxies::clientOf()
{
    QFETCH(QStringList, trusted);
    QFETCH(QString, peer);
    QFETCH(QList<QByteArray>, forwardedFor);
    QFETCH(QString, client);

    HttpRequest request;
    request.headers << qMakePair(QByteArray("host"), QByteArray("mmf.example"));
    for (const QByteArray& line : forwardedFor)
        request.headers << qMakePair(QByteArray("x-forwarded-for"), line);
    request.headers << qMakePair(QByteArray("accept"), QByteArray("*/*"));

    const QHostAddress got = TrustedProxies(trusted).clientOf(QHostAddress(peer), request);
    QCOMPARE(got, QHostAddress(client));
}

void TestTrustedProxies::parseEntry_data()
{
    QTest::addColumn<QByteArray>("entry");
    QTest::addColumn<QString>("address"); // empty: none

    QTest::newRow("IPv4") << QByteArray("203.0.113.7") << "203.0.113.7";
    QTest::newRow("spaces") << QByteArray("  203.0.113.7 ") << "203.0.113.7";
    QTest::newRow("IPv4:port") << QByteArray("203.0.113.7:8080") << "203.0.113.7";
    QTest::newRow("[IPv6]") << QByteArray("[2001:db8::1]") << "2001:db8::1";
    QTest::newRow("[IPv6]:port") << QByteArray("[2001:db8::1]:8080") << "2001:db8::1";
    QTest::newRow("unknown") << QByteArray("unknown") << "";
    QTest::newRow("obfuscated identifier (RFC 7239)") << QByteArray("_hidden") << "";
    QTest::newRow("empty") << QByteArray("") << "";
    QTest::newRow("unclosed bracket") << QByteArray("[2001:db8::1") << "";
    QTest::newRow("junk after the bracket") << QByteArray("[2001:db8::1]x") << "";
    QTest::newRow("too long") << QByteArray(200, '1') << "";
    QTest::newRow("octets out of range") << QByteArray("300.1.1.1") << "";
}

void TestTrustedProxies::parseEntry()
{
    QFETCH(QByteArray, entry);
    QFETCH(QString, address);
    const QHostAddress got = TrustedProxies::parseEntry(entry);
    if (address.isEmpty())
        QVERIFY2(got.isNull(), qPrintable(got.toString()));
    else
        QCOMPARE(got, QHostAddress(address));
}

void TestTrustedProxies::trusts()
{
    const TrustedProxies proxies({"10.0.0.0/8", "192.0.2.9", "2001:db8:1::/48", "not an address"});
    QVERIFY(!proxies.isEmpty());
    QVERIFY(proxies.trusts(QHostAddress("10.200.1.1")));
    QVERIFY(proxies.trusts(QHostAddress("::ffff:10.200.1.1")));
    QVERIFY(proxies.trusts(QHostAddress("192.0.2.9")));
    QVERIFY(!proxies.trusts(QHostAddress("192.0.2.10")));
    QVERIFY(proxies.trusts(QHostAddress("2001:db8:1:ffff::1")));
    QVERIFY(!proxies.trusts(QHostAddress("2001:db8:2::1")));
    QVERIFY(!proxies.trusts(QHostAddress("127.0.0.1")));
    QVERIFY(TrustedProxies().isEmpty());
    QVERIFY(!TrustedProxies().trusts(QHostAddress("127.0.0.1")));
    // An IPv4-mapped subnet names IPv4 addresses.
    QVERIFY(TrustedProxies({"::ffff:10.0.0.0/104"}).trusts(QHostAddress("10.3.2.1")));
}

QTEST_GUILESS_MAIN(TestTrustedProxies)
#include "tst_trustedproxies.moc"
