// Sign in / register against a real mmf-server: clear errors (server down, wrong password, passwords that
// differ), the server URL and session remembered in settings, a silent refresh on an expired access token,
// signing out, and the settings file holding the refresh token readable by its owner alone.
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "core/ApiClient.h"
#include "core/EventStream.h"
#include "core/Session.h"
#include "core/StudioContext.h"
#include "gui/MainWindow.h"
#include "gui/SignInDialog.h"

#include <QAction>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabBar>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace mmf;
using namespace mmf::studio;

namespace {
const QString kLogin = QStringLiteral("alice");
const QString kPassword = QStringLiteral("correct-horse-battery-staple");
} // namespace

class TestStudioSignIn : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void serverDownIsExplained();
    void differentPasswordsAreCaughtLocally();
    void registerSignsIn();
    void refreshTokenFileIsPrivate();
    void wrongPasswordIsExplained();
    void sessionIsRememberedAndRefreshedSilently();
    void signOutForgetsTheSession();

private:
    struct Studio
    {
        explicit Studio(QSettings& settings)
            : session(api, settings)
        {}
        ApiClient api;
        Session session;
    };
    static void fill(SignInDialog& dialog, const QString& server, const QString& login,
                     const QString& password, const QString& confirm = {});

    std::unique_ptr<ServerFixture> m_server;
    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_settings;
};

void TestStudioSignIn::initTestCase()
{
    m_server = std::make_unique<ServerFixture>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QVERIFY(m_dir.isValid());
    m_settings =
        std::make_unique<QSettings>(m_dir.filePath(QStringLiteral("studio.ini")), QSettings::IniFormat);
}

void TestStudioSignIn::cleanupTestCase()
{
    if (m_server)
        m_server->stop();
}

void TestStudioSignIn::fill(SignInDialog& dialog, const QString& server, const QString& login,
                            const QString& password, const QString& confirm)
{
    auto* serverEdit = dialog.findChild<QLineEdit*>(QStringLiteral("serverEdit"));
    serverEdit->clear();
    QTest::keyClicks(serverEdit, server);
    auto* loginEdit = dialog.findChild<QLineEdit*>(QStringLiteral("loginEdit"));
    loginEdit->clear();
    QTest::keyClicks(loginEdit, login);
    auto* passwordEdit = dialog.findChild<QLineEdit*>(QStringLiteral("passwordEdit"));
    passwordEdit->clear();
    QTest::keyClicks(passwordEdit, password);
    QCOMPARE(passwordEdit->echoMode(), QLineEdit::Password);
    if (!confirm.isEmpty()) {
        auto* confirmEdit = dialog.findChild<QLineEdit*>(QStringLiteral("confirmEdit"));
        confirmEdit->clear();
        QTest::keyClicks(confirmEdit, confirm);
    }
}

void TestStudioSignIn::serverDownIsExplained()
{
    // A port nobody listens on.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();

    Studio studio(*m_settings);
    SignInDialog dialog(studio.session);
    dialog.resize(480, 360);
    dialog.show();
    fill(dialog, QStringLiteral("http://127.0.0.1:%1").arg(port), kLogin, kPassword);
    QSignalSpy failed(&studio.session, &Session::failed);
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("signInButton")), Qt::LeftButton);
    QVERIFY(failed.count() > 0 || failed.wait(15000));
    QVERIFY2(dialog.errorText().contains(QStringLiteral("cannot be reached")),
             qPrintable(dialog.errorText()));
    QVERIFY(dialog.isVisible());
    QVERIFY(!studio.session.isSignedIn());
    if (const QString dir = qEnvironmentVariable("MMF_SCREENSHOT_DIR"); !dir.isEmpty())
        dialog.grab().save(dir + QStringLiteral("/sign-in.png"));
}

void TestStudioSignIn::differentPasswordsAreCaughtLocally()
{
    Studio studio(*m_settings);
    SignInDialog dialog(studio.session);
    dialog.show();
    dialog.setRegisterMode(true);
    fill(dialog, m_server->url().toString(), kLogin, kPassword, QStringLiteral("something else"));
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("signInButton")), Qt::LeftButton);
    QVERIFY2(dialog.errorText().contains(QStringLiteral("differ")), qPrintable(dialog.errorText()));
    QCOMPARE(studio.session.state(), Session::State::SignedOut);
}

void TestStudioSignIn::registerSignsIn()
{
    Studio studio(*m_settings);
    SignInDialog dialog(studio.session);
    dialog.show();
    dialog.setRegisterMode(true);
    QCOMPARE(dialog.findChild<QTabBar*>(QStringLiteral("modeTabs"))->currentIndex(), 1);
    fill(dialog, m_server->url().toString(), kLogin, kPassword, kPassword);
    QSignalSpy signedIn(&studio.session, &Session::signedIn);
    QSignalSpy registered(&studio.session, &Session::registered);
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("signInButton")), Qt::LeftButton);
    QVERIFY2(signedIn.count() > 0 || signedIn.wait(15000), qPrintable(dialog.errorText()));
    QCOMPARE(registered.count(), 1);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(studio.session.isSignedIn());
    QVERIFY(!studio.api.accessToken().isEmpty());
    // Remembered: the server, the login and a refresh token (never the password).
    QCOMPARE(QUrl(m_settings->value(QStringLiteral("session/server")).toString()), m_server->url());
    QCOMPARE(m_settings->value(QStringLiteral("session/login")).toString(), kLogin);
    QVERIFY(!m_settings->value(QStringLiteral("session/refresh_token")).toString().isEmpty());
    m_settings->sync();
    QFile file(m_settings->fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(kPassword.toUtf8()));
}

