// mmfctl's pure parts: argument parsing, settings resolution, request building and output formatting.
#include "tools/CtlCommandLine.h"
#include "tools/CtlFormat.h"
#include "tools/CtlRequests.h"
#include "tools/CtlSettings.h"
#include "tools/SessionFile.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace mmf;

class TestMmfctlArgs : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void parseErrors_data();
    void parseErrors();
    void helpFlagNeedsNothingElse();
    void helpTexts();

    void settingsPrecedence_data();
    void settingsPrecedence();
    void settingsRejectBadServer();
    void sessionFileRoundTrip();

    void submitRequest();
    void otherRequests();
    void catalogueRequests();
    void modelSettings_data();
    void modelSettings();
    void urlKeepsPrefixAndEncodes();
    void websocketUrl_data();
    void websocketUrl();
    void readBody_data();
    void readBody();
    void readBodyFromFileAndStdin();

    void errorLine_data();
    void errorLine();
    void apiError_data();
    void apiError();
    void duration_data();
    void duration();
    void timestamps();
    void table();
    void tasksTable();
    void modelsTable();
    void streamLines();
    void taskDetails();
    void jsonValues();
};

using Options = QHash<QString, QString>;

void TestMmfctlArgs::parse_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("positional");
    QTest::addColumn<Options>("options");

    QTest::newRow("submit inline") << QStringList{"submit", "echo", R"({"text":"hi"})"} << "submit"
                                   << QStringList{"echo", R"({"text":"hi"})"} << Options{};
    QTest::newRow("submit options anywhere")
        << QStringList{"--server", "http://h:9", "submit", "--wait", "5", "echo", "@req.json", "--json"}
        << "submit" << QStringList{"echo", "@req.json"}
        << Options{{"server", "http://h:9"}, {"wait", "5"}, {"json", ""}};
    QTest::newRow("submit stdin and equals form")
        << QStringList{"submit", "echo", "-", "--idempotency-key=k1", "--watch"} << "submit"
        << QStringList{"echo", "-"} << Options{{"idempotency-key", "k1"}, {"watch", ""}};
    QTest::newRow("double dash ends options")
        << QStringList{"get", "--", "--odd-id"} << "get" << QStringList{"--odd-id"} << Options{};
    QTest::newRow("list filters") << QStringList{"list",   "--model", "echo", "--status",
                                                 "failed", "--limit", "20"}
                                  << "list" << QStringList{}
                                  << Options{{"model", "echo"}, {"status", "failed"}, {"limit", "20"}};
    QTest::newRow("logs from") << QStringList{"logs", "t1", "--from", "7"} << "logs" << QStringList{"t1"}
                               << Options{{"from", "7"}};
    QTest::newRow("token issue") << QStringList{"token",      "issue", "--user", "w",         "--methods",
                                                "serve,read", "--ttl", "60",     "--project", "p"}
                                 << "token issue" << QStringList{}
                                 << Options{{"user", "w"},
                                            {"methods", "serve,read"},
                                            {"ttl", "60"},
                                            {"project", "p"}};
    QTest::newRow("token list") << QStringList{"token", "list", "--project", "p"} << "token list"
                                << QStringList{} << Options{{"project", "p"}};
    QTest::newRow("token revoke") << QStringList{"token", "revoke", "0123abcd"} << "token revoke"
                                  << QStringList{"0123abcd"} << Options{};
    QTest::newRow("models with token")
        << QStringList{"models", "--token", "abc"} << "models" << QStringList{} << Options{{"token", "abc"}};
    QTest::newRow("model instances") << QStringList{"model", "echo", "--instances"} << "model"
                                     << QStringList{"echo"} << Options{{"instances", ""}};
    QTest::newRow("dead letters paged")
        << QStringList{"dead-letters", "echo", "--limit", "5", "--before", "2026-01-01T00:00:00Z"}
        << "dead-letters" << QStringList{"echo"}
        << Options{{"limit", "5"}, {"before", "2026-01-01T00:00:00Z"}};
    QTest::newRow("replay ids") << QStringList{"replay", "echo", "t1", "t2"} << "replay"
                                << QStringList{"echo", "t1", "t2"} << Options{};
    QTest::newRow("replay all") << QStringList{"replay", "echo", "--all"} << "replay" << QStringList{"echo"}
                                << Options{{"all", ""}};
    QTest::newRow("discard") << QStringList{"discard", "echo", "t1"} << "discard" << QStringList{"echo", "t1"}
                             << Options{};
    QTest::newRow("models offline") << QStringList{"models", "--offline"} << "models" << QStringList{}
                                    << Options{{"offline", ""}};
    QTest::newRow("help topic") << QStringList{"help", "token", "issue"} << "help"
                                << QStringList{"token", "issue"} << Options{};
}

