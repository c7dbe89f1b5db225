// The sample models echo, arith and calc, driven through a fake TaskContext (a unit test of their pure logic
// and of calc's scheduling; the runs through Redis and real workers are integration tests).
#include "ManualClock.h"
#include "models/ArithModel.h"
#include "models/BuiltinModels.h"
#include "models/CalcModel.h"
#include "models/CallError.h"
#include "models/EchoModel.h"
#include "models/ExpressionParser.h"

#include <google/protobuf/util/message_differencer.h>

#include <QRandomGenerator>
#include <QTest>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>

using namespace mmf;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

// Cancellation shared by a task and the sub-tasks it started (cancelling a parent cancels its children).
struct CancelState
{
    std::mutex mutex;
    std::condition_variable changed;
    bool cancelled = false;
};

// A TaskContext that records what the model did. call() serves "arith" in process: each call runs the given
// ArithModel on its own std::thread (so it takes the operation's configured or requested time, as a real
// instance would, in parallel with the others) and records when it started and finished.
class FakeTaskContext final : public TaskContext
{
public:
    struct CallRecord
    {
        QString model;
        models::ArithRequest request;
        SteadyClock::time_point started;
        std::optional<SteadyClock::time_point> finished;
    };

    explicit FakeTaskContext(QString instance = QStringLiteral("test-1"), int attempt = 1,
                             std::shared_ptr<CancelState> cancel = std::make_shared<CancelState>())
        : m_instance(std::move(instance))
        , m_attempt(attempt)
        , m_cancel(std::move(cancel))
    {}

    ~FakeTaskContext() override
    {
        for (std::thread& thread : m_threads)
            thread.join();
    }

    void setArith(ArithModel* arith) { m_arith = arith; }
    // Every call fails at once with `error`, as when the gateway refuses the sub-task.
    void failCallsWith(Error error) { m_callFailure = std::move(error); }

    void cancel()
    {
        {
            std::lock_guard lock(m_cancel->mutex);
            m_cancel->cancelled = true;
        }
        m_cancel->changed.notify_all();
    }

    std::vector<CallRecord> calls() const
    {
        std::lock_guard lock(m_mutex);
        return m_calls;
    }
    QStringList logs() const
    {
        std::lock_guard lock(m_mutex);
        return m_logs;
    }
    QList<double> progressValues() const
    {
        std::lock_guard lock(m_mutex);
        return m_progress;
    }
    QList<int> sleeps() const
    {
        std::lock_guard lock(m_mutex);
        return m_sleeps;
    }

    QString taskId() const override { return QStringLiteral("task-1"); }
    int attempt() const override { return m_attempt; }
    QString instanceName() const override { return m_instance; }

    void log(Level, const QString& text) override
    {
        std::lock_guard lock(m_mutex);
        m_logs.append(text);
    }
    void progress(double fraction, const QString&) override
    {
        std::lock_guard lock(m_mutex);
        m_progress.append(fraction);
    }

    bool isCancelled() const override
    {
        std::lock_guard lock(m_cancel->mutex);
        return m_cancel->cancelled;
    }

    bool sleepFor(int ms) override
    {
        {
            std::lock_guard lock(m_mutex);
            m_sleeps.append(ms);
        }
        std::unique_lock lock(m_cancel->mutex);
        return !m_cancel->changed.wait_for(lock, std::chrono::milliseconds(ms),
                                           [&] { return m_cancel->cancelled; });
    }

    CallHandle call(const QString& model, const google::protobuf::Message& request) override
    {
        CallHandle handle(m_notifier);
        if (m_callFailure) {
            handle.finish(*m_callFailure);
            return handle;
        }
        const std::string bytes = request.SerializeAsString();
        size_t index = 0;
        {
            std::lock_guard lock(m_mutex);
            CallRecord record{model, {}, SteadyClock::now(), std::nullopt};
            record.request.ParseFromString(bytes);
            m_calls.push_back(std::move(record));
            index = m_calls.size() - 1;
        }
        handle.setTaskId(QByteArray::number(qulonglong(index + 1)));
        m_threads.emplace_back([this, handle, bytes, index, model] {
            Outcome<QByteArray> outcome =
                TaskError{QStringLiteral("not_found"), model + " is not served here"};
            if (model == QLatin1String("arith") && m_arith) {
                // Two instances, taking the calls in turn.
                FakeTaskContext child(QStringLiteral("arith-%1").arg(index % 2 + 1), 1, m_cancel);
                outcome = m_arith->processBytes(QByteArray::fromStdString(bytes), child);
            }
            {
                std::lock_guard lock(m_mutex);
                m_calls[index].finished = SteadyClock::now();
            }
            if (const auto* error = std::get_if<TaskError>(&outcome))
                handle.finish(Error::internal(CallError::format(error->code, error->message)));
            else
                handle.finish(std::get<QByteArray>(outcome));
        });
        return handle;
    }

private:
    QString m_instance;
    int m_attempt;
    std::shared_ptr<CancelState> m_cancel;
    std::shared_ptr<CallHandle::Notifier> m_notifier = std::make_shared<CallHandle::Notifier>();
    ArithModel* m_arith = nullptr;
    std::optional<Error> m_callFailure;
    mutable std::mutex m_mutex;
    std::vector<CallRecord> m_calls;
    QStringList m_logs;
    QList<double> m_progress;
    QList<int> m_sleeps;
    std::vector<std::thread> m_threads; // touched only by the thread running process()
};

