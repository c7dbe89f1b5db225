#include "worker/TaskStreamReader.h"

#include "broker/BrokerKeys.h"
#include "worker/WorkerLog.h"

namespace mmf {

namespace {
constexpr int kRetryMinMs = 100;
constexpr int kRetryMaxMs = 5000;
} // namespace

TaskStreamReader::TaskStreamReader(Settings settings, RedisClient& commands, RedisConfig readerConfig,
                                   Entries onEntries, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_commands(commands)
    , m_onEntries(std::move(onEntries))
    , m_reader(std::move(readerConfig))
{
    m_retryTimer.setSingleShot(true);
    m_pauseTimer.setInterval(qMax(10, m_settings.pausePollMs));
    connect(&m_pauseTimer, &QTimer::timeout, this, &TaskStreamReader::pollPause);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        if (!m_groupReady)
            createGroup();
        else
            readUpTo(m_wanted);
    });
    connect(&m_commands, &RedisClient::connected, this, [this] {
        if (!m_groupReady && !m_retryTimer.isActive())
            createGroup();
    });
    connect(&m_reader, &RedisClient::connected, this, [this] {
        // A read that failed while Redis was away may retry at once.
        if (m_retryTimer.isActive() && m_groupReady) {
            m_retryTimer.stop();
            readUpTo(m_wanted);
        }
    });
}

void TaskStreamReader::start()
{
    m_reader.start();
    createGroup();
}

void TaskStreamReader::createGroup()
{
    if (m_stopped)
        return;
    m_commands.command({"XGROUP", "CREATE", m_settings.tasksKey, BrokerKeys::kGroup, "0", "MKSTREAM"},
                       [this](const RedisReply& reply) {
                           if (reply.isUnavailable()) {
                               scheduleRetry();
                               return;
                           }
                           if (reply.isError() && !reply.view().startsWith("BUSYGROUP"))
                               // The server may have made the group (and the ACL may not grant XGROUP): read
                               // anyway.
                               qCWarning(lcWorker).noquote()
                                   << "cannot create the consumer group:" << reply.toString();
                           m_groupReady = true;
                           m_backoffMs = 0;
                           emit readFinished();
                       });
}

void TaskStreamReader::scheduleRetry()
{
    m_backoffMs = m_backoffMs == 0 ? kRetryMinMs : qMin(m_backoffMs * 2, kRetryMaxMs);
    m_retryTimer.start(m_backoffMs);
}

void TaskStreamReader::readUpTo(int count)
{
    m_wanted = count;
    if (m_stopped || m_paused || !m_groupReady || m_inFlight || m_retryTimer.isActive() || count <= 0)
        return;
    m_inFlight = true;
    m_reader.command(
        {"XREADGROUP", "GROUP", BrokerKeys::kGroup, m_settings.consumer, "COUNT", QByteArray::number(count),
         "BLOCK", QByteArray::number(m_settings.blockMs), "STREAMS", m_settings.tasksKey, ">"},
        [this](const RedisReply& reply) { onRead(reply); }, m_settings.blockMs);
}

void TaskStreamReader::pause()
{
    if (m_paused || m_settings.controlKey.isEmpty())
        return;
    m_paused = true;
    qCInfo(lcWorker) << "the model is paused: taking no new tasks until it is resumed";
    m_pauseTimer.start();
}

void TaskStreamReader::pollPause()
{
    if (m_stopped) {
        m_pauseTimer.stop();
        return;
    }
    m_commands.command({"HGET", m_settings.controlKey, "paused"}, [this](const RedisReply& reply) {
        if (!m_paused || reply.isError() || reply.view() == "1")
            return; // still paused, or Redis away: ask again on the next tick
        m_paused = false;
        m_pauseTimer.stop();
        qCInfo(lcWorker) << "the model is resumed: taking tasks again";
        emit readFinished();
    });
}

void TaskStreamReader::onRead(const RedisReply& reply)
{
    m_inFlight = false;
    if (reply.isError()) {
        if (reply.view().startsWith("NOGROUP"))
            m_groupReady = false; // the stream or group went away: make it again
        if (!reply.isUnavailable() || m_backoffMs == 0)
            qCWarning(lcWorker).noquote() << "reading tasks failed:" << reply.toString();
        if (!m_stopped)
            scheduleRetry();
        emit readFinished();
        return;
    }
    m_backoffMs = 0;
    for (auto& [stream, entries] : StreamEntry::parseRead(reply)) {
        if (!entries.empty())
            m_onEntries(std::move(entries));
    }
    emit readFinished();
}

} // namespace mmf
