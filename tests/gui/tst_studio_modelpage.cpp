// The model page against a real server and echo worker: catalogue metadata with docs as Markdown, the
// instance with its heartbeat kept current, and the admin's dead letters with discard and replay (hidden for
// others); a link in the model author's docs opens only after the user confirmed its address, and only for
// http(s).
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include "core/ApiClient.h"
#include "core/EventStream.h"
#include "core/Session.h"
#include "core/StudioContext.h"
#include "gui/AuthorLinkOpener.h"
#include "gui/ModelDetailsPage.h"

#include <QApplication>
#include <QDesktopServices>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace mmf;
using namespace mmf::studio;

namespace {

// Stands in for the browser: QDesktopServices hands it the URLs it would open.
class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public slots:
    void open(const QUrl& url) { opened << url; }
};

struct Studio
{
    QTemporaryDir dir;
    QSettings settings{dir.filePath("studio.ini"), QSettings::IniFormat};
    ApiClient api;
    Session session{api, settings};
    EventStream events{api};
    StudioContext context{api, session, events, settings};
};

} // namespace

class TestStudioModelPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void agoText_data();
    void agoText();
    void showsMetadataAndInstance();
    void deadLettersForAdmin();
    void noDeadLettersForOthers();
    void authorLinksOpenOnlyWhenConfirmed();

private:
    // Shows echo's page at a fixed size; false when it did not load in time.
    static bool showEcho(ModelDetailsPage& page);

    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<WorkerFixture> m_worker;
    QByteArray m_admin;
};

void TestStudioModelPage::initTestCase()
{
    // One attempt and no backoff, so a throwing task reaches the dead letters at once.
    m_server =
        std::make_unique<ServerFixture>(QStringList{"--max-attempts", "1", "--backoff-initial-ms", "0"});
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString() + m_server->output()));
    m_admin = m_server->issueToken("boss", "default", "score,read,serve,admin");
    QVERIFY(!m_admin.isEmpty());
    m_worker = std::make_unique<WorkerFixture>("echo", m_server->url(), m_admin);
    QVERIFY(m_worker->start());
    QVERIFY2(m_worker->waitForReady(), m_worker->output().constData());
}

void TestStudioModelPage::agoText_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("now") << qint64(0) << "0 s ago";
    QTest::newRow("seconds") << qint64(12'400) << "12 s ago";
    QTest::newRow("minutes") << qint64(5 * 60'000) << "5 min ago";
    QTest::newRow("hours") << qint64(3 * 3'600'000) << "3 h ago";
    QTest::newRow("clock skew") << qint64(-2000) << "0 s ago";
}

void TestStudioModelPage::agoText()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(ModelDetailsPage::agoText(ms), text);
}

bool TestStudioModelPage::showEcho(ModelDetailsPage& page)
{
    page.resize(1100, 800);
    page.show();
    QSignalSpy loaded(&page, &ModelDetailsPage::modelLoaded);
    page.showModel("echo");
    return loaded.count() > 0 || loaded.wait(10000);
}

void TestStudioModelPage::showsMetadataAndInstance()
{
    Studio studio;
    studio.session.useToken(m_server->url(), m_admin, "boss");
    ModelDetailsPage page(studio.context);
    QVERIFY(showEcho(page));

    auto text = [&](const char* name) {
        auto* label = page.findChild<QLabel*>(name);
        return label ? label->text() : QStringLiteral("<missing %1>").arg(QLatin1String(name));
    };
    QVERIFY2(text("modelTitle").contains("echo"), qPrintable(text("modelTitle")));
    QVERIFY2(text("modelTitle").contains("1.0.0"), qPrintable(text("modelTitle")));
    QVERIFY2(text("modelDescription").startsWith("Answers with its request."),
             qPrintable(text("modelDescription")));
    QCOMPARE(text("modelVersion"), QStringLiteral("1.0.0"));
    QCOMPARE(text("modelOwner"), QStringLiteral("MMF"));
    QVERIFY2(text("modelTags").contains("sample") && text("modelTags").contains("echo"),
             qPrintable(text("modelTags")));
    QCOMPARE(text("modelStatus"), QStringLiteral("live"));
    // Docs rendered from Markdown: the heading's text without its '#'.
    auto* docs = page.findChild<QTextBrowser*>("modelDocs");
    QVERIFY(docs);
    QVERIFY2(docs->toPlainText().startsWith("echo"), qPrintable(docs->toPlainText().left(80)));
    QVERIFY(!docs->toPlainText().contains("# echo"));

    auto* table = page.findChild<QTableWidget*>("instancesTable");
    QVERIFY(table);
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 1, 10000);
    QVERIFY(!table->item(0, 0)->text().isEmpty());               // instance id
    QVERIFY(table->item(0, 1)->text().startsWith("127.0.0.1:")); // address
    // The heartbeat is "N s ago" (or "not yet" before the first ping), kept current every second.
    const QRegularExpression ago(QStringLiteral("^(\\d+ (s|min) ago|not yet)$"));
    QVERIFY2(ago.match(table->item(0, 3)->text()).hasMatch(), qPrintable(table->item(0, 3)->text()));
    QTRY_VERIFY_WITH_TIMEOUT(table->item(0, 3)->text().endsWith("s ago"), 30000);
    const QString before = table->item(0, 3)->text();
    QTRY_VERIFY_WITH_TIMEOUT(table->item(0, 3)->text() != before, 5000);
}