// Runs `work` on a thread of its own; on scope exit (also when a check failed and returned early) cancels the
// context and joins, so a failing test never leaves a joinable thread behind.
class Runner
{
public:
    Runner(FakeTaskContext& context, std::function<void()> work)
        : m_context(context)
        , m_thread([this, work = std::move(work)] {
            work();
            m_done = true;
        })
    {}
    ~Runner()
    {
        m_context.cancel();
        m_thread.join();
    }
    bool done() const { return m_done.load(); }

private:
    FakeTaskContext& m_context;
    std::atomic<bool> m_done{false};
    std::thread m_thread;
};

template<class Response> const Response& responseOf(const Outcome<Response>& outcome)
{
    static const Response empty;
    const auto* response = std::get_if<Response>(&outcome);
    return response ? *response : empty;
}

template<class Response> QString errorText(const Outcome<Response>& outcome)
{
    const auto* error = std::get_if<TaskError>(&outcome);
    return error ? error->code + QStringLiteral(": ") + error->message : QStringLiteral("(no error)");
}

const models::ArithRequest* findCall(const std::vector<FakeTaskContext::CallRecord>& calls,
                                     models::ArithOp op, double a, double b)
{
    for (const auto& call : calls) {
        if (call.request.op() == op && call.request.a() == a && call.request.b() == b)
            return &call.request;
    }
    return nullptr;
}

const FakeTaskContext::CallRecord* findRecord(const std::vector<FakeTaskContext::CallRecord>& calls,
                                              models::ArithOp op, double a, double b)
{
    for (const auto& call : calls) {
        if (call.request.op() == op && call.request.a() == a && call.request.b() == b)
            return &call;
    }
    return nullptr;
}

} // namespace

Q_DECLARE_METATYPE(models::ArithOp)

class TestModels : public QObject
{
    Q_OBJECT

private slots:
    void builtins();
    void callErrorFormat();

    void echoReturnsRequest();
    void echoFailWith();
    void echoRunsInlineUnlessItWaitsOrLogs();
    void echoAlwaysThrows();
    void echoFailUntil();
    void echoLogLines();
    void echoCancelledBeforeStart();
    void echoCancelledWhileWaiting();
    void echoRefusesBadRanges();

    void arithOperations_data();
    void arithOperations();
    void arithErrors_data();
    void arithErrors();
    void arithConfigure_data();
    void arithConfigure();
    void arithConfigureIsAllOrNothing();
    void arithDurations();

    void calcValues_data();
    void calcValues();
    void calcRunsIndependentOperationsInParallel();
    void calcWideTree();
    void calcLogsAndProgress();
    void calcBareNumber();
    void calcParseError();
    void calcDivisionByZero();
    void calcOverflow();
    void calcCallFailure();
    void calcCancelledBeforeStart();
    void calcCancelledWhileRunning();
    void calcMatchesLocalEvaluation();
};

void TestModels::builtins()
{
    QCOMPARE(BuiltinModels::names(), (QStringList{"echo", "calc", "arith", "digits", "image"}));
    for (const QString& name : BuiltinModels::names()) {
        std::unique_ptr<ModelBase> model = BuiltinModels::create(name);
        QVERIFY2(model, qPrintable(name));
        const v1::ModelMetadata meta = model->metadata();
        QVERIFY(!meta.description().empty());
        QVERIFY(!meta.docs().empty());
        QVERIFY(meta.tags_size() > 0);
    }
    QCOMPARE(BuiltinModels::create(u"echo")->requestDescriptor(), models::EchoRequest::descriptor());
    QCOMPARE(BuiltinModels::create(u"calc")->responseDescriptor(), models::CalcResponse::descriptor());
    QCOMPARE(BuiltinModels::create(u"arith")->requestDescriptor(), models::ArithRequest::descriptor());
    QVERIFY(!BuiltinModels::create(u"nope"));
    QVERIFY(!BuiltinModels::create(u"Echo"));
    // Models without options refuse them; arith takes its own.
    QVERIFY(!BuiltinModels::create(u"echo")->configure({{"x", "1"}}).isEmpty());
    QVERIFY(BuiltinModels::create(u"arith")->configure({{"add_ms", "1"}}).isEmpty());
}

