// Models run as processes (issue 17) through the real stack: a real redis-server, mmf-server and mmf-worker
// --exec / --exec-per-task processes running real Python (the probe model of tests/data/exec, the iris and
// wordcount examples), tasks submitted over HTTP, outcomes read back from the public API.
#include "LiveModels.h"
#include "MetricsText.h"
#include "RedisServerFixture.h"
#include "ServerFixture.h"
#include "TestHttpClient.h"
#include "TestWebSocket.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace mmf;

namespace {

const QString kPython = QStringLiteral(MMF_PYTHON3);
const QString kProbeDir = QStringLiteral(MMF_SOURCE_DIR "/tests/data/exec");
const QString kExamples = QStringLiteral(MMF_SOURCE_DIR "/backend/models/python");

QStringList execArgs(const QString& mode, const QString& command, const QString& proto,
                     const QString& package, const QString& request, const QString& response)
{
    return {mode,
            command,
            QStringLiteral("--proto"),
            proto,
            QStringLiteral("--request"),
            package + u'.' + request,
            QStringLiteral("--response"),
            package + u'.' + response};
}

QStringList probeArgs(const QString& mode, const QString& command)
{
    return execArgs(mode, command, kProbeDir + QStringLiteral("/probe.proto"),
                    QStringLiteral("mmf.tests.exec"), QStringLiteral("ProbeRequest"),
                    QStringLiteral("ProbeResponse"));
}

bool isFinal(const QJsonObject& task)
{
    const QString status = task.value(QStringLiteral("status")).toString();
    return status == u"succeeded" || status == u"failed" || status == u"cancelled" ||
           status == u"dead_lettered";
}

// Runs `mmf-worker --describe` with `args`; returns the exit code, stdout and stderr in `output`.
int describe(const QStringList& args, QByteArray& out, QByteArray& err)
{
    QProcess process;
    process.start(
        ServerFixture::workerProgram(),
        QStringList{QStringLiteral("--model"), QStringLiteral("probe"), QStringLiteral("--describe")} + args);
    if (!process.waitForFinished(30000))
        return -1;
    out = process.readAllStandardOutput();
    err = process.readAllStandardError();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

// The threads of process `pid` (its /proc/<pid>/task entries); -1 when it is gone.
int threadCount(qint64 pid)
{
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    return tasks.exists() ? int(tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot).size()) : -1;
}

// Every process below `pid` (children, their children, ...), from the parent ids in /proc/<pid>/stat.
QList<qint64> descendants(qint64 pid)
{
    QHash<qint64, QList<qint64>> children;
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool numeric = false;
        const qint64 id = entry.toLongLong(&numeric);
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!numeric || !stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        // "pid (comm) state ppid ...": the fields after the last ')'.
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1)
            children[fields[1].toLongLong()].append(id);
    }
    QList<qint64> found;
    QList<qint64> queue{pid};
    while (!queue.isEmpty()) {
        for (qint64 child : children.value(queue.takeFirst())) {
            found.append(child);
            queue.append(child);
        }
    }
    return found;
}

} // namespace

class TestExecModels : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void protoSyntaxErrorNamesFileAndLine();
    void protoUnknownTypeNamesFileAndLine();
    void missingMessageTypeIsNamed();
    void descriptorsCarryCommentsAndOptions();

    void logsProgressAndResult();
    void finalErrorIsNotRetried();
    void retryableErrorIsRetried();
    void badResultFailsTheAttempt();
    void crashMidTaskIsRetriedOnFreshProcess();
    void hangIsCancelledThenKilledAndRestarted();
    void cooperativeCancelKeepsTheProcess();
    void garbageOnStdoutFailsTheAttempt();
    void keepsDyingIsReportedNotLooped();
    void slotsHoldNoThreads();
    void taskTimeoutStopsTheRunAndKillsAHungProcess();
    void largeRequestAndResultCrossThePipes();
    void helperStopsAWaitingTaskWhenStdinEnds();
    void tasksPerProcessShareAProcess();
    void asyncModelRunsItsTasksOnOneThread();

    void perTaskWordcount();
    void perTaskNonZeroExitFailsWithLastStderrLine();
    void irisFillsEmptyFieldsAndExplains();
    void irisFullRequest();

private:
    WorkerFixture& startWorker(const QString& name, const QStringList& args);
    // A worker running the probe `script` (tests/data/exec) with --tasks-per-process; cancels get 30 s before
    // a kill, so that a kill in these tests is a failure.
    WorkerFixture& startSharingWorker(const QString& name, const QString& script, int concurrency,
                                      int tasksPerProcess);
    bool waitForInstances(const QString& model);
    QJsonObject submit(const QString& model, const QJsonObject& request, int waitSecs = 30);
    QJsonObject waitForTask(const QString& taskId, int timeoutMs = 60000);
    QJsonObject waitForRunning(const QString& taskId);
    QJsonArray logLines(const QString& taskId);
    // `mmf-worker --describe --exec` on a .proto with `text`: the exit code (-2 if it printed a description
    // anyway), its stderr in `err`.
    int describeProto(const QString& name, const QByteArray& text, QByteArray& err);
    int echoPid();
    // Submits `count` tasks of `action` to `model` without waiting; their ids.
    QStringList submitMany(const QString& model, const QString& action, int count, const QString& text = {});
    // Submits `count` gather tasks that each answer once `together` of them are in one process, and waits for
    // them: their results, or none (with a warning) when one did not succeed.
    QList<QJsonObject> gather(const QString& model, int count, int together);
    // The Python processes below `pid`.
    QList<qint64> pythonsBelow(qint64 pid);

    std::unique_ptr<RedisServerFixture> m_redis;
    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<TestHttpClient> m_alice;
    QByteArray m_workerToken;
    QByteArray m_aliceToken;
    std::vector<std::unique_ptr<WorkerFixture>> m_workers;
    WorkerFixture* m_dying = nullptr;
    QTemporaryDir m_temp;
};

