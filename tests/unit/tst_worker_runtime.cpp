// The worker runtime against a real redis-server: tasks are queued with the broker's submit script (as the
// gateway does), a test model runs them, and the Redis state shows what the runtime did. A small HTTP server
// of the test plays the server's GET /api/v1/keys and the gateway routes that TaskContext::call() uses.
#include "RedisServerFixture.h"
#include "RedisWait.h"

#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "broker/BrokerCalls.h"
#include "broker/BrokerKeys.h"
#include "broker/BrokerLibrary.h"
#include "broker/StreamEntry.h"
#include "core/Clock.h"
#include "http/HttpServer.h"
#include "http/Router.h"
#include "redis/RedisClient.h"
#include "worker/Model.h"
#include "worker/RegistryClient.h"
#include "worker/WorkerRuntime.h"

#include "mmf/models/arith.pb.h"
#include "mmf/v1/task.pb.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <stdexcept>

using namespace mmf;

namespace {

const QByteArray kModel = "m1";
const QByteArray kUser = "u1";

// What the test model does is chosen by the request's `a`:
//   1 throws, 2 returns a TaskError, 3 sleeps until cancelled, 5 sleeps delay_ms then adds,
//   6 calls model "arith" and adds its answer, 7 calls model "fails" and passes its error on,
//   8 runs until the test opens the gate, then adds (a task that is surely still running, however slow the
//   machine), 9 as 8 but writes a log line once the test says so, 10 as 8 but then throws, anything else
//   logs, reports progress and adds.
class TestModel final : public Model<models::ArithRequest, models::ArithResponse>
{
public:
    std::atomic<int> running{0};
    std::atomic<int> maxRunning{0};
    std::atomic<int> returned{0};
    std::atomic<int> cancelledSeen{0};
    std::atomic<bool> gateOpen{false};
    std::atomic<bool> logNow{false};
    // Every request may run inline while this is set; runs are counted by the thread they ran on (the test's
    // thread is the runtime's event loop).
    std::atomic<bool> inlineAll{false};
    std::atomic<int> ranOnLoop{0};
    std::atomic<int> ranOnThreads{0};
    QThread* const loopThread = QThread::currentThread();

    bool runsInline(const QByteArray&) const override { return inlineAll.load(); }

    Outcome<models::ArithResponse> process(const models::ArithRequest& request, TaskContext& context) override
    {
        ++(QThread::currentThread() == loopThread ? ranOnLoop : ranOnThreads);
        const int now = ++running;
        int seen = maxRunning.load();
        while (now > seen && !maxRunning.compare_exchange_weak(seen, now)) {
        }
        struct Leave
        {
            TestModel* model;
            ~Leave()
            {
                --model->running;
                ++model->returned;
            }
        } leave{this};

        models::ArithResponse response;
        response.set_instance(context.instanceName().toStdString());
        const int mode = int(request.a());
        switch (mode) {
        case 1:
            throw std::runtime_error("kaboom");
        case 2:
            return TaskError{QStringLiteral("bad_input"), QStringLiteral("two is bad")};
        case 3:
            if (!context.sleepFor(60000)) {
                ++cancelledSeen;
                return TaskError{QStringLiteral("cancelled"), QStringLiteral("noticed the cancel")};
            }
            break;
        case 5:
            if (!context.sleepFor(request.delay_ms()))
                return TaskError{QStringLiteral("cancelled"), QStringLiteral("noticed the cancel")};
            break;
        case 9:
            while (!logNow.load()) {
                if (!context.sleepFor(5))
                    return TaskError{QStringLiteral("cancelled"), QStringLiteral("noticed the cancel")};
            }
            context.info(QStringLiteral("told to log"));
            [[fallthrough]];
        case 8:
        case 11:
            while (!gateOpen.load()) {
                if (!context.sleepFor(5))
                    return TaskError{QStringLiteral("cancelled"), QStringLiteral("noticed the cancel")};
            }
            if (mode == 11)
                throw std::runtime_error("kaboom after the gate");
            break;
        case 6:
        case 7: {
            models::ArithRequest child;
            child.set_op(models::ADD);
            child.set_a(3);
            child.set_b(4);
            CallHandle handle =
                context.call(mode == 6 ? QStringLiteral("arith") : QStringLiteral("fails"), child);
            const Result<QByteArray> answer = handle.wait();
            if (!answer) {
                const QString& message = answer.error().message;
                const qsizetype colon = message.indexOf(QStringLiteral(": "));
                return TaskError{message.left(colon),
                                 QStringLiteral("%1 [child %2]")
                                     .arg(message.mid(colon + 2), QString::fromUtf8(handle.taskId()))};
            }
            models::ArithResponse childResponse;
            childResponse.ParseFromArray(answer->constData(), int(answer->size()));
            response.set_value(request.b() + childResponse.value());
            return response;
        }
        default:
            context.info(QStringLiteral("adding %1 and %2").arg(request.a()).arg(request.b()));
            context.progress(0.5, QStringLiteral("half"));
            break;
        }
        response.set_value(request.a() + request.b());
        return response;
    }
};

// The server side the runtime talks to over HTTP.
class FakeServer
{
public:
    QList<const SigningKey*> servedKeys;
    std::atomic<int> keyFetches{0};
    QList<HttpRequest> submissions;
    int polls = 0;

