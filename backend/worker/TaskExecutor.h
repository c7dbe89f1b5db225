#pragma once

#include <QtGlobal>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mmf {

// A fixed set of threads that run model code, pulling jobs from a queue. Jobs may block (that is what the
// threads are for); they must not throw (the runtime's jobs catch everything).
//
// Work-conserving wake-ups: a post wakes a sleeping thread only when no thread is already on its way to the
// queue, and a thread that takes a job wakes the next one only when jobs are left. A batch of quick jobs is
// then run by the threads already awake instead of costing a futex wake and two context switches per job
// (13 of a worker's 20 µs per task in `?wait` mode); a batch of slow jobs still spreads over every thread,
// one wake-up after another.
class TaskExecutor
{
public:
    explicit TaskExecutor(int threads);
    // Calls stop(-1): waits for running jobs.
    ~TaskExecutor();
    TaskExecutor(const TaskExecutor&) = delete;
    TaskExecutor& operator=(const TaskExecutor&) = delete;

    // Queued jobs run in order as threads free up. Ignored after stop().
    void post(std::function<void()> job);
    // Jobs queued or running.
    int busyCount() const;
    // Wake-ups of sleeping threads so far (for tests and figures).
    quint64 wakeCount() const;

    // Drops queued jobs, waits up to `timeoutMs` (-1: forever) for running ones and joins the threads.
    // Returns false when some job was still running: its thread is detached, so the caller must not free
    // what that job uses (exit the process instead).
    bool stop(int timeoutMs);

private:
    void run();
    // Under m_mutex: whether a sleeping thread should be woken for the queued jobs (and counts it on its
    // way).
    bool claimWake();

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_exited;
    std::deque<std::function<void()>> m_jobs;
    std::vector<std::thread> m_threads;
    int m_running = 0;
    int m_alive = 0;
    int m_sleeping = 0;
    // Threads woken that have not reached the queue yet.
    int m_waking = 0;
    quint64 m_wakes = 0;
    bool m_stopping = false;
};

} // namespace mmf