void TestExecModels::initTestCase()
{
    QVERIFY2(QFile::exists(kPython), qPrintable(kPython));
    m_redis = std::make_unique<RedisServerFixture>(
        QStringLiteral("exec-secret-%1").arg(QCoreApplication::applicationPid()));
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    m_server = std::make_unique<ServerFixture>(
        QStringList{QStringLiteral("--ping-interval"), QStringLiteral("0.5")});
    QVERIFY2(m_server->start(
                 QStringLiteral("redis://:%1@127.0.0.1:%2").arg(m_redis->password()).arg(m_redis->port())),
             qPrintable(m_server->errorString()));
    const QByteArray alice = m_server->issueToken(QStringLiteral("alice"), QStringLiteral("default"),
                                                  QStringLiteral("score,read"));
    m_workerToken =
        m_server->issueToken(QStringLiteral("worker"), QStringLiteral("default"), QStringLiteral("serve"));
    QVERIFY(!alice.isEmpty() && !m_workerToken.isEmpty());
    m_aliceToken = alice;
    m_alice = std::make_unique<TestHttpClient>(m_server->url(), alice);

    const QString probe = QStringLiteral("'%1' '%2/probe_model.py'").arg(kPython, kProbeDir);
    startWorker(QStringLiteral("probe"),
                probeArgs(QStringLiteral("--exec"), probe) +
                    QStringList{QStringLiteral("--cancel-grace"), QStringLiteral("1")});
    startWorker(QStringLiteral("iris"),
                execArgs(QStringLiteral("--exec"),
                         QStringLiteral("'%1' '%2/iris/iris_model.py'").arg(kPython, kExamples),
                         kExamples + QStringLiteral("/iris/iris.proto"), QStringLiteral("mmf.examples.iris"),
                         QStringLiteral("IrisRequest"), QStringLiteral("IrisResponse")));
    startWorker(QStringLiteral("wordcount"),
                execArgs(QStringLiteral("--exec-per-task"),
                         QStringLiteral("'%1' '%2/wordcount/wordcount.py'").arg(kPython, kExamples),
                         kExamples + QStringLiteral("/wordcount/wordcount.proto"),
                         QStringLiteral("mmf.examples.wordcount"), QStringLiteral("WordCountRequest"),
                         QStringLiteral("WordCountResponse")));
    startWorker(
        QStringLiteral("failing"),
        probeArgs(QStringLiteral("--exec-per-task"),
                  QStringLiteral("cat >/dev/null; echo first words >&2; echo the last words >&2; exit 4")));
    m_dying =
        &startWorker(QStringLiteral("dying"),
                     probeArgs(QStringLiteral("--exec"), QStringLiteral("echo about to exit >&2; exit 3")));
    for (const char* model : {"probe", "iris", "wordcount", "failing", "dying"})
        QVERIFY2(waitForInstances(QString::fromLatin1(model)), model);
}