void TestMmfctlArgs::parse()
{
    QFETCH(QStringList, args);
    QFETCH(QString, command);
    QFETCH(QStringList, positional);
    QFETCH(Options, options);
    const Result<CtlInvocation> parsed = CtlCommandLine::parse(args);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(parsed->command, command);
    QCOMPARE(parsed->positional, positional);
    QCOMPARE(parsed->options, options);
    QVERIFY(!parsed->help);
}

void TestMmfctlArgs::parseErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("messagePart");
    QTest::addColumn<QString>("field");

    QTest::newRow("nothing") << QStringList{} << "no command"
                             << "";
    QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command \"frobnicate\""
                                     << "";
    QTest::newRow("token without a known word") << QStringList{"token", "mint"} << "token revoke"
                                                << "";
    QTest::newRow("token revoke without an id") << QStringList{"token", "revoke"} << "TOKEN_ID"
                                                << "";
    QTest::newRow("unknown option") << QStringList{"get", "t", "--bogus"} << "unknown option --bogus for get"
                                    << "bogus";
    QTest::newRow("option of another command")
        << QStringList{"get", "t", "--wait", "3"} << "unknown option --wait"
        << "wait";
    QTest::newRow("missing value") << QStringList{"submit", "echo", "--wait"} << "--wait needs a value"
                                   << "wait";
    QTest::newRow("wait not a number") << QStringList{"submit", "echo", "--wait", "soon"} << "--wait must be"
                                       << "wait";
    QTest::newRow("wait out of range") << QStringList{"submit", "echo", "--wait", "61"} << "0..60"
                                       << "wait";
    QTest::newRow("flag with value") << QStringList{"submit", "echo", "--watch=yes"} << "takes no value"
                                     << "watch";
    QTest::newRow("missing argument") << QStringList{"watch"} << "watch needs TASK_ID"
                                      << "";
    QTest::newRow("too many arguments") << QStringList{"get", "a", "b"} << "too many arguments"
                                        << "";
    QTest::newRow("bad status") << QStringList{"list", "--status", "done"} << "--status must be one of"
                                << "status";
    QTest::newRow("limit zero") << QStringList{"list", "--limit", "0"} << "1..1000"
                                << "limit";
    QTest::newRow("negative from") << QStringList{"logs", "t", "--from", "-1"} << "--from must be"
                                   << "from";
    QTest::newRow("token issue without user")
        << QStringList{"token", "issue", "--methods", "read"} << "--user is required"
        << "user";
    QTest::newRow("token issue bad method")
        << QStringList{"token", "issue", "--user", "u", "--methods", "read,fly"} << "unknown method \"fly\""
        << "methods";
    QTest::newRow("bad server") << QStringList{"models", "--server", "ftp://x"} << "http:// or https://"
                                << "server";
    QTest::newRow("single dash option") << QStringList{"models", "-x"} << "unknown option -x"
                                        << "-x";
    QTest::newRow("set without equals") << QStringList{"model", "echo", "--set", "owner"} << "KEY=VALUE"
                                        << "set";
    QTest::newRow("set unknown key") << QStringList{"model", "echo", "--set", "colour=red"} << "KEY=VALUE"
                                     << "set";
    QTest::newRow("set with instances")
        << QStringList{"model", "echo", "--set", "owner=x", "--instances"} << "do not go together"
        << "set";
    QTest::newRow("replay nothing") << QStringList{"replay", "echo"} << "TASK_ID... or --all"
                                    << "all";
    QTest::newRow("replay ids and all")
        << QStringList{"replay", "echo", "t1", "--all"} << "TASK_ID... or --all"
        << "all";
    QTest::newRow("discard without id") << QStringList{"discard", "echo"} << "discard needs"
                                        << "";
    QTest::newRow("help unknown topic") << QStringList{"help", "nope"} << "unknown command \"nope\""
                                        << "";
}

void TestMmfctlArgs::parseErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, messagePart);
    QFETCH(QString, field);
    const Result<CtlInvocation> parsed = CtlCommandLine::parse(args);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(parsed.error().message.contains(messagePart), qPrintable(parsed.error().message));
    QCOMPARE(parsed.error().field, field);
}

