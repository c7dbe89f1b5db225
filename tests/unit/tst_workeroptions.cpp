// mmf-worker's command line as a pure function: required options, env fallbacks, --option parsing, and bad
// values refused with a message naming the option.
#include "worker/WorkerOptions.h"

#include <QtTest>

using namespace mmf;

namespace {

QStringList argv(const QStringList& args)
{
    return QStringList{QStringLiteral("mmf-worker")} + args;
}

const QStringList kRequired = {QStringLiteral("--model"),  QStringLiteral("echo"),
                               QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:8080"),
                               QStringLiteral("--token"),  QStringLiteral("tok.sig")};

} // namespace

class TestWorkerOptions : public QObject
{
    Q_OBJECT
private slots:
    void defaults()
    {
        const auto options = WorkerOptions::parse(argv(kRequired), {});
        QVERIFY2(options.ok(), qPrintable(options.ok() ? QString() : options.error().message));
        QCOMPARE(options->model, QStringLiteral("echo"));
        QCOMPARE(options->name, QStringLiteral("echo")); // --name defaults to --model
        QCOMPARE(options->server, QUrl(QStringLiteral("http://127.0.0.1:8080")));
        QCOMPARE(options->token, QByteArray("tok.sig"));
        QCOMPARE(options->concurrency, 1);
        QCOMPARE(options->listenAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(options->listenPort, quint16(0));
        QVERIFY(options->modelOptions.isEmpty());
        QCOMPARE(options->drainTimeoutSecs, 30.0);
        QVERIFY(!options->describe);
        QVERIFY(!options->help);
    }

    void everything()
    {
        const auto options = WorkerOptions::parse(
            argv(kRequired + QStringList{"--name", "echo2", "--concurrency=8", "--listen", "[::1]:9100",
                                         "--option", "add_ms=5", "--option=mul_ms=7", "--option", "note=a=b",
                                         "--drain-timeout", "2.5", "--advertise-host", "worker-1.local"}),
            {});
        QVERIFY2(options.ok(), qPrintable(options.ok() ? QString() : options.error().message));
        QCOMPARE(options->name, QStringLiteral("echo2"));
        QCOMPARE(options->concurrency, 8);
        QCOMPARE(options->listenAddress, QHostAddress(QStringLiteral("::1")));
        QCOMPARE(options->listenPort, quint16(9100));
        QCOMPARE(options->modelOptions.size(), 3);
        QCOMPARE(options->modelOptions.value("add_ms"), QStringLiteral("5"));
        QCOMPARE(options->modelOptions.value("mul_ms"), QStringLiteral("7"));
        QCOMPARE(options->modelOptions.value("note"), QStringLiteral("a=b")); // only the first '=' splits
        QCOMPARE(options->drainTimeoutSecs, 2.5);
        QCOMPARE(options->advertiseHost, QStringLiteral("worker-1.local"));
    }

    void serverUrlKeepsBasePathWithoutSlash()
    {
        const auto options = WorkerOptions::parse(
            argv({"--model", "echo", "--server", "https://mmf.example.org/base/", "--token", "t"}), {});
        QVERIFY(options.ok());
        QCOMPARE(options->server.toString(), QStringLiteral("https://mmf.example.org/base"));
    }

    void environmentFallbacks()
    {
        const QHash<QString, QString> env = {{"MMF_SERVER", "http://10.0.0.5:8080"},
                                             {"MMF_TOKEN", " envtok \n"}};
        auto options = WorkerOptions::parse(argv({"--model", "calc"}), env);
        QVERIFY2(options.ok(), qPrintable(options.ok() ? QString() : options.error().message));
        QCOMPARE(options->server, QUrl(QStringLiteral("http://10.0.0.5:8080")));
        QCOMPARE(options->token, QByteArray("envtok"));
        QVERIFY(options->warnings.isEmpty()); // nothing on the command line to warn about

        // The command line beats the environment; --token still works but warns that `ps` shows it.
        options = WorkerOptions::parse(argv(kRequired), env);
        QVERIFY(options.ok());
        QCOMPARE(options->server, QUrl(QStringLiteral("http://127.0.0.1:8080")));
        QCOMPARE(options->token, QByteArray("tok.sig"));
        QCOMPARE(options->warnings.size(), 1);
        QVERIFY(options->warnings.first().contains(QStringLiteral("ps")));
        QVERIFY(options->warnings.first().contains(QStringLiteral("MMF_TOKEN")));
    }

    void tokenFromAFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("echo.token"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("file.tok\n");
        file.close();
        const auto options =
            WorkerOptions::parse(argv({"--model", "echo", "--server", "http://h:1", "--token-file", path}),
                                 {{QStringLiteral("MMF_TOKEN"), QStringLiteral("envtok")}});
        QVERIFY2(options.ok(), qPrintable(options.ok() ? QString() : options.error().message));
        QCOMPARE(options->token, QByteArray("file.tok")); // the file beats the environment, newline trimmed

        QFile empty(dir.filePath(QStringLiteral("empty.token")));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        const auto refusedEmpty = WorkerOptions::parse(
            argv({"--model", "echo", "--server", "http://h:1", "--token-file", empty.fileName()}), {});
        QVERIFY(!refusedEmpty.ok());
        QCOMPARE(refusedEmpty.error().field, QStringLiteral("--token-file"));
        QVERIFY(refusedEmpty.error().message.contains(QStringLiteral("holds no token")));

        const auto missing = WorkerOptions::parse(
            argv({"--model", "echo", "--server", "http://h:1", "--token-file", dir.filePath("nope")}), {});
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().field, QStringLiteral("--token-file"));
        QVERIFY2(missing.error().message.contains(QStringLiteral("cannot read")),
                 qPrintable(missing.error().message));

        const auto both = WorkerOptions::parse(argv(kRequired + QStringList{"--token-file", path}), {});
        QVERIFY(!both.ok());
        QVERIFY(both.error().message.contains(QStringLiteral("not both")));
        const auto fileThenToken =
            WorkerOptions::parse(argv(QStringList{"--token-file", path} + kRequired), {});
        QVERIFY(!fileThenToken.ok());
        QCOMPARE(fileThenToken.error().field, QStringLiteral("--token"));
        // A repeated --token still means the last one, as before.
        const auto twice = WorkerOptions::parse(argv(kRequired + QStringList{"--token", "second"}), {});
        QVERIFY(twice.ok());
        QCOMPARE(twice->token, QByteArray("second"));
    }