void TestExecModels::cleanupTestCase()
{
    m_workers.clear();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

WorkerFixture& TestExecModels::startWorker(const QString& name, const QStringList& args)
{
    auto worker = std::make_unique<WorkerFixture>(name, m_server->url(), m_workerToken, args);
    worker->start();
    m_workers.push_back(std::move(worker));
    return *m_workers.back();
}

WorkerFixture& TestExecModels::startSharingWorker(const QString& name, const QString& script, int concurrency,
                                                  int tasksPerProcess)
{
    const QString command = QStringLiteral("'%1' '%2/%3'").arg(kPython, kProbeDir, script);
    return startWorker(name, probeArgs(QStringLiteral("--exec"), command) +
                                 QStringList{QStringLiteral("--concurrency"), QString::number(concurrency),
                                             QStringLiteral("--tasks-per-process"),
                                             QString::number(tasksPerProcess),
                                             QStringLiteral("--cancel-grace"), QStringLiteral("30")});
}

bool TestExecModels::waitForInstances(const QString& model)
{
    if (waitForLiveModel(*m_alice, model))
        return true;
    for (const auto& worker : m_workers)
        qWarning().noquote() << worker->output().right(2000);
    return false;
}

QJsonObject TestExecModels::submit(const QString& model, const QJsonObject& request, int waitSecs)
{
    const auto response = m_alice->postJson(
        QStringLiteral("/api/v1/models/%1/tasks?wait=%2").arg(model).arg(waitSecs), request);
    if (response.status != 200 && response.status != 202) {
        qWarning() << "submit to" << model << "answered" << response.status << response.body.left(500);
        return {};
    }
    return response.json();
}

QJsonObject TestExecModels::waitForTask(const QString& taskId, int timeoutMs)
{
    return m_alice
        ->pollUntil(
            QStringLiteral("/api/v1/tasks/") + taskId,
            [](const TestHttpClient::Response& r) { return isFinal(r.json()); }, timeoutMs)
        .json();
}

QJsonObject TestExecModels::waitForRunning(const QString& taskId)
{
    return m_alice
        ->pollUntil(QStringLiteral("/api/v1/tasks/") + taskId,
                    [](const TestHttpClient::Response& r) {
                        return r.json().value(QStringLiteral("status")).toString() == u"running";
                    })
        .json();
}

QJsonArray TestExecModels::logLines(const QString& taskId)
{
    return m_alice->get(QStringLiteral("/api/v1/tasks/%1/logs").arg(taskId))
        .json()
        .value(QStringLiteral("lines"))
        .toArray();
}

int TestExecModels::echoPid()
{
    const QJsonObject task =
        submit(QStringLiteral("probe"), {{QStringLiteral("text"), QStringLiteral("ping")}});
    if (task.value(QStringLiteral("status")).toString() != u"succeeded") {
        qWarning() << "echo did not succeed:" << task;
        return 0;
    }
    return task.value(QStringLiteral("result")).toObject().value(QStringLiteral("pid")).toInt();
}

QStringList TestExecModels::submitMany(const QString& model, const QString& action, int count,
                                       const QString& text)
{
    QStringList ids;
    for (int i = 0; i < count; ++i)
        ids.append(submit(model, {{QStringLiteral("action"), action}, {QStringLiteral("text"), text}}, 0)
                       .value(QStringLiteral("task_id"))
                       .toString());
    return ids;
}

QList<QJsonObject> TestExecModels::gather(const QString& model, int count, int together)
{
    QList<QJsonObject> results;
    for (const QString& taskId :
         submitMany(model, QStringLiteral("gather"), count, QStringLiteral("first:%1").arg(together))) {
        const QJsonObject task = waitForTask(taskId);
        if (task.value(QStringLiteral("status")).toString() != u"succeeded") {
            qWarning().noquote() << "a gather task did not succeed:" << QJsonDocument(task).toJson();
            return {};
        }
        results.append(task.value(QStringLiteral("result")).toObject());
    }
    return results;
}

QList<qint64> TestExecModels::pythonsBelow(qint64 pid)
{
    QList<qint64> pythons;
    for (qint64 child : descendants(pid)) {
        QFile comm(QStringLiteral("/proc/%1/comm").arg(child));
        if (comm.open(QIODevice::ReadOnly) && comm.readAll().startsWith("python"))
            pythons.append(child);
    }
    return pythons;
}

int TestExecModels::describeProto(const QString& name, const QByteArray& text, QByteArray& err)
{
    const QString path = m_temp.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return -1;
    file.write(text);
    file.close();
    QByteArray out;
    const int code = describe({QStringLiteral("--exec"), QStringLiteral("true"), QStringLiteral("--proto"),
                               path, QStringLiteral("--request"), QStringLiteral("p.Request"),
                               QStringLiteral("--response"), QStringLiteral("p.Response")},
                              out, err);
    return code == 0 || out.isEmpty() ? code : -2;
}

void TestExecModels::protoSyntaxErrorNamesFileAndLine()
{
    QByteArray err;
    const int code = describeProto(
        QStringLiteral("broken.proto"),
        "syntax = \"proto3\";\npackage p;\n\nmessage Request {\n  string text = 1\n}\nmessage Response {}\n",
        err);
    QVERIFY2(code > 0, err.constData());
    // The missing ';' is noticed at the '}' on line 6.
    QVERIFY2(err.contains("broken.proto:6:"), err.constData());
}

void TestExecModels::protoUnknownTypeNamesFileAndLine()
{
    QByteArray err;
    const int code = describeProto(
        QStringLiteral("unknown.proto"),
        "syntax = \"proto3\";\npackage p;\nmessage Request {\n  Nowhere where = 1;\n}\nmessage Response {}\n",
        err);
    QVERIFY2(code > 0, err.constData());
    QVERIFY2(err.contains("unknown.proto:4:") && err.contains("Nowhere"), err.constData());
}

void TestExecModels::missingMessageTypeIsNamed()
{
    QByteArray out, err;
    const int code =
        describe(execArgs(QStringLiteral("--exec"), QStringLiteral("true"),
                          kProbeDir + QStringLiteral("/probe.proto"), QStringLiteral("mmf.tests.exec"),
                          QStringLiteral("NoSuchRequest"), QStringLiteral("ProbeResponse")),
                 out, err);
    QVERIFY2(code != 0, err.constData());
    QVERIFY2(err.contains("--request") && err.contains("probe.proto") &&
                 err.contains("mmf.tests.exec.NoSuchRequest") && err.contains("mmf.tests.exec.ProbeRequest"),
             err.constData());
}

void TestExecModels::descriptorsCarryCommentsAndOptions()
{
    const auto probe = m_alice->get(QStringLiteral("/api/v1/models/probe"));
    QCOMPARE(probe.status, 200);
    QCOMPARE(probe.json().value(QStringLiteral("request_type")).toString(),
             QStringLiteral("mmf.tests.exec.ProbeRequest"));
    const QByteArray request =
        QJsonDocument(probe.json().value(QStringLiteral("request_schema")).toObject()).toJson();
    QVERIFY2(request.contains("Echoed back"), request.constData()); // a field comment
    QVERIFY2(request.contains("MULTILINE"), request.constData());   // an (mmf.ui) option

    const auto iris = m_alice->get(QStringLiteral("/api/v1/models/iris"));
    QCOMPARE(iris.status, 200);
    const QByteArray response =
        QJsonDocument(iris.json().value(QStringLiteral("response_schema")).toObject()).toJson();
    QVERIFY2(response.contains("BAR_CHART"), response.constData());
    QVERIFY(response.contains("Probability of each species"));
    QVERIFY(response.contains("versicolor"));
}

void TestExecModels::logsProgressAndResult()
{
    TestWebSocket socket(m_server->url(), m_aliceToken);
    QVERIFY(socket.open());
    socket.subscribe(QStringLiteral("model/probe"));
    QVERIFY(!socket
                 .waitFor([](const QJsonObject& m) {
                     return m.value(QStringLiteral("type")).toString() == u"subscribed";
                 })
                 .isEmpty());
    // 2^53 + 1: survives only as canonical JSON's string form.
    const QJsonObject task =
        submit(QStringLiteral("probe"), {{QStringLiteral("action"), QStringLiteral("log")},
                                         {QStringLiteral("text"), QStringLiteral("héllo\nworld")},
                                         {QStringLiteral("big"), QStringLiteral("9007199254740993")}});
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    const QJsonObject result = task.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value(QStringLiteral("text")).toString(), QStringLiteral("héllo\nworld"));
    QCOMPARE(result.value(QStringLiteral("big")).toString(), QStringLiteral("9007199254740993"));
    QVERIFY(result.value(QStringLiteral("pid")).toInt() > 0);

    QStringList seen;
    for (const QJsonValue& value : logLines(task.value(QStringLiteral("task_id")).toString())) {
        const QJsonObject line = value.toObject();
        seen.append(line.value(QStringLiteral("level")).toString() + u' ' +
                    line.value(QStringLiteral("text")).toString());
    }
    for (const char* expected :
         {"debug debug line", "info info line", "warning warning line", "error error line"})
        QVERIFY2(seen.contains(QString::fromUtf8(expected)), qPrintable(seen.join(u'|')));

    const QJsonObject progress = socket.waitFor([](const QJsonObject& m) {
        return m.value(QStringLiteral("type")).toString() == u"progress" &&
               m.value(QStringLiteral("text")).toString() == u"a quarter";
    });
    QCOMPARE(progress.value(QStringLiteral("fraction")).toDouble(), 0.25);
}