    FakeServer()
        : m_http(HttpLimits{})
    {
        m_router.add(
            "GET", "/api/v1/keys", [this](HttpRequest&, const HttpResponder& responder, const RouteParams&) {
                ++keyFetches;
                QJsonArray keys;
                for (const SigningKey* key : std::as_const(servedKeys)) {
                    keys.append(QJsonObject{
                        {"key_id", QString::fromLatin1(key->keyId())},
                        {"public_key", QString::fromLatin1(key->publicKey().toBase64(
                                           QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))},
                        {"not_after", ""}});
                }
                responder.sendJson(200,
                                   QJsonDocument(QJsonObject{{"keys", keys}}).toJson(QJsonDocument::Compact));
            });
        m_router.add("POST", "/api/v1/models/{name}/tasks",
                     [this](HttpRequest& request, const HttpResponder& responder, const RouteParams& params) {
                         submissions.append(request);
                         if (params.value("name") == "fails") {
                             responder.sendJson(
                                 200, R"({"task_id":"child-f","status":"failed","error":)"
                                      R"({"code":"division_by_zero","message":"division by zero: 5 / 0"}})");
                             return;
                         }
                         responder.sendJson(202, R"({"task_id":"child-1","status":"queued"})");
                     });
        m_router.add("GET", "/api/v1/tasks/{id}",
                     [this](HttpRequest&, const HttpResponder& responder, const RouteParams& params) {
                         // First still running (a long-poll that timed out), then the result.
                         if (++polls == 1) {
                             responder.sendJson(200, R"({"task_id":"child-1","status":"running"})");
                             return;
                         }
                         models::ArithResponse answer;
                         answer.set_value(7);
                         responder.send(200, "application/x-protobuf",
                                        QByteArray::fromStdString(answer.SerializeAsString()),
                                        {{"X-MMF-Task-Id", params.value("id")}});
                     });
        m_http.setHandler([this](HttpRequest& request, const HttpResponder& responder) {
            m_router.dispatch(request, responder);
        });
        auto port = m_http.listen(QHostAddress::LocalHost, 0);
        m_port = port ? *port : 0;
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }

private:
    Router m_router;
    HttpServer m_http;
    quint16 m_port = 0;
};

} // namespace

class TestWorkerRuntime : public QObject
{
    Q_OBJECT

private:
    RedisServerFixture m_server;
    std::unique_ptr<RedisClient> m_redis;
    BrokerCalls m_calls{kModel, BrokerLimits{}};
    SystemClock m_clock;
    SigningKey m_key1 = SigningKey::fromSeed(QByteArray(32, 'a')).value();
    SigningKey m_key2 = SigningKey::fromSeed(QByteArray(32, 'b')).value();
    std::unique_ptr<FakeServer> m_fake;
    std::unique_ptr<TokenVerifier> m_verifier;
    std::unique_ptr<RegistryClient> m_registry;
    std::unique_ptr<TestModel> m_model;
    std::unique_ptr<WorkerRuntime> m_runtime;
    int m_consumerSerial = 0;
    int m_inlineBudgetUs = WorkerRuntimeSettings().inlineBudgetUs;

    const QByteArray m_tasks = BrokerKeys::tasks(kModel);

    bool send(const std::vector<QByteArray>& args, const std::function<void(const RedisReply&)>& inspect)
    {
        return sendAndWait(*m_redis, args, inspect);
    }
    QByteArray text(const std::vector<QByteArray>& args)
    {
        QByteArray out;
        send(args,
             [&](const RedisReply& reply) { out = reply.isNil() ? QByteArray() : reply.toByteArray(); });
        return out;
    }
    qint64 integer(const std::vector<QByteArray>& args)
    {
        qint64 out = -1;
        send(args, [&](const RedisReply& reply) { out = reply.integer(); });
        return out;
    }
    QByteArray status(const QByteArray& id) { return text({"HGET", BrokerKeys::task(kModel, id), "st"}); }
    QByteArray field(const QByteArray& id, const QByteArray& name)
    {
        return text({"HGET", BrokerKeys::task(kModel, id), name});
    }
    qint64 pendingCount()
    {
        qint64 out = -1;
        send({"XPENDING", m_tasks, "workers"}, [&](const RedisReply& reply) { out = reply.at(0).integer(); });
        return out;
    }
    std::vector<StreamEntry> range(const QByteArray& key)
    {
        std::vector<StreamEntry> entries;
        send({"XRANGE", key, "-", "+"},
             [&](const RedisReply& reply) { entries = StreamEntry::parseEntries(reply); });
        return entries;
    }

