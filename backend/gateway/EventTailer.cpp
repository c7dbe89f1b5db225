#include "gateway/EventTailer.h"

#include "broker/BrokerKeys.h"
#include "broker/StreamEntry.h"
#include "core/Clock.h"
#include "redis/RedisClient.h"

namespace mmf {

namespace {
constexpr int kBlockMs = 1000;
constexpr int kBatch = 2000;
} // namespace

EventTailer::EventTailer(RedisClient& blockingRedis, const Clock& clock, QObject* parent)
    : QObject(parent)
    , m_redis(blockingRedis)
    , m_clock(clock)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &EventTailer::readNext);
}

void EventTailer::addModel(const QByteArray& model)
{
    const QByteArray key = BrokerKeys::events(model);
    if (m_lastIds.contains(key))
        return;
    // From a little before now: events written while the model became known here are not missed.
    m_lastIds.insert(key, QByteArray::number(m_clock.nowMs() - 5000) + "-0");
    m_modelByKey.insert(key, model);
    if (m_running && !m_reading)
        readNext();
}

void EventTailer::start()
{
    m_running = true;
    readNext();
}

void EventTailer::stop()
{
    m_running = false;
    m_retryTimer.stop();
}

void EventTailer::readNext()
{
    if (!m_running || m_reading || m_lastIds.isEmpty())
        return;
    std::vector<QByteArray> args;
    args.reserve(size_t(7 + 2 * m_lastIds.size()));
    args.insert(args.end(), {"XREAD", "COUNT", QByteArray::number(kBatch), "BLOCK",
                             QByteArray::number(kBlockMs), "STREAMS"});
    const QList<QByteArray> keys = m_lastIds.keys();
    for (const QByteArray& key : keys)
        args.push_back(key);
    for (const QByteArray& key : keys)
        args.push_back(m_lastIds.value(key));
    m_reading = true;
    m_redis.command(
        args,
        [this](const RedisReply& reply) {
            m_reading = false;
            if (reply.isError()) {
                scheduleRetry();
                return;
            }
            m_retryDelayMs = 50;
            std::vector<TaskEventRecord> batch;
            for (auto& [key, entries] : StreamEntry::parseRead(reply)) {
                if (entries.empty())
                    continue;
                m_lastIds.insert(key, entries.back().id);
                const QByteArray model = m_modelByKey.value(key);
                batch.reserve(batch.size() + entries.size());
                for (const StreamEntry& entry : entries) {
                    TaskEventRecord event;
                    if (TaskEventRecord::fromStreamEntry(model, entry, &event))
                        batch.push_back(std::move(event));
                }
            }
            if (!batch.empty())
                emit events(batch);
            readNext();
        },
        kBlockMs);
}

void EventTailer::scheduleRetry()
{
    m_retryTimer.start(m_retryDelayMs);
    m_retryDelayMs = qMin(m_retryDelayMs * 2, 2000);
}

} // namespace mmf