void TestExecModels::finalErrorIsNotRetried()
{
    const QJsonObject task =
        submit(QStringLiteral("probe"), {{QStringLiteral("action"), QStringLiteral("error")}});
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(task.value(QStringLiteral("attempts")).toInt(), 1);
    const QJsonObject error = task.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("bad_probe"));
    QCOMPARE(error.value(QStringLiteral("message")).toString(),
             QStringLiteral("a final error from the probe"));
}

void TestExecModels::retryableErrorIsRetried()
{
    const QJsonObject submitted =
        submit(QStringLiteral("probe"), {{QStringLiteral("action"), QStringLiteral("retry_error")}}, 0);
    const QJsonObject task = waitForTask(submitted.value(QStringLiteral("task_id")).toString());
    QVERIFY2(task.value(QStringLiteral("attempts")).toInt() > 1, qPrintable(QJsonDocument(task).toJson()));
    QVERIFY(task.value(QStringLiteral("status")).toString() != u"succeeded");
    QVERIFY2(task.value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("message"))
                 .toString()
                 .contains(QStringLiteral("a passing problem")),
             qPrintable(QJsonDocument(task).toJson()));
}

void TestExecModels::badResultFailsTheAttempt()
{
    const QJsonObject submitted =
        submit(QStringLiteral("probe"), {{QStringLiteral("action"), QStringLiteral("bad_result")}}, 0);
    const QJsonObject task = waitForTask(submitted.value(QStringLiteral("task_id")).toString());
    QVERIFY(task.value(QStringLiteral("status")).toString() != u"succeeded");
    const QString message =
        task.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("not a valid mmf.tests.exec.ProbeResponse")),
             qPrintable(message));
}

void TestExecModels::crashMidTaskIsRetriedOnFreshProcess()
{
    const QString marker = m_temp.filePath(QStringLiteral("crashed-once"));
    const QJsonObject submitted = submit(
        QStringLiteral("probe"),
        {{QStringLiteral("action"), QStringLiteral("crash_once")}, {QStringLiteral("text"), marker}}, 0);
    const QJsonObject task = waitForTask(submitted.value(QStringLiteral("task_id")).toString());
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(task.value(QStringLiteral("attempts")).toInt(), 2);
    QFile file(marker);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const int crashedPid = file.readAll().trimmed().toInt();
    QVERIFY(crashedPid > 0);
    QVERIFY(task.value(QStringLiteral("result")).toObject().value(QStringLiteral("pid")).toInt() !=
            crashedPid);
}