    void describeNeedsOnlyTheModel()
    {
        const auto options =
            WorkerOptions::parse(argv({"--describe", "--model", "arith", "--name", "arith2"}), {});
        QVERIFY2(options.ok(), qPrintable(options.ok() ? QString() : options.error().message));
        QVERIFY(options->describe);
        QCOMPARE(options->model, QStringLiteral("arith"));
        QCOMPARE(options->name, QStringLiteral("arith2"));
    }

    void help()
    {
        const auto options = WorkerOptions::parse(argv({"--help"}), {});
        QVERIFY(options.ok());
        QVERIFY(options->help);
        QVERIFY(WorkerOptions::usage().contains(QStringLiteral("--model NAME")));
    }

    void execModel()
    {
        QTemporaryFile tokenFile;
        QVERIFY(tokenFile.open());
        tokenFile.write("tok.from.file\n");
        tokenFile.close();
        const auto options =
            WorkerOptions::parse(argv({"--model",
                                       "iris",
                                       "--server",
                                       "http://127.0.0.1:8080",
                                       "--token-file",
                                       tokenFile.fileName(),
                                       "--exec",
                                       "python3 iris_model.py",
                                       "--proto",
                                       "iris.proto",
                                       "--proto-path",
                                       "a",
                                       "--proto-path",
                                       "b",
                                       "--request",
                                       "p.Req",
                                       "--response",
                                       "p.Res",
                                       "--cancel-grace",
                                       "2.5",
                                       "--concurrency",
                                       "3",
                                       "--tasks-per-process",
                                       "4"}),
                                 {{QStringLiteral("MMF_TOKEN"), QStringLiteral("from.env")}});
        QVERIFY2(options.ok(), qPrintable(options.ok() ? QString() : options.error().message));
        QVERIFY(options->isExec());
        QCOMPARE(options->token, QByteArray("tok.from.file"));
        QCOMPARE(options->execCommand, QStringLiteral("python3 iris_model.py"));
        QCOMPARE(options->protoPaths, (QStringList{"a", "b"}));
        QCOMPARE(options->requestType, QStringLiteral("p.Req"));
        QCOMPARE(options->cancelGraceSecs, 2.5);
        QCOMPARE(options->taskTimeoutSecs, 0.0);
        QCOMPARE(options->tasksPerProcess, 4);

        const auto perTask = WorkerOptions::parse(
            argv(kRequired + QStringList{"--exec-per-task", "./run", "--proto", "m.proto", "--request",
                                         "p.Req", "--response", "p.Res"}),
            {});
        QVERIFY(perTask.ok());
        QCOMPARE(perTask->taskTimeoutSecs, 600.0); // scripts get a time limit unless told otherwise
        QCOMPARE(perTask->tasksPerProcess, 1);
    }

