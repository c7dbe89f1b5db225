#include "server/RegistryPinger.h"

#include "broker/BrokerKeys.h"
#include "core/Clock.h"
#include "gateway/GatewaySettings.h"
#include "gateway/ModelCatalog.h"
#include "redis/RedisClient.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

Q_LOGGING_CATEGORY(lcPinger, "mmf.server.pinger", QtInfoMsg)

namespace mmf {

namespace {
constexpr int kMissesToEvict = 2;
constexpr int kReclaimBatch = 10000;

// Updates the instance's JSON only while it is still registered: a late answer must not bring back an
// instance that logged out or was evicted meanwhile. The figures the instance reports in its answer
// (counters, current task, status and problem) ride along; the model's last_seen_at moves too (KEYS[2], the
// catalogue hash).
const char* const kRecordPing = R"LUA(
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
local o = cjson.decode(v)
o['last_ping_at'] = tonumber(ARGV[2])
o['ping_rtt_ms'] = tonumber(ARGV[3])
if ARGV[4] ~= '' then
  o['tasks_succeeded'] = tonumber(ARGV[4])
  o['tasks_failed'] = tonumber(ARGV[5])
  o['current_task_id'] = ARGV[6]
  o['status'] = ARGV[7]
  o['problem'] = ARGV[8]
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(o))
redis.call('HSET', KEYS[2], 'last_seen_at', ARGV[2])
return 1
)LUA";
} // namespace

RegistryPinger::RegistryPinger(RedisClient& redis, ModelCatalog& catalog, const GatewaySettings& settings,
                               const Clock& clock, int pingIntervalMs, QObject* parent)
    : QObject(parent)
    , m_redis(redis)
    , m_catalog(catalog)
    , m_settings(settings)
    , m_clock(clock)
    , m_intervalMs(qMax(100, pingIntervalMs))
    , m_timeoutMs(qMin(2000, m_intervalMs * 4 / 5))
    , m_recordPing(kRecordPing)
{
    m_network.setAutoDeleteReplies(true);
    connect(&m_timer, &QTimer::timeout, this, &RegistryPinger::pingAll);
}

void RegistryPinger::setActive(bool active)
{
    if (active == m_timer.isActive())
        return;
    if (active) {
        m_timer.start(m_intervalMs);
    } else {
        m_timer.stop();
        m_misses.clear();
    }
}

void RegistryPinger::pingAll()
{
    for (const ModelInfoPtr& model : m_catalog.all())
        pingModel(model->name);
}

void RegistryPinger::pingModel(const QByteArray& model)
{
    m_redis.command({"HGETALL", BrokerKeys::instances(model)}, [this, model](const RedisReply& reply) {
        if (reply.isError() || !isActive())
            return;
        for (qsizetype i = 0; i + 1 < reply.size(); i += 2) {
            const QJsonObject json = QJsonDocument::fromJson(reply.at(i + 1).toByteArray()).object();
            Target target;
            target.model = model;
            target.instanceId = reply.at(i).toByteArray();
            target.consumer = json.value(QStringLiteral("name")).toString().toUtf8();
            target.host = json.value(QStringLiteral("host")).toString();
            target.port = json.value(QStringLiteral("port")).toInt();
            ping(target);
        }
    });
}

void RegistryPinger::ping(const Target& target)
{
    if (m_inFlight.contains(target.instanceId))
        return;
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(target.host);
    url.setPort(target.port);
    url.setPath(QStringLiteral("/ping"));
    if (target.host.isEmpty() || target.port <= 0 || target.port > 65535 || !url.isValid()) {
        onAnswer(target, false, 0, {});
        return;
    }
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    m_inFlight.insert(target.instanceId);
    QElapsedTimer timer;
    timer.start();
    QNetworkReply* reply = m_network.get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, target, timer] {
        const qint64 rtt = timer.elapsed();
        m_inFlight.remove(target.instanceId);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (!isActive())
            return;
        const bool ok = reply->error() == QNetworkReply::NoError && status == 200;
        onAnswer(target, ok, rtt, ok ? reply->read(64 * 1024) : QByteArray());
    });
}

void RegistryPinger::onAnswer(const Target& target, bool ok, qint64 rttMs, const QByteArray& body)
{
    if (ok) {
        m_misses.remove(target.instanceId);
        // The worker's /ping answers {tasks_succeeded, tasks_failed, current_task_id, ...}; other answers
        // (an older worker, a plain "ok") just move last_ping_at.
        const QJsonObject figures = QJsonDocument::fromJson(body).object();
        const bool hasFigures = figures.contains(QStringLiteral("tasks_succeeded"));
        m_redis.eval(m_recordPing, {BrokerKeys::instances(target.model), BrokerKeys::modelInfo(target.model)},
                     {target.instanceId, QByteArray::number(m_clock.nowMs()), QByteArray::number(rttMs),
                      hasFigures ? QByteArray::number(
                                       qint64(figures.value(QStringLiteral("tasks_succeeded")).toDouble()))
                                 : QByteArray(),
                      QByteArray::number(qint64(figures.value(QStringLiteral("tasks_failed")).toDouble())),
                      figures.value(QStringLiteral("current_task_id")).toString().toUtf8(),
                      figures.value(QStringLiteral("status")).toString(QStringLiteral("ok")).toUtf8(),
                      figures.value(QStringLiteral("problem")).toString().left(1000).toUtf8()});
        return;
    }
    const int misses = ++m_misses[target.instanceId];
    qCDebug(lcPinger) << "instance" << target.instanceId << "of" << target.model << "missed a ping" << misses;
    if (misses >= kMissesToEvict)
        evict(target);
}

void RegistryPinger::evict(const Target& target)
{
    m_misses.remove(target.instanceId);
    m_redis.command(
        {"HDEL", BrokerKeys::instances(target.model), target.instanceId},
        [this, target](const RedisReply& reply) {
            if (reply.isError() || reply.integer() == 0)
                return; // gone already (logout, or another leader evicted it)
            qCWarning(lcPinger).noquote()
                << "evicted instance" << target.consumer << "of" << target.model << "at"
                << target.host + QLatin1Char(':') + QString::number(target.port) << "after" << kMissesToEvict
                << "missed pings";
            if (target.consumer.isEmpty()) {
                emit evicted(target.model, target.instanceId, 0);
                return;
            }
            const ModelInfoPtr info = m_catalog.find(target.model);
            const RetryPolicy policy = m_settings.retryPolicy(info ? info->retry : v1::RetryPolicy());
            m_redis.command(m_settings.brokerCalls(target.model)
                                .reclaimConsumer(target.consumer, m_clock.nowMs(), policy, kReclaimBatch)
                                .argv(),
                            [this, target](const RedisReply& reclaimed) {
                                int count = 0;
                                if (reclaimed.isError()) {
                                    if (!reclaimed.view().startsWith("NOGROUP"))
                                        qCWarning(lcPinger)
                                            << "reclaim of" << target.consumer << reclaimed.toString();
                                } else {
                                    count = int(reclaimed.integer());
                                    if (count > 0)
                                        qCInfo(lcPinger) << "re-queued" << count
                                                         << "task(s) of evicted instance" << target.consumer;
                                }
                                emit evicted(target.model, target.instanceId, count);
                            });
        });
}

} // namespace mmf
