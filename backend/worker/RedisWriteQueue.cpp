#include "worker/RedisWriteQueue.h"

#include "redis/RedisClient.h"
#include "worker/WorkerLog.h"

namespace mmf {

namespace {
constexpr int kRetryMinMs = 100;
constexpr int kRetryMaxMs = 5000;

// Worth another try later: Redis is away, or it has no broker library yet (a restarted Redis without
// persistence, before a server has connected and loaded it again).
bool isTransient(const RedisReply& reply)
{
    return reply.isUnavailable() || (reply.isError() && reply.view().contains("Function not found"));
}
} // namespace

RedisWriteQueue::RedisWriteQueue(RedisClient& redis, QObject* parent)
    : QObject(parent)
    , m_redis(redis)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &RedisWriteQueue::retry);
}

RedisWriteQueue::~RedisWriteQueue()
{
    *m_alive = false;
}

void RedisWriteQueue::call(BrokerCall call, Done done)
{
    auto write = std::make_shared<Write>();
    write->seq = ++m_nextSeq;
    write->argv = call.argv();
    write->done = std::move(done);
    if (m_blocked) {
        // Keep the order: nothing overtakes a call that waits for Redis.
        m_backlog.emplace(write->seq, std::move(write));
        return;
    }
    send(std::move(write));
}

void RedisWriteQueue::send(std::shared_ptr<Write> write)
{
    ++m_inFlight;
    ++write->tries;
    std::weak_ptr<bool> alive = m_alive;
    m_redis.command(write->argv, [this, alive, write](const RedisReply& reply) {
        if (alive.expired())
            return;
        --m_inFlight;
        if (isTransient(reply)) {
            m_backlog.emplace(write->seq, write);
            if (!m_blocked) {
                m_blocked = true;
                m_backoffMs = m_backoffMs == 0 ? kRetryMinMs : qMin(m_backoffMs * 2, kRetryMaxMs);
                qCWarning(lcWorker).noquote()
                    << "redis write failed, retrying in" << m_backoffMs << "ms:" << reply.toString();
                m_retryTimer.start(m_backoffMs);
            }
            return;
        }
        if (m_backlog.empty() && !m_blocked)
            m_backoffMs = 0;
        if (write->done)
            write->done(reply, write->tries > 1);
        if (alive.expired())
            return;
        if (pendingCount() == 0)
            emit drained();
    });
}

bool RedisWriteQueue::writeOutNow()
{
    return !m_blocked && m_redis.writeOutNow();
}

void RedisWriteQueue::retry()
{
    m_blocked = false;
    std::map<quint64, std::shared_ptr<Write>> backlog;
    backlog.swap(m_backlog);
    for (auto& [seq, write] : backlog)
        send(std::move(write));
}

} // namespace mmf
