// TaskWaiters: a waiter is called once, with the task's final event or with nullptr when its time is up, and
// only an event from the task's own model's stream answers it (another model may write any id into its own
// events stream).
#include "gateway/TaskEventRecord.h"
#include "gateway/TaskWaiters.h"

#include <QtTest>

#include <optional>

using namespace mmf;

namespace {

TaskEventRecord finalEvent(const QByteArray& streamModel, const QByteArray& taskId, const QByteArray& status)
{
    TaskEventRecord event;
    event.kind = TaskEventRecord::Kind::Result;
    event.model = streamModel;
    event.taskId = taskId;
    event.status = status;
    return event;
}

const QByteArray kTask = "01JABCDEFGHJKMNPQRSTVWXYZ0.echo";

} // namespace

class TestTaskWaiters : public QObject
{
    Q_OBJECT
private slots:
    void theFinalEventAnswersOnce()
    {
        TaskWaiters waiters;
        int calls = 0;
        QByteArray seen;
        waiters.wait(kTask, 60000, [&](const TaskEventRecord* event) {
            ++calls;
            seen = event ? event->status : QByteArray("timeout");
        });
        TaskEventRecord running = finalEvent("echo", kTask, "running");
        running.kind = TaskEventRecord::Kind::Status;
        waiters.onEvents({running});
        QCOMPARE(calls, 0); // not final
        waiters.onEvents({finalEvent("echo", kTask, "succeeded")});
        QCOMPARE(calls, 1);
        QCOMPARE(seen, QByteArray("succeeded"));
        QCOMPARE(waiters.count(), 0);
        waiters.onEvents({finalEvent("echo", kTask, "succeeded")});
        QCOMPARE(calls, 1);
    }

    void anotherModelsStreamDoesNotAnswer()
    {
        TaskWaiters waiters;
        std::optional<QByteArray> seen;
        waiters.wait(kTask, 60000, [&](const TaskEventRecord* event) {
            seen = event ? event->status + '/' + event->model : QByteArray("timeout");
        });
        waiters.onEvents({finalEvent("calc", kTask, "succeeded")}); // forged by model calc
        QVERIFY(!seen);
        QCOMPARE(waiters.count(), 1);
        waiters.onEvents({finalEvent("echo", kTask, "failed")});
        QCOMPARE(seen, std::optional<QByteArray>("failed/echo"));
    }

    void timeUpCallsWithNothing()
    {
        TaskWaiters waiters;
        bool called = false;
        const TaskEventRecord* given = reinterpret_cast<const TaskEventRecord*>(1);
        waiters.wait(kTask, 10, [&](const TaskEventRecord* event) {
            called = true;
            given = event;
        });
        QTRY_VERIFY_WITH_TIMEOUT(called, 5000);
        QCOMPARE(given, nullptr);
        QCOMPARE(waiters.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTaskWaiters)
#include "tst_taskwaiters.moc"
