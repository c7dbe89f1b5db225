// The nginx example MMF ships (installer/nginx/mmf.conf) run by a real nginx in front of a real server and
// worker, with TLS at nginx: a ?wait answer and WebSocket pushes come through it, and each client behind it
// is throttled at its own address (nginx appends it to X-Forwarded-For; the server trusts 127.0.0.1 only),
// also when the client writes that header itself.
#include "CredentialsJson.h"
#include "RawHttpConnection.h"
#include "ServerFixture.h"
#include "TestWebSocket.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <unistd.h>

using namespace mmf;

namespace {

QString findTool(const QString& name)
{
    // nginx lives in /usr/sbin, which a user's PATH may lack.
    QString found = QStandardPaths::findExecutable(name);
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(name, {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    return found;
}

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

} // namespace

class TestNginxProxy : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void waitAnswersComeThroughIt();
    void webSocketPushesComeThroughIt();
    void eachClientBehindItIsThrottledAtItsOwnAddress();

private:
    bool startNginx();
    // A TLS connection to nginx from `from`.
    std::unique_ptr<RawHttpConnection> viaNginx(const QString& from = QStringLiteral("127.0.0.1")) const;
    int signIn(const QString& from, const QByteArray& login, const QByteArray& password,
               const QByteArray& forgedForwardedFor = {});

    QTemporaryDir m_dir;
    QSslCertificate m_certificate;
    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<WorkerFixture> m_worker;
    QProcess m_nginx;
    quint16 m_port = 0;
    QByteArray m_token;
};

void TestNginxProxy::initTestCase()
{
    const QString nginx = findTool(QStringLiteral("nginx"));
    const QString openssl = findTool(QStringLiteral("openssl"));
    if (nginx.isEmpty() || openssl.isEmpty()) {
        if (qEnvironmentVariableIsSet("MMF_REQUIRE_TOOLS"))
            QFAIL("nginx or openssl is not installed (scripts/setup-debian.sh --test installs them)");
        QSKIP("nginx or openssl is not installed");
    }
    QVERIFY(m_dir.isValid());
    // A self-signed certificate for localhost, trusted by this test's clients only.
    QProcess certificate;
    certificate.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                                QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                                QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                                QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                                QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                                QStringLiteral("subjectAltName=DNS:localhost"), QStringLiteral("-keyout"),
                                m_dir.filePath(QStringLiteral("key.pem")), QStringLiteral("-out"),
                                m_dir.filePath(QStringLiteral("cert.pem"))});
    QVERIFY(certificate.waitForFinished(30000));
    QVERIFY2(certificate.exitCode() == 0, certificate.readAllStandardError().constData());
    const QList<QSslCertificate> read =
        QSslCertificate::fromPath(m_dir.filePath(QStringLiteral("cert.pem")), QSsl::Pem);
    QCOMPARE(read.size(), 1);
    m_certificate = read.first();

    m_server = std::make_unique<ServerFixture>(
        QStringList{QStringLiteral("--trusted-proxies"), QStringLiteral("127.0.0.1")});
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_token = m_server->issueToken(QStringLiteral("alice"), QStringLiteral("default"),
                                   QStringLiteral("score,read"));
    // The worker reaches the server directly, as the example says.
    m_worker = std::make_unique<WorkerFixture>(
        QStringLiteral("echo"), m_server->url(),
        m_server->issueToken(QStringLiteral("operator"), QStringLiteral("default"), QStringLiteral("serve")));
    QVERIFY(m_worker->start());
    QVERIFY(m_worker->waitForReady());
    QVERIFY2(startNginx(), m_nginx.readAllStandardError().constData());

    auto anonymous = viaNginx();
    QCOMPARE(anonymous->request("POST", "/api/v1/auth/register", {{"Content-Type", "application/json"}},
                                credentialsJson("owner", "owner password 1")),
             201);
}

