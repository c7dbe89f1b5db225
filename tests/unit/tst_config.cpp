// Configuration: the settings table, each source, precedence, value parsing and the error messages.
#include "config/ConfigLoader.h"
#include "config/IniFile.h"
#include "config/Setting.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace mmf;

using StringMap = QMap<QString, QString>;

namespace {

QProcessEnvironment makeEnv(const StringMap& vars)
{
    QProcessEnvironment env; // empty, never the real one
    for (auto it = vars.cbegin(); it != vars.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

const Setting* settingByOption(const QString& option)
{
    for (const Setting& s : Setting::all()) {
        if (s.option == option)
            return &s;
    }
    return nullptr;
}

// A sample non-default value for every setting: input, and its canonical form (valueText) once parsed.
const QMap<QString, QPair<QString, QString>>& samples()
{
    static const QMap<QString, QPair<QString, QString>> map{
        {"data-dir", {"/var/lib/mmf", "/var/lib/mmf"}},
        {"listen", {"0.0.0.0:9090", "0.0.0.0:9090"}},
        {"metrics-listen", {"127.0.0.1:9100", "127.0.0.1:9100"}},
        {"redis", {"redis://mmf:pw@10.0.0.5:6380/2", "redis://mmf:pw@10.0.0.5:6380/2"}},
        {"appendfsync", {"always", "always"}},
        {"aof-rewrite-percentage", {"200", "200"}},
        {"ping-interval", {"2.5", "2.5"}},
        {"registry-allowed-hosts",
         {"10.0.0.0/8, Worker-1.Internal,192.168.1.7", "10.0.0.0/8,worker-1.internal,192.168.1.7"}},
        {"trusted-proxies", {"127.0.0.1, 10.0.0.0/8,::1", "127.0.0.1,10.0.0.0/8,::1"}},
        {"max-body-bytes", {"1048576", "1048576"}},
        {"max-request-line", {"4096", "4096"}},
        {"max-header-bytes", {"4096", "4096"}},
        {"max-headers-total", {"32768", "32768"}},
        {"max-header-count", {"50", "50"}},
        {"header-timeout", {"1.5", "1.5"}},
        {"idle-timeout", {"5", "5"}},
        {"body-timeout", {"30", "30"}},
        {"max-connections", {"100", "100"}},
        {"max-connections-per-address", {"8", "8"}},
        {"ws-max-message-bytes", {"65536", "65536"}},
        {"ws-max-send-buffer-bytes", {"1048576", "1048576"}},
        {"ws-ping-interval", {"0.5", "0.5"}},
        {"ws-max-connections", {"100", "100"}},
        {"ws-max-per-user", {"4", "4"}},
        {"ws-idle-timeout", {"2.5", "2.5"}},
        {"ws-access-recheck", {"0.5", "0.5"}},
        {"queue-limit", {"42", "42"}},
        {"retention", {"3600", "3600"}},
        {"claim-timeout-ms", {"5000", "5000"}},
        {"max-attempts", {"7", "7"}},
        {"backoff-initial-ms", {"250", "250"}},
        {"backoff-factor", {"1.5", "1.5"}},
        {"backoff-max-ms", {"60000", "60000"}},
        {"pool", {"cpu=3,gpu=2", "cpu=3,gpu=2"}},
        {"scaler-tasks-per-replica", {"4", "4"}},
        {"scaler-cooldown", {"2.5", "2.5"}},
        {"scaler-interval", {"0.2", "0.2"}},
        {"worker-program", {"/opt/mmf/mmf-worker", "/opt/mmf/mmf-worker"}},
        {"scaling", {"echo=mode:dynamic max:3 cpu:1", "echo=mode:dynamic max:3 cpu:1"}},
        {"access-ttl", {"60", "60"}},
        {"refresh-ttl", {"86400", "86400"}},
        {"default-project", {"research", "research"}},
        {"default-methods", {"read, serve", "read,serve"}},
        {"max-failures-per-login", {"3", "3"}},
        {"max-failures-per-address", {"7", "7"}},
        {"failure-window", {"90", "90"}},
        {"max-failures-per-login-total", {"40", "40"}},
        {"max-registrations-per-address", {"4", "4"}},
        {"registration-window", {"600", "600"}},
        {"log-level", {"debug", "debug"}},
    };
    return map;
}

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString writeIni(const QString& text, const QString& name = QStringLiteral("mmf.ini"))
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        f.write(text.toUtf8());
        return path;
    }

    static Result<LoadedConfig> load(const QStringList& args, const StringMap& env = {},
                                     const QList<CommandLineOption>& extra = {})
    {
        return ConfigLoader(extra).load(args, makeEnv(env));
    }

    static QString errorOf(const Result<LoadedConfig>& r)
    {
        return r.ok() ? QStringLiteral("<ok>") : r.error().message;
    }

    // INI lines for a sample: a section setting takes NAME = N lines.
    static QString iniFor(const Setting& s, const QString& value)
    {
        QString text = QStringLiteral("; sample\n[%1]\n").arg(s.section);
        if (s.isSection()) {
            for (const QString& part : value.split(QLatin1Char(','))) {
                const auto kv = part.split(QLatin1Char('='));
                text += kv[0] + QStringLiteral(" = ") + kv[1] + QLatin1Char('\n');
            }
        } else {
            text += s.key + QStringLiteral(" = ") + value + QLatin1Char('\n');
        }
        return text;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void defaults()
    {
        const ServerConfig c;
        QCOMPARE(c.dataDir, QString());
        QCOMPARE(c.listen.toString(), QStringLiteral("127.0.0.1:8080"));
        QVERIFY(c.metricsListen.isEmpty());
        QCOMPARE(c.redisUrl, QString());
        QCOMPARE(c.redisAppendfsync, QStringLiteral("everysec"));
        QCOMPARE(c.pingIntervalMs, 10000);
        QCOMPARE(c.maxBodyBytes, 16 * 1024 * 1024);
        QCOMPARE(c.maxRequestLine, 8192);
        QCOMPARE(c.maxHeaderBytes, 8192);
        QCOMPARE(c.maxHeadersTotal, 16384);
        QCOMPARE(c.maxHeaderCount, 100);
        QCOMPARE(c.headerTimeoutMs, 10000);
        QCOMPARE(c.idleTimeoutMs, 60000);
        QCOMPARE(c.bodyTimeoutMs, 300000);
        QCOMPARE(c.maxConnections, 10000);
        QCOMPARE(c.maxConnectionsPerAddress, 256);
        QCOMPARE(c.wsMaxMessageBytes, 1024 * 1024);
        QCOMPARE(c.wsMaxSendBufferBytes, 8 * 1024 * 1024);
        QCOMPARE(c.wsMaxConnections, 4096);
        QCOMPARE(c.wsMaxPerUser, 32);
        QCOMPARE(c.wsIdleTimeoutMs, 300000);
        QCOMPARE(c.wsAccessRecheckMs, 10000);
        QCOMPARE(c.queueLimit, 100000);
        QCOMPARE(c.retentionMs, 86400LL * 1000);
        QCOMPARE(c.claimTimeoutMs, 30000);
        QCOMPARE(c.maxAttempts, 3);
        QCOMPARE(c.backoffInitialMs, 1000);
        QCOMPARE(c.backoffFactor, 2.0);
        QCOMPARE(c.backoffMaxMs, 30000);
        QCOMPARE(c.pool, (QMap<QString, qint64>{{"cpu", qMax(1, QThread::idealThreadCount())}}));
        QCOMPARE(c.accessTtlMs, 900LL * 1000);
        QCOMPARE(c.refreshTtlMs, 30LL * 86400 * 1000);
        QCOMPARE(c.defaultProject, QStringLiteral("default"));
        QCOMPARE(c.defaultMethods, (QStringList{"score", "read"}));
        QCOMPARE(c.logLevel, QtInfoMsg);

        const auto r = load({});
        QVERIFY(r.ok());
        QVERIFY(r->config == ServerConfig());
        QVERIFY(r->positional.isEmpty());
        QVERIFY(r->configFile.isEmpty());
    }

    // The documented default of every row is what ServerConfig holds, in the syntax the parser accepts.
    void tableDefaultsMatchStruct()
    {
        QSet<QString> options, envs, inis;
        for (const Setting& s : Setting::all()) {
            QVERIFY2(!options.contains(s.option), qPrintable(s.option));
            QVERIFY2(!envs.contains(s.envName()), qPrintable(s.envName()));
            QVERIFY2(!inis.contains(s.iniName()), qPrintable(s.iniName()));
            options << s.option;
            envs << s.envName();
            inis << s.iniName();
            QVERIFY(s.apply && s.valueText);
            QVERIFY(!s.title.isEmpty() && !s.meaning.isEmpty() && !s.valueName.isEmpty());
            if (s.machineDefault)
                continue;
            const ServerConfig defaults;
            QCOMPARE(s.valueText(defaults), s.defaultText);
            ServerConfig reapplied;
            QCOMPARE(s.apply(reapplied, s.defaultText, QDir::rootPath()), QString());
            QVERIFY2(reapplied == defaults, qPrintable(s.optionName()));
        }
    }

    // Each setting, from each of the three sources.
    void eachSettingEachSource_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("source");
        for (const Setting& s : Setting::all()) {
            QVERIFY2(samples().contains(s.option), qPrintable("no sample for " + s.optionName()));
            for (const char* source : {"cli", "cli=", "env", "ini"})
                QTest::addRow("%s %s", qPrintable(s.optionName()), source)
                    << s.option << QString::fromLatin1(source);
        }
    }
    void eachSettingEachSource()
    {
        QFETCH(QString, option);
        QFETCH(QString, source);
        const Setting* s = settingByOption(option);
        QVERIFY(s);
        const auto [input, expected] = samples().value(option);
        QVERIFY(s->valueText(ServerConfig()) != expected);

        Result<LoadedConfig> r = Error::internal("unset");
        if (source == "cli") {
            r = load({s->optionName(), input});
        } else if (source == "cli=") {
            r = load({s->optionName() + "=" + input});
        } else if (source == "env") {
            StringMap env;
            if (s->isSection()) {
                for (const QString& part : input.split(','))
                    env.insert(s->envPrefix() + part.section('=', 0, 0).toUpper(), part.section('=', 1));
            } else {
                env.insert(s->envName(), input);
            }
            r = load({}, env);
        } else {
            r = load({"--config", writeIni(iniFor(*s, input))});
        }
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE(s->valueText(r->config), expected);
    }

    void precedence_data()
    {
        QTest::addColumn<QString>("cli");
        QTest::addColumn<QString>("env");
        QTest::addColumn<QString>("ini");
        QTest::addColumn<int>("expected");
        QTest::newRow("default") << ""
                                 << ""
                                 << "" << 100000;
        QTest::newRow("ini") << ""
                             << ""
                             << "3" << 3;
        QTest::newRow("env") << ""
                             << "2"
                             << "" << 2;
        QTest::newRow("cli") << "1"
                             << ""
                             << "" << 1;
        QTest::newRow("env beats ini") << ""
                                       << "2"
                                       << "3" << 2;
        QTest::newRow("cli beats ini") << "1"
                                       << ""
                                       << "3" << 1;
        QTest::newRow("cli beats env") << "1"
                                       << "2"
                                       << "" << 1;
        QTest::newRow("cli beats env and ini") << "1"
                                               << "2"
                                               << "3" << 1;
    }
    void precedence()
    {
        QFETCH(QString, cli);
        QFETCH(QString, env);
        QFETCH(QString, ini);
        QFETCH(int, expected);
        QStringList args;
        StringMap vars;
        if (!cli.isEmpty())
            args << "--queue-limit" << cli;
        if (!env.isEmpty())
            vars.insert("MMF_TASKS_QUEUE_LIMIT", env);
        if (!ini.isEmpty())
            vars.insert("MMF_CONFIG", writeIni("[tasks]\nqueue_limit = " + ini + "\n"));
        const auto r = load(args, vars);
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE(r->config.queueLimit, expected);
        // Other settings are untouched by any of it.
        QCOMPARE(r->config.maxAttempts, 3);
    }

    void configFileSource()
    {
        const QString a = writeIni("[server]\nlisten = 127.0.0.1:1111\n", "a.ini");
        const QString b = writeIni("[server]\nlisten = 127.0.0.1:2222\n", "b.ini");
        auto r = load({"--config", a}, {{"MMF_CONFIG", b}});
        QVERIFY(r.ok());
        QCOMPARE(r->config.listen.port, 1111); // --config beats MMF_CONFIG
        QCOMPARE(r->configFile, a);
        r = load({}, {{"MMF_CONFIG", b}});
        QVERIFY(r.ok());
        QCOMPARE(r->config.listen.port, 2222);
    }

    void emptyEnvironmentCountsAsUnset()
    {
        const auto r =
            load({}, {{"MMF_SERVER_LISTEN", ""}, {"MMF_TASKS_QUEUE_LIMIT", ""}, {"MMF_CONFIG", ""}});
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QVERIFY(r->config == ServerConfig());
    }

    void unrelatedEnvironmentIsIgnored()
    {
        const auto r = load({}, {{"MMF_BUILD_DIR", "/x"}, {"MMF_SOMETHING_ELSE", "y"}, {"PATH", "/bin"}});
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QVERIFY(r->config == ServerConfig());
    }

    void badValues_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<StringMap>("env");
        QTest::addColumn<QString>("ini");
        QTest::addColumn<QString>("message"); // "{ini}" stands for the INI file's path
        QTest::addColumn<QString>("field");
        const StringMap none;
        QTest::newRow("listen on the command line") << QStringList{"--listen", "nonsense"} << none << ""
                                                    << "--listen: expected ADDR:PORT"
                                                    << "server.listen";
        QTest::newRow("listen in the environment")
            << QStringList{} << StringMap{{"MMF_SERVER_LISTEN", "1.2.3.4"}} << ""
            << "MMF_SERVER_LISTEN: expected ADDR:PORT"
            << "server.listen";
        QTest::newRow("listen in the INI file") << QStringList{} << none << "[server]\nlisten = :80\n"
                                                << "[server] listen in {ini}: expected ADDR:PORT"
                                                << "server.listen";
        QTest::newRow("queue_limit in the INI file")
            << QStringList{} << none << "[tasks]\nqueue_limit = many\n"
            << "[tasks] queue_limit in {ini}: not a whole number"
            << "tasks.queue_limit";
        QTest::newRow("negative number") << QStringList{"--queue-limit", "-5"} << none << ""
                                         << "--queue-limit: not a whole number"
                                         << "tasks.queue_limit";
        QTest::newRow("zero queue limit") << QStringList{"--queue-limit=0"} << none << ""
                                          << "--queue-limit: must be between 1 and"
                                          << "tasks.queue_limit";
        QTest::newRow("number with a unit") << QStringList{"--max-body-bytes", "16MiB"} << none << ""
                                            << "--max-body-bytes: not a whole number"
                                            << "http.max_body_bytes";
        QTest::newRow("int overflow") << QStringList{"--max-connections", "99999999999"} << none << ""
                                      << "--max-connections: must be between"
                                      << "http.max_connections";
        QTest::newRow("zero ping interval") << QStringList{"--ping-interval", "0"} << none << ""
                                            << "--ping-interval: must be between 0.001 and 86400 seconds"
                                            << "registry.ping_interval";
        QTest::newRow("exponent") << QStringList{"--ping-interval", "1e3"} << none << ""
                                  << "--ping-interval: not a number of seconds"
                                  << "registry.ping_interval";
        QTest::newRow("bare fraction") << QStringList{"--retention", ".5"} << none << ""
                                       << "--retention: not a number of seconds"
                                       << "tasks.retention";
        QTest::newRow("comma decimal")
            << QStringList{} << StringMap{{"MMF_REGISTRY_PING_INTERVAL", "0,5"}} << ""
            << "MMF_REGISTRY_PING_INTERVAL: not a number of seconds"
            << "registry.ping_interval";
        QTest::newRow("nan") << QStringList{"--header-timeout", "nan"} << none << ""
                             << "--header-timeout: not a number of seconds"
                             << "http.header_timeout";
        QTest::newRow("max attempts 0") << QStringList{"--max-attempts", "0"} << none << ""
                                        << "--max-attempts: must be between 1 and 1000"
                                        << "tasks.max_attempts";
        QTest::newRow("backoff factor below 1") << QStringList{"--backoff-factor", "0.5"} << none << ""
                                                << "--backoff-factor: must be between 1 and 100"
                                                << "tasks.backoff_factor";
        QTest::newRow("backoff max below initial")
            << QStringList{"--backoff-initial-ms", "5000", "--backoff-max-ms", "1000"} << none << ""
            << "[tasks] backoff_max_ms: must not be below [tasks] backoff_initial_ms"
            << "tasks.backoff_max_ms";
        QTest::newRow("appendfsync") << QStringList{} << none << "[redis]\nappendfsync = sometimes\n"
                                     << "[redis] appendfsync in {ini}: expected one of always, everysec, no"
                                     << "redis.appendfsync";
        QTest::newRow("aof rewrite percentage below 50")
            << QStringList{"--aof-rewrite-percentage", "0"} << none << ""
            << "--aof-rewrite-percentage: must be between 50 and 1000"
            << "redis.aof_rewrite_percentage";
        QTest::newRow("log level") << QStringList{"--log-level", "verbose"} << none << ""
                                   << "--log-level: expected one of debug, info, warning, error"
                                   << "log.level";
        QTest::newRow("allowed host not a host")
            << QStringList{"--registry-allowed-hosts", "10.0.0.0/8,not a host"} << none << ""
            << "--registry-allowed-hosts: 'not a host' is neither"
            << "registry.allowed_hosts";
        // Trusted proxies are matched against peer addresses: a name would never match, so it is refused.
        QTest::newRow("trusted proxy a name")
            << QStringList{"--trusted-proxies", "127.0.0.1,proxy.internal"} << none << ""
            << "--trusted-proxies: 'proxy.internal' is neither an address nor a CIDR"
            << "http.trusted_proxies";
        QTest::newRow("unknown method") << QStringList{"--default-methods", "score,fly"} << none << ""
                                        << "--default-methods: expected a comma-separated list"
                                        << "auth.default_methods";
        QTest::newRow("project name")
            << QStringList{} << StringMap{{"MMF_AUTH_DEFAULT_PROJECT", "Bad*"}} << ""
            << "MMF_AUTH_DEFAULT_PROJECT: expected a project name"
            << "auth.default_project";
        QTest::newRow("redis scheme") << QStringList{"--redis", "http://h:1"} << none << ""
                                      << "--redis: expected redis://"
                                      << "redis.url";
        QTest::newRow("pool amount") << QStringList{"--pool", "cpu=8,gpu=x"} << none << ""
                                     << "--pool: gpu: expected a whole number"
                                     << "pool";
        QTest::newRow("pool syntax") << QStringList{"--pool", "8"} << none << ""
                                     << "--pool: expected NAME=N"
                                     << "pool";
        QTest::newRow("pool in the INI file") << QStringList{} << none << "[pool]\nCPU = 4\n"
                                              << "[pool] CPU in {ini}: resource names match"
                                              << "pool";
        QTest::newRow("pool in the environment") << QStringList{} << StringMap{{"MMF_POOL_GPU", "-1"}} << ""
                                                 << "MMF_POOL_GPU: gpu: expected a whole number"
                                                 << "pool";
        QTest::newRow("unknown option") << QStringList{"--nope", "1"} << none << ""
                                        << "unknown option --nope"
                                        << "";
        QTest::newRow("unknown short option") << QStringList{"-x"} << none << ""
                                              << "unknown option -x"
                                              << "";
        QTest::newRow("missing value") << QStringList{"--listen"} << none << ""
                                       << "--listen: missing value"
                                       << "server.listen";
        QTest::newRow("option as value") << QStringList{"--listen", "--data-dir", "/d"} << none << ""
                                         << "--listen: missing value"
                                         << "server.listen";
        QTest::newRow("unknown INI key") << QStringList{} << none << "[server]\nlistn = 127.0.0.1:1\n"
                                         << "[server] listn in {ini}: unknown setting (line 2)"
                                         << "";
        QTest::newRow("unknown INI section") << QStringList{} << none << "[general]\nx = 1\n"
                                             << "[general] x in {ini}: unknown setting"
                                             << "";
        QTest::newRow("INI syntax") << QStringList{} << none << "[server]\n\nlisten 127.0.0.1:1\n"
                                    << "--config: {ini}:3: expected key = value"
                                    << "";
        QTest::newRow("INI key outside a section") << QStringList{} << none << "listen = 127.0.0.1:1\n"
                                                   << "--config: {ini}:1: listen is outside a [section]"
                                                   << "";
        QTest::newRow("INI key twice")
            << QStringList{} << none << "[tasks]\nqueue_limit = 1\nqueue_limit = 2\n"
            << "--config: {ini}:3: [tasks] queue_limit is set twice"
            << "";
    }
    void badValues()
    {
        QFETCH(QStringList, args);
        QFETCH(StringMap, env);
        QFETCH(QString, ini);
        QFETCH(QString, message);
        QFETCH(QString, field);
        QString iniPath;
        if (!ini.isEmpty()) {
            iniPath = writeIni(ini);
            args << "--config" << iniPath;
        }
        const auto r = load(args, env);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        message.replace("{ini}", iniPath);
        QVERIFY2(r.error().message.startsWith(message), qPrintable(r.error().message));
        QCOMPARE(r.error().field, field);
    }

