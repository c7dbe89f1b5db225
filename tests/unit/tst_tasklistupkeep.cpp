// TaskListUpkeep: a user's task list is trimmed and its expiry refreshed once per interval, whatever the
// number of submits; each list on its own; the expiry outlasts retention by an interval.
#include "gateway/TaskListUpkeep.h"

#include <QtTest>

using namespace mmf;

class TestTaskListUpkeep : public QObject
{
    Q_OBJECT
private slots:
    void onceAnIntervalPerList()
    {
        TaskListUpkeep upkeep(60'000);
        QVERIFY(upkeep.due("mmf:user:{ann}:tasks", 1'000'000));
        QVERIFY(!upkeep.due("mmf:user:{ann}:tasks", 1'000'001));
        QVERIFY(!upkeep.due("mmf:user:{ann}:tasks", 1'059'999));
        QVERIFY(upkeep.due("mmf:user:{bob}:tasks", 1'059'999)); // another list: its own first time
        QVERIFY(upkeep.due("mmf:user:{ann}:tasks", 1'060'000)); // the interval is over
        QVERIFY(!upkeep.due("mmf:user:{ann}:tasks", 1'060'001));
    }

    void aClockThatGoesBackStartsAgain()
    {
        TaskListUpkeep upkeep(60'000);
        QVERIFY(upkeep.due("k", 5'000'000));
        QVERIFY(!upkeep.due("k", 5'000'000));
        QVERIFY(upkeep.due("k", 1'000'000)); // an hour back: not skipped for an hour
        QVERIFY(!upkeep.due("k", 1'000'500));
    }

    void forgottenListsAreDueAgain()
    {
        TaskListUpkeep upkeep(60'000);
        QVERIFY(upkeep.due("k", 1'000'000));
        upkeep.forget();
        QVERIFY(upkeep.due("k", 1'000'001));
        QVERIFY(!upkeep.due("k", 1'000'002));
    }

    void theExpiryOutlastsRetentionByAnInterval()
    {
        QCOMPARE(TaskListUpkeep(60'000).expirySecs(86'400), qint64(86'460));
        QCOMPARE(TaskListUpkeep(1'500).expirySecs(10), qint64(12)); // rounded up: never short
    }
};

QTEST_APPLESS_MAIN(TestTaskListUpkeep)
#include "tst_tasklistupkeep.moc"
