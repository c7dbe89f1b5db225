// The executable spec of the broker's Lua scripts (backend/broker/BrokerScripts): each script is run directly
// against a real redis-server, the way the gateway and the worker runtime call it, and the Redis state after
// it is checked key by key.
#include "RedisServerFixture.h"
#include "RedisWait.h"

#include "broker/BrokerCalls.h"
#include "broker/BrokerKeys.h"
#include "broker/BrokerLibrary.h"
#include "broker/StreamEntry.h"
#include "gateway/TaskEventRecord.h"
#include "gateway/TaskRecord.h"
#include "redis/RedisClient.h"
#include "redis/RedisScript.h"
#include "tools/RedisCommandStats.h"

#include "mmf/v1/task.pb.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace mmf;

namespace {

constexpr qint64 kNow = 1'700'000'000'000; // ms
constexpr int kRetentionSecs = 86400;
constexpr int kMaxLen = 100000;
constexpr int kInlineLimit = 16;
const QByteArray kModel = "m1";
const QByteArray kUser = "u1";

// A reply copied out of hiredis's buffer.
struct Value
{
    RedisReply::Type type = RedisReply::Type::Nil;
    QByteArray text;
    qint64 number = 0;
    std::vector<Value> items;

    static Value from(const RedisReply& reply)
    {
        Value v;
        v.type = reply.type();
        if (reply.isArray()) {
            for (qsizetype i = 0; i < reply.size(); ++i)
                v.items.push_back(from(reply.at(i)));
        } else if (reply.isInteger()) {
            v.number = reply.integer();
        } else {
            v.text = reply.toByteArray();
        }
        return v;
    }
    bool isNil() const { return type == RedisReply::Type::Nil; }
    bool isError() const { return type == RedisReply::Type::Error; }
    const Value& operator[](size_t i) const { return items.at(i); }
    size_t size() const { return items.size(); }
};

QByteArray envelopeFor(const QByteArray& taskId, const QByteArray& request)
{
    v1::TaskEnvelope envelope;
    envelope.set_task_id(taskId.toStdString());
    envelope.set_model(kModel.toStdString());
    envelope.set_task_token("tok");
    envelope.set_request(request.toStdString());
    envelope.set_user_id(kUser.toStdString());
    envelope.set_created_at_ms(kNow);
    return QByteArray::fromStdString(envelope.SerializeAsString());
}

} // namespace

class TestBrokerScripts : public QObject
{
    Q_OBJECT

private:
    RedisServerFixture m_server;
    std::unique_ptr<RedisClient> m_redis;
    BrokerCalls m_calls{kModel, BrokerLimits{kRetentionSecs, kMaxLen, kInlineLimit}};

    const QByteArray m_tasks = BrokerKeys::tasks(kModel);
    const QByteArray m_events = BrokerKeys::events(kModel);
    const QByteArray m_inflight = BrokerKeys::inflight(kModel);
    const QByteArray m_delayed = BrokerKeys::delayed(kModel);
    const QByteArray m_dead = BrokerKeys::dead(kModel);

    // Sends a command and waits (with a deadline) for its reply; `inspect` sees the live reply.
    bool send(const std::vector<QByteArray>& args, const std::function<void(const RedisReply&)>& inspect)
    {
        return sendAndWait(*m_redis, args, inspect);
    }

    Value cmd(const std::vector<QByteArray>& args)
    {
        Value value;
        value.type = RedisReply::Type::Error;
        value.text = "no reply";
        send(args, [&](const RedisReply& reply) { value = Value::from(reply); });
        return value;
    }

    Value call(const BrokerCall& call) { return cmd(call.argv()); }
    // A batch call with one item: that item's answer.
    Value single(const BrokerCall& batch)
    {
        const Value all = call(batch);
        return all.isError() || all.size() != 1 ? all : all[0];
    }

    std::vector<StreamEntry> range(const QByteArray& key)
    {
        std::vector<StreamEntry> entries;
        send({"XRANGE", key, "-", "+"},
             [&](const RedisReply& reply) { entries = StreamEntry::parseEntries(reply); });
        return entries;
    }

    QHash<QByteArray, QByteArray> hash(const QByteArray& key)
    {
        QHash<QByteArray, QByteArray> out;
        const Value v = cmd({"HGETALL", key});
        for (size_t i = 0; i + 1 < v.size(); i += 2)
            out.insert(v[i].text, v[i + 1].text);
        return out;
    }

    qint64 integer(const std::vector<QByteArray>& args) { return cmd(args).number; }
    qint64 pendingCount() { return cmd({"XPENDING", m_tasks, "workers"})[0].number; }

    QByteArray taskKey(const QByteArray& id) { return BrokerKeys::task(kModel, id); }
    QByteArray resultKey(const QByteArray& id) { return BrokerKeys::result(kModel, id); } // before 2026-12
    Value storedResult(const QByteArray& id) { return cmd({"HGET", taskKey(id), "res"}); }

    Value submit(const QByteArray& id, const QByteArray& request, bool ifAbsent = false)
    {
        return single(
            m_calls.submit(kNow, {{id, envelopeFor(id, request), kUser, "default", {}, ifAbsent, request}}));
    }

    // XREADGROUP as the runtime sends it (without BLOCK); the entries read.
    std::vector<StreamEntry> read(const QByteArray& consumer, int count = 1)
    {
        std::vector<StreamEntry> entries;
        send({"XREADGROUP", "GROUP", "workers", consumer, "COUNT", QByteArray::number(count), "STREAMS",
              m_tasks, ">"},
             [&](const RedisReply& reply) {
                 for (auto& [stream, list] : StreamEntry::parseRead(reply))
                     entries.insert(entries.end(), list.begin(), list.end());
             });
        return entries;
    }

    Value start(const QByteArray& entry, const QByteArray& consumer, const QByteArray& id, qint64 now = kNow)
    {
        return single(m_calls.start(consumer, now, {{entry, id}}));
    }

    Value finish(const QByteArray& entry, const QByteArray& consumer, const QByteArray& id,
                 const QByteArray& status, const QByteArray& result, const QByteArray& code = {},
                 const QByteArray& message = {})
    {
        return single(m_calls.finish(consumer, kNow + 500, {{entry, id, status, result, code, message}}));
    }

    Value failAttempt(const QByteArray& entry, const QByteArray& consumer, const QByteArray& id, qint64 now,
                      int maxAttempts = 3, int initialMs = 1000, double factor = 2, int maxMs = 30000)
    {
        return call(m_calls.failAttempt(consumer, now, RetryPolicy{maxAttempts, initialMs, factor, maxMs},
                                        entry, id, "exception", "boom"));
    }

    Value release(const QByteArray& entry, const QByteArray& consumer, const QByteArray& id)
    {
        return call(m_calls.release(consumer, kNow + 100, entry, id));
    }

    Value reclaim(qint64 minIdleMs, qint64 now, int maxAttempts = 3)
    {
        return call(m_calls.reclaim(minIdleMs, now, RetryPolicy{maxAttempts, 1000, 2, 30000}, 100));
    }

    Value promote(qint64 now) { return call(m_calls.promote(now, 100)); }

    Value cancel(const QByteArray& id) { return call(m_calls.cancel(id, kNow + 50)); }

    QByteArrayList held()
    {
        QByteArrayList ids;
        for (const Value& v : cmd({"LRANGE", BrokerKeys::held(kModel), "0", "-1"}).items)
            ids.append(v.text);
        return ids;
    }

    // The status events (k=s or k=r) of a task, in order.
    QByteArrayList statusTrail(const QByteArray& id)
    {
        QByteArrayList trail;
        for (const StreamEntry& e : range(m_events)) {
            if (e.value("id") == id && (e.value("k") == "s" || e.value("k") == "r"))
                trail.append(e.value("st"));
        }
        return trail;
    }