    void refused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("mentions");

        const QStringList noModel = {"--server", "http://h:1", "--token", "t"};
        QTest::newRow("model missing") << noModel << "--model"
                                       << "is required";
        QTest::newRow("server missing") << QStringList{"--model", "echo", "--token", "t"} << "--server"
                                        << "MMF_SERVER";
        QTest::newRow("token missing")
            << QStringList{"--model", "echo", "--server", "http://h:1"} << "--token"
            << "MMF_TOKEN";
        QTest::newRow("value missing") << QStringList{"--model"} << "--model"
                                       << "needs a value";
        QTest::newRow("unknown option") << (kRequired + QStringList{"--colour", "red"}) << "--colour"
                                        << "unknown option";
        QTest::newRow("positional") << (kRequired + QStringList{"extra"}) << ""
                                    << "unexpected argument 'extra'";
        QTest::newRow("bad model name") << QStringList{"--model", "Echo!", "--describe"} << "--model"
                                        << "not a model name";
        QTest::newRow("bad --name") << (kRequired + QStringList{"--name", "9lives"}) << "--name"
                                    << "not a model name";
        QTest::newRow("server not a url")
            << QStringList{"--model", "echo", "--server", "nope", "--token", "t"} << "--server"
            << "expected a URL";
        QTest::newRow("server ftp") << QStringList{"--model", "echo", "--server", "ftp://h/", "--token", "t"}
                                    << "--server"
                                    << "http://";
        QTest::newRow("server with credentials")
            << QStringList{"--model", "echo", "--server", "http://u:p@h:1", "--token", "t"} << "--server"
            << "credentials";
        QTest::newRow("empty token") << QStringList{"--model",    "echo",    "--server",
                                                    "http://h:1", "--token", " "}
                                     << "--token"
                                     << "must not be empty";
        QTest::newRow("concurrency zero")
            << (kRequired + QStringList{"--concurrency", "0"}) << "--concurrency"
            << "from 1 to 1024";
        QTest::newRow("concurrency text")
            << (kRequired + QStringList{"--concurrency", "many"}) << "--concurrency"
            << "got 'many'";
        QTest::newRow("concurrency huge")
            << (kRequired + QStringList{"--concurrency", "5000"}) << "--concurrency"
            << "from 1 to 1024";
        QTest::newRow("listen no port") << (kRequired + QStringList{"--listen", "127.0.0.1"}) << "--listen"
                                        << "ADDR:PORT";
        QTest::newRow("listen bad port")
            << (kRequired + QStringList{"--listen", "127.0.0.1:70000"}) << "--listen"
            << "0 to 65535";
        QTest::newRow("listen host name")
            << (kRequired + QStringList{"--listen", "example.org:80"}) << "--listen"
            << "not an IP address";
        QTest::newRow("listen v6 without brackets")
            << (kRequired + QStringList{"--listen", "::1:80"}) << "--listen"
            << "ADDR:PORT";
        QTest::newRow("option without =") << (kRequired + QStringList{"--option", "add_ms"}) << "--option"
                                          << "key=value";
        QTest::newRow("option empty key") << (kRequired + QStringList{"--option", "=5"}) << "--option"
                                          << "key=value";
        QTest::newRow("option twice")
            << (kRequired + QStringList{"--option", "a=1", "--option", "a=2"}) << "--option"
            << "given twice";
        QTest::newRow("drain negative")
            << (kRequired + QStringList{"--drain-timeout", "-1"}) << "--drain-timeout"
            << "seconds";
        QTest::newRow("drain text") << (kRequired + QStringList{"--drain-timeout", "soon"})
                                    << "--drain-timeout"
                                    << "got 'soon'";
        QTest::newRow("flag with value") << (kRequired + QStringList{"--describe=yes"}) << "--describe"
                                         << "takes no value";
        const QStringList exec = kRequired + QStringList{"--exec",    "python3 m.py", "--proto",    "m.proto",
                                                         "--request", "p.Req",        "--response", "p.Res"};
        QTest::newRow("exec without proto") << (kRequired + QStringList{"--exec", "python3 m.py", "--request",
                                                                        "p.Req", "--response", "p.Res"})
                                            << "--proto"
                                            << "is required with --exec";
        QTest::newRow("exec without response")
            << (kRequired + QStringList{"--exec", "x", "--proto", "m.proto", "--request", "p.Req"})
            << "--response"
            << "is required";
        QTest::newRow("exec and per-task")
            << (exec + QStringList{"--exec-per-task", "y"}) << "--exec-per-task"
            << "one of them";
        QTest::newRow("empty exec") << (kRequired + QStringList{"--exec", " "}) << "--exec"
                                    << "must not be empty";
        QTest::newRow("proto without exec") << (kRequired + QStringList{"--proto", "m.proto"}) << "--proto"
                                            << "only with --exec";
        QTest::newRow("exec with --option") << (exec + QStringList{"--option", "a=1"}) << "--option"
                                            << "built-in";
        QTest::newRow("tasks per process zero")
            << (exec + QStringList{"--tasks-per-process", "0"}) << "--tasks-per-process"
            << "from 1 to 256";
        QTest::newRow("tasks per process too many")
            << (exec + QStringList{"--tasks-per-process", "257"}) << "--tasks-per-process"
            << "got '257'";
        QTest::newRow("tasks per process per task")
            << (kRequired + QStringList{"--exec-per-task", "./run", "--proto", "m.proto", "--request",
                                        "p.Req", "--response", "p.Res", "--tasks-per-process", "2"})
            << "--tasks-per-process"
            << "only with --exec (";
        QTest::newRow("tasks per process built-in")
            << (kRequired + QStringList{"--tasks-per-process", "2"}) << "--tasks-per-process"
            << "only with --exec or";
        QTest::newRow("negative grace") << (exec + QStringList{"--cancel-grace", "-1"}) << "--cancel-grace"
                                        << "seconds";
        QTest::newRow("token file missing")
            << QStringList{"--model", "echo", "--server", "http://h:1", "--token-file", "/nonexistent/token"}
            << "--token-file"
            << "cannot read";
        QTest::newRow("token and token file")
            << (kRequired + QStringList{"--token-file", "/nonexistent/token"}) << "--token-file"
            << "not both";
        QTest::newRow("bad env server") << QStringList{"--model", "echo", "--token", "t"} << "MMF_SERVER"
                                        << "expected a URL";
    }

    void refused()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, field);
        QFETCH(QString, mentions);
        QHash<QString, QString> env;
        if (QByteArray(QTest::currentDataTag()) == "bad env server")
            env.insert(QStringLiteral("MMF_SERVER"), QStringLiteral("not a url"));
        const auto options = WorkerOptions::parse(argv(args), env);
        QVERIFY(!options.ok());
        QCOMPARE(options.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(options.error().field, field);
        QVERIFY2(options.error().message.contains(mentions), qPrintable(options.error().message));
    }
};

QTEST_GUILESS_MAIN(TestWorkerOptions)
#include "tst_workeroptions.moc"