void TestMmfctlArgs::catalogueRequests()
{
    const Result<CtlInvocation> repeated =
        CtlCommandLine::parse({"model", "echo", "--set", "owner=a", "--set=tags=x,y"});
    QVERIFY(repeated.ok());
    QCOMPARE(repeated->lists.value(QStringLiteral("set")), (QStringList{"owner=a", "tags=x,y"}));

    ApiRequest request = CtlRequests::instances(QStringLiteral("echo"));
    QCOMPARE(request.method, QByteArray("GET"));
    QCOMPARE(request.path, QStringLiteral("/api/v1/models/echo/instances"));
    request = CtlRequests::patchModel(QStringLiteral("echo"), QJsonObject{{QStringLiteral("owner"), "x"}});
    QCOMPARE(request.method, QByteArray("PATCH"));
    QCOMPARE(request.path, QStringLiteral("/api/v1/models/echo"));
    QCOMPARE(request.body, QByteArray(R"({"owner":"x"})"));
    request = CtlRequests::deadLetters(QStringLiteral("echo"), 5, QStringLiteral("2026-01-01T00:00:00Z"));
    QCOMPARE(request.path, QStringLiteral("/api/v1/models/echo/dead-letters"));
    QCOMPARE(request.query.size(), 2);
    request = CtlRequests::replay(QStringLiteral("echo"), {QStringLiteral("t1")});
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QStringLiteral("/api/v1/models/echo/dead-letters:replay"));
    QCOMPARE(request.body, QByteArray(R"({"task_ids":["t1"]})"));
    QCOMPARE(CtlRequests::replay(QStringLiteral("echo"), {}).body, QByteArray(R"({"all":true})"));
    request = CtlRequests::discardDeadLetter(QStringLiteral("echo"), QStringLiteral("t1"));
    QCOMPARE(request.method, QByteArray("DELETE"));
    QCOMPARE(request.path, QStringLiteral("/api/v1/models/echo/dead-letters/t1"));
    QCOMPARE(CtlRequests::models(true).query.value(0).second, QStringLiteral("offline"));

    const QString table = CtlFormat::deadLettersTable(QJsonDocument::fromJson(
        R"({"dead_letters":[{"task_id":"t1","user_id":"alice","attempts":3,
            "error":{"code":"internal","message":"boom"},"dead_lettered_at":"2026-01-01T00:00:00.000Z"}]})"));
    QVERIFY2(table.contains(QStringLiteral("t1")) && table.contains(QStringLiteral("internal: boom")),
             qPrintable(table));
    QCOMPARE(CtlFormat::replayLines(QJsonObject{{QStringLiteral("replayed"), QJsonArray{"a"}},
                                                {QStringLiteral("not_found"), QJsonArray{"b"}}}),
             QStringLiteral("replayed a\nnot found b\n"));
}

void TestMmfctlArgs::modelSettings_data()
{
    QTest::addColumn<QStringList>("sets");
    QTest::addColumn<QByteArray>("body"); // empty: an error is expected

    QTest::newRow("text fields") << QStringList{"description=A model", "version=2", "owner=ops"}
                                 << QByteArray(R"({"description":"A model","owner":"ops","version":"2"})");
    QTest::newRow("tags") << QStringList{"tags=a, b,,c"} << QByteArray(R"({"tags":["a","b","c"]})");
    QTest::newRow("empty tags") << QStringList{"tags="} << QByteArray(R"({"tags":[]})");
    QTest::newRow("retry grouped") << QStringList{"retry.max_attempts=4", "retry.backoff_factor=1.5"}
                                   << QByteArray(R"({"retry":{"backoff_factor":1.5,"max_attempts":4}})");
    QTest::newRow("retry not a number") << QStringList{"retry.max_attempts=many"} << QByteArray();
    QTest::newRow("docs file missing") << QStringList{"docs=@/nonexistent/docs.md"} << QByteArray();
}

void TestMmfctlArgs::modelSettings()
{
    QFETCH(QStringList, sets);
    QFETCH(QByteArray, body);
    const Result<QJsonObject> built = CtlRequests::modelSettings(sets);
    if (body.isEmpty()) {
        QVERIFY(!built.ok());
        QCOMPARE(built.error().field, QStringLiteral("set"));
        return;
    }
    QVERIFY(built.ok());
    QCOMPARE(QJsonDocument(*built).toJson(QJsonDocument::Compact), body);
}

