#include "server/Maintenance.h"

#include "broker/BrokerKeys.h"
#include "core/Clock.h"
#include "gateway/GatewaySettings.h"
#include "gateway/ModelCatalog.h"
#include "redis/RedisClient.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcMaintenance, "mmf.server.maintenance")

namespace mmf {

namespace {
constexpr int kPromoteIntervalMs = 100;
constexpr int kBatch = 500;
} // namespace

Maintenance::Maintenance(RedisClient& redis, ModelCatalog& catalog, const GatewaySettings& settings,
                         const Clock& clock, QObject* parent)
    : QObject(parent)
    , m_redis(redis)
    , m_catalog(catalog)
    , m_settings(settings)
    , m_clock(clock)
{
    connect(&m_promoteTimer, &QTimer::timeout, this, &Maintenance::promoteDue);
    connect(&m_reclaimTimer, &QTimer::timeout, this, [this] {
        for (const ModelInfoPtr& model : m_catalog.all())
            reclaimIdle(model->name);
    });
}

void Maintenance::start()
{
    m_promoteTimer.start(kPromoteIntervalMs);
    m_reclaimTimer.start(qBound(100, m_settings.claimTimeoutMs / 4, 5000));
}

void Maintenance::stop()
{
    m_promoteTimer.stop();
    m_reclaimTimer.stop();
}

void Maintenance::promoteDue()
{
    for (const ModelInfoPtr& model : m_catalog.all()) {
        m_redis.command(m_settings.brokerCalls(model->name).promote(m_clock.nowMs(), kBatch).argv(),
                        [name = model->name](const RedisReply& reply) {
                            if (reply.isError() && !reply.isUnavailable())
                                qCWarning(lcMaintenance) << "promote" << name << reply.toString();
                        });
    }
}

void Maintenance::reclaimIdle(const QByteArray& model)
{
    const ModelInfoPtr info = m_catalog.find(model);
    const RetryPolicy policy = m_settings.retryPolicy(info ? info->retry : v1::RetryPolicy());
    m_redis.command(m_settings.brokerCalls(model)
                        .reclaim(m_settings.claimTimeoutMs, m_clock.nowMs(), policy, kBatch)
                        .argv(),
                    [model](const RedisReply& reply) {
                        if (reply.isError()) {
                            // NOGROUP: no instance created the group yet; nothing to reclaim.
                            if (!reply.isUnavailable() && !reply.view().startsWith("NOGROUP"))
                                qCWarning(lcMaintenance) << "reclaim" << model << reply.toString();
                            return;
                        }
                        const int reclaimed = int(reply.at(0).integer()) + int(reply.at(1).integer());
                        if (reclaimed > 0) {
                            qCInfo(lcMaintenance)
                                << "reclaimed" << reclaimed << "task(s) of" << model << "from dead instances";
                        }
                    });
}

} // namespace mmf