    void missingConfigFile()
    {
        auto r = load({"--config", m_dir.filePath("absent.ini")});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::NotFound);
        QVERIFY2(r.error().message.startsWith("--config: cannot read"), qPrintable(r.error().message));
        r = load({}, {{"MMF_CONFIG", m_dir.filePath("absent.ini")}});
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.startsWith("MMF_CONFIG: cannot read"), qPrintable(r.error().message));
    }

    // A Redis URL can carry a password: errors never repeat the value.
    void errorsDoNotEchoValues()
    {
        const auto r = load({"--redis", "redis://u:hunter2@host:1/db/extra"});
        QVERIFY(!r.ok());
        QVERIFY(!r.error().message.contains("hunter2"));
        const auto ok = load({"--redis", "unix:///run/redis.sock"});
        QVERIFY2(ok.ok(), qPrintable(errorOf(ok)));
        QCOMPARE(ok->config.redisUrl, QStringLiteral("unix:///run/redis.sock"));
    }

    void pool_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<StringMap>("env");
        QTest::addColumn<QString>("ini");
        QTest::addColumn<QString>("expected");
        const QString cores = QString::number(qMax(1, QThread::idealThreadCount()));
        const StringMap none;
        QTest::newRow("default") << QStringList{} << none << ""
                                 << "cpu=" + cores;
        QTest::newRow("design example") << QStringList{"--pool", "cpu=8,gpu=1,mem_mb=16000"} << none << ""
                                        << "cpu=8,gpu=1,mem_mb=16000";
        QTest::newRow("spaces") << QStringList{"--pool", "cpu = 8, gpu = 1"} << none << ""
                                << "cpu=8,gpu=1";
        QTest::newRow("cpu kept from the default") << QStringList{"--pool", "gpu=2"} << none << ""
                                                   << "cpu=" + cores + ",gpu=2";
        QTest::newRow("zero") << QStringList{"--pool", "cpu=0"} << none << ""
                              << "cpu=0";
        QTest::newRow("INI section") << QStringList{} << none << "[pool]\ncpu = 16\ngpu = 2\nmem_mb = 64000\n"
                                     << "cpu=16,gpu=2,mem_mb=64000";
        QTest::newRow("environment") << QStringList{}
                                     << StringMap{{"MMF_POOL_GPU", "4"}, {"MMF_POOL_MEM_MB", "100"}} << ""
                                     << "cpu=" + cores + ",gpu=4,mem_mb=100";
        // Per resource: each takes the value of the highest source that names it.
        QTest::newRow("merged by resource")
            << QStringList{"--pool", "gpu=1"} << StringMap{{"MMF_POOL_CPU", "4"}}
            << "[pool]\ncpu = 16\ngpu = 2\nmem_mb = 64000\n"
            << "cpu=4,gpu=1,mem_mb=64000";
        QTest::newRow("repeated option") << QStringList{"--pool", "cpu=1", "--pool=gpu=3"} << none << ""
                                         << "cpu=1,gpu=3";
    }
    void pool()
    {
        QFETCH(QStringList, args);
        QFETCH(StringMap, env);
        QFETCH(QString, ini);
        QFETCH(QString, expected);
        if (!ini.isEmpty())
            args << "--config" << writeIni(ini);
        const auto r = load(args, env);
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE(settingByOption("pool")->valueText(r->config), expected);
    }

    void listen_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("loopback") << "127.0.0.1:8080" << true << "127.0.0.1" << 8080;
        QTest::newRow("port 0 picks a free one") << "127.0.0.1:0" << true << "127.0.0.1" << 0;
        QTest::newRow("all interfaces") << "0.0.0.0:80" << true << "0.0.0.0" << 80;
        QTest::newRow("localhost") << "localhost:9000" << true << "localhost" << 9000;
        QTest::newRow("IPv6") << "[::1]:9000" << true << "::1" << 9000;
        QTest::newRow("IPv6 any") << "[::]:0" << true << "::" << 0;
        QTest::newRow("highest port") << "127.0.0.1:65535" << true << "127.0.0.1" << 65535;
        QTest::newRow("port only") << "8080" << false << "" << 0;
        QTest::newRow("no host") << ":8080" << false << "" << 0;
        QTest::newRow("no port") << "127.0.0.1" << false << "" << 0;
        QTest::newRow("empty port") << "127.0.0.1:" << false << "" << 0;
        QTest::newRow("port too large") << "127.0.0.1:65536" << false << "" << 0;
        QTest::newRow("negative port") << "127.0.0.1:-1" << false << "" << 0;
        QTest::newRow("port with spaces") << "127.0.0.1: 80" << false << "" << 0;
        QTest::newRow("IPv6 without brackets") << "::1:80" << false << "" << 0;
        QTest::newRow("IPv4 in brackets") << "[127.0.0.1]:80" << false << "" << 0;
        QTest::newRow("brackets without colon") << "[::1]80" << false << "" << 0;
        QTest::newRow("host name") << "example.com:80" << false << "" << 0;
        QTest::newRow("short IPv4") << "127.1:80" << false << "" << 0;
        QTest::newRow("octet too large") << "256.0.0.1:80" << false << "" << 0;
        QTest::newRow("empty") << "" << false << "" << 0;
    }
    void listen()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QString, host);
        QFETCH(int, port);
        const auto r = load({"--listen", text});
        QCOMPARE(r.ok(), ok);
        if (ok) {
            QCOMPARE(r->config.listen.host, host);
            QCOMPARE(int(r->config.listen.port), port);
            // toString() round-trips through the parser.
            const auto again = load({"--listen", r->config.listen.toString()});
            QVERIFY(again.ok());
            QVERIFY(again->config.listen == r->config.listen);
        } else {
            QVERIFY2(r.error().message.startsWith("--listen: "), qPrintable(r.error().message));
        }
    }

    void metricsListenMayBeCleared()
    {
        const QString ini = writeIni("[server]\nmetrics_listen = 127.0.0.1:9100\n");
        auto r = load({"--config", ini});
        QVERIFY(r.ok());
        QCOMPARE(r->config.metricsListen.port, 9100);
        r = load({"--config", ini, "--metrics-listen="});
        QVERIFY(r.ok());
        QVERIFY(r->config.metricsListen.isEmpty());
    }

    void durations_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("value");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("ping 0.5") << "ping-interval"
                                  << "0.5" << qint64(500);
        QTest::newRow("ping 10") << "ping-interval"
                                 << "10" << qint64(10000);
        QTest::newRow("ping 1.25") << "ping-interval"
                                   << "1.25" << qint64(1250);
        QTest::newRow("ping 0.001") << "ping-interval"
                                    << "0.001" << qint64(1);
        QTest::newRow("ping 0.0004 rounds to 0") << "ping-interval"
                                                 << "0.0004" << qint64(-1);
        QTest::newRow("header timeout 2.5") << "header-timeout"
                                            << "2.5" << qint64(2500);
        QTest::newRow("idle timeout 0.25") << "idle-timeout"
                                           << "0.25" << qint64(250);
        QTest::newRow("retention 1.5") << "retention"
                                       << "1.5" << qint64(1500);
        QTest::newRow("retention below 1 s") << "retention"
                                             << "0.5" << qint64(-1);
        QTest::newRow("access ttl 900") << "access-ttl"
                                        << "900" << qint64(900000);
        QTest::newRow("refresh ttl 30 days") << "refresh-ttl"
                                             << "2592000" << qint64(2592000000);
        QTest::newRow("negative") << "ping-interval"
                                  << "-1" << qint64(-1);
        QTest::newRow("trailing dot") << "ping-interval"
                                      << "1." << qint64(-1);
        QTest::newRow("unit suffix") << "ping-interval"
                                     << "10s" << qint64(-1);
    }
    void durations()
    {
        QFETCH(QString, option);
        QFETCH(QString, value);
        QFETCH(qint64, ms);
        const auto r = load({"--" + option + "=" + value});
        QCOMPARE(r.ok(), ms >= 0);
        if (!r.ok())
            return;
        const ServerConfig& c = r->config;
        const qint64 got = option == "ping-interval"    ? c.pingIntervalMs
                           : option == "header-timeout" ? c.headerTimeoutMs
                           : option == "idle-timeout"   ? c.idleTimeoutMs
                           : option == "retention"      ? c.retentionMs
                           : option == "access-ttl"     ? c.accessTtlMs
                                                        : c.refreshTtlMs;
        QCOMPARE(got, ms);
    }

    void paths()
    {
        QDir(m_dir.path()).mkpath("etc");
        const QString ini = writeIni("[server]\ndata_dir = data\n", "etc/mmf.ini");
        auto r = load({"--config", ini});
        QVERIFY(r.ok());
        QCOMPARE(r->config.dataDir, m_dir.filePath("etc/data")); // relative to the INI file's folder
        r = load({"--data-dir", "rel/../dir"});
        QVERIFY(r.ok());
        QCOMPARE(r->config.dataDir,
                 QDir::current().absoluteFilePath("dir")); // relative to the working folder
        r = load({"--data-dir", "/abs/dir/"});
        QVERIFY(r.ok());
        QCOMPARE(r->config.dataDir, QStringLiteral("/abs/dir"));
    }

    void iniSyntax()
    {
        const auto ini =
            IniFile::parse("# comment\n; another\n\n[server]\r\n  listen =  \"127.0.0.1:1\"  \r\n"
                           "[tasks]\nqueue_limit=5\n[ auth ]\ndefault_methods = score,read\n",
                           "x.ini");
        QVERIFY2(ini.ok(), qPrintable(ini.ok() ? QString() : ini.error().message));
        QCOMPARE(ini->entries().size(), 3);
        QCOMPARE(ini->entries()[0].value, QStringLiteral("127.0.0.1:1"));
        QCOMPARE(ini->entries()[0].line, 5);
        QCOMPARE(ini->entries()[1].key, QStringLiteral("queue_limit"));
        QCOMPARE(ini->entries()[2].section, QStringLiteral("auth"));
        QCOMPARE(ini->entries()[2].value, QStringLiteral("score,read"));
        QVERIFY(!IniFile::parse("[server\nlisten = x\n", "x.ini").ok());
        QVERIFY(!IniFile::parse("[]\n", "x.ini").ok());
        QVERIFY(!IniFile::parse("[s]\n= v\n", "x.ini").ok());
        QVERIFY(!IniFile::parse(QByteArray(1024 * 1024 + 1, ' '), "x.ini").ok());
    }

    void subcommandsAndExtraOptions()
    {
        const QList<CommandLineOption> extra{{"login", "L", "login of the new admin"},
                                             {"force", "", "overwrite"}};
        auto r = load({"admin", "create", "--login", "root", "--data-dir", "/d", "--force"}, {}, extra);
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE(r->positional, (QStringList{"admin", "create"}));
        QCOMPARE(r->options, (QMap<QString, QString>{{"login", "root"}, {"force", ""}}));
        QCOMPARE(r->config.dataDir, QStringLiteral("/d"));

        r = load({"keys", "rotate", "--login=x"}, {}, extra);
        QVERIFY(r.ok());
        QCOMPARE(r->options.value("login"), QStringLiteral("x"));

        r = load({"--force=1"}, {}, extra);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains("takes no value"));

        r = load({"--login", "x"}); // not declared: unknown
        QVERIFY(!r.ok());

        r = load({"token", "--", "--listen", "-"}); // "--" ends the options
        QVERIFY(r.ok());
        QCOMPARE(r->positional, (QStringList{"token", "--listen", "-"}));
        QVERIFY(r->config == ServerConfig());
    }

    void help()
    {
        auto r = load({"--listen", "bad", "--help"});
        QVERIFY(r.ok());
        QVERIFY(r->helpRequested);
        r = load({"-h"});
        QVERIFY(r.ok() && r->helpRequested);
        r = load({"--", "--help"});
        QVERIFY(r.ok() && !r->helpRequested);

        const QString text = ConfigLoader({{"login", "L", "login of the new admin"}}).helpText();
        QVERIFY(text.startsWith("Usage: mmf-server"));
        QVERIFY(text.contains("--config FILE"));
        QVERIFY(text.contains("--login L"));
        for (const Setting& s : Setting::all()) {
            QVERIFY2(text.contains(s.optionName() + " " + s.valueName), qPrintable(s.optionName()));
            QVERIFY(text.contains(s.envName()));
            QVERIFY(text.contains(s.iniName()));
        }
    }

    // docs/CONFIGURATION.md is the one documented place: it must carry the generated table verbatim.
    void docsCarryTheTable()
    {
        const QString table = ConfigLoader::markdownTable();
        for (const Setting& s : Setting::all())
            QVERIFY(table.contains("`" + s.envName() + "`"));
        QFile doc(qEnvironmentVariable("MMF_SOURCE_DIR", MMF_SOURCE_DIR) + "/docs/CONFIGURATION.md");
        QVERIFY2(doc.open(QIODevice::ReadOnly), qPrintable(doc.fileName()));
        const QString text = QString::fromUtf8(doc.readAll());
        if (!text.contains(table)) {
            const QString out = QDir::temp().filePath("mmf-configuration-table.md");
            QFile f(out);
            if (f.open(QIODevice::WriteOnly))
                f.write(table.toUtf8());
            QFAIL(
                qPrintable("docs/CONFIGURATION.md lacks the current table; the generated one is in " + out));
        }
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
