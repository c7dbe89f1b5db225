#include "scaler/Scaler.h"

#include "core/Clock.h"
#include "gateway/ModelCatalog.h"
#include "scaler/ModelDescriber.h"
#include "scaler/PoolAllocator.h"
#include "scaler/ScalingStore.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QSet>

#include <algorithm>

Q_LOGGING_CATEGORY(lcScaler, "mmf.scaler")

namespace mmf {

namespace {
constexpr qint64 kDescribeRetryMs = 60000;
}

Scaler::Scaler(ScalingStore& store, ModelCatalog& catalog, ModelDescriber& describer, const Clock& clock,
               ScalerSettings settings, TokenIssuer tokens, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_catalog(catalog)
    , m_describer(describer)
    , m_clock(clock)
    , m_settings(settings)
    , m_tokens(std::move(tokens))
    , m_driver(
          std::make_unique<LocalDriver>(clock, [this](const QByteArray& model) { return launchFor(model); }))
{
    m_driver->setStopTimeoutMs(int(m_settings.workerDrainSecs) * 1000 + 10000);
    connect(&m_timer, &QTimer::timeout, this, &Scaler::tick);
    // A crashed replica is replaced at the next round (after its backoff).
    connect(
        m_driver.get(), &LocalDriver::replicaExited, this,
        [this](const QByteArray& model, qint64, bool crashed) {
            if (!m_active)
                return;
            const ScalingStore::Figures f = m_store.figures(model);
            m_store.setFigures(model, ScalingStore::Figures{f.desired, m_driver->current(model), f.target});
            if (crashed)
                emit decision(QJsonObject{
                    {QStringLiteral("type"), QStringLiteral("scaler")},
                    {QStringLiteral("ts"),
                     QDateTime::fromMSecsSinceEpoch(m_clock.nowMs(), Qt::UTC).toString(Qt::ISODateWithMs)},
                    {QStringLiteral("model"), QString::fromUtf8(model)},
                    {QStringLiteral("action"), QStringLiteral("stop")},
                    {QStringLiteral("desired"), f.desired},
                    {QStringLiteral("current"), m_driver->current(model)},
                    {QStringLiteral("reason"),
                     QStringLiteral("replica crashed; restarting after a backoff")}});
        });
    connect(m_driver.get(), &LocalDriver::startFailed, this,
            [](const QByteArray& model, const QString& message) { qCWarning(lcScaler) << model << message; });
}

Scaler::~Scaler() = default;

void Scaler::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    if (active) {
        m_timer.start(int(qMax<qint64>(50, m_settings.intervalMs)));
        tick();
    } else {
        m_timer.stop();
        m_driver->stopAll();
        m_state.clear();
    }
}

LocalDriver::Launch Scaler::launchFor(const QByteArray& model) const
{
    const ScalingSpec spec = m_store.spec(model).value_or(ScalingSpec());
    LocalDriver::Launch launch;
    launch.program = m_describer.programFor(spec.command);
    launch.arguments = {QStringLiteral("--model"), QString::fromUtf8(model),
                        QStringLiteral("--drain-timeout"), QString::number(m_settings.workerDrainSecs)};
    launch.environment = LocalDriver::replicaEnvironment(QProcessEnvironment::systemEnvironment());
    launch.environment.insert(QStringLiteral("MMF_SERVER"), m_serverUrl.toString());
    launch.environment.insert(
        QStringLiteral("MMF_TOKEN"),
        QString::fromLatin1(m_tokens(spec.project.isEmpty() ? QByteArrayLiteral("default") : spec.project)));
    return launch;
}

void Scaler::ensureDescribed(const QByteArray& model, ModelState& state)
{
    if (state.checked || state.describing || m_clock.nowMs() < state.retryDescribeMs)
        return;
    const ScalingSpec spec = m_store.spec(model).value_or(ScalingSpec());
    state.describing = true;
    m_describer.describe(model, spec.project.isEmpty() ? QByteArrayLiteral("default") : spec.project,
                         spec.command, [this, model](Result<void> described) {
                             auto it = m_state.find(model);
                             if (it == m_state.end())
                                 return; // inactive meanwhile
                             it->describing = false;
                             if (!described) {
                                 it->retryDescribeMs = m_clock.nowMs() + kDescribeRetryMs;
                                 qCWarning(lcScaler).noquote() << described.error().message;
                                 return;
                             }
                             it->checked = true;
                             it->startable = true;
                             m_catalog.refresh();
                         });
}

void Scaler::tick()
{
    if (!m_active)
        return;
    const qint64 now = m_clock.nowMs();
    const QMap<QByteArray, ScalingSpec> specs = m_store.specs();

    // Models no longer configured: their replicas go.
    for (auto it = m_state.begin(); it != m_state.end();) {
        if (!specs.contains(it.key()) && !it->describing) {
            m_driver->setReplicas(it.key(), 0);
            it = m_state.erase(it);
        } else {
            ++it;
        }
    }

    // The pool's resources, plus any a spec names (amount 0: such a replica never fits).
    QStringList resources = m_store.pool().keys();
    for (const ScalingSpec& spec : specs)
        for (auto r = spec.resources.cbegin(); r != spec.resources.cend(); ++r)
            if (!resources.contains(QString::fromUtf8(r.key())))
                resources << QString::fromUtf8(r.key());
    std::vector<qint64> pool;
    for (const QString& r : std::as_const(resources))
        pool.push_back(m_store.pool().value(r, 0));

    std::vector<PoolAllocator::Model> models;
    std::vector<qint64> demands;
    for (auto it = specs.cbegin(); it != specs.cend(); ++it) {
        const QByteArray& name = it.key();
        const ScalingSpec& spec = it.value();
        ModelState& state = m_state[name];
        ensureDescribed(name, state);
        const ModelStats stats = m_catalog.stats(name);
        const qint64 demand = stats.queueDepth + stats.delayed;
        const int perReplica =
            qMax(1, spec.tasksPerReplica > 0 ? spec.tasksPerReplica : m_settings.tasksPerReplica);
        int target = spec.min;
        if (spec.dynamic)
            target = PoolAllocator::clampTarget(
                int(qMin<qint64>(ScalingSpec::kMaxReplicas, (demand + perReplica - 1) / perReplica)),
                spec.min, spec.max);
        // Scale-down waits the cool-down since demand last asked for the held target or more.
        if (target >= state.heldTarget) {
            state.heldTarget = target;
            state.holdUntilMs = now + m_settings.cooldownMs;
        } else if (now >= state.holdUntilMs) {
            state.heldTarget = target;
            state.holdUntilMs = now + m_settings.cooldownMs;
        }
        PoolAllocator::Model model;
        model.name = name;
        model.min = state.startable ? spec.min : 0;
        model.max = state.startable ? spec.max : 0;
        model.target = state.startable ? state.heldTarget : 0;
        model.current = m_driver->current(name);
        for (const QString& r : std::as_const(resources))
            model.need.push_back(spec.resources.value(r.toUtf8(), 0));
        // Replicas still draining hold their resources: never over-commit while they finish.
        const int draining = m_driver->stopping(name);
        for (size_t r = 0; r < pool.size(); ++r)
            pool[r] = qMax<qint64>(0, pool[r] - qint64(draining) * model.need[r]);
        models.push_back(std::move(model));
        demands.push_back(demand);
    }

    const PoolAllocator::Result result = PoolAllocator::allocate(pool, models);
    for (size_t i = 0; i < models.size(); ++i) {
        const QByteArray& name = models[i].name;
        const int desired = result.replicas[i];
        const int before = models[i].current;
        if (desired != before)
            m_driver->setReplicas(name, desired);
        const int after = m_driver->current(name);
        m_store.setFigures(name, ScalingStore::Figures{desired, after, m_state[name].heldTarget});
        if (after == before)
            continue;
        QString reason = QStringLiteral("%1 tasks queued or running: target %2 (min %3, max %4)")
                             .arg(demands[i])
                             .arg(m_state[name].heldTarget)
                             .arg(models[i].min)
                             .arg(models[i].max);
        if (result.shortfall[i] > 0)
            reason += QStringLiteral("; the pool holds %1 fewer").arg(result.shortfall[i]);
        if (after < before && m_state[name].heldTarget == desired)
            reason += QStringLiteral("; cool-down over");
        qCInfo(lcScaler).noquote() << name << (after > before ? "start" : "stop") << before << "->" << after
                                   << reason;
        emit decision(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("scaler")},
            {QStringLiteral("ts"), QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).toString(Qt::ISODateWithMs)},
            {QStringLiteral("model"), QString::fromUtf8(name)},
            {QStringLiteral("action"), after > before ? QStringLiteral("start") : QStringLiteral("stop")},
            {QStringLiteral("desired"), desired},
            {QStringLiteral("current"), after},
            {QStringLiteral("reason"), reason}});
    }
}

} // namespace mmf