    // Submits, reads as `consumer` and starts: the entry id.
    QByteArray runningTask(const QByteArray& id, const QByteArray& consumer = "c1")
    {
        const Value submitted = submit(id, "req-" + id);
        if (submitted.text != "ok")
            return {};
        const auto entries = read(consumer);
        if (entries.size() != 1)
            return {};
        const Value started = start(entries[0].id, consumer, id);
        if (started.size() != 3 || started[0].text != "run")
            return {};
        return entries[0].id;
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
        QCOMPARE(cmd({"FLUSHALL"}).text, QByteArray("OK")); // functions stay
        QCOMPARE(cmd({"XGROUP", "CREATE", m_tasks, "workers", "0", "MKSTREAM"}).text, QByteArray("OK"));
        // As if a server had a status subscriber: running events are written (the tests of the trail rely on
        // it; runningEventsOnlyWhileWatched turns it off).
        QCOMPARE(cmd({"SET", BrokerKeys::watch(kModel), "1"}).text, QByteArray("OK"));
    }

    void runningEventsOnlyWhileWatched()
    {
        QCOMPARE(integer({"DEL", BrokerKeys::watch(kModel)}), qint64(1));
        const QByteArray entry = runningTask("t1");
        QVERIFY(!entry.isEmpty());
        QCOMPARE(hash(taskKey("t1")).value("st"), QByteArray("running")); // started all the same
        QCOMPARE(statusTrail("t1"), QByteArrayList{});                    // but nobody is told
        QCOMPARE(finish(entry, "c1", "t1", "succeeded", "R").text, QByteArray("ok"));
        QCOMPARE(statusTrail("t1"), QByteArrayList{"succeeded"});
        // The final event carries what metrics need: created, first start, last start.
        const StreamEntry last = range(m_events).back();
        QCOMPARE(last.value("c"), QByteArray::number(kNow));
        QCOMPARE(last.value("s"), QByteArray::number(kNow));
        // Run once: the first start is the last one, left out of the event and read back as it.
        QVERIFY(std::none_of(last.fields.begin(), last.fields.end(),
                             [](const auto& f) { return f.first == "q"; }));
        TaskEventRecord record;
        QVERIFY(TaskEventRecord::fromStreamEntry(kModel, last, &record));
        QCOMPARE(record.firstStartedMs, kNow);

        // Watched again (a server SETs the key for its subscriber): the next start is announced.
        QCOMPARE(cmd({"SET", BrokerKeys::watch(kModel), "1", "PX", "30000"}).text, QByteArray("OK"));
        QVERIFY(!runningTask("t2").isEmpty());
        QCOMPARE(statusTrail("t2"), QByteArrayList{"running"});
    }

    void finalEventOfARetriedTaskCarriesItsFirstStart()
    {
        const QByteArray first = runningTask("t1"); // started at kNow
        QVERIFY(!first.isEmpty());
        QCOMPARE(failAttempt(first, "c1", "t1", kNow + 100).text, QByteArray("retry"));
        QCOMPARE(promote(kNow + 1100).number, qint64(1));
        const auto entries = read("c1");
        QCOMPARE(entries.size(), size_t(1));
        QCOMPARE(start(entries[0].id, "c1", "t1", kNow + 2000)[0].text, QByteArray("run"));
        QCOMPARE(finish(entries[0].id, "c1", "t1", "failed", {}, "bad", "no").text, QByteArray("ok"));
        const StreamEntry last = range(m_events).back();
        QCOMPARE(last.value("st"), QByteArray("failed"));
        QCOMPARE(last.value("c"), QByteArray::number(kNow));
        QCOMPARE(last.value("q"), QByteArray::number(kNow));        // the first attempt's start
        QCOMPARE(last.value("s"), QByteArray::number(kNow + 2000)); // the last one's
        TaskEventRecord record;
        QVERIFY(TaskEventRecord::fromStreamEntry(kModel, last, &record));
        QCOMPARE(record.firstStartedMs, kNow);
        QCOMPARE(last.value("a"), QByteArray("2"));
        QCOMPARE(last.value("i"), QByteArray("c1"));
    }