void TestMmfctlArgs::helpFlagNeedsNothingElse()
{
    // --help wins over missing arguments, so `mmfctl submit --help` shows help rather than a usage error.
    Result<CtlInvocation> parsed = CtlCommandLine::parse({"submit", "--help"});
    QVERIFY(parsed.ok());
    QVERIFY(parsed->help);
    QCOMPARE(parsed->command, QStringLiteral("submit"));
    parsed = CtlCommandLine::parse({"-h"});
    QVERIFY(parsed.ok());
    QVERIFY(parsed->help);
    QVERIFY(parsed->command.isEmpty());
}

void TestMmfctlArgs::helpTexts()
{
    const QString global = CtlCommandLine::globalHelp();
    for (const QString& command : CtlCommandLine::commands()) {
        QVERIFY2(global.contains(QStringLiteral("  ") + command), qPrintable(command));
        QVERIFY2(CtlCommandLine::commandHelp(command).startsWith(QStringLiteral("Usage: mmfctl ") + command),
                 qPrintable(command));
    }
    QVERIFY(global.contains(QStringLiteral("3 server unreachable")));
    QVERIFY(CtlCommandLine::commandHelp(QStringLiteral("submit"))
                .contains(QStringLiteral("--idempotency-key KEY")));
    QCOMPARE(CtlCommandLine::commandHelp(QStringLiteral("token")),
             CtlCommandLine::commandHelp(QStringLiteral("token issue")));
    QVERIFY(CtlCommandLine::commandHelp(QStringLiteral("nope")).isEmpty());
    // Plain ASCII: help goes to terminals and logs of any encoding.
    for (const QChar c : global + CtlCommandLine::commandHelp(QStringLiteral("submit")))
        QVERIFY(c.unicode() < 128);
}

void TestMmfctlArgs::settingsPrecedence_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<bool>("withSession");
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("token");
    QTest::addColumn<int>("source");

    using S = CtlSettings::TokenSource;
    const QStringList env{"MMF_SERVER=http://env:2", "MMF_TOKEN=envtoken"};
    QTest::newRow("defaults") << QStringList{"models"} << QStringList{} << false << "http://127.0.0.1:8080"
                              << "" << int(S::None);
    QTest::newRow("flags beat env") << QStringList{"models", "--server", "http://flag:1", "--token",
                                                   "flagtoken"}
                                    << env << true << "http://flag:1"
                                    << "flagtoken" << int(S::Flag);
    QTest::newRow("env beats session") << QStringList{"models"} << env << true << "http://env:2"
                                       << "envtoken" << int(S::Environment);
    QTest::newRow("session alone") << QStringList{"models"} << QStringList{} << true << "http://sess:3"
                                   << "sessiontoken" << int(S::Session);
    QTest::newRow("session token only for its server")
        << QStringList{"models", "--server", "http://other:4"} << QStringList{} << true << "http://other:4"
        << "" << int(S::None);
    QTest::newRow("session server with trailing slash")
        << QStringList{"models", "--server", "http://sess:3/"} << QStringList{} << true << "http://sess:3/"
        << "sessiontoken" << int(S::Session);
}

void TestMmfctlArgs::settingsPrecedence()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, env);
    QFETCH(bool, withSession);
    QFETCH(QString, server);
    QFETCH(QString, token);
    QFETCH(int, source);

    QProcessEnvironment environment;
    for (const QString& pair : env)
        environment.insert(pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1));
    std::optional<CtlSession> session;
    if (withSession)
        session = CtlSession{"http://sess:3", "ann", "sessiontoken", "refresh", "2030-01-01T00:00:00Z"};
    const Result<CtlInvocation> invocation = CtlCommandLine::parse(args);
    QVERIFY(invocation.ok());
    const Result<CtlSettings> settings = CtlSettings::resolve(*invocation, environment, session);
    QVERIFY(settings.ok());
    QCOMPARE(settings->server.toString(), server);
    QCOMPARE(settings->token, token);
    QCOMPARE(int(settings->tokenSource), source);
}

void TestMmfctlArgs::settingsRejectBadServer()
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("MMF_SERVER"), QStringLiteral("not a url"));
    const Result<CtlSettings> settings =
        CtlSettings::resolve(*CtlCommandLine::parse({"models"}), environment, {});
    QVERIFY(!settings.ok());
    QCOMPARE(settings.error().field, QStringLiteral("server"));
}