void TestExecModels::hangIsCancelledThenKilledAndRestarted()
{
    const int before = echoPid();
    QVERIFY(before > 0);
    const QJsonObject submitted =
        submit(QStringLiteral("probe"), {{QStringLiteral("action"), QStringLiteral("hang")}}, 0);
    const QString taskId = submitted.value(QStringLiteral("task_id")).toString();
    QCOMPARE(waitForRunning(taskId).value(QStringLiteral("status")).toString(), QStringLiteral("running"));
    QCOMPARE(m_alice->post(QStringLiteral("/api/v1/tasks/%1/cancel").arg(taskId), {}).status, 200);
    QCOMPARE(waitForTask(taskId).value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    // The process ignored the cancel: after the grace it was killed, and a fresh one answers.
    const int after = echoPid();
    QVERIFY(after > 0);
    QVERIFY(after != before);
}

void TestExecModels::cooperativeCancelKeepsTheProcess()
{
    const int before = echoPid();
    QVERIFY(before > 0);
    const QJsonObject submitted =
        submit(QStringLiteral("probe"), {{QStringLiteral("action"), QStringLiteral("hang_cooperative")}}, 0);
    const QString taskId = submitted.value(QStringLiteral("task_id")).toString();
    QCOMPARE(waitForRunning(taskId).value(QStringLiteral("status")).toString(), QStringLiteral("running"));
    QCOMPARE(m_alice->post(QStringLiteral("/api/v1/tasks/%1/cancel").arg(taskId), {}).status, 200);
    QCOMPARE(waitForTask(taskId).value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    QCOMPARE(echoPid(), before);
}

void TestExecModels::garbageOnStdoutFailsTheAttempt()
{
    const QJsonObject submitted =
        submit(QStringLiteral("probe"), {{QStringLiteral("action"), QStringLiteral("garbage")}}, 0);
    const QJsonObject task = waitForTask(submitted.value(QStringLiteral("task_id")).toString());
    QVERIFY(task.value(QStringLiteral("status")).toString() != u"succeeded");
    QVERIFY(task.value(QStringLiteral("attempts")).toInt() > 1);
    const QString message =
        task.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("not the protocol")) &&
                 message.contains(QStringLiteral("this is not json")),
             qPrintable(message));
    // The model is usable again afterwards.
    QVERIFY(echoPid() > 0);
}

void TestExecModels::keepsDyingIsReportedNotLooped()
{
    // The dying model's process exits at once, every time: after a few restarts its instance says so.
    const QRegularExpression ping(QStringLiteral("ping=(http://[0-9.]+:[0-9]+)"));
    const QRegularExpressionMatch match = ping.match(QString::fromUtf8(m_dying->output()));
    QVERIFY2(match.hasMatch(), m_dying->output().constData());
    TestHttpClient instance{QUrl(match.captured(1))};
    const auto degraded = instance.pollUntil(QStringLiteral("/ping"), [](const TestHttpClient::Response& r) {
        return r.json().value(QStringLiteral("status")).toString() == u"degraded";
    });
    QCOMPARE(degraded.json().value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
    const QString problem = degraded.json().value(QStringLiteral("problem")).toString();
    QVERIFY2(problem.contains(QStringLiteral("keeps exiting")) &&
                 problem.contains(QStringLiteral("exited with code 3")),
             qPrintable(problem));
    // Its /metrics says so for alerting (MMFWorkerDegraded), a healthy instance's does not.
    QCOMPARE(
        sampleValue(instance.get(QStringLiteral("/metrics")).body, R"(mmf_worker_degraded{model="dying"})"),
        1.0);
    const QRegularExpressionMatch probePing = ping.match(QString::fromUtf8(m_workers.front()->output()));
    QVERIFY(probePing.hasMatch());
    const QByteArray probeMetrics =
        TestHttpClient{QUrl(probePing.captured(1))}.get(QStringLiteral("/metrics")).body;
    QCOMPARE(sampleValue(probeMetrics, R"(mmf_worker_degraded{model="probe"})"), 0.0);
    // The model's process (below its shell) is counted with its memory, which process_* leave out.
    QVERIFY(sampleValue(probeMetrics, "mmf_descendant_processes") >= 1);
    QVERIFY2(sampleValue(probeMetrics, "mmf_descendant_processes_resident_memory_bytes") > 4e6,
             probeMetrics.constData());
    // The registry stores it from the pings: the instance list shows it.
    const auto listed = m_alice->pollUntil(
        QStringLiteral("/api/v1/models/dying/instances"), [](const TestHttpClient::Response& r) {
            const QJsonArray list = r.json().value(QStringLiteral("instances")).toArray();
            return !list.isEmpty() &&
                   list.at(0).toObject().value(QStringLiteral("status")).toString() == u"degraded";
        });
    const QJsonObject row = listed.json().value(QStringLiteral("instances")).toArray().at(0).toObject();
    QCOMPARE(row.value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
    QVERIFY(row.value(QStringLiteral("problem")).toString().contains(QStringLiteral("keeps exiting")));
    // Restarts back off: the log shows growing delays, not a hot loop.
    QVERIFY2(m_dying->output().contains("restarting in 500 ms"), m_dying->output().right(3000).constData());
    QVERIFY(m_dying->output().count("model process 1 started") < 20);

    // A task fails fast with the reason instead of waiting on a process that is not there.
    const QJsonObject submitted =
        submit(QStringLiteral("dying"), {{QStringLiteral("text"), QStringLiteral("x")}}, 0);
    const QJsonObject task = waitForTask(submitted.value(QStringLiteral("task_id")).toString());
    QVERIFY(task.value(QStringLiteral("status")).toString() != u"succeeded");
    QVERIFY2(task.value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("message"))
                 .toString()
                 .contains(QStringLiteral("exited with code 3")),
             qPrintable(QJsonDocument(task).toJson()));
}

void TestExecModels::perTaskWordcount()
{
    const QJsonObject task = submit(QStringLiteral("wordcount"),
                                    {{QStringLiteral("text"), QStringLiteral("the cat and the hat\nthe end")},
                                     {QStringLiteral("top"), 2}});
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    const QJsonObject result = task.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value(QStringLiteral("words")).toInt(), 7);
    QCOMPARE(result.value(QStringLiteral("distinct")).toInt(), 5);
    QCOMPARE(result.value(QStringLiteral("lines")).toInt(), 2);
    const QJsonArray top = result.value(QStringLiteral("top")).toArray();
    QCOMPARE(top.size(), 2);
    QCOMPARE(top.at(0).toObject().value(QStringLiteral("word")).toString(), QStringLiteral("the"));
    QCOMPARE(top.at(0).toObject().value(QStringLiteral("count")).toInt(), 3);
    bool logged = false;
    for (const QJsonValue& line : logLines(task.value(QStringLiteral("task_id")).toString()))
        logged = logged ||
                 line.toObject().value(QStringLiteral("text")).toString() == u"counted 7 words, 5 distinct";
    QVERIFY(logged);
}

