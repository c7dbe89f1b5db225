// The request on screen as shell commands (curl, mmfctl) and the last requests kept per user and model.
#include "core/RecentRequests.h"
#include "core/RequestCommands.h"

#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace mmf::studio;

class TestStudioRequestCommands : public QObject
{
    Q_OBJECT

private slots:
    void shellQuote_data();
    void shellQuote();
    void commands();
    void recentRequests();
};

void TestStudioRequestCommands::shellQuote_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("plain") << "echo";
    QTest::newRow("JSON") << R"({"text": "a b", "n": 1})";
    QTest::newRow("quote inside") << "it's";
    QTest::newRow("shell syntax") << "$(rm -rf /); `x` \\ \" ;|&";
    QTest::newRow("empty") << "";
}

// The quoted word, read back by a real shell, is the text exactly.
void TestStudioRequestCommands::shellQuote()
{
    QFETCH(QString, text);
    QProcess shell;
    shell.start(QStringLiteral("/bin/sh"),
                {QStringLiteral("-c"), QStringLiteral("printf %s ") + RequestCommands::shellQuote(text)});
    QVERIFY(shell.waitForFinished(10000));
    QCOMPARE(QString::fromUtf8(shell.readAllStandardOutput()), text);
}

void TestStudioRequestCommands::commands()
{
    const QUrl server(QStringLiteral("http://127.0.0.1:8080"));
    const QByteArray json = R"({"text":"it's"})";
    const QString curl = RequestCommands::curl(server, QStringLiteral("echo"), json);
    QVERIFY(
        curl.startsWith(QStringLiteral("curl -sS -X POST 'http://127.0.0.1:8080/api/v1/models/echo/tasks'")));
    QVERIFY(curl.contains(QStringLiteral("\"Authorization: Bearer $MMF_TOKEN\"")));
    QVERIFY(curl.contains(RequestCommands::shellQuote(QString::fromUtf8(json))));
    QCOMPARE(RequestCommands::mmfctl(server, QStringLiteral("echo"), json),
             QStringLiteral("mmfctl --server 'http://127.0.0.1:8080' submit 'echo' ") +
                 RequestCommands::shellQuote(QString::fromUtf8(json)) + QStringLiteral(" --watch"));
}

void TestStudioRequestCommands::recentRequests()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    RecentRequests recent(settings, 3);
    const QDateTime t0 = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000, Qt::UTC);
    for (int i = 0; i < 5; ++i)
        recent.add(QStringLiteral("alice"), QStringLiteral("echo"), {{QStringLiteral("n"), i}},
                   t0.addSecs(i));
    QList<RecentRequests::Entry> kept = recent.of(QStringLiteral("alice"), QStringLiteral("echo"));
    QCOMPARE(kept.size(), 3);                                            // bounded
    QCOMPARE(kept.first().request.value(QLatin1String("n")).toInt(), 4); // newest first
    QCOMPARE(kept.first().sentAt, t0.addSecs(4));
    // The same request again moves to the top instead of being listed twice.
    recent.add(QStringLiteral("alice"), QStringLiteral("echo"), {{QStringLiteral("n"), 2}}, t0.addSecs(9));
    kept = recent.of(QStringLiteral("alice"), QStringLiteral("echo"));
    QCOMPARE(kept.size(), 3);
    QCOMPARE(kept.first().request.value(QLatin1String("n")).toInt(), 2);
    QCOMPARE(kept.at(1).request.value(QLatin1String("n")).toInt(), 4);
    // Another user and another model see nothing of it; a new settings object reads it back.
    QVERIFY(recent.of(QStringLiteral("bob"), QStringLiteral("echo")).isEmpty());
    QVERIFY(recent.of(QStringLiteral("alice"), QStringLiteral("calc")).isEmpty());
    settings.sync();
    QSettings again(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    QCOMPARE(RecentRequests(again).of(QStringLiteral("alice"), QStringLiteral("echo")).size(), 3);
}

QTEST_GUILESS_MAIN(TestStudioRequestCommands)
#include "tst_studio_requestcommands.moc"