void TestMmfctlArgs::sessionFileRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("nested/mmfctl-session.json"));
    SessionFile file(path);
    const Result<CtlSession> missing = file.load();
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);

    const CtlSession session{"http://h:1", "ann", "access", "refresh", "2030-01-01T00:00:00Z"};
    QVERIFY(file.save(session).ok());
    QCOMPARE(QFileInfo(path).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                              QFileDevice::WriteGroup | QFileDevice::WriteOther),
             QFileDevice::Permissions());
    const Result<CtlSession> loaded = file.load();
    QVERIFY(loaded.ok());
    QCOMPARE(loaded->server, session.server);
    QCOMPARE(loaded->login, session.login);
    QCOMPARE(loaded->accessToken, session.accessToken);
    QCOMPARE(loaded->refreshToken, session.refreshToken);
    QCOMPARE(loaded->expiresAt, session.expiresAt);

    QFile corrupt(dir.filePath(QStringLiteral("bad.json")));
    QVERIFY(corrupt.open(QIODevice::WriteOnly));
    corrupt.write("[1,2");
    corrupt.close();
    QCOMPARE(SessionFile(corrupt.fileName()).load().error().code, ErrorCode::InvalidArgument);

    QVERIFY(file.remove().ok());
    QVERIFY(!QFile::exists(path));

    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), QStringLiteral("/home/ann"));
    QCOMPARE(SessionFile::defaultPath(env), QStringLiteral("/home/ann/.config/mmf/mmfctl-session.json"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QStringLiteral("/cfg"));
    QCOMPARE(SessionFile::defaultPath(env), QStringLiteral("/cfg/mmf/mmfctl-session.json"));
    env.insert(QStringLiteral("MMF_SESSION_FILE"), QStringLiteral("/tmp/s.json"));
    QCOMPARE(SessionFile::defaultPath(env), QStringLiteral("/tmp/s.json"));
}

void TestMmfctlArgs::submitRequest()
{
    const QUrl server(QStringLiteral("http://127.0.0.1:8080"));
    ApiRequest request = CtlRequests::submit(QStringLiteral("echo"), R"({"text":"hi"})", std::nullopt, {});
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(CtlRequests::url(server, request).toString(),
             QStringLiteral("http://127.0.0.1:8080/api/v1/models/echo/tasks"));
    QCOMPARE(request.body, QByteArray(R"({"text":"hi"})"));
    QVERIFY(request.idempotencyKey.isEmpty());
    const int plainTimeout = request.timeoutMs;

    request = CtlRequests::submit(QStringLiteral("echo"), "{}", 10, QStringLiteral("key-1"));
    QCOMPARE(CtlRequests::url(server, request).toString(),
             QStringLiteral("http://127.0.0.1:8080/api/v1/models/echo/tasks?wait=10"));
    QCOMPARE(request.idempotencyKey, QByteArray("key-1"));
    // The client must out-wait the server's hold.
    QCOMPARE(request.timeoutMs, plainTimeout + 10'000);
}

void TestMmfctlArgs::otherRequests()
{
    const QUrl server(QStringLiteral("http://h:1"));
    QCOMPARE(CtlRequests::url(server, CtlRequests::getTask(QStringLiteral("t1"))).toString(),
             QStringLiteral("http://h:1/api/v1/tasks/t1"));
    QCOMPARE(CtlRequests::getTask(QStringLiteral("t1")).method, QByteArray("GET"));

    const ApiRequest list = CtlRequests::listTasks(QStringLiteral("echo"), QStringLiteral("failed"), 5,
                                                   QStringLiteral("2024-05-01T10:00:00+02:00"));
    const QUrl listUrl = CtlRequests::url(server, list);
    QCOMPARE(listUrl.path(), QStringLiteral("/api/v1/tasks"));
    const QUrlQuery query(listUrl);
    QCOMPARE(query.queryItemValue(QStringLiteral("model")), QStringLiteral("echo"));
    QCOMPARE(query.queryItemValue(QStringLiteral("status")), QStringLiteral("failed"));
    QCOMPARE(query.queryItemValue(QStringLiteral("limit")), QStringLiteral("5"));
    // '+' must travel encoded, or a server reads it as a space.
    QVERIFY(listUrl.toEncoded().contains("before=2024-05-01T10%3A00%3A00%2B02%3A00"));
    QCOMPARE(CtlRequests::url(server, CtlRequests::listTasks({}, {}, std::nullopt, {})).toString(),
             QStringLiteral("http://h:1/api/v1/tasks"));

    const ApiRequest cancel = CtlRequests::cancelTask(QStringLiteral("t1"));
    QCOMPARE(cancel.method, QByteArray("POST"));
    QCOMPARE(CtlRequests::url(server, cancel).path(), QStringLiteral("/api/v1/tasks/t1/cancel"));

    QCOMPARE(CtlRequests::url(server, CtlRequests::taskLogs(QStringLiteral("t1"), 12)).toString(),
             QStringLiteral("http://h:1/api/v1/tasks/t1/logs?from=12"));
    QCOMPARE(CtlRequests::url(server, CtlRequests::taskLogs(QStringLiteral("t1"), std::nullopt)).toString(),
             QStringLiteral("http://h:1/api/v1/tasks/t1/logs"));

    const ApiRequest token = CtlRequests::issueToken(QStringLiteral("w"), QStringLiteral("default"),
                                                     {QStringLiteral("serve"), QStringLiteral(" read")}, 600);
    QCOMPARE(token.method, QByteArray("POST"));
    QCOMPARE(CtlRequests::url(server, token).path(), QStringLiteral("/api/v1/tokens"));
    const QJsonObject body = QJsonDocument::fromJson(token.body).object();
    QCOMPARE(body.value(QLatin1String("user")).toString(), QStringLiteral("w"));
    QCOMPARE(body.value(QLatin1String("project")).toString(), QStringLiteral("default"));
    QCOMPARE(body.value(QLatin1String("methods")).toArray(), (QJsonArray{"serve", "read"}));
    QCOMPARE(body.value(QLatin1String("ttl_s")).toInteger(), 600);

    QCOMPARE(CtlRequests::url(server, CtlRequests::models()).toString(),
             QStringLiteral("http://h:1/api/v1/models"));
}

void TestMmfctlArgs::urlKeepsPrefixAndEncodes()
{
    const QUrl server(QStringLiteral("https://proxy.example/mmf/"));
    QCOMPARE(CtlRequests::url(server, CtlRequests::getTask(QStringLiteral("a b/c"))).toEncoded(),
             QByteArray("https://proxy.example/mmf/api/v1/tasks/a%20b%2Fc"));
}

void TestMmfctlArgs::websocketUrl_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("expected");
    QTest::newRow("http") << "http://127.0.0.1:8080"
                          << "ws://127.0.0.1:8080/api/v1/ws";
    QTest::newRow("https with prefix") << "https://h/mmf/"
                                       << "wss://h/mmf/api/v1/ws";
}

