// The models list's estimated_wait_ms against a real drain (issue 20): one echo instance at --concurrency 4
// drains a queue four times as fast as one at 1, and the estimate must say so. The check compares the
// estimate with the figure computed from the run times the same tasks recorded (queue depth × mean run time
// ÷ slots) with a generous ratio, so machine speed does not decide the verdict; the measured drain is
// printed beside it.
#include "ServerFixture.h"
#include "TestHttpClient.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QTest>

using namespace mmf;

namespace {

constexpr int kConcurrency = 4;
constexpr int kDelayMs = 300;

qint64 msOf(const QJsonValue& time)
{
    return QDateTime::fromString(time.toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
}

QJsonObject modelIn(const QJsonObject& list, const QString& name)
{
    for (const QJsonValue& model : list.value(QStringLiteral("models")).toArray())
        if (model.toObject().value(QStringLiteral("name")).toString() == name)
            return model.toObject();
    return {};
}

} // namespace

class TestEstimatedWait : public QObject
{
    Q_OBJECT
private slots:
    void estimateFollowsConcurrencyAndRunTimes();

private:
    QStringList submitBatch(TestHttpClient& client, int count);
    // Waits for every task to end; their task objects.
    QList<QJsonObject> waitAll(TestHttpClient& client, const QStringList& ids);
};

QStringList TestEstimatedWait::submitBatch(TestHttpClient& client, int count)
{
    QJsonArray inputs;
    for (int i = 0; i < count; ++i)
        inputs.append(QJsonObject{{QStringLiteral("delay_ms"), kDelayMs}});
    const auto response = client.postJson(QStringLiteral("/api/v1/models/echo/tasks:batch"),
                                          {{QStringLiteral("inputs"), inputs}});
    QStringList ids;
    for (const QJsonValue& id : response.json().value(QStringLiteral("task_ids")).toArray())
        ids.append(id.toString());
    return ids;
}

QList<QJsonObject> TestEstimatedWait::waitAll(TestHttpClient& client, const QStringList& ids)
{
    QList<QJsonObject> tasks;
    for (const QString& id : ids) {
        const auto response = client.get(QStringLiteral("/api/v1/tasks/%1?wait=60").arg(id));
        tasks.append(response.json());
    }
    return tasks;
}

void TestEstimatedWait::estimateFollowsConcurrencyAndRunTimes()
{
    ServerFixture server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QByteArray token = server.issueToken(QStringLiteral("waiter"));
    QVERIFY(!token.isEmpty());
    WorkerFixture worker(QStringLiteral("echo"), server.url(), token,
                         {QStringLiteral("--concurrency"), QString::number(kConcurrency)});
    QVERIFY(worker.start());
    QVERIFY2(worker.waitForReady(), worker.output().constData());
    TestHttpClient client(server.url(), token);

    // Warm-up: the server learns the run time from these.
    const QList<QJsonObject> warm = waitAll(client, submitBatch(client, 2 * kConcurrency));
    QCOMPARE(warm.size(), 2 * kConcurrency);
    double runSum = 0;
    for (const QJsonObject& task : warm) {
        QCOMPARE(task.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
        runSum += double(msOf(task.value(QStringLiteral("finished_at"))) -
                         msOf(task.value(QStringLiteral("started_at"))));
    }
    const double meanRunMs = runSum / warm.size();
    QVERIFY(meanRunMs >= kDelayMs);

    // A queue of 80: read the estimate while it is deep.
    const QStringList ids = submitBatch(client, 80);
    QCOMPARE(ids.size(), 80);
    QJsonObject seen;
    qint64 seenAtMs = 0;
    QDeadlineTimer deadline(15000);
    while (!deadline.hasExpired()) {
        const QJsonObject echo =
            modelIn(client.get(QStringLiteral("/api/v1/models")).json(), QStringLiteral("echo"));
        if (echo.value(QStringLiteral("queue_depth")).toInt() >= 20) {
            seen = echo;
            seenAtMs = QDateTime::currentMSecsSinceEpoch();
            break;
        }
        QTest::qWait(100);
    }
    QVERIFY2(!seen.isEmpty(), "the queue was never seen deep (the drain outran the catalogue refresh)");
    const double depth = seen.value(QStringLiteral("queue_depth")).toDouble();
    const double estimate = seen.value(QStringLiteral("estimated_wait_ms")).toDouble();
    const double expected = depth * meanRunMs / kConcurrency;

    const QList<QJsonObject> done = waitAll(client, ids);
    qint64 lastFinish = 0;
    for (const QJsonObject& task : done)
        lastFinish = std::max(lastFinish, msOf(task.value(QStringLiteral("finished_at"))));
    qInfo("queue %.0f: estimated %.0f ms, from the recorded run times %.0f ms (mean run %.0f ms over %d "
          "slots), measured drain %lld ms",
          depth, estimate, expected, meanRunMs, kConcurrency, qlonglong(lastFinish - seenAtMs));
    // An estimate that ignores concurrency is 4x the figure; one that follows it is close to it.
    QVERIFY2(estimate >= 0.5 * expected && estimate <= 2.0 * expected,
             qPrintable(QStringLiteral("estimate %1 ms, expected about %2 ms").arg(estimate).arg(expected)));
}

QTEST_GUILESS_MAIN(TestEstimatedWait)
#include "tst_estimatedwait.moc"