    QByteArray token(const SigningKey& key, const QByteArray& model = kModel,
                     const QStringList& methods = {"score"}, qint64 expOffset = 3600,
                     const QByteArray& project = "default")
    {
        v1::TokenClaims claims;
        claims.set_user_id(kUser.toStdString());
        claims.set_project_id(project.toStdString());
        for (const QString& m : methods)
            claims.add_methods(m.toStdString());
        claims.set_iat(m_clock.nowSecs() - 10);
        claims.set_exp(m_clock.nowSecs() + expOffset);
        claims.set_model(model.toStdString());
        return issueToken(key, claims);
    }

    // Queues a task the way the gateway does.
    bool submit(const QByteArray& id, double a, double b, const QByteArray& taskToken, int delayMs = 0)
    {
        models::ArithRequest request;
        request.set_op(models::ADD);
        request.set_a(a);
        request.set_b(b);
        request.set_delay_ms(delayMs);
        v1::TaskEnvelope envelope;
        envelope.set_task_id(id.toStdString());
        envelope.set_model(kModel.toStdString());
        envelope.set_task_token(taskToken.toStdString());
        envelope.set_request(request.SerializeAsString());
        envelope.set_user_id(kUser.toStdString());
        bool ok = false;
        bool done = false;
        m_redis->command(
            m_calls
                .submit(m_clock.nowMs(), {{id,
                                           QByteArray::fromStdString(envelope.SerializeAsString()),
                                           kUser,
                                           "default",
                                           {},
                                           false,
                                           QByteArray::fromStdString(envelope.request())}})
                .argv(),
            [&](const RedisReply& reply) {
                ok = reply.isArray() && reply.at(0).toByteArray() == "ok";
                done = true;
            });
        QDeadlineTimer deadline(10000);
        while (!done && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        return ok;
    }

    WorkerRuntime& startRuntime(int concurrency = 1, int commandTimeoutMs = 5000, int claimTimeoutMs = 30000,
                                int recordStartAfterMs = WorkerRuntimeSettings().recordStartAfterMs,
                                int cancelPollMs = WorkerRuntimeSettings().cancelPollMs)
    {
        WorkerRuntimeSettings settings;
        settings.recordStartAfterMs = recordStartAfterMs;
        settings.cancelPollMs = cancelPollMs;
        settings.inlineBudgetUs = m_inlineBudgetUs;
        settings.modelName = QString::fromLatin1(kModel);
        settings.project = "default";
        settings.consumer = QStringLiteral("c%1").arg(++m_consumerSerial);
        settings.server = m_fake->url();
        settings.concurrency = concurrency;
        settings.claimTimeoutMs = claimTimeoutMs;
        settings.blockMs = 200;
        settings.keyRefetchMinMs = 200;
        settings.keyWaitMaxMs = 3000;
        RedisConfig config = m_server.config();
        config.commandTimeoutMs = commandTimeoutMs;
        config.reconnectMaxMs = 200;
        m_runtime =
            std::make_unique<WorkerRuntime>(settings, config, *m_model, *m_verifier, *m_registry, m_clock);
        m_runtime->start();
        return *m_runtime;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_redis = startConnected(m_server.config());
        QVERIFY(m_redis);
        QVERIFY(loadBrokerLibrary(*m_redis));
    }

    void init()
    {
        QCOMPARE(text({"FLUSHALL"}), QByteArray("OK"));
        m_fake = std::make_unique<FakeServer>();
        m_fake->servedKeys = {&m_key1};
        m_verifier = std::make_unique<TokenVerifier>(m_clock);
        m_verifier->setTrustedKey(m_key1.keyId(), m_key1.publicKey());
        m_registry = std::make_unique<RegistryClient>(m_fake->url(), "serve-token");
        m_model = std::make_unique<TestModel>();
        m_inlineBudgetUs = WorkerRuntimeSettings().inlineBudgetUs;
    }

    void cleanup()
    {
        m_runtime.reset();
        m_registry.reset();
        m_fake.reset();
    }

    void runsATaskAndStoresTheResult()
    {
        WorkerRuntime& runtime = startRuntime();
        QVERIFY(submit("t1", 20, 22, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("succeeded"), 10000);
        models::ArithResponse response;
        const QByteArray bytes = text({"HGET", BrokerKeys::task(kModel, "t1"), "res"});
        QVERIFY(response.ParseFromArray(bytes.constData(), int(bytes.size())));
        QCOMPARE(response.value(), 42.0);
        QCOMPARE(QString::fromStdString(response.instance()), runtime.settings().consumer);
        QCOMPARE(field("t1", "att"), QByteArray("1"));
        QCOMPARE(field("t1", "i"), runtime.settings().consumer.toUtf8());
        QCOMPARE(pendingCount(), qint64(0));
        const auto lines = range(BrokerKeys::log(kModel, "t1"));
        QCOMPARE(lines.size(), size_t(1));
        QCOMPARE(lines[0].value("lv"), QByteArray("info"));
        QCOMPARE(lines[0].value("tx"), QByteArray("adding 20 and 22"));
        QCOMPARE(field("t1", "pf"), QByteArray("0.5"));
        QTRY_COMPARE_WITH_TIMEOUT(runtime.stats().inHand, 0, 5000);
        QCOMPARE(runtime.stats().succeeded, qint64(1));
        // The log line was written before the result event; no running event, as no server has a status
        // subscriber (mmf:{m}:watch).
        QByteArrayList kinds;
        for (const StreamEntry& e : range(BrokerKeys::events(kModel)))
            kinds.append(e.value("k") + (e.value("st").isEmpty() ? QByteArray() : ':' + e.value("st")));
        QCOMPARE(kinds, (QByteArrayList{"l", "p", "r:succeeded"}));
    }

    void perTaskLinesAreDebugOnly()
    {
        // A line per task costs a busy worker a seventh of its CPU: by default none is written; the
        // mmf.worker.debug rule shows them.
        static QStringList lines;
        lines.clear();
        const QtMessageHandler previous =
            qInstallMessageHandler([](QtMsgType, const QMessageLogContext& context, const QString& text) {
                if (QByteArrayView(context.category) == "mmf.worker")
                    lines.append(text);
            });
        auto linesAbout = [](const QString& taskId) {
            return std::count_if(lines.cbegin(), lines.cend(),
                                 [&](const QString& line) { return line.contains(taskId); });
        };
        startRuntime();
        QVERIFY(submit("quiet", 20, 22, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(status("quiet"), QByteArray("succeeded"), 10000);
        QCOMPARE(linesAbout("quiet"), 0);
        QVERIFY(!lines.isEmpty()); // the runtime did log ("taking tasks of model …")

        QLoggingCategory::setFilterRules(QStringLiteral("mmf.worker.debug=true"));
        QVERIFY(submit("loud", 20, 22, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(status("loud"), QByteArray("succeeded"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(linesAbout("loud"), qsizetype(2),
                                  5000); // "running task", "task … succeeded"
        QLoggingCategory::setFilterRules(QString());
        qInstallMessageHandler(previous);
    }

    void refusesBadTaskTokens_data()
    {
        QTest::addColumn<QByteArray>("taskToken");
        QTest::addColumn<QString>("reason");
        QTest::newRow("other model") << token(m_key1, "m2") << "for model 'm2'";
        QTest::newRow("no score") << token(m_key1, kModel, {"read"}) << "does not grant score";
        QTest::newRow("other project") << token(m_key1, kModel, {"score"}, 3600, "other")
                                       << "for project 'other', not the model's project 'default'";
        QTest::newRow("expired") << token(m_key1, kModel, {"score"}, -3600) << "expired";
        // One character of the signature changed: it no longer fits the claims.
        QByteArray forged = token(m_key1);
        forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
        QTest::newRow("bad signature") << forged << "signature";
        QTest::newRow("not a task token") << token(m_key1, "") << "for model ''";
        QTest::newRow("unknown key") << token(m_key2) << "unknown key";
        QTest::newRow("garbage") << QByteArray("not-a-token") << "malformed";
    }

    void refusesBadTaskTokens()
    {
        QFETCH(QByteArray, taskToken);
        QFETCH(QString, reason);
        WorkerRuntime& runtime = startRuntime();
        QVERIFY(submit("t1", 1, 2, taskToken));
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("failed"), 10000);
        QCOMPARE(field("t1", "ec"), QByteArray("permission_denied"));
        QVERIFY2(QString::fromUtf8(field("t1", "em")).contains(reason), field("t1", "em").constData());
        QCOMPARE(m_model->returned.load(), 0); // the model never saw it
        QCOMPARE(pendingCount(), qint64(0));
        QTRY_COMPARE_WITH_TIMEOUT(runtime.stats().inHand, 0, 5000);
        if (QByteArray(QTest::currentDataTag()) == "unknown key")
            QVERIFY(m_fake->keyFetches.load() >= 1); // it asked the server before refusing
    }

    void fetchesAKeyItDoesNotKnowYet()
    {
        m_fake->servedKeys = {&m_key1, &m_key2}; // a rotation the worker has not seen
        startRuntime();
        QVERIFY(submit("t1", 20, 1, token(m_key2)));
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("succeeded"), 10000);
        QCOMPARE(m_fake->keyFetches.load(), 1);
        QVERIFY(m_verifier->knowsKey(m_key2.keyId()));
    }

    void anExceptionIsARetriedAttempt()
    {
        startRuntime();
        QVERIFY(submit("t1", 1, 0, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(field("t1", "ec"), QByteArray("exception"), 10000);
        QCOMPARE(status("t1"), QByteArray("queued"));
        QCOMPARE(field("t1", "em"), QByteArray("kaboom"));
        QCOMPARE(field("t1", "att"), QByteArray("1"));
        QVERIFY(!text({"ZSCORE", BrokerKeys::delayed(kModel), "t1"}).isEmpty()); // waits for its retry
        QCOMPARE(pendingCount(), qint64(0));
    }

    void aTaskErrorFailsAtOnce()
    {
        startRuntime();
        QVERIFY(submit("t1", 2, 0, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("failed"), 10000);
        QCOMPARE(field("t1", "ec"), QByteArray("bad_input"));
        QCOMPARE(field("t1", "em"), QByteArray("two is bad"));
        QVERIFY(text({"ZSCORE", BrokerKeys::delayed(kModel), "t1"}).isEmpty());
    }

    // An attempt whose entry was deleted while it ran (only the model's own user or an operator can) leaves
    // no envelope for a retry: the task fails (payload_lost), and the runtime counts the failure.
    void anAttemptThatCannotBeRetriedCountsAsFailed()
    {
        WorkerRuntime& runtime = startRuntime();
        QVERIFY(submit("t1", 11, 0, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(m_model->running.load(), 1, 10000);
        const QByteArray entry = field("t1", "e");
        QVERIFY(!entry.isEmpty());
        QCOMPARE(integer({"XDEL", m_tasks, entry}), qint64(1));
        m_model->gateOpen = true;
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("failed"), 10000);
        QCOMPARE(field("t1", "ec"), QByteArray("payload_lost"));
        QTRY_COMPARE_WITH_TIMEOUT(runtime.stats().failed, qint64(1), 5000);
    }

    void cancellationReachesTheModel()
    {
        WorkerRuntime& runtime = startRuntime();
        QVERIFY(submit("t1", 3, 0, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(m_model->running.load(), 1, 10000);
        QCOMPARE(runtime.stats().currentTaskId, QStringLiteral("t1"));
        bool done = false;
        m_redis->command(m_calls.cancel("t1", m_clock.nowMs()).argv(),
                         [&](const RedisReply&) { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_model->cancelledSeen.load(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(runtime.stats().inHand, 0, 5000);
        QCOMPARE(status("t1"), QByteArray("cancelled"));
        QVERIFY(text({"HGET", BrokerKeys::task(kModel, "t1"), "res"}).isEmpty());
        QCOMPARE(pendingCount(), qint64(0));
    }

    void anUndecodableEntryGoesToTheDeadLetters()
    {
        WorkerRuntime& runtime = startRuntime();
        QVERIFY(!text({"XADD", m_tasks, "*", "env", "\xff\xff\xff"}).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(integer({"XLEN", BrokerKeys::dead(kModel)}), qint64(1), 10000);
        const auto dead = range(BrokerKeys::dead(kModel));
        QCOMPARE(dead[0].value("ec"), QByteArray("undecodable"));
        QCOMPARE(pendingCount(), qint64(0));
        QTRY_COMPARE_WITH_TIMEOUT(runtime.stats().inHand, 0, 5000);
        // And it keeps working.
        QVERIFY(submit("t1", 10, 2, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("succeeded"), 10000);
    }

    void holdsAtMostConcurrencyTasks()
    {
        WorkerRuntime& runtime = startRuntime(2);
        for (const QByteArray id : {"t1", "t2", "t3"})
            QVERIFY(submit(id, 8, 1, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(m_model->running.load(), 2, 10000);
        // The two stay running until the gate opens (a task of fixed length could end before these reads on
        // a loaded machine, and the third would be taken).
        QCOMPARE(pendingCount(), qint64(2)); // the third stays in the stream for another instance
        QCOMPARE(status("t3"), QByteArray("queued"));
        QCOMPARE(runtime.stats().inHand, 2);
        m_model->gateOpen = true;
        for (const QByteArray id : {"t1", "t2", "t3"})
            QTRY_COMPARE_WITH_TIMEOUT(status(id), QByteArray("succeeded"), 10000);
        QCOMPARE(m_model->maxRunning.load(), 2);
    }

    void renewsItsClaimsWhileATaskRuns()
    {
        startRuntime(1, 5000, 600); // renews every 200 ms
        QVERIFY(submit("t1", 3, 0, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(m_model->running.load(), 1, 10000);
        QElapsedTimer running;
        running.start();
        const auto idleMs = [&] {
            qint64 idle = -1;
            send({"XPENDING", m_tasks, "workers", "-", "+", "10"}, [&](const RedisReply& reply) {
                idle = reply.size() == 1 ? reply.at(0).at(2).integer() : -1;
            });
            return idle;
        };
        // Well past the claim timeout, the entry is still fresh.
        QTRY_VERIFY_WITH_TIMEOUT(running.elapsed() > 1500 && idleMs() >= 0 && idleMs() < 600, 10000);
    }

    void callsAnotherModelThroughTheGateway()
    {
        startRuntime();
        const QByteArray taskToken = token(m_key1);
        QVERIFY(submit("t1", 6, 10, taskToken));
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("succeeded"), 10000);
        models::ArithResponse response;
        const QByteArray bytes = text({"HGET", BrokerKeys::task(kModel, "t1"), "res"});
        QVERIFY(response.ParseFromArray(bytes.constData(), int(bytes.size())));
        QCOMPARE(response.value(), 17.0); // 10 + the child's 7
        QCOMPARE(m_fake->submissions.size(), 1);
        const HttpRequest& submitted = m_fake->submissions[0];
        QCOMPARE(submitted.path, QByteArray("/api/v1/models/arith/tasks"));
        QCOMPARE(submitted.queryParam("wait"), QByteArray("60"));
        QCOMPARE(submitted.header("authorization"), "Bearer " + taskToken);
        QCOMPARE(submitted.header("content-type"), QByteArray("application/x-protobuf"));
        QCOMPARE(submitted.header("accept"), QByteArray("application/x-protobuf"));
        QCOMPARE(submitted.header("x-mmf-parent-task-id"), QByteArray("t1"));
        QCOMPARE(submitted.header("idempotency-key"), QByteArray("t1-a1-c1"));
        models::ArithRequest child;
        QVERIFY(child.ParseFromArray(submitted.body.constData(), int(submitted.body.size())));
        QCOMPARE(child.a(), 3.0);
        QCOMPARE(m_fake->polls, 2); // one long-poll came back still running
    }

    void aFailedCallCarriesTheChildsError()
    {
        startRuntime();
        QVERIFY(submit("t1", 7, 0, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("failed"), 10000);
        QCOMPARE(field("t1", "ec"), QByteArray("division_by_zero"));
        QCOMPARE(field("t1", "em"), QByteArray("division by zero: 5 / 0 [child child-f]"));
    }

    // The read is the start: a quick task's start is recorded with its outcome (no running event even with a
    // status subscriber); one that logs is recorded as running before its first line.
    void aQuickTaskRecordsItsStartWithItsOutcome()
    {
        QCOMPARE(text({"SET", BrokerKeys::watch(kModel), "1"}), QByteArray("OK"));
        // Only a log line records a start here.
        WorkerRuntime& runtime = startRuntime(1, 5000, 30000, 600000);
        QVERIFY(submit("quick", 5, 1, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(status("quick"), QByteArray("succeeded"), 10000);
        QCOMPARE(field("quick", "att"), QByteArray("1"));
        QCOMPARE(field("quick", "i"), runtime.settings().consumer.toUtf8());
        QVERIFY(!field("quick", "s").isEmpty() &&
                field("quick", "s").toLongLong() <= field("quick", "f").toLongLong());
        QVERIFY(submit("logs", 4, 1, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(status("logs"), QByteArray("succeeded"), 10000);
        QByteArrayList quick;
        QByteArrayList logs;
        for (const StreamEntry& e : range(BrokerKeys::events(kModel))) {
            const QByteArray kind =
                e.value("k") + (e.value("st").isEmpty() ? QByteArray() : ':' + e.value("st"));
            (e.value("id") == "quick" ? quick : logs).append(kind);
        }
        QCOMPARE(quick, QByteArrayList{"r:succeeded"});
        QCOMPARE(logs, (QByteArrayList{"s:running", "l", "p", "r:succeeded"}));
        QCOMPARE(field("logs", "att"), QByteArray("1"));
    }

    void aTaskThatRunsLongerIsSeenRunning()
    {
        QCOMPARE(text({"SET", BrokerKeys::watch(kModel), "1"}), QByteArray("OK"));
        // Its start is recorded once it has run 100 ms (no cancellation polls meanwhile); it writes no log.
        startRuntime(1, 5000, 30000, 100, 600000);
        const qint64 submitted = m_clock.nowMs();
        QVERIFY(submit("slow", 8, 1, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(m_model->running.load(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(status("slow"), QByteArray("running"), 10000);
        QCOMPARE(field("slow", "att"), QByteArray("1"));
        const qint64 started = field("slow", "s").toLongLong();
        QVERIFY2(started >= submitted && started <= m_clock.nowMs(), qPrintable(QString::number(started)));
        m_model->gateOpen = true;
        QTRY_COMPARE_WITH_TIMEOUT(status("slow"), QByteArray("succeeded"), 10000);
        QCOMPARE(field("slow", "s").toLongLong(), started);
        QByteArrayList kinds;
        for (const StreamEntry& e : range(BrokerKeys::events(kModel)))
            kinds.append(e.value("k") + ':' + e.value("st"));
        QCOMPARE(kinds, (QByteArrayList{"s:running", "r:succeeded"}));
    }

    void aRunCancelledBeforeItsStartIsRecordedStops()
    {
        // Neither a timer nor a poll records or checks anything here: the log line records the start, and
        // Redis's answer ("cancelled") stops the run.
        WorkerRuntime& runtime = startRuntime(1, 5000, 30000, 600000, 600000);
        QVERIFY(submit("t1", 9, 1, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(m_model->running.load(), 1, 10000);
        bool done = false;
        m_redis->command(m_calls.cancel("t1", m_clock.nowMs()).argv(),
                         [&](const RedisReply&) { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        QCOMPARE(status("t1"), QByteArray("cancelled"));
        m_model->logNow = true;
        QTRY_COMPARE_WITH_TIMEOUT(m_model->returned.load(), 1, 10000); // the gate stayed shut
        QTRY_COMPARE_WITH_TIMEOUT(runtime.stats().inHand, 0, 5000);
        QCOMPARE(status("t1"), QByteArray("cancelled"));
        QCOMPARE(runtime.stats().succeeded, qint64(0));
    }

    // A model may let a task run inline on the event loop: no worker thread sees it, its log, progress and
    // outcome are stored as from a thread.
    void aModelMayRunATaskInline()
    {
        m_model->inlineAll = true;
        m_inlineBudgetUs = 10000000; // however loaded the machine
        WorkerRuntime& runtime = startRuntime(2);
        QVERIFY(submit("t1", 20, 22, token(m_key1)));
        QVERIFY(submit("t2", 2, 0, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("succeeded"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(status("t2"), QByteArray("failed"), 10000);
        QCOMPARE(m_model->ranOnLoop.load(), 2);
        QCOMPARE(m_model->ranOnThreads.load(), 0);
        models::ArithResponse response;
        const QByteArray bytes = field("t1", "res");
        QVERIFY(response.ParseFromArray(bytes.constData(), int(bytes.size())));
        QCOMPARE(response.value(), 42.0);
        QCOMPARE(field("t1", "att"), QByteArray("1"));
        QCOMPARE(field("t1", "pf"), QByteArray("0.5"));
        const auto lines = range(BrokerKeys::log(kModel, "t1"));
        QCOMPARE(lines.size(), size_t(1));
        QCOMPARE(lines[0].value("tx"), QByteArray("adding 20 and 22"));
        QCOMPARE(field("t2", "ec"), QByteArray("bad_input"));
        QTRY_COMPARE_WITH_TIMEOUT(runtime.stats().inHand, 0, 5000);
        QCOMPARE(pendingCount(), qint64(0));
    }

    // Waiting for a call's answer on the loop would wait for the loop itself: an inline run's call fails at
    // once, and no sub-task is submitted.
    void anInlineRunCannotCallAModel()
    {
        m_model->inlineAll = true;
        m_inlineBudgetUs = 10000000;
        startRuntime();
        QVERIFY(submit("t1", 6, 10, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("failed"), 10000);
        QCOMPARE(field("t1", "ec"), QByteArray("internal"));
        QVERIFY2(field("t1", "em").contains("cannot call models"), field("t1", "em").constData());
        QVERIFY(m_fake->submissions.isEmpty());
        QCOMPARE(m_model->ranOnLoop.load(), 1);
    }

    // A model that blocks in a run it said was quick: the first overstay may be the machine's doing, the
    // second (watched) shows the run blocked; both tasks still end as they should, and every later task runs
    // on the threads.
    void anInlineRunThatBlocksSendsLaterTasksToTheThreads()
    {
        m_model->inlineAll = true;
        m_inlineBudgetUs = 2000;
        startRuntime();
        QVERIFY(submit("t1", 5, 1, token(m_key1), 20));
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("succeeded"), 10000);
        QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression("task t2 - an inline run took \\d+ µs and blocked .*over the "
                               "budget of 2000 µs - every later task runs on the worker threads"));
        QVERIFY(submit("t2", 5, 1, token(m_key1), 20));
        QTRY_COMPARE_WITH_TIMEOUT(status("t2"), QByteArray("succeeded"), 10000);
        QCOMPARE(m_model->ranOnLoop.load(), 2);
        QVERIFY(submit("t3", 4, 2, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(status("t3"), QByteArray("succeeded"), 10000);
        QCOMPARE(m_model->ranOnLoop.load(), 2);
        QCOMPARE(m_model->ranOnThreads.load(), 1);
    }

    void shutdownGivesARunningTaskBack()
    {
        WorkerRuntime& runtime = startRuntime();
        QVERIFY(submit("t1", 3, 0, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(m_model->running.load(), 1, 10000);
        // The read was the start; a task that runs on is recorded as running soon after.
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("running"), 10000);
        QCOMPARE(field("t1", "att"), QByteArray("1"));
        QSignalSpy stopped(&runtime, &WorkerRuntime::stopped);
        runtime.shutdown(200);
        QVERIFY(stopped.wait(10000));
        QCOMPARE(status("t1"), QByteArray("queued"));
        QCOMPARE(field("t1", "att"), QByteArray("0")); // the attempt did not count
        QCOMPARE(pendingCount(), qint64(0));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(1)); // back in the stream for another instance
        // stopped() follows the release's reply, not the model thread: the model sees the cancel on its own
        // thread, and only joining the threads orders its count before this read.
        QVERIFY(runtime.stopThreads(5000));
        QCOMPARE(m_model->cancelledSeen.load(), 1);
    }

    void shutdownLetsAShortTaskFinish()
    {
        WorkerRuntime& runtime = startRuntime();
        QVERIFY(submit("t1", 5, 1, token(m_key1), 300));
        QTRY_COMPARE_WITH_TIMEOUT(m_model->running.load(), 1, 10000);
        QSignalSpy stopped(&runtime, &WorkerRuntime::stopped);
        runtime.shutdown(10000);
        QVERIFY(submit("t2", 1, 2, token(m_key1))); // not taken any more
        QVERIFY(stopped.wait(15000));
        QCOMPARE(status("t1"), QByteArray("succeeded"));
        QCOMPARE(status("t2"), QByteArray("queued"));
        QCOMPARE(pendingCount(), qint64(0));
    }

    void anOutcomeWaitsForRedisToComeBack()
    {
        WorkerRuntime& runtime = startRuntime(1, 300);
        QVERIFY(submit("t1", 8, 1, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(m_model->running.load(), 1, 10000);
        QVERIFY(m_server.kill(SIGSTOP));
        // The model finishes while Redis hangs (only now: a task of fixed length could have ended before the
        // stop on a loaded machine): the finish meets the deadline and waits.
        m_model->gateOpen = true;
        QTRY_VERIFY_WITH_TIMEOUT(runtime.stats().writesBlocked, 10000);
        QCOMPARE(m_model->returned.load(), 1);
        QCOMPARE(runtime.stats().inHand, 1); // still in hand: nothing is dropped
        QVERIFY(m_server.kill(SIGCONT));
        QTRY_COMPARE_WITH_TIMEOUT(runtime.stats().inHand, 0, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(status("t1"), QByteArray("succeeded"), 10000);
        QVERIFY(!text({"HGET", BrokerKeys::task(kModel, "t1"), "res"}).isEmpty());
        QCOMPARE(pendingCount(), qint64(0));
        QCOMPARE(runtime.stats().succeeded, qint64(1)); // also when an earlier try stored it
    }

    void aStatusReadBeforeTheStartIsRecordedCancelsNothing()
    {
        // A cancellation poll reads the status of a task whose start is not recorded yet ("queued"); before
        // the answer, the task logs and its start is sent for recording. The answer predates the recording:
        // the task runs on. (It was cancelled "while queued meanwhile" when the check looked at the
        // recording's request instead of its answer.)
        WorkerRuntime& runtime = startRuntime(1, 5000, 30000, 600000, 20);
        QVERIFY(submit("t1", 9, 1, token(m_key1)));
        QTRY_COMPARE_WITH_TIMEOUT(m_model->running.load(), 1, 10000);
        QVERIFY(m_server.kill(SIGSTOP));
        // Polls go out every 20 ms and wait in Redis's socket; nothing else is sent meanwhile. Three pending:
        // at least two sent to the stopped Redis (an answer of the last poll before it stopped may still be
        // unread).
        QTRY_VERIFY_WITH_TIMEOUT(runtime.stats().commandsPending >= 3, 5000);
        m_model->logNow = true;
        QTRY_VERIFY_WITH_TIMEOUT(runtime.stats().writesPending > 0, 5000); // the recording, behind the polls
        QVERIFY(m_server.kill(SIGCONT));
        QTRY_COMPARE_WITH_TIMEOUT(field("t1", "st"), QByteArray("running"), 5000);
        // Every command sent before the recording is answered once none is pending (answers come in order).
        QTRY_COMPARE_WITH_TIMEOUT(runtime.stats().commandsPending, 0, 5000);
        m_model->gateOpen = true;
        QTRY_COMPARE_WITH_TIMEOUT(runtime.stats().inHand, 0, 10000);
        QCOMPARE(status("t1"), QByteArray("succeeded")); // not failed as "cancelled"
    }

    void cleanupTestCase() { m_redis.reset(); }
};

QTEST_GUILESS_MAIN(TestWorkerRuntime)
#include "tst_worker_runtime.moc"