void TestMmfctlArgs::websocketUrl()
{
    QFETCH(QString, server);
    QFETCH(QString, expected);
    QCOMPARE(CtlRequests::websocketUrl(QUrl(server)).toString(), expected);
}

void TestMmfctlArgs::readBody_data()
{
    QTest::addColumn<QString>("argument");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("inline") << R"({"text": "hi"})" << true << QByteArray(R"({"text": "hi"})") << "";
    QTest::newRow("default") << "" << true << QByteArray("{}") << "";
    QTest::newRow("not json") << "{text: hi}" << false << QByteArray() << "not valid JSON";
    QTest::newRow("array") << "[1]" << false << QByteArray() << "must be a JSON object";
    QTest::newRow("missing file") << "@/nonexistent/req.json" << false << QByteArray() << "cannot read";
}

void TestMmfctlArgs::readBody()
{
    QFETCH(QString, argument);
    QFETCH(bool, ok);
    QFETCH(QByteArray, body);
    QFETCH(QString, messagePart);
    const Result<QByteArray> read = CtlRequests::readBody(argument, nullptr);
    QCOMPARE(read.ok(), ok);
    if (ok)
        QCOMPARE(*read, body);
    else
        QVERIFY2(read.error().message.contains(messagePart), qPrintable(read.error().message));
}

void TestMmfctlArgs::readBodyFromFileAndStdin()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("req.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"text\": \"from file\"}\n");
    file.close();
    Result<QByteArray> read = CtlRequests::readBody(QLatin1Char('@') + file.fileName(), nullptr);
    QVERIFY(read.ok());
    QCOMPARE(*read, QByteArray(R"({"text": "from file"})"));

    QBuffer stdinBuffer;
    stdinBuffer.setData("{\"text\": \"from stdin\"}");
    QVERIFY(stdinBuffer.open(QIODevice::ReadOnly));
    read = CtlRequests::readBody(QStringLiteral("-"), &stdinBuffer);
    QVERIFY(read.ok());
    QCOMPARE(*read, QByteArray(R"({"text": "from stdin"})"));
    QVERIFY(!CtlRequests::readBody(QStringLiteral("-"), nullptr).ok());
}

