#pragma once

#include "redis/RedisScript.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

namespace mmf {

class Clock;
class RedisClient;

// The leader lease shared by every server on one Redis: `SET mmf:lease:leader <server id> NX PX <lease>`,
// renewed every lease ÷ 3 only while it still holds our id. Leadership is given up locally as soon as a
// renewal is refused, or when no renewal succeeded for 2/3 of the lease (Redis unreachable): by then another
// server may take it over, so two servers never act as leader for long. stop() deletes the lease if it is
// ours, so a successor takes over at once.
class LeaderLease : public QObject
{
    Q_OBJECT
public:
    LeaderLease(RedisClient& redis, QByteArray serverId, int leaseMs, const Clock& clock,
                QObject* parent = nullptr);

    void start();
    void stop();
    bool isLeader() const { return m_leader; }
    const QByteArray& serverId() const { return m_serverId; }
    static QByteArray key() { return QByteArrayLiteral("mmf:lease:leader"); }

signals:
    void leadershipChanged(bool leader);

private:
    void tick();
    void setLeader(bool leader);

    RedisClient& m_redis;
    QByteArray m_serverId;
    int m_leaseMs;
    const Clock& m_clock;
    RedisScript m_renew;
    RedisScript m_release;
    QTimer m_timer;
    qint64 m_lastRenewMs = 0;
    bool m_leader = false;
    bool m_inFlight = false;
};

} // namespace mmf