void TestStudioModelPage::deadLettersForAdmin()
{
    TestHttpClient http(m_server->url(), m_admin);
    // A task that always throws goes to the dead letters after its one attempt.
    QStringList ids;
    for (int i = 0; i < 2; ++i) {
        const auto reply = http.post("/api/v1/models/echo/tasks", R"({"always_throw": true})");
        QVERIFY2(reply.status == 202 || reply.status == 200, reply.body.constData());
        ids.append(reply.json().value("task_id").toString());
    }
    const auto listed =
        http.pollUntil("/api/v1/models/echo/dead-letters", [&](const TestHttpClient::Response& r) {
            const QJsonArray letters = r.json().value("dead_letters").toArray();
            int found = 0;
            for (const QJsonValue& letter : letters)
                found += ids.contains(letter.toObject().value("task_id").toString()) ? 1 : 0;
            return found == ids.size();
        });
    QVERIFY2(listed.status == 200, listed.body.constData());

    Studio studio;
    studio.session.useToken(m_server->url(), m_admin, "boss");
    ModelDetailsPage page(studio.context);
    page.resize(1100, 800);
    page.show();
    page.showModel("echo");
    auto* box = page.findChild<QGroupBox*>("deadLettersBox");
    auto* table = page.findChild<QTableWidget*>("deadLettersTable");
    QVERIFY(box && table);
    QTRY_VERIFY_WITH_TIMEOUT(table->rowCount() >= 2, 10000);
    QVERIFY(box->isVisible());
    QStringList shown;
    for (int row = 0; row < table->rowCount(); ++row)
        shown.append(table->item(row, 0)->text());
    for (const QString& id : ids)
        QVERIFY2(shown.contains(id), qPrintable(shown.join(',')));

    // Discard the first one.
    const int row = int(shown.indexOf(ids[0]));
    table->selectRow(row);
    auto* discard = page.findChild<QPushButton*>("discardSelectedButton");
    QVERIFY(discard->isEnabled());
    QSignalSpy reloaded(&page, &ModelDetailsPage::deadLettersLoaded);
    discard->click();
    QVERIFY(reloaded.wait(10000));
    shown.clear();
    for (int r = 0; r < table->rowCount(); ++r)
        shown.append(table->item(r, 0)->text());
    QVERIFY2(!shown.contains(ids[0]), qPrintable(shown.join(',')));
    QVERIFY(shown.contains(ids[1]));

    // Replay all: the status line reports it and the task leaves the dead letters (it fails again later).
    page.findChild<QPushButton*>("replayAllButton")->click();
    auto* status = page.findChild<QLabel*>("modelStatusLine");
    QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith("Replayed"), 10000);
    QVERIFY2(status->text().contains(QRegularExpression("Replayed [1-9]")), qPrintable(status->text()));
}

void TestStudioModelPage::noDeadLettersForOthers()
{
    const QByteArray user = m_server->issueToken("someone", "default", "score,read");
    Studio studio;
    studio.session.useToken(m_server->url(), user, "someone");
    ModelDetailsPage page(studio.context);
    page.resize(1100, 800);
    page.show();
    QSignalSpy loaded(&page, &ModelDetailsPage::modelLoaded);
    page.showModel("echo");
    QVERIFY(loaded.wait(10000));
    auto* box = page.findChild<QGroupBox*>("deadLettersBox");
    QTRY_VERIFY_WITH_TIMEOUT(!box->isVisible(), 10000);
    QCOMPARE(page.findChild<QLabel*>("modelOwner")->text(), QStringLiteral("MMF"));
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestStudioModelPage test;
    return QTest::qExec(&test, argc, argv);
}

void TestStudioModelPage::authorLinksOpenOnlyWhenConfirmed()
{
    Studio studio;
    studio.session.useToken(m_server->url(), m_admin, "boss");
    ModelDetailsPage page(studio.context);
    QVERIFY(showEcho(page));
    auto* docs = page.findChild<QTextBrowser*>("modelDocs");
    QVERIFY(docs);
    auto* opener = docs->findChild<AuthorLinkOpener*>();
    QVERIFY(opener);
    UrlCatcher browser;
    for (const char* scheme : {"http", "https", "file"})
        QDesktopServices::setUrlHandler(QString::fromLatin1(scheme), &browser, "open");
    QList<QUrl> asked;
    bool answer = false;
    opener->setConfirm([&](const QUrl& url) {
        asked << url;
        return answer;
    });
    // What a model's author could write in its docs.
    docs->setMarkdown("[tracker](https://example.invalid/t?x=1) and [secrets](file:///etc/passwd)\n");
    auto click = [&](const QString& text) {
        QTextCursor cursor = docs->document()->find(text);
        if (cursor.isNull())
            return false;
        cursor.setPosition(cursor.selectionStart() + 2);
        QTest::mouseClick(docs->viewport(), Qt::LeftButton, {}, docs->cursorRect(cursor).center());
        return true;
    };
    const QUrl tracker(QStringLiteral("https://example.invalid/t?x=1"));
    QVERIFY(click("tracker"));
    QTRY_COMPARE(asked, QList<QUrl>{tracker});
    QVERIFY(browser.opened.isEmpty()); // declined
    answer = true;
    QVERIFY(click("tracker"));
    QTRY_COMPARE(browser.opened, QList<QUrl>{tracker});
    QVERIFY(click("secrets")); // another scheme: neither asked nor opened
    QCOMPARE(asked.size(), 2);
    QCOMPARE(browser.opened.size(), 1);
    for (const char* scheme : {"http", "https", "file"})
        QDesktopServices::unsetUrlHandler(QString::fromLatin1(scheme));
}

#include "tst_studio_modelpage.moc"
