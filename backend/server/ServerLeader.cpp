#include "server/ServerLeader.h"

#include "gateway/ModelCatalog.h"
#include "gateway/TaskMetrics.h"
#include "scaler/Scaler.h"

#include <QCoreApplication>
#include <QRandomGenerator>

namespace mmf {

namespace {

QByteArray newServerId()
{
    QByteArray id(8, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(id.data()), 2);
    return id.toHex() + '-' + QByteArray::number(QCoreApplication::applicationPid());
}

int pingMs(qint64 configured)
{
    return int(qMax<qint64>(100, configured));
}

} // namespace

ServerLeader::ServerLeader(RedisClient& redis, ModelCatalog& catalog, const GatewaySettings& settings,
                           const Clock& clock, qint64 pingIntervalMs, Scaler& scaler, TaskMetrics& metrics)
    : m_lease(redis, newServerId(), qBound(3000, 3 * pingMs(pingIntervalMs), 30000), clock)
    , m_pinger(redis, catalog, settings, clock, pingMs(pingIntervalMs))
    , m_maintenance(redis, catalog, settings, clock)
    , m_scaler(scaler)
{
    connect(&m_lease, &LeaderLease::leadershipChanged, this, [this](bool leader) {
        if (m_stopped)
            return;
        m_pinger.setActive(leader);
        m_scaler.setActive(leader);
        if (leader)
            m_maintenance.start();
        else
            m_maintenance.stop();
    });
    connect(&m_pinger, &RegistryPinger::evicted, this,
            [&metrics, &catalog](const QByteArray& model, const QByteArray&, int) {
                metrics.onEvicted(model);
                catalog.refresh();
            });
}

void ServerLeader::start()
{
    m_lease.start();
}

void ServerLeader::stop()
{
    m_stopped = true;
    m_pinger.setActive(false);
    m_lease.stop();
    m_maintenance.stop();
    m_scaler.setActive(false); // SIGTERM to the workers it started: they finish their task in hand
}

} // namespace mmf