void TestModels::callErrorFormat()
{
    const TaskError coded = CallError::toTaskError(
        Error::internal(CallError::format("division_by_zero", "division by zero: 5 / 0")));
    QCOMPARE(coded.code, QStringLiteral("division_by_zero"));
    QCOMPARE(coded.message, QStringLiteral("division by zero: 5 / 0"));

    const TaskError plain = CallError::toTaskError(Error::unavailable("no instance of arith is live"));
    QCOMPARE(plain.code, QStringLiteral("unavailable"));
    QCOMPARE(plain.message, QStringLiteral("no instance of arith is live"));

    // A message whose first words are not a code keeps the Error's code.
    const TaskError prose = CallError::toTaskError(Error::internal("Division by zero: 1 / 0"));
    QCOMPARE(prose.code, QStringLiteral("internal"));
    QCOMPARE(prose.message, QStringLiteral("Division by zero: 1 / 0"));
}

void TestModels::echoReturnsRequest()
{
    EchoModel echo;
    FakeTaskContext context(QStringLiteral("echo-7"), 3);
    models::EchoRequest request;
    request.set_text("hello\nworld");
    request.set_f_int64(-9'000'000'000);
    request.set_f_uint64(18'000'000'000'000'000'000ull);
    request.set_f_bytes(std::string("\0\1\2", 3));
    request.set_color(models::BLUE);
    request.mutable_point()->set_x(1.5);
    request.add_tags("a");
    request.add_tags("b");
    (*request.mutable_counts())["k"] = 4;
    request.set_choice_number(42);
    request.set_note("");
    request.mutable_at()->set_seconds(1'700'000'000);
    request.add_values(0.25);

    const auto outcome = echo.process(request, context);
    QVERIFY2(std::holds_alternative<models::EchoResponse>(outcome), qPrintable(errorText(outcome)));
    const auto& response = responseOf(outcome);
    QVERIFY(google::protobuf::util::MessageDifferencer::Equals(response.request(), request));
    QVERIFY(response.request().has_note());
    QCOMPARE(response.instance(), std::string("echo-7"));
    QCOMPARE(response.attempt(), 3);

    // Through the bytes interface, as the runtime calls it.
    const Outcome<QByteArray> bytes =
        echo.processBytes(QByteArray::fromStdString(request.SerializeAsString()), context);
    QVERIFY(std::holds_alternative<QByteArray>(bytes));
    models::EchoResponse decoded;
    QVERIFY(decoded.ParseFromString(std::get<QByteArray>(bytes).toStdString()));
    QVERIFY(google::protobuf::util::MessageDifferencer::Equals(decoded.request(), request));
    const Outcome<QByteArray> garbage = echo.processBytes(QByteArray("\xff\xff\xff", 3), context);
    QVERIFY(std::holds_alternative<TaskError>(garbage));
    QCOMPARE(std::get<TaskError>(garbage).code, QStringLiteral("invalid_argument"));
}

void TestModels::echoRunsInlineUnlessItWaitsOrLogs()
{
    EchoModel echo;
    const auto bytes = [](const models::EchoRequest& request) {
        return QByteArray::fromStdString(request.SerializeAsString());
    };
    models::EchoRequest request;
    request.set_text("hello");
    request.set_fail_with("quick, too");
    QVERIFY(echo.runsInline(bytes(request)));
    request.set_delay_ms(1);
    QVERIFY(!echo.runsInline(bytes(request)));
    request.set_delay_ms(0);
    request.set_log_lines(1);
    QVERIFY(!echo.runsInline(bytes(request)));
    QVERIFY(echo.runsInline(QByteArray("\xff\xff\xff", 3))); // fails at once as invalid_argument
}

void TestModels::echoFailWith()
{
    EchoModel echo;
    FakeTaskContext context;
    models::EchoRequest request;
    request.set_fail_with("the model says no");
    const auto outcome = echo.process(request, context);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    QCOMPARE(std::get<TaskError>(outcome).code, QStringLiteral("failed"));
    QCOMPARE(std::get<TaskError>(outcome).message, QStringLiteral("the model says no"));
}

void TestModels::echoAlwaysThrows()
{
    EchoModel echo;
    FakeTaskContext context;
    models::EchoRequest request;
    request.set_always_throw(true);
    request.set_fail_with("not reached: throwing comes first");
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, echo.process(request, context));
}

void TestModels::echoFailUntil()
{
    auto clock = std::make_shared<ManualClock>();
    EchoModel echo(clock);
    FakeTaskContext context;
    models::EchoRequest request;
    const qint64 untilMs = clock->nowMs() + 5000;
    request.mutable_fail_until()->set_seconds(untilMs / 1000);
    request.mutable_fail_until()->set_nanos(int(untilMs % 1000) * 1'000'000);

    QVERIFY_THROWS_EXCEPTION(std::runtime_error, echo.process(request, context));
    clock->setMs(untilMs - 1);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, echo.process(request, context));
    clock->setMs(untilMs);
    const auto outcome = echo.process(request, context);
    QVERIFY2(std::holds_alternative<models::EchoResponse>(outcome), qPrintable(errorText(outcome)));
    // A moment in the past does not fail at all.
    request.mutable_fail_until()->set_seconds(1);
    QVERIFY(std::holds_alternative<models::EchoResponse>(echo.process(request, context)));
}