bool TestNginxProxy::startNginx()
{
    QFile example(QStringLiteral(MMF_SOURCE_DIR "/installer/nginx/mmf.conf"));
    if (!example.open(QIODevice::ReadOnly))
        return false;
    QByteArray site = example.readAll();
    m_port = freePort();
    // The example's own lines, each replaced once: the file and this test must not drift apart.
    const QList<QPair<QByteArray, QByteArray>> replacements{
        {"listen 443 ssl;", "listen 127.0.0.1:" + QByteArray::number(m_port) + " ssl;"},
        {"server 127.0.0.1:8080;", "server 127.0.0.1:" + QByteArray::number(m_server->port()) + ";"},
        {"/etc/ssl/mmf/fullchain.pem", m_dir.filePath(QStringLiteral("cert.pem")).toUtf8()},
        {"/etc/ssl/mmf/privkey.pem", m_dir.filePath(QStringLiteral("key.pem")).toUtf8()},
    };
    for (const auto& [from, to] : replacements) {
        if (site.count(from) != 1) {
            qWarning() << "installer/nginx/mmf.conf no longer has" << from;
            return false;
        }
        site.replace(from, to);
    }
    const QString prefix = m_dir.path();
    QFile siteFile(m_dir.filePath(QStringLiteral("mmf.conf")));
    if (!siteFile.open(QIODevice::WriteOnly) || siteFile.write(site) != site.size())
        return false;
    siteFile.close();
    // nginx's own frame, as Debian's /etc/nginx/nginx.conf has it, with paths in the temp dir.
    QByteArray main = "daemon off;\nworker_processes 1;\npid " + prefix.toUtf8() + "/nginx.pid;\n";
    if (::geteuid() == 0)
        main += "user root;\n"; // workers would be nobody, who cannot read the temp dir
    main += "events { worker_connections 256; }\nhttp {\n  access_log off;\n";
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
        main += QByteArray("  ") + temp + "_temp_path " + prefix.toUtf8() + "/" + temp + ";\n";
    main += "  include " + prefix.toUtf8() + "/mmf.conf;\n}\n";
    QFile mainFile(m_dir.filePath(QStringLiteral("nginx.conf")));
    if (!mainFile.open(QIODevice::WriteOnly) || mainFile.write(main) != main.size())
        return false;
    mainFile.close();

    m_nginx.setProcessChannelMode(QProcess::SeparateChannels);
    m_nginx.start(findTool(QStringLiteral("nginx")),
                  {QStringLiteral("-e"), QStringLiteral("stderr"), QStringLiteral("-p"), prefix + "/",
                   QStringLiteral("-c"), m_dir.filePath(QStringLiteral("nginx.conf"))});
    if (!m_nginx.waitForStarted(10000))
        return false;
    // Ready once it accepts a TLS connection and answers through to the server.
    QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired() && m_nginx.state() == QProcess::Running) {
        RawHttpConnection probe(m_port, {}, m_certificate);
        if (probe.request("GET", "/healthz", {}, {}, 1000) == 200)
            return true;
        QTest::qWait(20);
    }
    return false;
}

void TestNginxProxy::cleanupTestCase()
{
    if (m_nginx.state() == QProcess::Running) {
        m_nginx.terminate();
        QVERIFY(m_nginx.waitForFinished(10000));
    }
    m_worker.reset();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

std::unique_ptr<RawHttpConnection> TestNginxProxy::viaNginx(const QString& from) const
{
    return std::make_unique<RawHttpConnection>(m_port, from, m_certificate);
}

void TestNginxProxy::waitAnswersComeThroughIt()
{
    auto client = viaNginx();
    const int status =
        client->request("POST", "/api/v1/models/echo/tasks?wait=30",
                        {{"Authorization", "Bearer " + m_token}, {"Content-Type", "application/json"}},
                        R"({"text":"through nginx"})");
    QVERIFY2(status == 200, client->reply().constData());
    const QJsonObject task = QJsonDocument::fromJson(client->body()).object();
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(task.value(QStringLiteral("result"))
                 .toObject()
                 .value(QStringLiteral("request"))
                 .toObject()
                 .value(QStringLiteral("text"))
                 .toString(),
             QStringLiteral("through nginx"));
    // The same TLS connection stays open for the next request (keep-alive through the proxy).
    QCOMPARE(client->request("GET", "/healthz"), 200);
}

void TestNginxProxy::webSocketPushesComeThroughIt()
{
    TestWebSocket events(QUrl(QStringLiteral("http://localhost:%1").arg(m_port)), m_token);
    events.useTls(m_certificate);
    QVERIFY2(events.open(), qPrintable(events.errorString()));
    QVERIFY(events.subscribeAndWait(QStringLiteral("model/echo")));
    auto client = viaNginx();
    QCOMPARE(client->request("POST", "/api/v1/models/echo/tasks",
                             {{"Authorization", "Bearer " + m_token}, {"Content-Type", "application/json"}},
                             R"({"text":"pushed"})"),
             202);
    const QString taskId =
        QJsonDocument::fromJson(client->body()).object().value(QStringLiteral("task_id")).toString();
    QVERIFY(!taskId.isEmpty());
    const QJsonObject result = events.waitFor([&](const QJsonObject& m) {
        return m.value(QStringLiteral("type")).toString() == QLatin1String("result") &&
               m.value(QStringLiteral("task_id")).toString() == taskId;
    });
    QCOMPARE(result.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
}

int TestNginxProxy::signIn(const QString& from, const QByteArray& login, const QByteArray& password,
                           const QByteArray& forgedForwardedFor)
{
    RawHttpConnection::Headers headers{{"Content-Type", "application/json"}};
    if (!forgedForwardedFor.isEmpty())
        headers << qMakePair(QByteArray("X-Forwarded-For"), forgedForwardedFor);
    return viaNginx(from)->request("POST", "/api/v1/auth/login", headers, credentialsJson(login, password));
}

void TestNginxProxy::eachClientBehindItIsThrottledAtItsOwnAddress()
{
    // A guesser at 127.0.0.2 locks its own (login, address) pair after 5 failures...
    for (int i = 0; i < 5; ++i)
        QCOMPARE(signIn(QStringLiteral("127.0.0.2"), "owner", "guess"), 401);
    QCOMPARE(signIn(QStringLiteral("127.0.0.2"), "owner", "guess"), 429);
    // ...and cannot step out of it by writing another address into the header: nginx appends its own.
    QCOMPARE(signIn(QStringLiteral("127.0.0.2"), "owner", "owner password 1", "127.0.0.3"), 429);
    // The owner at 127.0.0.3, behind the same nginx, signs in (one address for both without the setting).
    QCOMPARE(signIn(QStringLiteral("127.0.0.3"), "owner", "owner password 1"), 200);
}

QTEST_GUILESS_MAIN(TestNginxProxy)
#include "tst_nginxproxy.moc"