void TestExecModels::perTaskNonZeroExitFailsWithLastStderrLine()
{
    const QJsonObject submitted =
        submit(QStringLiteral("failing"), {{QStringLiteral("text"), QStringLiteral("x")}}, 0);
    const QString taskId = submitted.value(QStringLiteral("task_id")).toString();
    const QJsonObject task = waitForTask(taskId);
    QVERIFY(task.value(QStringLiteral("status")).toString() != u"succeeded");
    QVERIFY(task.value(QStringLiteral("attempts")).toInt() > 1);
    QCOMPARE(task.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
             QStringLiteral("the last words"));
    QStringList texts;
    for (const QJsonValue& line : logLines(taskId))
        texts.append(line.toObject().value(QStringLiteral("text")).toString());
    QVERIFY2(texts.contains(QStringLiteral("first words")), qPrintable(texts.join(u'|')));
}

void TestExecModels::irisFillsEmptyFieldsAndExplains()
{
    const QJsonObject task = submit(QStringLiteral("iris"), {{QStringLiteral("petal_length"), 5.1},
                                                             {QStringLiteral("sepal_width"), 3.0}});
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    const QJsonObject result = task.value(QStringLiteral("result")).toObject();
    const QJsonArray probabilities = result.value(QStringLiteral("probabilities")).toArray();
    QCOMPARE(probabilities.size(), 3);
    double sum = 0;
    for (const QJsonValue& p : probabilities)
        sum += p.toDouble();
    QVERIFY(qAbs(sum - 1) < 1e-6);
    QCOMPARE(result.value(QStringLiteral("contributions")).toArray().size(), 4);
    const QJsonArray inputs = result.value(QStringLiteral("inputs")).toArray();
    QCOMPARE(inputs.size(), 4);
    QMap<QString, QString> sources;
    for (const QJsonValue& input : inputs)
        sources.insert(input.toObject().value(QStringLiteral("feature")).toString(),
                       input.toObject().value(QStringLiteral("source")).toString());
    QCOMPARE(sources.value(QStringLiteral("petal_length")), QStringLiteral("given"));
    QCOMPARE(sources.value(QStringLiteral("sepal_width")), QStringLiteral("given"));
    QVERIFY2(sources.value(QStringLiteral("petal_width")).contains(QStringLiteral("estimated from")),
             qPrintable(sources.value(QStringLiteral("petal_width"))));
    QVERIFY(result.value(QStringLiteral("explanation")).toString().contains(QStringLiteral("Empty:")));
    bool logged = false;
    for (const QJsonValue& line : logLines(task.value(QStringLiteral("task_id")).toString()))
        logged =
            logged ||
            line.toObject().value(QStringLiteral("text")).toString().startsWith(u"petal_width was empty");
    QVERIFY(logged);
}

void TestExecModels::irisFullRequest()
{
    // The first row of the iris data: a setosa.
    const QJsonObject task = submit(QStringLiteral("iris"), {{QStringLiteral("sepal_length"), 5.1},
                                                             {QStringLiteral("sepal_width"), 3.5},
                                                             {QStringLiteral("petal_length"), 1.4},
                                                             {QStringLiteral("petal_width"), 0.2}});
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    const QJsonObject result = task.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value(QStringLiteral("species")).toString(), QStringLiteral("setosa"));
    QVERIFY(!result.value(QStringLiteral("explanation")).toString().contains(QStringLiteral("Empty:")));
    // An out-of-range value is a final error, not retried.
    const QJsonObject bad = submit(QStringLiteral("iris"), {{QStringLiteral("petal_length"), -1.0}});
    QCOMPARE(bad.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(bad.value(QStringLiteral("attempts")).toInt(), 1);
    QCOMPARE(bad.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("invalid_argument"));
}