void TestModels::echoLogLines()
{
    EchoModel echo;
    FakeTaskContext context;
    models::EchoRequest request;
    request.set_log_lines(4);
    request.set_delay_ms(10);
    QVERIFY(std::holds_alternative<models::EchoResponse>(echo.process(request, context)));
    QCOMPARE(context.logs(), (QStringList{"line 1 of 4", "line 2 of 4", "line 3 of 4", "line 4 of 4"}));
    QCOMPARE(context.progressValues(), (QList<double>{0.25, 0.5, 0.75, 1.0}));
    // The delay is spread over the lines and adds up exactly.
    const QList<int> sleeps = context.sleeps();
    QCOMPARE(std::accumulate(sleeps.begin(), sleeps.end(), 0), 10);

    // A plain delay still reports progress.
    FakeTaskContext quiet;
    request.set_log_lines(0);
    request.set_delay_ms(300);
    QVERIFY(std::holds_alternative<models::EchoResponse>(echo.process(request, quiet)));
    QVERIFY(quiet.logs().isEmpty());
    QCOMPARE(quiet.progressValues(), (QList<double>{1.0 / 3, 2.0 / 3, 1.0}));
    QCOMPARE(quiet.sleeps(), (QList<int>{100, 100, 100}));
}

void TestModels::echoCancelledBeforeStart()
{
    EchoModel echo;
    FakeTaskContext context;
    context.cancel();
    models::EchoRequest request;
    request.set_delay_ms(3'600'000);
    const auto outcome = echo.process(request, context);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    QCOMPARE(std::get<TaskError>(outcome).code, QStringLiteral("cancelled"));
}

void TestModels::echoCancelledWhileWaiting()
{
    EchoModel echo;
    FakeTaskContext context;
    models::EchoRequest request;
    request.set_delay_ms(3'600'000); // an hour: the test only ends if cancelling cuts it short
    request.set_log_lines(3600);
    std::optional<Outcome<models::EchoResponse>> outcome;
    Runner runner(context, [&] { outcome = echo.process(request, context); });
    QTRY_VERIFY_WITH_TIMEOUT(!context.logs().isEmpty(), 10000); // the first line comes after one second
    context.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(runner.done(), 10000);
    QVERIFY(std::holds_alternative<TaskError>(*outcome));
    QCOMPARE(std::get<TaskError>(*outcome).code, QStringLiteral("cancelled"));
    QVERIFY(context.logs().size() < 3600);
}

void TestModels::echoRefusesBadRanges()
{
    EchoModel echo;
    FakeTaskContext context;
    models::EchoRequest request;
    request.set_delay_ms(-1);
    QCOMPARE(std::get<TaskError>(echo.process(request, context)).code, QStringLiteral("invalid_argument"));
    request.set_delay_ms(0);
    request.set_log_lines(EchoModel::kMaxLogLines + 1);
    QCOMPARE(std::get<TaskError>(echo.process(request, context)).code, QStringLiteral("invalid_argument"));
    QVERIFY(context.logs().isEmpty());
}

void TestModels::arithOperations_data()
{
    QTest::addColumn<models::ArithOp>("op");
    QTest::addColumn<double>("a");
    QTest::addColumn<double>("b");
    QTest::addColumn<double>("value");

    QTest::newRow("add") << models::ADD << 2.0 << 3.0 << 5.0;
    QTest::newRow("sub") << models::SUB << 2.0 << 3.0 << -1.0;
    QTest::newRow("mul") << models::MUL << 2.5 << 4.0 << 10.0;
    QTest::newRow("div") << models::DIV << 5.0 << 2.0 << 2.5;
    QTest::newRow("div negative zero") << models::DIV << 0.0 << -3.0 << -0.0;
    QTest::newRow("neg") << models::NEG << 4.0 << 99.0 << -4.0;
    QTest::newRow("neg ignores a bad b") << models::NEG << -4.0 << qInf() << 4.0;
}

void TestModels::arithOperations()
{
    QFETCH(models::ArithOp, op);
    QFETCH(double, a);
    QFETCH(double, b);
    QFETCH(double, value);

    ArithModel arith;
    FakeTaskContext context(QStringLiteral("arith-9"));
    models::ArithRequest request;
    request.set_op(op);
    request.set_a(a);
    request.set_b(b);
    const auto outcome = arith.process(request, context);
    QVERIFY2(std::holds_alternative<models::ArithResponse>(outcome), qPrintable(errorText(outcome)));
    QCOMPARE(responseOf(outcome).value(), value);
    QCOMPARE(responseOf(outcome).instance(), std::string("arith-9"));
    QVERIFY(context.sleeps().isEmpty()); // no configured duration, no sleep
}

