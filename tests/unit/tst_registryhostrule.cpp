// Which host a registration may name for the registry's pings: its own address by default, hosts the
// operator allows besides; everything else is refused with a message naming the host and the setting.
#include "gateway/RegistryHostRule.h"

#include <QTest>

using namespace mmf;

class TestRegistryHostRule : public QObject
{
    Q_OBJECT
private slots:
    void check_data();
    void check();
};

void TestRegistryHostRule::check_data()
{
    QTest::addColumn<QStringList>("allowed");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QString>("pinged"); // empty: refused

    const QStringList none;
    QTest::newRow("own address") << none << "10.1.2.3"
                                 << "10.1.2.3"
                                 << "10.1.2.3";
    QTest::newRow("empty host is the peer") << none << ""
                                            << "10.1.2.3"
                                            << "10.1.2.3";
    QTest::newRow("v4-mapped peer") << none << "10.1.2.3"
                                    << "::ffff:10.1.2.3"
                                    << "10.1.2.3";
    QTest::newRow("loopback v4 from v6") << none << "127.0.0.1"
                                         << "::1"
                                         << "127.0.0.1";
    QTest::newRow("localhost from loopback") << none << "localhost"
                                             << "127.0.0.1"
                                             << "localhost";
    QTest::newRow("another host") << none << "10.9.9.9"
                                  << "10.1.2.3"
                                  << "";
    QTest::newRow("the server's loopback from afar") << none << "127.0.0.1"
                                                     << "10.1.2.3"
                                                     << "";
    QTest::newRow("localhost from afar") << none << "localhost"
                                         << "10.1.2.3"
                                         << "";
    QTest::newRow("another loopback address") << none << "127.0.0.2"
                                              << "127.0.0.1"
                                              << "";
    QTest::newRow("a name") << none << "db.internal"
                            << "10.1.2.3"
                            << "";
    QTest::newRow("metadata service") << none << "169.254.169.254"
                                      << "10.1.2.3"
                                      << "";

    const QStringList allowed{"10.0.0.0/8", "192.168.1.7", "worker-1.internal"};
    QTest::newRow("inside an allowed CIDR") << allowed << "10.9.9.9"
                                            << "172.16.0.1"
                                            << "10.9.9.9";
    QTest::newRow("an allowed address") << allowed << "192.168.1.7"
                                        << "172.16.0.1"
                                        << "192.168.1.7";
    QTest::newRow("next to an allowed address") << allowed << "192.168.1.8"
                                                << "172.16.0.1"
                                                << "";
    QTest::newRow("an allowed name, any case") << allowed << "Worker-1.Internal"
                                               << "172.16.0.1"
                                               << "worker-1.internal";
    QTest::newRow("another name") << allowed << "worker-2.internal"
                                  << "172.16.0.1"
                                  << "";
}

void TestRegistryHostRule::check()
{
    QFETCH(QStringList, allowed);
    QFETCH(QString, host);
    QFETCH(QString, peer);
    QFETCH(QString, pinged);
    const Result<QString> result = RegistryHostRule(allowed).check(host, QHostAddress(peer));
    if (pinged.isEmpty()) {
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::PermissionDenied);
        QVERIFY(result.error().message.contains(host));
        QVERIFY(result.error().message.contains(QStringLiteral("allowed_hosts")));
    } else {
        QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
        QCOMPARE(*result, pinged);
    }
}

QTEST_GUILESS_MAIN(TestRegistryHostRule)
#include "tst_registryhostrule.moc"