void TestStudioSignIn::refreshTokenFileIsPrivate()
{
    // registerSignsIn left a refresh token in the settings file; the umask would have made it 0644.
    m_settings->sync();
    QVERIFY(!m_settings->value(QStringLiteral("session/refresh_token")).toString().isEmpty());
    QCOMPARE(QFile::permissions(m_settings->fileName()) &
                 (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther),
             QFile::Permissions());
}

void TestStudioSignIn::wrongPasswordIsExplained()
{
    QSettings settings(m_dir.filePath(QStringLiteral("other.ini")), QSettings::IniFormat);
    Studio studio(settings);
    SignInDialog dialog(studio.session);
    dialog.show();
    fill(dialog, m_server->url().toString(), kLogin, QStringLiteral("not-the-password"));
    QSignalSpy failed(&studio.session, &Session::failed);
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("signInButton")), Qt::LeftButton);
    QVERIFY(failed.count() > 0 || failed.wait(15000));
    QVERIFY2(dialog.errorText().contains(QStringLiteral("wrong")), qPrintable(dialog.errorText()));
    QVERIFY(!studio.session.isSignedIn());
    QVERIFY(!studio.session.canResume());
}

void TestStudioSignIn::sessionIsRememberedAndRefreshedSilently()
{
    // A new start of the studio with the same settings resumes without a password.
    Studio studio(*m_settings);
    QCOMPARE(studio.session.serverUrl(), m_server->url());
    QVERIFY(studio.session.canResume());
    QSignalSpy signedIn(&studio.session, &Session::signedIn);
    studio.session.resume();
    QVERIFY(signedIn.count() > 0 || signedIn.wait(15000));
    const QByteArray first = studio.api.accessToken();
    QVERIFY(!first.isEmpty());

    // An access token the server refuses: the call refreshes once, silently, and succeeds.
    studio.api.setAccessToken("expired." + first.left(20));
    QSignalSpy expired(&studio.api, &ApiClient::sessionExpired);
    bool done = false;
    ApiResult answer;
    studio.api.get(QStringLiteral("/api/v1/models"), this, [&](const ApiResult& result) {
        answer = result;
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
    QVERIFY2(answer.ok(), answer.body.constData());
    QCOMPARE(answer.httpStatus, 200);
    QVERIFY(answer.json.contains(QLatin1String("models")));
    QCOMPARE(expired.count(), 0);
    QVERIFY(studio.api.accessToken() != "expired." + first.left(20));
}

void TestStudioSignIn::signOutForgetsTheSession()
{
    QVERIFY(m_settings->contains(QStringLiteral("session/refresh_token")));
    ApiClient api;
    Session session(api, *m_settings);
    EventStream events(api);
    StudioContext context{api, session, events, *m_settings};
    QSignalSpy signedIn(&session, &Session::signedIn);
    session.resume();
    QVERIFY(signedIn.count() > 0 || signedIn.wait(15000));
    MainWindow window(context);
    window.setSignInPrompts(false);
    window.resize(1200, 800);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.connectionText().contains(QStringLiteral("Connected")), 10000);
    auto* signOut = window.findChild<QAction*>(QStringLiteral("signOutAction"));
    QVERIFY(signOut && signOut->isEnabled());
    const QByteArray refreshToken = m_settings->value(QStringLiteral("session/refresh_token")).toByteArray();
    QVERIFY(!refreshToken.isEmpty());
    signOut->trigger();
    // The server ended the session too: once the sign-out call is answered, the refresh token is dead.
    QTRY_VERIFY_WITH_TIMEOUT(!api.isBusy(), 10000);
    TestHttpClient http(m_server->url());
    QCOMPARE(http.postJson(QStringLiteral("/api/v1/auth/refresh"),
                           QJsonObject{{QStringLiteral("refresh_token"), QString::fromLatin1(refreshToken)}})
                 .status,
             401);
    QVERIFY(!session.isSignedIn());
    QVERIFY(api.accessToken().isEmpty());
    QVERIFY(!session.canResume());
    QVERIFY(!m_settings->contains(QStringLiteral("session/refresh_token")));
    QCOMPARE(m_settings->value(QStringLiteral("session/login")).toString(), kLogin); // kept for next time
    QVERIFY(window.connectionText().contains(QStringLiteral("Signed out")));
    QCOMPARE(events.state(), EventStream::State::Closed);
}

QTEST_MAIN(TestStudioSignIn)
#include "tst_studio_signin.moc"