void TestMmfctlArgs::errorLine_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected");
    QTest::newRow("with field") << "invalid_argument"
                                << "must be a number"
                                << "points[1].x"
                                << "error: invalid_argument: must be a number (field: points[1].x)";
    QTest::newRow("without field") << "not_found"
                                   << "no task t1"
                                   << ""
                                   << "error: not_found: no task t1";
    QTest::newRow("no code") << ""
                             << "odd"
                             << ""
                             << "error: internal: odd";
}

void TestMmfctlArgs::errorLine()
{
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QString, field);
    QFETCH(QString, expected);
    QCOMPARE(CtlFormat::errorLine({code, message, field, CtlExit::Failure}), expected);
}

void TestMmfctlArgs::apiError_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("line");
    QTest::newRow("api error")
        << 400 << QByteArray(R"({"error":{"code":"invalid_argument","message":"bad","field":"text"}})")
        << "error: invalid_argument: bad (field: text)";
    QTest::newRow("plain text 502") << 502 << QByteArray("Bad Gateway\n")
                                    << "error: unavailable: HTTP 502: Bad Gateway";
    QTest::newRow("empty 404") << 404 << QByteArray() << "error: not_found: HTTP 404";
    QTest::newRow("error without code")
        << 429 << QByteArray(R"({"error":{"message":"queue full"}})") << "error: rate_limited: queue full";
}

void TestMmfctlArgs::apiError()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, line);
    const CtlError error = CtlFormat::apiError(status, body);
    QCOMPARE(CtlFormat::errorLine(error), line);
    QCOMPARE(error.exit, CtlExit::Failure);
}

void TestMmfctlArgs::duration_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("negative") << qint64(-1) << "-";
    QTest::newRow("zero") << qint64(0) << "0ms";
    QTest::newRow("ms") << qint64(850) << "850ms";
    QTest::newRow("seconds") << qint64(12'340) << "12.3s";
    QTest::newRow("minutes") << qint64(125'000) << "2m05s";
    QTest::newRow("hours") << qint64(3'720'000) << "1h02m";
}

void TestMmfctlArgs::duration()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(CtlFormat::duration(ms), text);
}

void TestMmfctlArgs::timestamps()
{
    QCOMPARE(CtlFormat::timestamp(QStringLiteral("2024-05-01T10:00:00.123Z")),
             QStringLiteral("2024-05-01T10:00:00Z"));
    QCOMPARE(CtlFormat::timestamp(QStringLiteral("2024-05-01T12:00:00.123+02:00"), true),
             QStringLiteral("2024-05-01T10:00:00.123Z"));
    QCOMPARE(CtlFormat::timestamp(QString()), QStringLiteral("-"));
    QCOMPARE(CtlFormat::timestamp(QStringLiteral("yesterday")), QStringLiteral("yesterday"));
    QCOMPARE(CtlFormat::millisBetween(QStringLiteral("2024-05-01T10:00:00Z"),
                                      QStringLiteral("2024-05-01T10:00:01.5Z")),
             1500);
    QCOMPARE(CtlFormat::millisBetween(QString(), QStringLiteral("2024-05-01T10:00:01Z")), -1);
}

void TestMmfctlArgs::table()
{
    const QString text = CtlFormat::table({"ID", "STATUS"}, {{"t-1", "queued"}, {"task-22", ""}});
    QCOMPARE(text, QStringLiteral("ID       STATUS\n"
                                  "t-1      queued\n"
                                  "task-22  -\n"));
}

void TestMmfctlArgs::tasksTable()
{
    const QByteArray list = R"({"tasks":[
        {"task_id":"t2","model":"echo","status":"succeeded","created_at":"2024-05-01T10:00:00.5Z",
         "started_at":"2024-05-01T10:00:01Z","finished_at":"2024-05-01T10:00:01.250Z"},
        {"task_id":"t1","model":"calc","status":"queued","created_at":"2024-05-01T09:59:00Z"}]})";
    const QString expected = QStringLiteral("ID  MODEL  STATUS     CREATED               DURATION\n"
                                            "t2  echo   succeeded  2024-05-01T10:00:00Z  250ms\n"
                                            "t1  calc   queued     2024-05-01T09:59:00Z  -\n");
    QCOMPARE(CtlFormat::tasksTable(QJsonDocument::fromJson(list)), expected);
    // A bare array is accepted too, and an empty list still prints the header.
    QCOMPARE(CtlFormat::tasksTable(QJsonDocument::fromJson(R"({"tasks":[]})")),
             QStringLiteral("ID  MODEL  STATUS  CREATED  DURATION\n"));
    QVERIFY(CtlFormat::tasksTable(QJsonDocument::fromJson("[" + list.mid(10, list.size() - 11)))
                .contains("t2  echo"));
}

