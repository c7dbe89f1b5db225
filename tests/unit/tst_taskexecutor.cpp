// TaskExecutor: every job runs; slow jobs spread over every thread; a burst of jobs posted while the threads
// are busy or already on their way costs no wake-up per job.
#include "worker/TaskExecutor.h"

#include <QtTest>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace mmf;

namespace {

// Counts jobs that started and finished; started jobs wait at a gate until it opens.
class Gate
{
public:
    void enter()
    {
        std::unique_lock lock(m_mutex);
        ++m_started;
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return m_open; });
    }
    void leave()
    {
        std::lock_guard lock(m_mutex);
        ++m_finished;
        m_changed.notify_all();
    }
    void open()
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }
    bool waitStarted(int n)
    {
        return waitFor([&] { return m_started >= n; });
    }
    bool waitFinished(int n)
    {
        return waitFor([&] { return m_finished >= n; });
    }
    int started()
    {
        std::lock_guard lock(m_mutex);
        return m_started;
    }

private:
    template<typename Condition> bool waitFor(Condition condition)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, std::chrono::seconds(20), condition);
    }

    std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_started = 0;
    int m_finished = 0;
    bool m_open = false;
};

// Opens the gate when a test leaves early, before the executor (declared before it) waits for its jobs.
class GateOpener
{
public:
    explicit GateOpener(Gate& gate)
        : m_gate(gate)
    {}
    ~GateOpener() { m_gate.open(); }
    GateOpener(const GateOpener&) = delete;
    GateOpener& operator=(const GateOpener&) = delete;

private:
    Gate& m_gate;
};

// Posts `count` jobs that pass through the gate.
void postGated(TaskExecutor& executor, Gate& gate, int count)
{
    for (int i = 0; i < count; ++i)
        executor.post([&gate] {
            gate.enter();
            gate.leave();
        });
}

} // namespace

class TestTaskExecutor : public QObject
{
    Q_OBJECT

private slots:
    void everyJobRuns();
    void slowJobsSpreadOverEveryThread();
    void burstWhileBusyWakesNoThread();
    void singleThreadBurstWakesAtMostOnce();
    void stopDropsQueuedJobs();
};

void TestTaskExecutor::everyJobRuns()
{
    Gate gate;
    gate.open();
    TaskExecutor executor(3);
    GateOpener opener(gate);
    constexpr int kJobs = 5000;
    postGated(executor, gate, kJobs);
    QVERIFY(gate.waitFinished(kJobs));
    QCOMPARE(gate.started(), kJobs);
}

// Four jobs that each wait until all four have started: they finish only if four threads run them at once.
void TestTaskExecutor::slowJobsSpreadOverEveryThread()
{
    constexpr int kThreads = 4;
    Gate gate;
    TaskExecutor executor(kThreads);
    GateOpener opener(gate);
    postGated(executor, gate, kThreads);
    QVERIFY2(gate.waitStarted(kThreads), "the jobs did not all start: some thread was never woken");
    gate.open();
    QVERIFY(gate.waitFinished(kThreads));
}

// With every thread inside a job, 996 more posts wake nobody; the threads take them as they come back.
void TestTaskExecutor::burstWhileBusyWakesNoThread()
{
    constexpr int kThreads = 4;
    constexpr int kJobs = 1000;
    Gate gate;
    TaskExecutor executor(kThreads);
    GateOpener opener(gate);
    postGated(executor, gate, kThreads);
    QVERIFY(gate.waitStarted(kThreads));
    const quint64 wakesToStart = executor.wakeCount();
    QVERIFY(wakesToStart <= quint64(kThreads));
    postGated(executor, gate, kJobs - kThreads);
    QCOMPARE(executor.wakeCount(), wakesToStart);
    QCOMPARE(executor.busyCount(), kJobs);
    gate.open();
    QVERIFY(gate.waitFinished(kJobs));
    // Draining the queue took no wake-up either: the threads were awake until it was empty.
    QCOMPARE(executor.wakeCount(), wakesToStart);
}

// One thread, a burst of posts: at most the first post wakes it (it may not even be asleep yet).
void TestTaskExecutor::singleThreadBurstWakesAtMostOnce()
{
    Gate gate;
    TaskExecutor executor(1);
    GateOpener opener(gate);
    constexpr int kJobs = 200;
    postGated(executor, gate, kJobs);
    gate.open();
    QVERIFY(gate.waitFinished(kJobs));
    QVERIFY2(executor.wakeCount() <= 1, qPrintable(QString::number(executor.wakeCount())));
}

// A stop drops what is queued and waits for the job that runs.
void TestTaskExecutor::stopDropsQueuedJobs()
{
    Gate gate;
    TaskExecutor executor(1);
    GateOpener opener(gate);
    postGated(executor, gate, 10);
    QVERIFY(gate.waitStarted(1));
    QCOMPARE(executor.busyCount(), 10);
    std::thread stopper([&executor] { executor.stop(-1); });
    // The queue is dropped at once; the running job holds the stop until the gate opens.
    QTRY_COMPARE_WITH_TIMEOUT(executor.busyCount(), 1, 20000);
    gate.open();
    stopper.join();
    QCOMPARE(gate.started(), 1);
    QVERIFY(gate.waitFinished(1));
    executor.post([&gate] { gate.enter(); }); // ignored after the stop
    QCOMPARE(executor.busyCount(), 0);
}

QTEST_GUILESS_MAIN(TestTaskExecutor)
#include "tst_taskexecutor.moc"
