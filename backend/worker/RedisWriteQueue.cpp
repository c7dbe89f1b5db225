#include "worker/RedisWriteQueue.h"

#include "redis/RedisClient.h"
#include "worker/WorkerLog.h"

#include <QByteArrayList>

#include <algorithm>

namespace mmf {

namespace {
constexpr int kRetryMinMs = 100;
constexpr int kRetryMaxMs = 5000;

// Worth another try later: Redis is away, refuses writes for now (full memory or disk, loading, a busy
// script: the call was not carried out), or has no broker library yet (a restarted Redis without persistence,
// before a server has connected and loaded it again). An outcome is kept until Redis takes it, not dropped
// for the task to run again after its claim runs out.
bool isTransient(const RedisReply& reply)
{
    return reply.isUnavailable() || reply.isRefusedForNow() ||
           (reply.isError() && reply.view().contains("Function not found"));
}

// What a log line calls a write: the function for an FCALL (mmf_finish, …), else the command.
QByteArray callName(const std::vector<QByteArray>& argv)
{
    if (argv.empty())
        return {};
    return argv.size() > 1 && argv[0] == "FCALL" ? argv[1] : argv[0];
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
                    << "redis write" << callName(write->argv) << "failed, retrying in" << m_backoffMs
                    << "ms:" << reply.toString();
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
    // What is held, by kind, so an operator sees outcomes waiting (not only the first call that failed).
    std::vector<std::pair<QByteArray, int>> kinds;
    for (const auto& [seq, write] : backlog) {
        const QByteArray name = callName(write->argv);
        auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return k.first == name; });
        if (kind == kinds.end())
            kinds.emplace_back(name, 1);
        else
            ++kind->second;
    }
    QByteArrayList held;
    for (const auto& [name, count] : kinds)
        held.append(count == 1 ? name : name + " x" + QByteArray::number(count));
    qCInfo(lcWorker).noquote() << "sending" << backlog.size()
                               << "held redis writes again:" << held.join(", ");
    for (auto& [seq, write] : backlog)
        send(std::move(write));
}

} // namespace mmf