void TestModels::arithErrors_data()
{
    QTest::addColumn<models::ArithOp>("op");
    QTest::addColumn<double>("a");
    QTest::addColumn<double>("b");
    QTest::addColumn<int>("delayMs");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    QTest::newRow("division by zero") << models::DIV << 5.0 << 0.0 << 0 << "division_by_zero"
                                      << "division by zero: 5 / 0";
    QTest::newRow("division by negative zero") << models::DIV << 0.5 << -0.0 << 0 << "division_by_zero"
                                               << "division by zero: 0.5 / 0";
    QTest::newRow("overflow") << models::MUL << 1e308 << 10.0 << 0 << "invalid_argument"
                              << "the result of 1e+308 * 10 is out of range";
    QTest::newRow("no op") << models::ARITH_OP_UNSPECIFIED << 1.0 << 2.0 << 0 << "invalid_argument"
                           << "op must be one of ADD, SUB, MUL, DIV, NEG (got 0)";
    QTest::newRow("unknown op") << models::ArithOp(17) << 1.0 << 2.0 << 0 << "invalid_argument"
                                << "op must be one of ADD, SUB, MUL, DIV, NEG (got 17)";
    QTest::newRow("nan operand") << models::ADD << qQNaN() << 2.0 << 0 << "invalid_argument"
                                 << "operands must be finite numbers: nan + 2";
    QTest::newRow("infinite operand") << models::SUB << 1.0 << -qInf() << 0 << "invalid_argument"
                                      << "operands must be finite numbers: 1 - -inf";
    QTest::newRow("negative delay") << models::ADD << 1.0 << 2.0 << -5 << "invalid_argument"
                                    << "delay_ms must be in 0..60000 (got -5)";
    QTest::newRow("huge delay") << models::ADD << 1.0 << 2.0 << 60001 << "invalid_argument"
                                << "delay_ms must be in 0..60000 (got 60001)";
}

void TestModels::arithErrors()
{
    QFETCH(models::ArithOp, op);
    QFETCH(double, a);
    QFETCH(double, b);
    QFETCH(int, delayMs);
    QFETCH(QString, code);
    QFETCH(QString, message);

    ArithModel arith;
    FakeTaskContext context;
    models::ArithRequest request;
    request.set_op(op);
    request.set_a(a);
    request.set_b(b);
    request.set_delay_ms(delayMs);
    const auto outcome = arith.process(request, context);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    QCOMPARE(std::get<TaskError>(outcome).code, code);
    QCOMPARE(std::get<TaskError>(outcome).message, message);
}

void TestModels::arithConfigure_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("error"); // empty: accepted

    QTest::newRow("add") << "add_ms"
                         << "250"
                         << "";
    QTest::newRow("zero") << "neg_ms"
                          << "0"
                          << "";
    QTest::newRow("max") << "div_ms"
                         << "60000"
                         << "";
    QTest::newRow("spaces") << "mul_ms"
                            << " 7 "
                            << "";
    QTest::newRow("unknown key") << "pow_ms"
                                 << "1"
                                 << "unknown option 'pow_ms' (arith takes add_ms, sub_ms, "
                                    "mul_ms, div_ms, neg_ms)";
    QTest::newRow("case matters") << "ADD_MS"
                                  << "1"
                                  << "unknown option 'ADD_MS' (arith takes add_ms, sub_ms, "
                                     "mul_ms, div_ms, neg_ms)";
    QTest::newRow("not a number") << "sub_ms"
                                  << "fast"
                                  << "bad value 'fast' for sub_ms: expected milliseconds 0..60000";
    QTest::newRow("decimal") << "sub_ms"
                             << "1.5"
                             << "bad value '1.5' for sub_ms: expected milliseconds 0..60000";
    QTest::newRow("negative") << "add_ms"
                              << "-1"
                              << "bad value '-1' for add_ms: expected milliseconds 0..60000";
    QTest::newRow("too long") << "add_ms"
                              << "60001"
                              << "bad value '60001' for add_ms: expected milliseconds 0..60000";
    QTest::newRow("empty") << "add_ms"
                           << ""
                           << "bad value '' for add_ms: expected milliseconds 0..60000";
}

void TestModels::arithConfigure()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, error);

    ArithModel arith;
    QCOMPARE(arith.configure({{key, value}}), error);
    if (error.isEmpty()) {
        const models::ArithOp op = key == u"add_ms"   ? models::ADD
                                   : key == u"sub_ms" ? models::SUB
                                   : key == u"mul_ms" ? models::MUL
                                   : key == u"div_ms" ? models::DIV
                                                      : models::NEG;
        QCOMPARE(arith.durationMs(op), value.trimmed().toInt());
    }
}