    void submitQueuesTheTask()
    {
        QCOMPARE(submit("t1", "hello").text, QByteArray("ok"));
        const auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("queued"));
        QCOMPARE(task.value("att"), QByteArray()); // none started
        QCOMPARE(task.value("u"), kUser);
        QCOMPARE(task.value("p"), QByteArray("default"));
        // The request for reading the task back; the envelope rides in the entry only (written once).
        QCOMPARE(task.value("req"), QByteArray("hello"));
        QVERIFY(!task.contains("env"));
        const auto entries = range(m_tasks);
        QCOMPARE(entries.size(), size_t(1));
        // The read is the start: the entry carries what a worker needs to run the task at once.
        QCOMPARE(entries[0].value("id"), QByteArray("t1"));
        QCOMPARE(entries[0].value("env"), envelopeFor("t1", "hello"));
        QCOMPARE(entries[0].value("a"), QByteArray("1"));
        QCOMPARE(task.value("e"), entries[0].id);
        QVERIFY(integer({"TTL", taskKey("t1")}) > kRetentionSecs - 10);
        // Nobody can be subscribed to a task before its id is answered: no queued event, no other key.
        QCOMPARE(statusTrail("t1"), QByteArrayList{});
        QCOMPARE(integer({"DBSIZE"}), qint64(3)); // the stream and the task hash (and init()'s watch key)
    }

    // A server from before 2026-12-05 calls mmf_submit with six fields per task (no request): still one task
    // per six, never a field read as the next task's, and the hash keeps the envelope for reading it back.
    void anOlderServersSubmitKeepsTheEnvelope()
    {
        const QByteArray first = envelopeFor("t1", "one");
        const QByteArray second = envelopeFor("t2", "two");
        const Value reply = cmd({"FCALL", "mmf_submit", "1", m_tasks, QByteArray::number(kNow),
                                 QByteArray::number(kRetentionSecs), "t1", first, kUser, "default", "", "0",
                                 "t2", second, kUser, "default", "", "0"});
        QCOMPARE(reply.size(), size_t(2));
        QCOMPARE(reply[0].text, QByteArray("ok"));
        QCOMPARE(reply[1].text, QByteArray("ok"));
        const auto task = hash(taskKey("t2"));
        QCOMPARE(task.value("st"), QByteArray("queued"));
        QCOMPARE(task.value("u"), kUser);
        QCOMPARE(task.value("env"), second);
        QVERIFY(!task.contains("req"));
        QCOMPARE(TaskRecord::fromHash("t2", kModel, task).request, QByteArray("two"));
        const auto entries = read("c1", 2);
        QCOMPARE(entries.size(), size_t(2));
        QCOMPARE(entries[1].value("id"), QByteArray("t2"));
        QCOMPARE(entries[1].value("env"), second);
        QCOMPARE(finish(entries[1].id, "c1", "t2", "succeeded", "R").text, QByteArray("ok"));
        QCOMPARE(hash(taskKey("t2")).value("st"), QByteArray("succeeded"));
    }

    void startThenFinishSucceeds()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        const auto entries = read("c1");
        QCOMPARE(entries.size(), size_t(1));
        const QByteArray entry = entries[0].id;

        const Value started = start(entry, "c1", "t1");
        QCOMPARE(started[0].text, QByteArray("run"));
        QCOMPARE(started[1].number, qint64(1));
        auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("running"));
        QCOMPARE(task.value("att"), QByteArray("1"));
        QCOMPARE(task.value("i"), QByteArray("c1"));
        QCOMPARE(task.value("s"), QByteArray::number(kNow));

        // A start sent again (its answer was lost) is the same attempt.
        const Value again = start(entry, "c1", "t1");
        QCOMPARE(again[0].text, QByteArray("run"));
        QCOMPARE(again[1].number, qint64(1));
        QCOMPARE(hash(taskKey("t1")).value("att"), QByteArray("1"));
        QCOMPARE(started[2].text, envelopeFor("t1", "hello")); // the envelope comes with the start
        QCOMPARE(statusTrail("t1"), (QByteArrayList{"running"}));

        QCOMPARE(finish(entry, "c1", "t1", "succeeded", "RESULT").text, QByteArray("ok"));
        task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("succeeded"));
        QCOMPARE(task.value("f"), QByteArray::number(kNow + 500));
        // The result is kept in the task hash, under its expiry; no key of its own.
        QCOMPARE(storedResult("t1").text, QByteArray("RESULT"));
        QVERIFY(integer({"TTL", taskKey("t1")}) > kRetentionSecs - 10);
        QCOMPARE(range(m_events).back().value("i"), QByteArray("c1"));
        QCOMPARE(integer({"EXISTS", resultKey("t1")}), qint64(0));
        QCOMPARE(pendingCount(), qint64(0));             // acknowledged
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(0)); // and deleted
        QCOMPARE(statusTrail("t1"), (QByteArrayList{"running", "succeeded"}));
        const auto events = range(m_events);
        QCOMPARE(events.back().value("k"), QByteArray("r"));
        QCOMPARE(events.back().value("res"), QByteArray("RESULT")); // small: rides along
        QCOMPARE(events.back().value("a"), QByteArray("1"));
    }

    void largeResultDoesNotRideAlong()
    {
        const QByteArray entry = runningTask("t1");
        QVERIFY(!entry.isEmpty());
        const QByteArray big(kInlineLimit + 1, 'x');
        QCOMPARE(finish(entry, "c1", "t1", "succeeded", big).text, QByteArray("ok"));
        QCOMPARE(storedResult("t1").text, big);
        const StreamEntry last = range(m_events).back();
        QVERIFY(last.value("res").isNull());
        QCOMPARE(last.value("big"), QByteArray("1"));
    }

    void finishFailedStoresTheError()
    {
        const QByteArray entry = runningTask("t1");
        QVERIFY(!entry.isEmpty());
        QCOMPARE(finish(entry, "c1", "t1", "failed", {}, "division_by_zero", "division by zero").text,
                 QByteArray("ok"));
        const auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("failed"));
        QCOMPARE(task.value("ec"), QByteArray("division_by_zero"));
        QCOMPARE(task.value("em"), QByteArray("division by zero"));
        QVERIFY(storedResult("t1").isNil());
        QCOMPARE(pendingCount(), qint64(0));
        QCOMPARE(range(m_events).back().value("ec"), QByteArray("division_by_zero"));
    }

    void finishByAnotherConsumerIsFenced()
    {
        const QByteArray entry = runningTask("t1", "c1");
        QVERIFY(!entry.isEmpty());
        const auto before = hash(taskKey("t1"));
        const qint64 eventsBefore = integer({"XLEN", m_events});

        QCOMPARE(finish(entry, "c2", "t1", "succeeded", "WRONG").text, QByteArray("lost"));
        QCOMPARE(hash(taskKey("t1")), before);
        QVERIFY(storedResult("t1").isNil());
        QCOMPARE(pendingCount(), qint64(1));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(1));
        QCOMPARE(integer({"XLEN", m_events}), eventsBefore);
        // Neither may a failed attempt or a release by another consumer touch it.
        QCOMPARE(failAttempt(entry, "c2", "t1", kNow).text, QByteArray("lost"));
        QCOMPARE(release(entry, "c2", "t1").text, QByteArray("lost"));
        QCOMPARE(hash(taskKey("t1")), before);

        // The owner still can; a second finish (a retried write) is then "lost" and changes nothing.
        QCOMPARE(finish(entry, "c1", "t1", "succeeded", "RIGHT").text, QByteArray("ok"));
        QCOMPARE(finish(entry, "c1", "t1", "succeeded", "AGAIN").text, QByteArray("lost"));
        QCOMPARE(storedResult("t1").text, QByteArray("RIGHT"));
    }

    void failedAttemptsBackOffThenDeadLetter()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        qint64 now = kNow;
        const qint64 expectedDelays[] = {1000, 2000}; // initial * factor^(attempt-1)
        for (int attempt = 1; attempt <= 3; ++attempt) {
            const auto entries = read("c1");
            QCOMPARE(entries.size(), size_t(1));
            const QByteArray entry = entries[0].id;
            QCOMPARE(entries[0].value("id"), QByteArray("t1")); // the same task every attempt
            const Value started = start(entry, "c1", "t1", now);
            QCOMPARE(started[0].text, QByteArray("run"));
            QCOMPARE(started[1].number, qint64(attempt));
            QVERIFY(!hash(taskKey("t1")).contains("n"));

            const Value failed = failAttempt(entry, "c1", "t1", now);
            QCOMPARE(pendingCount(), qint64(0));
            QCOMPARE(integer({"XLEN", m_tasks}), qint64(0));
            const auto task = hash(taskKey("t1"));
            QCOMPARE(task.value("ec"), QByteArray("exception"));
            QCOMPARE(task.value("em"), QByteArray("boom"));
            if (attempt < 3) {
                QCOMPARE(failed.text, QByteArray("retry"));
                const qint64 due = now + expectedDelays[attempt - 1];
                QCOMPARE(task.value("st"), QByteArray("queued"));
                QCOMPARE(task.value("n"), QByteArray::number(due));
                // The failed attempt's entry is gone: its envelope waits in the hash for the retry.
                QCOMPARE(task.value("env"), envelopeFor("t1", "hello"));
                QCOMPARE(cmd({"ZSCORE", m_delayed, "t1"}).text.toLongLong(), due);
                // Not due yet: nothing moves.
                QCOMPARE(promote(due - 1).number, qint64(0));
                QCOMPARE(integer({"XLEN", m_tasks}), qint64(0));
                // Due: re-queued with the same envelope.
                QCOMPARE(promote(due).number, qint64(1));
                QCOMPARE(integer({"ZCARD", m_delayed}), qint64(0));
                const auto queued = range(m_tasks);
                QCOMPARE(queued.size(), size_t(1));
                QCOMPARE(hash(taskKey("t1")).value("e"), queued[0].id);
                // The due time stays until the next attempt's start is recorded (the floor of that start).
                QCOMPARE(hash(taskKey("t1")).value("n"), QByteArray::number(due));
                now = due;
            } else {
                QCOMPARE(failed.text, QByteArray("dead"));
                QCOMPARE(task.value("st"), QByteArray("dead_lettered"));
                QVERIFY(!task.contains("n"));
                QCOMPARE(integer({"ZCARD", m_delayed}), qint64(0));
                const auto dead = range(m_dead);
                QCOMPARE(dead.size(), size_t(1));
                QCOMPARE(dead[0].value("id"), QByteArray("t1"));
                QCOMPARE(dead[0].value("a"), QByteArray("3"));
                QCOMPARE(dead[0].value("ec"), QByteArray("exception"));
                // The final event names the instance (the gateway answers ?wait from it).
                QCOMPARE(range(m_events).back().value("i"), QByteArray("c1"));
            }
        }
        QCOMPARE(statusTrail("t1"),
                 (QByteArrayList{"running", "queued", "running", "queued", "running", "dead_lettered"}));
    }

    void backoffFormula_data()
    {
        QTest::addColumn<int>("attempts");
        QTest::addColumn<int>("initialMs");
        QTest::addColumn<double>("factor");
        QTest::addColumn<int>("maxMs");
        QTest::addColumn<qint64>("delayMs");
        QTest::newRow("first retry") << 1 << 1000 << 2.0 << 30000 << qint64(1000);
        QTest::newRow("third retry") << 3 << 1000 << 2.0 << 30000 << qint64(4000);
        QTest::newRow("capped") << 6 << 1000 << 2.0 << 30000 << qint64(30000);
        QTest::newRow("factor 1.5") << 3 << 100 << 1.5 << 30000 << qint64(225);
        QTest::newRow("constant") << 5 << 250 << 1.0 << 30000 << qint64(250);
    }

    void backoffFormula()
    {
        QFETCH(int, attempts);
        QFETCH(int, initialMs);
        QFETCH(double, factor);
        QFETCH(int, maxMs);
        QFETCH(qint64, delayMs);
        const QByteArray entry = runningTask("t1");
        QVERIFY(!entry.isEmpty());
        QCOMPARE(integer({"HSET", taskKey("t1"), "att", QByteArray::number(attempts)}), qint64(0));
        QCOMPARE(failAttempt(entry, "c1", "t1", kNow, 100, initialMs, factor, maxMs).text,
                 QByteArray("retry"));
        QCOMPARE(cmd({"ZSCORE", m_delayed, "t1"}).text.toLongLong(), kNow + delayMs);
    }

    void reclaimCountsAnAttemptOfAnIdleEntry()
    {
        const QByteArray entry = runningTask("t1", "c1");
        QVERIFY(!entry.isEmpty());
        // The claim is fresh: nothing to reclaim.
        Value reclaimed = reclaim(30000, kNow);
        QCOMPARE(reclaimed[0].number, qint64(0));
        QCOMPARE(pendingCount(), qint64(1));

        // The instance stops renewing: make the entry look 100 s idle.
        QCOMPARE(cmd({"XCLAIM", m_tasks, "workers", "c1", "0", entry, "IDLE", "100000", "JUSTID"}).size(),
                 size_t(1));
        // A live instance renews its claim (XCLAIM ... 0 JUSTID, as the runtime does): not reclaimed.
        QCOMPARE(cmd({"XCLAIM", m_tasks, "workers", "c1", "0", entry, "JUSTID"}).size(), size_t(1));
        reclaimed = reclaim(30000, kNow);
        QCOMPARE(reclaimed[0].number, qint64(0));

        QCOMPARE(cmd({"XCLAIM", m_tasks, "workers", "c1", "0", entry, "IDLE", "100000", "JUSTID"}).size(),
                 size_t(1));
        reclaimed = reclaim(30000, kNow);
        QCOMPARE(reclaimed[0].number, qint64(1));
        QCOMPARE(reclaimed[1].number, qint64(0));
        QCOMPARE(pendingCount(), qint64(0));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(0));
        auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("queued"));
        QCOMPARE(task.value("att"), QByteArray("1")); // the attempt counted when it started
        QCOMPARE(task.value("ec"), QByteArray("instance_lost"));
        QCOMPARE(task.value("env"), envelopeFor("t1", "req-t1")); // from the reclaimed entry, for the retry
        QCOMPARE(cmd({"ZSCORE", m_delayed, "t1"}).text.toLongLong(), kNow + 1000);

        // The instance that lost it comes back and tries to finish: fenced.
        QCOMPARE(finish(entry, "c1", "t1", "succeeded", "LATE").text, QByteArray("lost"));
        QVERIFY(storedResult("t1").isNil());

        // At the last attempt a reclaim dead-letters.
        QCOMPARE(promote(kNow + 1000).number, qint64(1));
        const auto entries = read("c2");
        QCOMPARE(entries.size(), size_t(1));
        QCOMPARE(start(entries[0].id, "c2", "t1")[1].number, qint64(2));
        QCOMPARE(
            cmd({"XCLAIM", m_tasks, "workers", "c2", "0", entries[0].id, "IDLE", "100000", "JUSTID"}).size(),
            size_t(1));
        reclaimed = reclaim(30000, kNow + 2000, 2);
        QCOMPARE(reclaimed[0].number, qint64(1));
        task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("dead_lettered"));
        QCOMPARE(range(m_dead).size(), size_t(1));
    }

    void reclaimOfADeletedPayloadFailsPayloadLost()
    {
        const QByteArray entry = runningTask("t1", "c1");
        QVERIFY(!entry.isEmpty());
        QCOMPARE(cmd({"XCLAIM", m_tasks, "workers", "c1", "0", entry, "IDLE", "100000", "JUSTID"}).size(),
                 size_t(1));
        // Entries queued by older servers were indexed in inflight; only those can be traced once deleted.
        QCOMPARE(integer({"HSET", m_inflight, entry, "t1"}), qint64(1));
        QCOMPARE(integer({"XDEL", m_tasks, entry}), qint64(1)); // trimmed or deleted while pending
        const Value reclaimed = reclaim(30000, kNow);
        QCOMPARE(reclaimed[0].number, qint64(0));
        QCOMPARE(reclaimed[1].number, qint64(1));
        QCOMPARE(pendingCount(), qint64(0));
        const auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("failed"));
        QCOMPARE(task.value("ec"), QByteArray("payload_lost"));
        QCOMPARE(statusTrail("t1").back(), QByteArray("failed"));
    }

    // A read entry runs, so a cancelled task's entry leaves the stream: no worker ever reads it.
    void cancelledWhileQueuedIsNeverRead()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        QCOMPARE(cancel("t1").text, QByteArray("cancelled"));
        QCOMPARE(hash(taskKey("t1")).value("st"), QByteArray("cancelled"));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(0));
        QCOMPARE(read("c1").size(), size_t(0));
        QVERIFY(!hash(taskKey("t1")).contains("att")); // never started
        QCOMPARE(pendingCount(), qint64(0));
        // Cancelling again reports the final status.
        QCOMPARE(cancel("t1").text, QByteArray("cancelled"));
        QCOMPARE(cancel("nope").text, QByteArray("gone"));
    }

    void startOfAVanishedTaskIsGone()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        QCOMPARE(integer({"DEL", taskKey("t1")}), qint64(1)); // expired
        const auto entries = read("c1");
        QCOMPARE(start(entries[0].id, "c1", "t1")[0].text, QByteArray("gone"));
        QCOMPARE(pendingCount(), qint64(0));
    }

    void cancelledWhileRunningDiscardsTheAnswer()
    {
        const QByteArray entry = runningTask("t1");
        QVERIFY(!entry.isEmpty());
        QCOMPARE(cancel("t1").text, QByteArray("cancelled_running"));
        QCOMPARE(finish(entry, "c1", "t1", "succeeded", "TOO LATE").text, QByteArray("cancelled"));
        QCOMPARE(hash(taskKey("t1")).value("st"), QByteArray("cancelled"));
        QVERIFY(storedResult("t1").isNil());
        QCOMPARE(pendingCount(), qint64(0)); // acknowledged all the same
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(0));
        QCOMPARE(statusTrail("t1"), (QByteArrayList{"running", "cancelled"}));
    }

    // Each retried attempt leaves its record (h<attempt>) on the write that queues the retry.
    void retriedAttemptIsRecordedForTheTimeline()
    {
        const QByteArray entry = runningTask("t1", "c7");
        QVERIFY(!entry.isEmpty());
        QCOMPARE(failAttempt(entry, "c7", "t1", kNow + 40).text, QByteArray("retry"));
        const QJsonObject past = QJsonDocument::fromJson(hash(taskKey("t1")).value("h1")).object();
        QCOMPARE(past.value("i").toString(), QStringLiteral("c7"));
        QCOMPARE(past.value("s").toString(), QString::number(kNow));
        QCOMPARE(past.value("f").toString(), QString::number(kNow + 40));
        QCOMPARE(past.value("ec").toString(), QStringLiteral("exception"));
        QCOMPARE(past.value("em").toString(), QStringLiteral("boom"));
    }

    // While the control hash says paused, a start (of an entry queued before entries carried their envelope)
    // holds the task and runs nothing; resuming puts it back in the stream.
    void startWhilePausedHolds()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        const auto entries = read("c1");
        QCOMPARE(entries.size(), size_t(1));
        cmd({"HSET", BrokerKeys::control(kModel), "paused", "1"});
        const Value started = start(entries[0].id, "c1", "t1");
        QCOMPARE(started[0].text, QByteArray("paused"));
        auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("queued"));
        QCOMPARE(task.value("att"), QByteArray());
        QCOMPARE(task.value("e"), QByteArray(""));
        QCOMPARE(pendingCount(), qint64(0));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(0));
        QCOMPARE(held(), QByteArrayList{"t1"});
        QCOMPARE(statusTrail("t1"), QByteArrayList{});

        cmd({"HDEL", BrokerKeys::control(kModel), "paused"});
        QCOMPARE(call(m_calls.syncHold()).number, qint64(1));
        QCOMPARE(held(), QByteArrayList{});
        const auto again = read("c1");
        QCOMPARE(again.size(), size_t(1));
        QCOMPARE(again[0].value("a"), QByteArray("1"));
        QCOMPARE(hash(taskKey("t1")).value("e"), again[0].id);
        QCOMPARE(start(again[0].id, "c1", "t1")[0].text, QByteArray("run"));
        QCOMPARE(hash(taskKey("t1")).value("att"), QByteArray("1"));
    }

    // The read is the start: a task read and finished with no start call records its start (the delivery),
    // instance and attempt with its outcome.
    void finishWithoutStartRecordsTheStart()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        const auto entries = read("c1");
        QCOMPARE(entries.size(), size_t(1));
        const qint64 idle = cmd({"XPENDING", m_tasks, "workers", "-", "+", "10"})[0][2].number;
        QCOMPARE(finish(entries[0].id, "c1", "t1", "succeeded", "HELLO").text, QByteArray("ok"));
        const auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("succeeded"));
        QCOMPARE(task.value("att"), QByteArray("1"));
        QCOMPARE(task.value("i"), QByteArray("c1"));
        // Started at the delivery: the finish's now (kNow + 500) less the entry's idle time then.
        const qint64 started = task.value("s").toLongLong();
        QVERIFY2(started <= kNow + 500 - idle && started > kNow + 500 - idle - 10000,
                 task.value("s").constData());
        QCOMPARE(storedResult("t1").text, QByteArray("HELLO"));
        QCOMPARE(pendingCount(), qint64(0));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(0));
        const auto events = range(m_events);
        QCOMPARE(events.back().value("st"), QByteArray("succeeded"));
        QCOMPARE(events.back().value("a"), QByteArray("1"));
        QCOMPARE(events.back().value("s"), task.value("s"));
        // No running event: the start was never a state of its own.
        QCOMPARE(statusTrail("t1"), QByteArrayList{"succeeded"});
    }

    // The delivery derived from the worker's clock and Redis's idle time is never put before the task's
    // creation nor after the finish: a task done within a millisecond or two of its submit kept a start
    // before its creation, and the timeline no span for its queueing.
    void aDerivedStartIsNeverBeforeTheCreation()
    {
        QVERIFY(submit("t1", "hello").text == "ok"); // created at kNow
        const auto entries = read("c1");
        QCOMPARE(entries.size(), size_t(1));
        QTRY_VERIFY(cmd({"XPENDING", m_tasks, "workers", "-", "+", "10"})[0][2].number >= 2);
        // The finish's now says kNow: the worker's clock a little behind what the idle time implies.
        QCOMPARE(single(m_calls.finish("c1", kNow, {{entries[0].id, "t1", "failed", {}, "bad", "no"}})).text,
                 QByteArray("ok"));
        const auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("s"), QByteArray::number(kNow));
        QCOMPARE(task.value("f"), QByteArray::number(kNow));
        QCOMPARE(task.value("att"), QByteArray("1"));
    }

    // The same for a retried task: its next attempt cannot start before the last one ended (h<att>'s f), nor
    // before the retry was due (n), on each path that records a start from a worker's clock. The worker reads
    // its now before its call travels to Redis, so now less the idle time can fall a transit short of the
    // delivery: a retry read within a millisecond of its due time kept a start before it (CI, 2026-12-05).
    void aRetriedStartIsNeverBeforeThePreviousEndNorItsDueTime_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<int>("backoffMs");
        for (const int backoff : {0, 1000}) {
            const QByteArray suffix = backoff == 0 ? " at once" : " after a backoff";
            QTest::newRow("finish derives it" + suffix) << QByteArray("finish") << backoff;
            QTest::newRow("running is told it" + suffix) << QByteArray("running") << backoff;
            QTest::newRow("a failed attempt derives it" + suffix) << QByteArray("fail") << backoff;
        }
    }

    void aRetriedStartIsNeverBeforeThePreviousEndNorItsDueTime()
    {
        QFETCH(QByteArray, path);
        QFETCH(int, backoffMs);
        const qint64 ended = kNow + 100;
        const qint64 due = ended + backoffMs;
        QVERIFY(submit("t1", "hello").text == "ok");
        const auto first = read("c1");
        QCOMPARE(first.size(), size_t(1));
        QCOMPARE(failAttempt(first[0].id, "c1", "t1", ended, 3, backoffMs).text, QByteArray("retry"));
        QCOMPARE(hash(taskKey("t1")).value("n"), QByteArray::number(due));
        // Promoted when due, and read again within the same millisecond of the worker's clock.
        QCOMPARE(promote(due).number, qint64(1));
        const auto second = read("c1");
        QCOMPARE(second.size(), size_t(1));
        QTRY_VERIFY(cmd({"XPENDING", m_tasks, "workers", "-", "+", "10"})[0][2].number >= 2);
        QByteArray started;
        if (path == "finish") {
            QCOMPARE(
                single(m_calls.finish("c1", due, {{second[0].id, "t1", "failed", {}, "bad", "no"}})).text,
                QByteArray("ok"));
            started = hash(taskKey("t1")).value("s");
        } else if (path == "running") {
            QCOMPARE(call(m_calls.running("c1", due, {{second[0].id, "t1", due - 10}}))[0].text,
                     QByteArray("run"));
            started = hash(taskKey("t1")).value("s");
        } else {
            QCOMPARE(failAttempt(second[0].id, "c1", "t1", due).text, QByteArray("retry"));
            started = QJsonDocument::fromJson(hash(taskKey("t1")).value("h2"))
                          .object()
                          .value("s")
                          .toString()
                          .toUtf8();
        }
        QCOMPARE(started, QByteArray::number(due));
        QCOMPARE(hash(taskKey("t1")).value("att"), QByteArray("2"));
    }

    // mmf_running records a start already under way (no pause check: a read entry is an attempt under way);
    // the outcome then finishes the running task as always.
    void runningRecordsAStartUnderWay()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        const auto entries = read("c1");
        cmd({"HSET", BrokerKeys::control(kModel), "paused", "1"});
        const Value recorded = call(m_calls.running("c1", kNow + 60, {{entries[0].id, "t1", kNow + 10}}));
        QCOMPARE(recorded[0].text, QByteArray("run"));
        auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("running"));
        QCOMPARE(task.value("s"), QByteArray::number(kNow + 10));
        QCOMPARE(task.value("att"), QByteArray("1"));
        QCOMPARE(statusTrail("t1"), QByteArrayList{"running"});
        // Again (a resent call): the same answer, nothing written twice.
        QCOMPARE(call(m_calls.running("c1", kNow + 70, {{entries[0].id, "t1", kNow + 10}}))[0].text,
                 QByteArray("run"));
        QCOMPARE(statusTrail("t1"), QByteArrayList{"running"});
        QCOMPARE(finish(entries[0].id, "c1", "t1", "succeeded", "HELLO").text, QByteArray("ok"));
        task = hash(taskKey("t1"));
        QCOMPARE(task.value("s"), QByteArray::number(kNow + 10));
        QCOMPARE(task.value("att"), QByteArray("1"));
        QCOMPARE(statusTrail("t1"), (QByteArrayList{"running", "succeeded"}));
    }

    // A task read but cancelled before its start was recorded is running as far as the cancel can tell; the
    // worker learns it from mmf_running (or its poll), and its outcome is moot.
    void cancelAfterTheReadStopsTheRun()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        const auto entries = read("c1");
        QCOMPARE(cancel("t1").text, QByteArray("cancelled_running"));
        QCOMPARE(call(m_calls.running("c1", kNow + 60, {{entries[0].id, "t1", kNow + 10}}))[0].text,
                 QByteArray("cancelled"));
        QCOMPARE(finish(entries[0].id, "c1", "t1", "succeeded", "TOO LATE").text, QByteArray("cancelled"));
        QVERIFY(storedResult("t1").isNil());
        QCOMPARE(pendingCount(), qint64(0));
    }

    // A worker that dies running a task whose start is unrecorded still spends an attempt: a task that kills
    // every worker ends dead-lettered instead of going round for ever.
    void reclaimCountsAnUnrecordedAttempt()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        auto entries = read("c1");
        QCOMPARE(
            cmd({"XCLAIM", m_tasks, "workers", "c1", "0", entries[0].id, "IDLE", "100000", "JUSTID"}).size(),
            size_t(1));
        QCOMPARE(reclaim(30000, kNow, 2)[0].number, qint64(1));
        auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("queued"));
        QCOMPARE(task.value("att"), QByteArray("1"));
        QCOMPARE(QJsonDocument::fromJson(task.value("h1")).object().value("ec").toString(),
                 QStringLiteral("instance_lost"));
        // The retry comes back as attempt 2, carrying its envelope.
        QCOMPARE(promote(task.value("n").toLongLong()).number, qint64(1));
        entries = read("c2");
        QCOMPARE(entries.size(), size_t(1));
        QCOMPARE(entries[0].value("a"), QByteArray("2"));
        QCOMPARE(entries[0].value("env"), envelopeFor("t1", "hello"));
        QCOMPARE(hash(taskKey("t1")).value("n"), task.value("n")); // until the start is recorded
        QCOMPARE(
            cmd({"XCLAIM", m_tasks, "workers", "c2", "0", entries[0].id, "IDLE", "100000", "JUSTID"}).size(),
            size_t(1));
        QCOMPARE(reclaim(30000, kNow + 60000, 2)[0].number, qint64(1));
        task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("dead_lettered"));
        QCOMPARE(task.value("att"), QByteArray("2"));
        QVERIFY(!task.contains("n"));
    }

    // The model threw on a task whose start is unrecorded: attempt 1 failed, with its start and instance.
    void failedAttemptWithoutStartCounts()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        const auto entries = read("c3");
        QCOMPARE(failAttempt(entries[0].id, "c3", "t1", kNow + 40).text, QByteArray("retry"));
        const auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("att"), QByteArray("1"));
        const QJsonObject past = QJsonDocument::fromJson(task.value("h1")).object();
        QCOMPARE(past.value("i").toString(), QStringLiteral("c3"));
        QVERIFY(past.value("s").toString().toLongLong() <= kNow + 40);
    }

    // Given back before its start was recorded: queued again as the same attempt.
    void releaseWithoutStartKeepsTheAttempt()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        const auto entries = read("c1");
        QCOMPARE(release(entries[0].id, "c1", "t1").text, QByteArray("released"));
        QVERIFY(!hash(taskKey("t1")).contains("att") || hash(taskKey("t1")).value("att") == "0");
        const auto again = read("c2");
        QCOMPARE(again.size(), size_t(1));
        QCOMPARE(again[0].value("a"), QByteArray("1"));
        QCOMPARE(statusTrail("t1"), QByteArrayList{}); // it never was running
    }

    // Paused: no worker reads the entries it had not read (the group's cursor waits at the stream's end) and
    // submits wait in the held list; read ones are left to run. Resuming reads the old entries, then the held
    // ones, in order.
    void pauseHoldsWhatNoWorkerRead()
    {
        QVERIFY(submit("t1", "one").text == "ok");
        QVERIFY(submit("t2", "two").text == "ok");
        const auto first = read("c1"); // t1 is under way
        QCOMPARE(first.size(), size_t(1));
        cmd({"HSET", BrokerKeys::control(kModel), "paused", "1"});
        QCOMPARE(call(m_calls.syncHold()).number, qint64(0));
        QVERIFY(submit("t3", "three").text == "ok");
        QCOMPARE(held(), QByteArrayList{"t3"});
        QCOMPARE(hash(taskKey("t3")).value("e"), QByteArray(""));
        // No entry carries a held task's envelope: its hash does, until it is queued again.
        QCOMPARE(hash(taskKey("t3")).value("env"), envelopeFor("t3", "three"));
        QCOMPARE(read("c1").size(), size_t(0));               // t2 waits unread
        QCOMPARE(call(m_calls.syncHold()).number, qint64(0)); // idempotent
        QCOMPARE(read("c2").size(), size_t(0));
        QCOMPARE(finish(first[0].id, "c1", "t1", "succeeded", "ONE").text, QByteArray("ok"));
        // A promote tick keeps them waiting while paused, and lets them go after.
        QCOMPARE(promote(kNow).number, qint64(0));
        QCOMPARE(read("c1").size(), size_t(0));
        QVERIFY(submit("t4", "four").text == "ok");
        QCOMPARE(cancel("t4").text, QByteArray("cancelled")); // cancelled while held: stays out
        cmd({"HDEL", BrokerKeys::control(kModel), "paused"});
        QCOMPARE(promote(kNow).number, qint64(0));
        QCOMPARE(held(), QByteArrayList{});
        const auto rest = read("c1", 10);
        QCOMPARE(rest.size(), size_t(2));
        QCOMPARE(rest[0].value("id"), QByteArray("t2"));
        QCOMPARE(rest[1].value("id"), QByteArray("t3"));
        QCOMPARE(rest[1].value("a"), QByteArray("1"));
        QCOMPARE(rest[1].value("env"), envelopeFor("t3", "three"));
        QCOMPARE(hash(taskKey("t3")).value("e"), rest[1].id);
        QVERIFY(!hash(BrokerKeys::control(kModel)).contains("heldfrom"));
    }

    void cancelledWhileWaitingForARetry()
    {
        const QByteArray entry = runningTask("t1");
        QCOMPARE(failAttempt(entry, "c1", "t1", kNow).text, QByteArray("retry"));
        QCOMPARE(cancel("t1").text, QByteArray("cancelled"));
        QCOMPARE(integer({"ZCARD", m_delayed}), qint64(0));
        QCOMPARE(promote(kNow + 100000).number, qint64(0));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(0));
    }

    void releaseGivesTheTaskBackWithoutCountingTheAttempt()
    {
        const QByteArray entry = runningTask("t1", "c1");
        QVERIFY(!entry.isEmpty());
        QCOMPARE(hash(taskKey("t1")).value("att"), QByteArray("1"));
        QCOMPARE(release(entry, "c1", "t1").text, QByteArray("released"));
        auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("queued"));
        QCOMPARE(task.value("att"), QByteArray("0"));
        QCOMPARE(pendingCount(), qint64(0));
        const auto queued = range(m_tasks);
        QCOMPARE(queued.size(), size_t(1)); // the old entry went, a new one came
        QVERIFY(queued[0].id != entry);
        QCOMPARE(queued[0].value("id"), QByteArray("t1"));
        QCOMPARE(queued[0].value("env"), envelopeFor("t1", "req-t1")); // from the entry given back
        QCOMPARE(task.value("e"), queued[0].id);

        // Another instance takes it; this is its first counted attempt.
        const auto entries = read("c2");
        QCOMPARE(entries.size(), size_t(1));
        QCOMPARE(start(entries[0].id, "c2", "t1")[1].number, qint64(1));
        QCOMPARE(finish(entries[0].id, "c2", "t1", "succeeded", "R").text, QByteArray("ok"));
        QCOMPARE(statusTrail("t1"), (QByteArrayList{"running", "queued", "running", "succeeded"}));
    }

    // Given back while paused: held, so its envelope moves from the entry to the hash, and goes out with it.
    void releaseWhilePausedHoldsTheEnvelope()
    {
        const QByteArray entry = runningTask("t1", "c1");
        QVERIFY(!entry.isEmpty());
        cmd({"HSET", BrokerKeys::control(kModel), "paused", "1"});
        QCOMPARE(release(entry, "c1", "t1").text, QByteArray("released"));
        QCOMPARE(held(), QByteArrayList{"t1"});
        QCOMPARE(hash(taskKey("t1")).value("env"), envelopeFor("t1", "req-t1"));
        cmd({"HDEL", BrokerKeys::control(kModel), "paused"});
        QCOMPARE(call(m_calls.syncHold()).number, qint64(1));
        const auto entries = read("c2");
        QCOMPARE(entries.size(), size_t(1));
        QCOMPARE(entries[0].value("env"), envelopeFor("t1", "req-t1"));
    }

    // A failed attempt whose entry was deleted while pending (only model m's own user or an operator can)
    // leaves no envelope for a retry: the task fails as payload_lost rather than waiting for ever in delayed.
    void aRetryWithoutAnEnvelopeFailsPayloadLost()
    {
        const QByteArray entry = runningTask("t1", "c1");
        QVERIFY(!entry.isEmpty());
        QCOMPARE(integer({"XDEL", m_tasks, entry}), qint64(1));
        QCOMPARE(failAttempt(entry, "c1", "t1", kNow + 100).text, QByteArray("payload_lost"));
        const auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("failed"));
        QCOMPARE(task.value("ec"), QByteArray("payload_lost"));
        QVERIFY(!task.contains("n"));
        QCOMPARE(integer({"ZCARD", m_delayed}), qint64(0));
        QCOMPARE(statusTrail("t1").back(), QByteArray("failed"));
        QCOMPARE(pendingCount(), qint64(0));
    }

    void releaseOfATaskNotStartedKeepsIt()
    {
        QVERIFY(submit("t1", "hello").text == "ok");
        const auto entries = read("c1"); // read during shutdown, never started
        QCOMPARE(entries.size(), size_t(1));
        QCOMPARE(release(entries[0].id, "c1", "t1").text, QByteArray("released"));
        const auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("queued"));
        QCOMPARE(task.value("att"), QByteArray("0"));
        QCOMPARE(pendingCount(), qint64(0));
        const auto queued = range(m_tasks);
        QCOMPARE(queued.size(), size_t(1));
        QCOMPARE(read("c2").size(), size_t(1));
    }

    void releaseOfAFinishedTaskOnlyAcknowledges()
    {
        const QByteArray entry = runningTask("t1", "c1");
        QCOMPARE(cancel("t1").text, QByteArray("cancelled_running"));
        QCOMPARE(release(entry, "c1", "t1").text, QByteArray("cancelled"));
        QCOMPARE(pendingCount(), qint64(0));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(0));
    }

    void submitIfAbsentLeavesAnExistingTask()
    {
        // The gateway's retry of an Idempotency-Key submit whose task may or may not have been made.
        QCOMPARE(submit("t1", "hello", true).text, QByteArray("ok"));
        QCOMPARE(submit("t1", "hello", true).text, QByteArray("existing"));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(1));
        QCOMPARE(hash(taskKey("t1")).value("st"), QByteArray("queued"));
    }

    void submitQueuesEveryTaskOfABatch()
    {
        std::vector<BrokerCalls::NewTask> tasks;
        for (const QByteArray id : {"b1", "b2", "b3"})
            tasks.push_back(
                {id, envelopeFor(id, id), kUser, "default", id == "b2" ? "parent" : "", false, id});
        const Value reply = call(m_calls.submit(kNow, tasks));
        QCOMPARE(reply.size(), size_t(3));
        for (size_t i = 0; i < 3; ++i)
            QCOMPARE(reply[i].text, QByteArray("ok"));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(3));
        QCOMPARE(hash(taskKey("b2")).value("st"), QByteArray("queued"));
        QCOMPARE(hash(taskKey("b2")).value("par"), QByteArray("parent"));
        QVERIFY(!hash(taskKey("b1")).contains("par"));
        const auto entries = range(m_tasks);
        QCOMPARE(entries[2].value("id"), QByteArray("b3"));
        QCOMPARE(hash(taskKey("b3")).value("e"), entries[2].id);
    }

    void logLinesAndProgress()
    {
        const QByteArray entry = runningTask("t1");
        QVERIFY(!entry.isEmpty());
        const QByteArray logKey = BrokerKeys::log(kModel, "t1");
        const auto log = [&](const QByteArray& kind, const QByteArray& levelOrFraction,
                             const QByteArray& text) {
            return call(m_calls.log({{"t1", kUser, kNow + 10, kind == "p", levelOrFraction, text}}));
        };
        QCOMPARE(log("l", "info", "first").number, qint64(1));
        QCOMPARE(log("p", "0.5", "halfway").number, qint64(1));
        QCOMPARE(log("l", "warning", "second").number, qint64(1));

        const auto lines = range(logKey);
        QCOMPARE(lines.size(), size_t(2));
        QCOMPARE(lines[0].value("seq"), QByteArray("1"));
        QCOMPARE(lines[0].value("lv"), QByteArray("info"));
        QCOMPARE(lines[0].value("tx"), QByteArray("first"));
        QCOMPARE(lines[1].value("seq"), QByteArray("2"));
        QCOMPARE(lines[1].value("tx"), QByteArray("second"));
        QVERIFY(integer({"TTL", logKey}) > kRetentionSecs - 10);
        const auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("pf"), QByteArray("0.5"));
        QCOMPARE(task.value("pt"), QByteArray("halfway"));

        QByteArrayList kinds;
        for (const StreamEntry& e : range(m_events)) {
            if (e.value("k") == "l" || e.value("k") == "p")
                kinds.append(e.value("k") + ':' + e.value("tx"));
        }
        QCOMPARE(kinds, (QByteArrayList{"l:first", "p:halfway", "l:second"}));
    }

    void eventsStayOutOfTheAppendOnlyFile()
    {
        // Events are a live feed (servers tail them and read the task hash for any answer): the library keeps
        // them out of the AOF and the replication stream, while the task's own writes and its log go in.
        const auto info = [&](QByteArrayView field) {
            return RedisCommandStats::integerField(cmd({"INFO", "persistence"}).text, field).value_or(-1);
        };
        QCOMPARE(cmd({"CONFIG", "SET", "appendfsync", "always"}).text, QByteArray("OK"));
        QCOMPARE(cmd({"CONFIG", "SET", "appendonly", "yes"}).text, QByteArray("OK"));
        const auto aofOff = qScopeGuard([&] { cmd({"CONFIG", "SET", "appendonly", "no"}); });
        // Turning the AOF on writes its base in a child; the incremental file takes what comes after.
        QTRY_VERIFY_WITH_TIMEOUT(info("aof_enabled") == 1 && info("aof_rewrite_in_progress") == 0 &&
                                     info("aof_rewrite_scheduled") == 0,
                                 10000);

        const QByteArray entry = runningTask("t1"); // watched (init): a running event too
        QVERIFY(!entry.isEmpty());
        QCOMPARE(call(m_calls.log({{"t1", kUser, kNow + 10, false, "info", "LOG-LINE-t1"}})).number,
                 qint64(1));
        QCOMPARE(finish(entry, "c1", "t1", "succeeded", "RESULT-t1").text, QByteArray("ok"));
        QCOMPARE(statusTrail("t1"), (QByteArrayList{"running", "succeeded"})); // written all the same

        const QString dir = QString::fromUtf8(cmd({"CONFIG", "GET", "dir"})[1].text) + "/appendonlydir";
        QByteArray incremental;
        for (const QFileInfo& file : QDir(dir).entryInfoList({QStringLiteral("*.incr.aof")}, QDir::Files)) {
            QFile f(file.filePath());
            QVERIFY(f.open(QIODevice::ReadOnly));
            incremental += f.readAll();
        }
        QVERIFY2(incremental.contains(taskKey("t1")), "the task hash is in the AOF");
        QVERIFY2(incremental.contains("RESULT-t1"), "the result is in the AOF");
        QVERIFY2(incremental.contains("LOG-LINE-t1"), "the log line is in the AOF");
        QVERIFY2(incremental.contains(m_tasks), "the stream entry is in the AOF");
        QVERIFY2(!incremental.contains(m_events), "no event is in the AOF");
    }

    void undecodableEntryGoesToTheDeadLetters()
    {
        // An entry that names its task, and one that does not.
        QVERIFY(submit("t1", "hello").text == "ok");
        const QByteArray known = range(m_tasks)[0].id;
        const QByteArray stray = cmd({"XADD", m_tasks, "*", "env", "\xff\xfe garbage"}).text;
        QVERIFY(!stray.isEmpty());
        QCOMPARE(read("c1", 10).size(), size_t(2));

        const auto deadLetter = [&](const QByteArray& entry, const QByteArray& consumer,
                                    const QByteArray& id) {
            return call(m_calls.deadLetter(consumer, kNow, entry, "undecodable", "not a TaskEnvelope", id));
        };
        QCOMPARE(deadLetter(known, "c2", "t1").text, QByteArray("lost")); // fenced like the others
        QCOMPARE(deadLetter(known, "c1", "t1").text, QByteArray("ok"));
        QCOMPARE(deadLetter(stray, "c1", "").text, QByteArray("ok"));

        QCOMPARE(pendingCount(), qint64(0));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(0));
        const auto dead = range(m_dead);
        QCOMPARE(dead.size(), size_t(2));
        QCOMPARE(dead[0].value("id"), QByteArray("t1"));
        QCOMPARE(dead[0].value("entry"), known);
        QCOMPARE(dead[0].value("ec"), QByteArray("undecodable"));
        QCOMPARE(dead[1].value("id"), QByteArray(""));
        QCOMPARE(dead[1].value("entry"), stray);
        QCOMPARE(hash(taskKey("t1")).value("st"), QByteArray("dead_lettered"));
        QCOMPARE(statusTrail("t1"), (QByteArrayList{"dead_lettered"}));
    }

    void modelRetryPolicyOverridesTheCallersDefaults()
    {
        // An admin's PATCH writes mmf:{m}:retry; the worker still passes its registration-time defaults.
        QCOMPARE(cmd({"HSET", BrokerKeys::retrySettings(kModel), "max_attempts", "2", "backoff_initial_ms",
                      "50", "backoff_factor", "3", "backoff_max_ms", "1000"})
                     .number,
                 qint64(4));
        QByteArray entry = runningTask("t1");
        QVERIFY(!entry.isEmpty());
        QCOMPARE(failAttempt(entry, "c1", "t1", kNow, /*maxAttempts*/ 10, /*initialMs*/ 5000).text,
                 QByteArray("retry"));
        QCOMPARE(hash(taskKey("t1")).value("n"), QByteArray::number(kNow + 50));
        QCOMPARE(promote(kNow + 50).number, qint64(1));
        entry = read("c1")[0].id;
        QCOMPARE(start(entry, "c1", "t1", kNow + 60)[1].number, qint64(2));
        // The model's max_attempts (2), not the caller's 10.
        QCOMPARE(failAttempt(entry, "c1", "t1", kNow + 70, 10, 5000).text, QByteArray("dead"));
        QCOMPARE(cmd({"HGET", BrokerKeys::deadIndex(kModel), "t1"}).text, range(m_dead)[0].id);
    }

    void aDueRetryIsPromotedOnce()
    {
        // Two servers promoting the same due retry (e.g. an old leader's last tick and the new one's first).
        const QByteArray entry = runningTask("t1");
        QCOMPARE(failAttempt(entry, "c1", "t1", kNow).text, QByteArray("retry"));
        QCOMPARE(promote(kNow + 1000).number, qint64(1));
        QCOMPARE(promote(kNow + 1000).number, qint64(0));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(1));
    }

    void replayQueuesADeadLetterAgain()
    {
        const QByteArray entry = runningTask("t1");
        QCOMPARE(failAttempt(entry, "c1", "t1", kNow, 1).text, QByteArray("dead"));
        QCOMPARE(integer({"XLEN", m_dead}), qint64(1));
        const QByteArray deadIndex = BrokerKeys::deadIndex(kModel);
        auto replay = [&](const QByteArray& id, const QByteArray& envelope) {
            return call(m_calls.replay(id, envelope, kNow + 1000));
        };
        const QByteArray fresh = envelopeFor("t1", "hello-again");
        QCOMPARE(replay("nope", fresh).text, QByteArray("not_found"));
        QCOMPARE(replay("t1", fresh).text, QByteArray("ok"));
        QCOMPARE(integer({"XLEN", m_dead}), qint64(0));
        QCOMPARE(integer({"HLEN", deadIndex}), qint64(0));
        const auto task = hash(taskKey("t1"));
        QCOMPARE(task.value("st"), QByteArray("queued"));
        QCOMPARE(task.value("att"), QByteArray("0"));
        QVERIFY(!task.contains("ec") && !task.contains("f"));
        QVERIFY(!task.contains("env")); // the entry carries it
        const auto queued = range(m_tasks);
        QCOMPARE(queued.size(), size_t(1));
        QCOMPARE(queued[0].value("id"), QByteArray("t1"));
        QCOMPARE(queued[0].value("env"), fresh);
        // Once: a second replay finds no dead letter.
        QCOMPARE(replay("t1", fresh).text, QByteArray("not_found"));
        QCOMPARE(integer({"XLEN", m_tasks}), qint64(1));
        QCOMPARE(statusTrail("t1"), (QByteArrayList{"running", "dead_lettered", "queued"}));
        // It runs again from attempt 1.
        const auto entries = read("c1");
        QCOMPARE(entries.size(), size_t(1));
        QCOMPARE(start(entries[0].id, "c1", "t1")[1].number, qint64(1));
    }

    void discardRemovesTheDeadLetterOnly()
    {
        const QByteArray entry = runningTask("t1");
        QCOMPARE(failAttempt(entry, "c1", "t1", kNow, 1).text, QByteArray("dead"));
        QCOMPARE(call(m_calls.discardDead("t1")).number, qint64(1));
        QCOMPARE(integer({"XLEN", m_dead}), qint64(0));
        QCOMPARE(hash(taskKey("t1")).value("st"), QByteArray("dead_lettered"));
        QCOMPARE(call(m_calls.discardDead("t1")).number, qint64(0));
    }

    void cleanupTestCase() { m_redis.reset(); }
};

QTEST_GUILESS_MAIN(TestBrokerScripts)
#include "tst_broker_scripts.moc"
