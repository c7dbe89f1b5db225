// GET /docs: the Swagger UI page, served by the server itself (no internet at run time), loads the live
// OpenAPI document with the token it is given and shows every live model's submit path. Checked in headless
// Chromium (Debian's package) against a real server with real workers.
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mmf;

namespace {

QByteArray header(const TestHttpClient::Response& response, const QByteArray& name)
{
    for (const auto& [key, value] : response.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// The page's DOM after its scripts ran, from headless Chromium; empty (and a failure message) on error.
QByteArray renderedDom(const QString& chromium, const QUrl& url, QString* failure)
{
    QTemporaryDir profile;
    QProcess browser;
    browser.start(chromium,
                  {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"),
                   QStringLiteral("--disable-gpu"), QStringLiteral("--disable-dev-shm-usage"),
                   QStringLiteral("--no-first-run"), QStringLiteral("--user-data-dir=") + profile.path(),
                   QStringLiteral("--virtual-time-budget=30000"), QStringLiteral("--dump-dom"),
                   url.toString(QUrl::FullyEncoded)});
    if (!browser.waitForFinished(120000)) {
        browser.kill();
        browser.waitForFinished();
        *failure = QStringLiteral("chromium did not finish");
        return {};
    }
    if (browser.exitCode() != 0) {
        *failure = QString::fromLocal8Bit(browser.readAllStandardError());
        return {};
    }
    return browser.readAllStandardOutput();
}

} // namespace

class TestApiDocs : public QObject
{
    Q_OBJECT

private slots:
    void servesThePageAndItsFilesOnly();
    void showsTheLiveModelsInABrowser();
};

void TestApiDocs::servesThePageAndItsFilesOnly()
{
    ServerFixture server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    TestHttpClient anonymous(server.url());
    const auto page = anonymous.get(QStringLiteral("/docs"));
    QCOMPARE(page.status, 200); // the page needs no token; the document it loads does
    QVERIFY(header(page, "Content-Type").startsWith("text/html"));
    QVERIFY(header(page, "Content-Security-Policy").contains("default-src 'self'"));
    QVERIFY(page.body.contains("/docs/swagger-ui-bundle.js"));
    QVERIFY(!page.body.contains("http://") && !page.body.contains("https://")); // nothing from the internet

    const auto bundle = anonymous.get(QStringLiteral("/docs/swagger-ui-bundle.js"));
    QCOMPARE(bundle.status, 200);
    QVERIFY(header(bundle, "Content-Type").startsWith("text/javascript"));
    QVERIFY(bundle.body.contains("SwaggerUIBundle"));
    QCOMPARE(anonymous.get(QStringLiteral("/docs/swagger-ui.css")).status, 200);

    for (const QString& path :
         {QStringLiteral("/docs/nope.js"), QStringLiteral("/docs/..%2Fkeys%2Fsigning.key"),
          QStringLiteral("/docs/index.html/x")}) {
        const auto refused = anonymous.get(path);
        QCOMPARE(refused.status, 404);
        QCOMPARE(
            refused.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
            QStringLiteral("not_found"));
    }
    QCOMPARE(anonymous.get(QStringLiteral("/api/v1/openapi.json")).status,
             401); // the page cannot skip the token
}

void TestApiDocs::showsTheLiveModelsInABrowser()
{
    const QString chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
    if (chromium.isEmpty()) {
        if (qEnvironmentVariableIntValue("MMF_REQUIRE_TOOLS"))
            QFAIL("chromium is required (MMF_REQUIRE_TOOLS=1): scripts/setup-debian.sh --test installs it");
        QSKIP("chromium is not installed (scripts/setup-debian.sh --test)");
    }
    ServerFixture server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QByteArray token = server.issueToken(QStringLiteral("alice"));
    WorkerFixture echo(QStringLiteral("echo"), server.url(), token);
    WorkerFixture arith(QStringLiteral("arith"), server.url(), token);
    QVERIFY(echo.start());
    QVERIFY(arith.start());
    QVERIFY2(echo.waitForReady(), echo.output().constData());
    QVERIFY2(arith.waitForReady(), arith.output().constData());

    QUrl withToken = server.url();
    withToken.setPath(QStringLiteral("/docs"));
    QUrl withoutToken = withToken;
    withToken.setFragment(QStringLiteral("token=") + QString::fromLatin1(token));

    QString failure;
    const QByteArray dom = renderedDom(chromium, withToken, &failure);
    QVERIFY2(!dom.isEmpty(), qPrintable(failure));
    // Swagger UI marks each operation with its path.
    QVERIFY2(dom.contains("data-path=\"/api/v1/models/echo/tasks\""), dom.right(2000).constData());
    QVERIFY(dom.contains("data-path=\"/api/v1/models/arith/tasks\""));
    QVERIFY(dom.contains("data-path=\"/api/v1/tasks/{id}\""));
    QVERIFY(!dom.contains("data-path=\"/api/v1/models/calc/tasks\"")); // not live: not on the page

    // Without a token the page asks for one and shows no model.
    const QByteArray bare = renderedDom(chromium, withoutToken, &failure);
    QVERIFY2(!bare.isEmpty(), qPrintable(failure));
    QVERIFY(bare.contains("id=\"mmf-token\""));
    QVERIFY(!bare.contains("/api/v1/models/echo/tasks"));
}

QTEST_GUILESS_MAIN(TestApiDocs)
#include "tst_apidocs.moc"