void TestModels::arithConfigureIsAllOrNothing()
{
    ArithModel arith;
    QCOMPARE(arith.configure({{"add_ms", "5"}}), QString());
    QVERIFY(!arith.configure({{"add_ms", "9"}, {"mul_ms", "x"}}).isEmpty());
    QCOMPARE(arith.durationMs(models::ADD), 5);
    QCOMPARE(arith.durationMs(models::MUL), 0);
    // Keys not named keep their value.
    QCOMPARE(arith.configure({{"mul_ms", "3"}}), QString());
    QCOMPARE(arith.durationMs(models::ADD), 5);
    QCOMPARE(arith.configure({}), QString());
}

void TestModels::arithDurations()
{
    ArithModel arith;
    QCOMPARE(arith.configure({{"add_ms", "30"}, {"div_ms", "40"}}), QString());
    models::ArithRequest request;
    request.set_op(models::ADD);
    request.set_a(1);
    request.set_b(2);

    FakeTaskContext configured;
    QVERIFY(std::holds_alternative<models::ArithResponse>(arith.process(request, configured)));
    QCOMPARE(configured.sleeps(), QList<int>{30});

    FakeTaskContext overridden;
    request.set_delay_ms(2);
    QVERIFY(std::holds_alternative<models::ArithResponse>(arith.process(request, overridden)));
    QCOMPARE(overridden.sleeps(), QList<int>{2});

    // Division by zero fails before waiting.
    FakeTaskContext failing;
    request.set_op(models::DIV);
    request.set_b(0);
    request.set_delay_ms(0);
    QVERIFY(std::holds_alternative<TaskError>(arith.process(request, failing)));
    QVERIFY(failing.sleeps().isEmpty());

    FakeTaskContext cancelled;
    cancelled.cancel();
    request.set_b(4);
    const auto outcome = arith.process(request, cancelled);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    QCOMPARE(std::get<TaskError>(outcome).code, QStringLiteral("cancelled"));
}

void TestModels::calcValues_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<double>("value");
    QTest::addColumn<int>("operations");
    QTest::addColumn<int>("depth");

    QTest::newRow("precedence") << "2+2*2" << 6.0 << 2 << 2;
    QTest::newRow("two sums") << "(1+2)*(3+4)" << 21.0 << 3 << 2;
    QTest::newRow("unary minus") << "-(2+3)" << -5.0 << 2 << 2;
    QTest::newRow("minus minus") << "1 - -1" << 2.0 << 2 << 2;
    QTest::newRow("decimals") << "0.1 + 0.2" << (0.1 + 0.2) << 1 << 1;
    QTest::newRow("chain") << "1+2+3+4+5" << 15.0 << 4 << 4;
    QTest::newRow("division") << "7/2/2" << 1.75 << 2 << 2;
}

void TestModels::calcValues()
{
    QFETCH(QString, expression);
    QFETCH(double, value);
    QFETCH(int, operations);
    QFETCH(int, depth);

    ArithModel arith;
    CalcModel calc;
    FakeTaskContext context;
    context.setArith(&arith);
    models::CalcRequest request;
    request.set_expression(expression.toStdString());
    const auto outcome = calc.process(request, context);
    QVERIFY2(std::holds_alternative<models::CalcResponse>(outcome), qPrintable(errorText(outcome)));
    QCOMPARE(responseOf(outcome).value(), value);
    QCOMPARE(responseOf(outcome).operations(), operations);
    QCOMPARE(responseOf(outcome).depth(), depth);
    QCOMPARE(int(context.calls().size()), operations);
    for (const auto& call : context.calls())
        QCOMPARE(call.model, QStringLiteral("arith"));
}

void TestModels::calcRunsIndependentOperationsInParallel()
{
    ArithModel arith;
    QCOMPARE(arith.configure({{"add_ms", "150"}, {"mul_ms", "20"}}), QString());
    CalcModel calc;
    FakeTaskContext context;
    context.setArith(&arith);
    models::CalcRequest request;
    request.set_expression("(1+2)*(3+4)");
    const auto outcome = calc.process(request, context);
    QVERIFY2(std::holds_alternative<models::CalcResponse>(outcome), qPrintable(errorText(outcome)));
    QCOMPARE(responseOf(outcome).value(), 21.0);

    const auto calls = context.calls();
    QCOMPARE(int(calls.size()), 3);
    const auto* left = findRecord(calls, models::ADD, 1, 2);
    const auto* right = findRecord(calls, models::ADD, 3, 4);
    const auto* product = findRecord(calls, models::MUL, 3, 7);
    QVERIFY(left && right && product);
    QVERIFY(left->finished && right->finished && product->finished);
    // The additions overlap: each started before the other finished.
    QVERIFY(left->started < *right->finished);
    QVERIFY(right->started < *left->finished);
    // The multiplication started only after both ended.
    QVERIFY(product->started >= *left->finished);
    QVERIFY(product->started >= *right->finished);
    QCOMPARE(product->request.delay_ms(), 0); // op_delay_ms 0: the instance's own durations
}

