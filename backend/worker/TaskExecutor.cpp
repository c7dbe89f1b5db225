#include "worker/TaskExecutor.h"

#include <algorithm>
#include <chrono>

namespace mmf {

TaskExecutor::TaskExecutor(int threads)
{
    m_threads.reserve(size_t(std::max(threads, 1)));
    m_alive = std::max(threads, 1);
    for (int i = 0; i < m_alive; ++i)
        m_threads.emplace_back([this] { run(); });
}

TaskExecutor::~TaskExecutor()
{
    stop(-1);
}

void TaskExecutor::post(std::function<void()> job)
{
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_jobs.push_back(std::move(job));
        wake = claimWake();
    }
    if (wake)
        m_wake.notify_one();
}

bool TaskExecutor::claimWake()
{
    // A thread on its way takes the first job and then wakes the next one if jobs are left.
    if (m_waking > 0 || m_sleeping == 0 || m_jobs.empty())
        return false;
    ++m_waking;
    ++m_wakes;
    return true;
}

int TaskExecutor::busyCount() const
{
    std::lock_guard lock(m_mutex);
    return int(m_jobs.size()) + m_running;
}

quint64 TaskExecutor::wakeCount() const
{
    std::lock_guard lock(m_mutex);
    return m_wakes;
}

bool TaskExecutor::stop(int timeoutMs)
{
    std::unique_lock lock(m_mutex);
    if (m_threads.empty())
        return m_alive == 0; // stopped before (a detached thread may still run)
    m_stopping = true;
    m_jobs.clear();
    m_wake.notify_all();
    const auto allExited = [this] { return m_alive == 0; };
    bool exited = true;
    if (timeoutMs < 0)
        m_exited.wait(lock, allExited);
    else
        exited = m_exited.wait_for(lock, std::chrono::milliseconds(timeoutMs), allExited);
    lock.unlock();
    for (std::thread& thread : m_threads) {
        if (!thread.joinable())
            continue;
        if (exited)
            thread.join();
        else
            thread.detach();
    }
    m_threads.clear();
    return exited;
}

void TaskExecutor::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        while (!m_stopping && m_jobs.empty()) {
            ++m_sleeping;
            m_wake.wait(lock, [this] { return m_stopping || m_waking > 0; });
            --m_sleeping;
            // This thread is the one on its way. When threads that were awake have emptied the queue by
            // now, it sleeps again and the next post wakes anew.
            if (m_waking > 0)
                --m_waking;
        }
        if (m_stopping)
            break;
        std::function<void()> job = std::move(m_jobs.front());
        m_jobs.pop_front();
        ++m_running;
        const bool wakeNext = claimWake();
        lock.unlock();
        if (wakeNext)
            m_wake.notify_one();
        job();
        job = nullptr; // release what the job captured before reporting idle
        lock.lock();
        --m_running;
    }
    --m_alive;
    m_exited.notify_all();
}

} // namespace mmf
