#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mmf {

// A fixed set of threads that run model code, pulling jobs from a queue. Jobs may block (that is what the
// threads are for); they must not throw (the runtime's jobs catch everything).
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

    // Drops queued jobs, waits up to `timeoutMs` (-1: forever) for running ones and joins the threads.
    // Returns false when some job was still running: its thread is detached, so the caller must not free
    // what that job uses (exit the process instead).
    bool stop(int timeoutMs);

private:
    void run();

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_exited;
    std::deque<std::function<void()>> m_jobs;
    std::vector<std::thread> m_threads;
    int m_running = 0;
    int m_alive = 0;
    bool m_stopping = false;
};

} // namespace mmf