void TestModels::calcWideTree()
{
    // Four independent operations, then two, then one: each level runs at once.
    ArithModel arith;
    CalcModel calc;
    FakeTaskContext context;
    context.setArith(&arith);
    models::CalcRequest request;
    request.set_expression("((1+2)*(3+4))-((5+6)/(7-8))");
    request.set_op_delay_ms(100);
    const auto outcome = calc.process(request, context);
    QVERIFY2(std::holds_alternative<models::CalcResponse>(outcome), qPrintable(errorText(outcome)));
    QCOMPARE(responseOf(outcome).value(), 32.0);
    QCOMPARE(responseOf(outcome).operations(), 7);
    QCOMPARE(responseOf(outcome).depth(), 3);

    const auto calls = context.calls();
    QCOMPARE(int(calls.size()), 7);
    for (const auto& call : calls)
        QCOMPARE(call.request.delay_ms(), 100);
    // The first four calls are the leaves' operations, all started before any of them finished.
    SteadyClock::time_point lastStart = calls[0].started;
    SteadyClock::time_point firstFinish = *calls[0].finished;
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(calls[size_t(i)].request.op() == models::MUL || calls[size_t(i)].request.op() == models::DIV,
                 false);
        lastStart = std::max(lastStart, calls[size_t(i)].started);
        firstFinish = std::min(firstFinish, *calls[size_t(i)].finished);
    }
    QVERIFY(lastStart < firstFinish);
    QVERIFY(findCall(calls, models::MUL, 3, 7));
    QVERIFY(findCall(calls, models::DIV, 11, -1));
    QVERIFY(findCall(calls, models::SUB, 21, -11));
}

void TestModels::calcLogsAndProgress()
{
    ArithModel arith;
    CalcModel calc;
    FakeTaskContext context;
    context.setArith(&arith);
    models::CalcRequest request;
    request.set_expression("(1+2)*-3");
    const auto outcome = calc.process(request, context);
    QVERIFY2(std::holds_alternative<models::CalcResponse>(outcome), qPrintable(errorText(outcome)));
    QCOMPARE(responseOf(outcome).value(), -9.0);

    const QStringList logs = context.logs();
    // t1 = 1 + 2 and t2 = -(3) start together and run as calls 1 and 2 (instances arith-1, arith-2).
    QVERIFY2(logs.contains(QStringLiteral("t1: 1 + 2 started")), qPrintable(logs.join('\n')));
    QVERIFY2(logs.contains(QStringLiteral("t1: 1 + 2 → 3 on arith-1")), qPrintable(logs.join('\n')));
    QVERIFY2(logs.contains(QStringLiteral("t2: -(3) → -3 on arith-2")), qPrintable(logs.join('\n')));
    QVERIFY2(logs.contains(QStringLiteral("t3: 3 * -3 → -9 on arith-1")), qPrintable(logs.join('\n')));
    const QList<double> progress = context.progressValues();
    QCOMPARE(progress.size(), 3);
    QCOMPARE(progress.last(), 1.0);
    QVERIFY(std::is_sorted(progress.begin(), progress.end()));
}

void TestModels::calcBareNumber()
{
    CalcModel calc;
    FakeTaskContext context;
    models::CalcRequest request;
    request.set_expression(" (42.5) ");
    const auto outcome = calc.process(request, context);
    QVERIFY2(std::holds_alternative<models::CalcResponse>(outcome), qPrintable(errorText(outcome)));
    QCOMPARE(responseOf(outcome).value(), 42.5);
    QCOMPARE(responseOf(outcome).operations(), 0);
    QCOMPARE(responseOf(outcome).depth(), 0);
    QVERIFY(context.calls().empty());
}

void TestModels::calcParseError()
{
    CalcModel calc;
    FakeTaskContext context;
    models::CalcRequest request;
    request.set_expression("(1+2)*)");
    auto outcome = calc.process(request, context);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    QCOMPARE(std::get<TaskError>(outcome).code, QStringLiteral("invalid_argument"));
    QCOMPARE(std::get<TaskError>(outcome).message, QStringLiteral("unexpected ')' at column 7"));
    QVERIFY(context.calls().empty());

    request.set_expression("1+1");
    request.set_op_delay_ms(-1);
    outcome = calc.process(request, context);
    QCOMPARE(std::get<TaskError>(outcome).code, QStringLiteral("invalid_argument"));
    QVERIFY(context.calls().empty());
}

void TestModels::calcDivisionByZero()
{
    ArithModel arith;
    CalcModel calc;
    FakeTaskContext context;
    context.setArith(&arith);
    models::CalcRequest request;
    request.set_expression("(1+1) + 5/(2-2)");
    const auto outcome = calc.process(request, context);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    QCOMPARE(std::get<TaskError>(outcome).code, QStringLiteral("division_by_zero"));
    QCOMPARE(std::get<TaskError>(outcome).message,
             QStringLiteral("division by zero: 5 / 0 (operation at column 10)"));
    // The final addition was never started.
    QVERIFY(!findCall(context.calls(), models::ADD, 2, 0));
}