void TestMmfctlArgs::modelsTable()
{
    const QByteArray models = R"({"models":[{"name":"echo","project":"default","status":"live","instances":2,
        "queue_depth":0,"estimated_wait_ms":1500,"request_type":"mmf.models.EchoRequest",
        "scaling":{"mode":"static","min":1,"max":4,"desired":2,"current":2}}]})";
    const QString expected =
        QStringLiteral("NAME  PROJECT  STATUS  INSTANCES  QUEUE  WAIT  SCALING\n"
                       "echo  default  live    2          0      1.5s  static 1..4 (2/2)\n");
    QCOMPARE(CtlFormat::modelsTable(QJsonDocument::fromJson(models)), expected);
}

void TestMmfctlArgs::streamLines()
{
    const QJsonObject log{{"type", "log"},
                          {"seq", 3},
                          {"ts", "2024-05-01T10:00:00.042Z"},
                          {"level", "warning"},
                          {"text", "disk almost full"}};
    QCOMPARE(CtlFormat::logLine(log), QStringLiteral("[2024-05-01T10:00:00.042Z] WARNING disk almost full"));
    QCOMPARE(CtlFormat::progressLine({{"fraction", 0.425}, {"text", "step 17/40"}}),
             QStringLiteral("progress: 43% step 17/40"));
    QCOMPARE(CtlFormat::progressLine({{"fraction", 1.7}}), QStringLiteral("progress: 100%"));
    QCOMPARE(CtlFormat::statusLine({{"status", "running"}, {"attempts", 2}}),
             QStringLiteral("status: running (attempt 2)"));
    QCOMPARE(CtlFormat::statusLine({{"status", "queued"}, {"attempts", 0}}),
             QStringLiteral("status: queued"));
    QVERIFY(CtlFormat::isFinalStatus(QStringLiteral("dead_lettered")));
    QVERIFY(!CtlFormat::isFinalStatus(QStringLiteral("running")));
}

void TestMmfctlArgs::taskDetails()
{
    const QJsonObject task =
        QJsonDocument::fromJson(R"({"task_id":"t1","model":"echo","status":"failed","attempts":3,
        "created_at":"2024-05-01T10:00:00Z","started_at":"2024-05-01T10:00:01Z","finished_at":"2024-05-01T10:00:03Z",
        "error":{"code":"division_by_zero","message":"1/0"},"result":null})")
            .object();
    const QString text = CtlFormat::taskDetails(task);
    QVERIFY2(text.startsWith(
                 QStringLiteral("task_id:     t1\nmodel:       echo\nstatus:      failed\nattempts:    3\n")),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("duration:    2.0s\n")));
    QVERIFY(text.contains(QStringLiteral("error:       division_by_zero: 1/0\n")));
    QVERIFY(!text.contains(QStringLiteral("result:")));
    QVERIFY(!text.contains(QStringLiteral("parent_task_id")));

    const QJsonObject done{
        {"task_id", "t2"}, {"status", "succeeded"}, {"result", QJsonObject{{"text", "hi"}}}};
    QVERIFY(CtlFormat::taskDetails(done).endsWith(QStringLiteral("result:\n{\n    \"text\": \"hi\"\n}\n")));
}

void TestMmfctlArgs::jsonValues()
{
    QCOMPARE(CtlFormat::json(QJsonObject{{"a", 1}}), QStringLiteral("{\n    \"a\": 1\n}"));
    QCOMPARE(CtlFormat::json(QJsonValue(QStringLiteral("plain"))), QStringLiteral("plain"));
    QCOMPARE(CtlFormat::json(QJsonValue(42)), QStringLiteral("42"));
    QCOMPARE(CtlFormat::json(QJsonValue(true)), QStringLiteral("true"));
    const CtlError error =
        CtlFormat::taskError(QJsonObject{{"code", "payload_lost"}, {"message", "trimmed"}});
    QCOMPARE(CtlFormat::errorLine(error), QStringLiteral("error: payload_lost: trimmed"));
}

QTEST_GUILESS_MAIN(TestMmfctlArgs)
#include "tst_mmfctl_args.moc"