// Eight tasks running at once on eight model processes: the worker drives them from its event loop, with no
// thread per slot or per task, and each Python process notices a cancel without a reader thread of its own.
void TestExecModels::slotsHoldNoThreads()
{
    constexpr int kSlots = 8;
    const QString probe = QStringLiteral("'%1' '%2/probe_model.py'").arg(kPython, kProbeDir);
    WorkerFixture& wide = startWorker(
        QStringLiteral("wide"), probeArgs(QStringLiteral("--exec"), probe) +
                                    QStringList{QStringLiteral("--concurrency"), QString::number(kSlots)});
    QVERIFY(waitForInstances(QStringLiteral("wide")));
    QStringList taskIds;
    for (int i = 0; i < kSlots; ++i) {
        const QJsonObject submitted = submit(
            QStringLiteral("wide"), {{QStringLiteral("action"), QStringLiteral("hang_cooperative")}}, 0);
        taskIds.append(submitted.value(QStringLiteral("task_id")).toString());
        QVERIFY(!taskIds.last().isEmpty());
    }
    for (const QString& taskId : taskIds)
        QCOMPARE(waitForRunning(taskId).value(QStringLiteral("status")).toString(),
                 QStringLiteral("running"));

    const int workerThreads = threadCount(wide.pid());
    qInfo("the worker runs %d threads with %d tasks running", workerThreads, kSlots);
    QVERIFY2(
        workerThreads > 0 && workerThreads < kSlots,
        qPrintable(
            QStringLiteral("the worker runs %1 threads for %2 busy slots").arg(workerThreads).arg(kSlots)));
    const QList<qint64> pythons = pythonsBelow(wide.pid());
    for (qint64 pid : pythons)
        QCOMPARE(threadCount(pid), 1);
    QCOMPARE(pythons.size(), kSlots);

    for (const QString& taskId : taskIds)
        QCOMPARE(m_alice->post(QStringLiteral("/api/v1/tasks/%1/cancel").arg(taskId), {}).status, 200);
    for (const QString& taskId : taskIds)
        QCOMPARE(waitForTask(taskId).value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    // Each process stopped on the cancel by itself (none was killed): the worker logged no kill.
    QVERIFY2(!wide.output().contains("was killed"), wide.output().right(2000).constData());
}

// A request and a result far larger than a pipe holds (64 KiB): written as the process reads, read as it
// writes, without blocking the worker's loop on either.
void TestExecModels::largeRequestAndResultCrossThePipes()
{
    QString text;
    for (int i = 0; text.size() < 1000000; ++i)
        text += QStringLiteral("line %1 of a long text\n").arg(i);
    const QJsonObject task = submit(QStringLiteral("probe"), {{QStringLiteral("text"), text}});
    QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(task.value(QStringLiteral("result")).toObject().value(QStringLiteral("text")).toString(), text);
}

// --task-timeout sends the cancel line; a process that stops by itself stays, one that ignores it is killed
// after --cancel-grace and replaced.
void TestExecModels::taskTimeoutStopsTheRunAndKillsAHungProcess()
{
    const QString probe = QStringLiteral("'%1' '%2/probe_model.py'").arg(kPython, kProbeDir);
    WorkerFixture& timed = startWorker(
        QStringLiteral("timed"), probeArgs(QStringLiteral("--exec"), probe) +
                                     QStringList{QStringLiteral("--task-timeout"), QStringLiteral("0.3"),
                                                 QStringLiteral("--cancel-grace"), QStringLiteral("0.3")});
    QVERIFY(waitForInstances(QStringLiteral("timed")));

    const QJsonObject cooperative =
        submit(QStringLiteral("timed"), {{QStringLiteral("action"), QStringLiteral("hang_cooperative")}});
    QCOMPARE(cooperative.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(cooperative.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("cancelled"));
    QVERIFY(!timed.output().contains("was killed"));

    const QJsonObject submitted =
        submit(QStringLiteral("timed"), {{QStringLiteral("action"), QStringLiteral("hang")}}, 0);
    const QJsonObject hung = waitForTask(submitted.value(QStringLiteral("task_id")).toString());
    QVERIFY2(hung.value(QStringLiteral("status")).toString() != u"succeeded",
             qPrintable(hung.value(QStringLiteral("status")).toString()));
    const QString message =
        hung.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("timed out after 300 ms; the model process did not stop within "
                                             "300 ms and was killed")),
             qPrintable(message));
    // A fresh process answers afterwards.
    const QJsonObject echo =
        submit(QStringLiteral("timed"), {{QStringLiteral("text"), QStringLiteral("after")}});
    QCOMPARE(echo.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
}

// The worker closes a model process's stdin when it stops (or dies): the helper's running task is told it is
// cancelled — a waiting one wakes at once, instead of waiting on an input that has ended — and the helper
// answers and exits.
void TestExecModels::helperStopsAWaitingTaskWhenStdinEnds()
{
    QProcess model;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PYTHONPATH"), QStringLiteral(MMF_SOURCE_DIR "/backend/exec/python"));
    model.setProcessEnvironment(environment);
    model.start(kPython, {kProbeDir + QStringLiteral("/probe_model.py")});
    QVERIFY(model.waitForStarted(10000));
    model.write(R"({"id":"t1","request":{"action":"hang_cooperative"}})"
                "\n");
    model.closeWriteChannel();
    QVERIFY2(model.waitForFinished(30000), model.readAllStandardError().constData());
    QCOMPARE(model.exitStatus(), QProcess::NormalExit);
    QCOMPARE(model.exitCode(), 0);
    const QJsonObject answer = QJsonDocument::fromJson(model.readAllStandardOutput().trimmed()).object();
    QCOMPARE(answer.value(QStringLiteral("id")).toString(), QStringLiteral("t1"));
    QCOMPARE(answer.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("cancelled"));
}

// --tasks-per-process 4 with --concurrency 8: two processes, each sent four requests at once, which the
// helper runs on four threads. A cancel reaches its own task only; a process that dies fails every task it
// had, and each is retried.
void TestExecModels::tasksPerProcessShareAProcess()
{
    WorkerFixture& shared =
        startSharingWorker(QStringLiteral("shared"), QStringLiteral("probe_model.py"), 8, 4);
    QVERIFY(waitForInstances(QStringLiteral("shared")));

    // Each answers only once four of them are in its process together (else it fails after 20 s).
    const QList<QJsonObject> results = gather(QStringLiteral("shared"), 8, 4);
    QCOMPARE(results.size(), 8);
    QHash<int, QSet<QString>> threadsByPid;
    for (const QJsonObject& result : results) {
        threadsByPid[result.value(QStringLiteral("pid")).toInt()].insert(
            result.value(QStringLiteral("text")).toString());
    }
    QCOMPARE(threadsByPid.size(), 2);
    for (const QSet<QString>& threads : std::as_const(threadsByPid))
        QCOMPARE(threads.size(), 4);
    QCOMPARE(pythonsBelow(shared.pid()).size(), 2);

    // Four waiting tasks, two in each process; cancelling one leaves the one beside it running.
    const QStringList waiting = submitMany(QStringLiteral("shared"), QStringLiteral("hang_cooperative"), 4);
    for (const QString& taskId : waiting)
        QCOMPARE(waitForRunning(taskId).value(QStringLiteral("status")).toString(),
                 QStringLiteral("running"));
    QCOMPARE(m_alice->post(QStringLiteral("/api/v1/tasks/%1/cancel").arg(waiting[0]), {}).status, 200);
    QCOMPARE(waitForTask(waiting[0]).value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    for (const QString& taskId : waiting.mid(1))
        QCOMPARE(m_alice->get(QStringLiteral("/api/v1/tasks/") + taskId)
                     .json()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("running"));

    // A crash beside waiting tasks: the process fails every task it had, and each runs again.
    const QString marker = m_temp.filePath(QStringLiteral("shared-crashed-once"));
    const QJsonObject crash = waitForTask(
        submit(QStringLiteral("shared"),
               {{QStringLiteral("action"), QStringLiteral("crash_once")}, {QStringLiteral("text"), marker}},
               0)
            .value(QStringLiteral("task_id"))
            .toString());
    QCOMPARE(crash.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(crash.value(QStringLiteral("attempts")).toInt(), 2);
    // Those in the other process run on as attempt 1; those beside the crash were failed with it and run
    // again.
    int retried = 0;
    for (const QString& taskId : waiting.mid(1))
        retried += waitForRunning(taskId).value(QStringLiteral("attempts")).toInt() == 2 ? 1 : 0;
    // The crash went to the process holding fewer (one of the three, or two when the cancelled one was beside
    // them).
    QVERIFY2(retried >= 1, qPrintable(QString::number(retried)));
    for (const QString& taskId : waiting.mid(1)) {
        const auto response = m_alice->post(QStringLiteral("/api/v1/tasks/%1/cancel").arg(taskId), {});
        QCOMPARE(response.status, 200);
    }
    for (const QString& taskId : waiting.mid(1))
        QCOMPARE(waitForTask(taskId).value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    QVERIFY2(!shared.output().contains("was killed"), shared.output().right(2000).constData());
}

// An `async def process` with --tasks-per-process: the tasks run together as asyncio tasks on the process's
// one thread; a cancel arrives as CancelledError (a plain asyncio.sleep) or through context.sleep.
void TestExecModels::asyncModelRunsItsTasksOnOneThread()
{
    WorkerFixture& async =
        startSharingWorker(QStringLiteral("asyncprobe"), QStringLiteral("probe_async_model.py"), 4, 4);
    QVERIFY(waitForInstances(QStringLiteral("asyncprobe")));

    const QList<QJsonObject> results = gather(QStringLiteral("asyncprobe"), 4, 4);
    QCOMPARE(results.size(), 4);
    QSet<int> pids;
    for (const QJsonObject& result : results) {
        QCOMPARE(result.value(QStringLiteral("text")).toString(), QStringLiteral("MainThread"));
        pids.insert(result.value(QStringLiteral("pid")).toInt());
    }
    QCOMPARE(pids.size(), 1);
    const QList<qint64> pythons = pythonsBelow(async.pid());
    QCOMPARE(pythons.size(), 1);
    QCOMPARE(threadCount(pythons.first()), 1);

    QStringList hung = submitMany(QStringLiteral("asyncprobe"), QStringLiteral("hang"), 1) +
                       submitMany(QStringLiteral("asyncprobe"), QStringLiteral("hang_cooperative"), 1);
    for (const QString& taskId : hung)
        QCOMPARE(waitForRunning(taskId).value(QStringLiteral("status")).toString(),
                 QStringLiteral("running"));
    for (const QString& taskId : hung)
        QCOMPARE(m_alice->post(QStringLiteral("/api/v1/tasks/%1/cancel").arg(taskId), {}).status, 200);
    for (const QString& taskId : hung)
        QCOMPARE(waitForTask(taskId).value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    QVERIFY2(!async.output().contains("was killed"), async.output().right(2000).constData());
    QCOMPARE(pythonsBelow(async.pid()), pythons);

    // Log lines from a thread of the model's own and from the loop, in that order, before the result.
    const QJsonObject logged =
        submit(QStringLiteral("asyncprobe"), {{QStringLiteral("action"), QStringLiteral("log_from_thread")},
                                              {QStringLiteral("text"), QStringLiteral("x")}});
    QCOMPARE(logged.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    const QJsonArray lines = logLines(logged.value(QStringLiteral("task_id")).toString());
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0).toObject().value(QStringLiteral("text")).toString(),
             QStringLiteral("from a thread: x"));
    QCOMPARE(lines.at(1).toObject().value(QStringLiteral("text")).toString(),
             QStringLiteral("from the loop: x"));
}

QTEST_GUILESS_MAIN(TestExecModels)
#include "tst_execmodels.moc"