void TestModels::calcOverflow()
{
    ArithModel arith;
    CalcModel calc;
    FakeTaskContext context;
    context.setArith(&arith);
    models::CalcRequest request;
    request.set_expression("1" + std::string(300, '0') + " * 1" + std::string(300, '0'));
    const auto outcome = calc.process(request, context);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    QCOMPARE(std::get<TaskError>(outcome).code, QStringLiteral("invalid_argument"));
    QVERIFY(std::get<TaskError>(outcome).message.contains(QStringLiteral("out of range")));
}

void TestModels::calcCallFailure()
{
    CalcModel calc;
    FakeTaskContext context;
    context.failCallsWith(Error::unavailable("no instance of arith is live"));
    models::CalcRequest request;
    request.set_expression("1+2");
    const auto outcome = calc.process(request, context);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    QCOMPARE(std::get<TaskError>(outcome).code, QStringLiteral("failed"));
    QCOMPARE(std::get<TaskError>(outcome).message,
             QStringLiteral("t1: 1 + 2 (column 2) failed: unavailable: no instance of arith is live"));

    // A child failing with a code of its own that is not one of arith's input errors also ends as failed.
    FakeTaskContext unserved; // no arith model: the fake's calls end with not_found
    const auto notFound = calc.process(request, unserved);
    QVERIFY(std::holds_alternative<TaskError>(notFound));
    QCOMPARE(std::get<TaskError>(notFound).code, QStringLiteral("failed"));
    QCOMPARE(std::get<TaskError>(notFound).message,
             QStringLiteral("t1: 1 + 2 (column 2) failed: not_found: arith is not served here"));
}

void TestModels::calcCancelledBeforeStart()
{
    ArithModel arith;
    CalcModel calc;
    FakeTaskContext context;
    context.setArith(&arith);
    context.cancel();
    models::CalcRequest request;
    request.set_expression("(1+2)*(3+4)");
    const auto outcome = calc.process(request, context);
    QVERIFY(std::holds_alternative<TaskError>(outcome));
    QCOMPARE(std::get<TaskError>(outcome).code, QStringLiteral("cancelled"));
    QVERIFY(context.calls().empty());
}

void TestModels::calcCancelledWhileRunning()
{
    ArithModel arith;
    CalcModel calc;
    FakeTaskContext context;
    context.setArith(&arith);
    models::CalcRequest request;
    request.set_expression("(1+2)*(3+4)");
    request.set_op_delay_ms(60000); // the test only ends if cancelling reaches the sub-tasks and calc
    std::optional<Outcome<models::CalcResponse>> outcome;
    Runner runner(context, [&] { outcome = calc.process(request, context); });
    QTRY_COMPARE_WITH_TIMEOUT(int(context.calls().size()), 2, 10000);
    context.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(runner.done(), 10000);
    QVERIFY(std::holds_alternative<TaskError>(*outcome));
    QCOMPARE(std::get<TaskError>(*outcome).code, QStringLiteral("cancelled"));
    QCOMPARE(int(context.calls().size()), 2); // the multiplication never started
}

void TestModels::calcMatchesLocalEvaluation()
{
    // Random expressions: the distributed result equals the in-process evaluation bit for bit (the same
    // operations on the same doubles), and the counts match the parsed tree.
    QRandomGenerator random(20240501);
    ArithModel arith;
    CalcModel calc;
    for (int round = 0; round < 40; ++round) {
        std::function<QString(int)> generate = [&](int level) -> QString {
            if (level == 0 || random.bounded(4) == 0)
                return QString::number(random.bounded(1, 20)) + (random.bounded(3) == 0 ? ".5" : "");
            switch (random.bounded(6)) {
            case 0:
                return u'-' + generate(level - 1);
            case 1:
                return u'(' + generate(level - 1) + u')';
            default: {
                static const char ops[] = "+-*/";
                return generate(level - 1) + QLatin1Char(ops[random.bounded(4)]) + generate(level - 1);
            }
            }
        };
        const QString text = generate(5);
        const Result<Expression> parsed = ExpressionParser::parse(text);
        QVERIFY2(parsed.ok(), qPrintable(text));
        const double expected = parsed->evaluate();

        FakeTaskContext context;
        context.setArith(&arith);
        models::CalcRequest request;
        request.set_expression(text.toStdString());
        const auto outcome = calc.process(request, context);
        if (!std::isfinite(expected)) {
            QVERIFY2(std::holds_alternative<TaskError>(outcome), qPrintable(text));
            continue;
        }
        QVERIFY2(std::holds_alternative<models::CalcResponse>(outcome),
                 qPrintable(text + ": " + errorText(outcome)));
        QCOMPARE(responseOf(outcome).value(), expected);
        QCOMPARE(responseOf(outcome).operations(), parsed->operations());
        QCOMPARE(responseOf(outcome).depth(), parsed->depth());
        QCOMPARE(int(context.calls().size()), parsed->operations());
    }
}

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
