#include "server/LeaderLease.h"

#include "core/Clock.h"
#include "redis/RedisClient.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcLease, "mmf.server.lease")

namespace mmf {

namespace {
// Renews our lease, or takes it again if it is free (e.g. a restarted Redis lost it), without a flap.
const char* const kRenew = R"LUA(
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
)LUA";
const char* const kRelease = R"LUA(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
)LUA";
} // namespace

LeaderLease::LeaderLease(RedisClient& redis, QByteArray serverId, int leaseMs, const Clock& clock,
                         QObject* parent)
    : QObject(parent)
    , m_redis(redis)
    , m_serverId(std::move(serverId))
    , m_leaseMs(qMax(300, leaseMs))
    , m_clock(clock)
    , m_renew(kRenew)
    , m_release(kRelease)
{
    connect(&m_timer, &QTimer::timeout, this, &LeaderLease::tick);
}

void LeaderLease::start()
{
    m_timer.start(m_leaseMs / 3);
    tick();
}

void LeaderLease::stop()
{
    m_timer.stop();
    if (m_leader)
        m_redis.eval(m_release, {key()}, {m_serverId});
    setLeader(false);
}

void LeaderLease::tick()
{
    if (m_leader && m_clock.nowMs() - m_lastRenewMs >= m_leaseMs * 2 / 3) {
        // Renewals have failed for most of the lease: another server may hold it soon.
        qCWarning(lcLease) << "could not renew the leader lease; stepping down";
        setLeader(false);
    }
    if (m_inFlight)
        return;
    m_inFlight = true;
    const qint64 askedAt = m_clock.nowMs();
    auto handle = [this, askedAt](bool held, bool error) {
        m_inFlight = false;
        if (!m_timer.isActive())
            return;
        if (error)
            return; // the age check above decides
        if (held) {
            m_lastRenewMs = askedAt;
            setLeader(true);
        } else if (m_leader) {
            qCWarning(lcLease) << "the leader lease was taken over by another server";
            setLeader(false);
        }
    };
    if (m_leader) {
        m_redis.eval(m_renew, {key()}, {m_serverId, QByteArray::number(m_leaseMs)},
                     [handle](const RedisReply& reply) {
                         handle(!reply.isError() && reply.integer() == 1, reply.isError());
                     });
    } else {
        m_redis.command({"SET", key(), m_serverId, "NX", "PX", QByteArray::number(m_leaseMs)},
                        [handle](const RedisReply& reply) {
                            handle(!reply.isError() && !reply.isNil(), reply.isError());
                        });
    }
}

void LeaderLease::setLeader(bool leader)
{
    if (leader == m_leader)
        return;
    m_leader = leader;
    qCInfo(lcLease) << (leader ? "this server is the leader" : "this server is no longer the leader");
    emit leadershipChanged(leader);
}

} // namespace mmf
