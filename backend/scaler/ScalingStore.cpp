#include "scaler/ScalingStore.h"

#include "metrics/MetricsRegistry.h"
#include "redis/RedisClient.h"

#include <QJsonDocument>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcScalingStore, "mmf.scaler")

namespace mmf {

namespace {

const QByteArray kSpecsKey = QByteArrayLiteral("mmf:scaling");
const QByteArray kFiguresKey = QByteArrayLiteral("mmf:scaler");

QJsonObject parseObject(const QByteArray& json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

ScalingStore::ScalingStore(RedisClient& redis, QMap<QString, qint64> pool, QObject* parent)
    : QObject(parent)
    , m_redis(redis)
    , m_pool(std::move(pool))
{
    connect(&m_timer, &QTimer::timeout, this, [this] { refresh(); });
}

void ScalingStore::start(int refreshIntervalMs)
{
    m_timer.start(refreshIntervalMs);
    refresh();
}

void ScalingStore::refresh(std::function<void()> done)
{
    if (m_refreshing) {
        if (done)
            done();
        return;
    }
    m_refreshing = true;
    if (!m_configWritten && !m_configured.isEmpty()) {
        std::vector<QByteArray> args{"HSET", kSpecsKey};
        for (auto it = m_configured.cbegin(); it != m_configured.cend(); ++it) {
            args.push_back(it.key());
            args.push_back(QJsonDocument(it->toJson()).toJson(QJsonDocument::Compact));
        }
        m_redis.command(args, [this](const RedisReply& reply) {
            if (reply.isError())
                qCWarning(lcScalingStore) << "cannot store the configured scaling:" << reply.toString();
            else
                m_configWritten = true;
        });
    }
    m_redis.command({"HGETALL", kSpecsKey}, [this](const RedisReply& reply) {
        // Until the config file's specs are in Redis, keep them in view.
        if (reply.isError() || !reply.isArray() || (!m_configWritten && !m_configured.isEmpty()))
            return;
        QMap<QByteArray, ScalingSpec> specs;
        for (qsizetype i = 0; i + 1 < reply.size(); i += 2) {
            Result<ScalingSpec> spec =
                ScalingSpec::fromJson(parseObject(reply.at(i + 1).toByteArray()), true);
            if (spec)
                specs.insert(reply.at(i).toByteArray(), *spec);
        }
        const bool changed = specs.keys() != m_specs.keys();
        m_specs = std::move(specs);
        if (changed)
            emit specsChanged();
    });
    m_redis.command({"HGETALL", kFiguresKey}, [this, done](const RedisReply& reply) {
        m_refreshing = false;
        if (!reply.isError() && reply.isArray()) {
            QHash<QByteArray, Figures> figures;
            for (qsizetype i = 0; i + 1 < reply.size(); i += 2) {
                const QJsonObject o = parseObject(reply.at(i + 1).toByteArray());
                figures.insert(reply.at(i).toByteArray(), Figures{o.value(QStringLiteral("desired")).toInt(),
                                                                  o.value(QStringLiteral("current")).toInt(),
                                                                  o.value(QStringLiteral("target")).toInt()});
            }
            m_figures = std::move(figures);
        }
        if (done)
            done();
    });
}

std::optional<ScalingSpec> ScalingStore::spec(const QByteArray& model) const
{
    auto it = m_specs.constFind(model);
    if (it == m_specs.constEnd())
        return std::nullopt;
    return *it;
}

void ScalingStore::put(const QByteArray& model, const ScalingSpec& spec,
                       std::function<void(Result<void>)> done)
{
    const QByteArray json = QJsonDocument(spec.toJson()).toJson(QJsonDocument::Compact);
    m_redis.command({"HSET", kSpecsKey, model, json}, [this, model, spec, done](const RedisReply& reply) {
        if (reply.isError()) {
            done(Error::unavailable(
                QStringLiteral("the scaling store is unavailable: %1").arg(reply.toString())));
            return;
        }
        const bool added = !m_specs.contains(model);
        m_specs.insert(model, spec);
        if (added)
            emit specsChanged();
        done(Result<void>());
    });
}

void ScalingStore::putFromConfig(const QByteArray& model, const ScalingSpec& spec)
{
    // The operator's file is restated at every start (written by the first refresh that reaches Redis); PUT
    // changes it until the next one.
    m_configured.insert(model, spec);
    m_specs.insert(model, spec);
    m_configWritten = false;
}

void ScalingStore::setFigures(const QByteArray& model, const Figures& figures)
{
    const Figures old = m_figures.value(model, Figures{-1, -1, -1});
    m_figures.insert(model, figures);
    if (old.desired == figures.desired && old.current == figures.current && old.target == figures.target)
        return;
    const QJsonObject o{{QStringLiteral("desired"), figures.desired},
                        {QStringLiteral("current"), figures.current},
                        {QStringLiteral("target"), figures.target}};
    m_redis.command({"HSET", kFiguresKey, model, QJsonDocument(o).toJson(QJsonDocument::Compact)});
}

std::optional<ModelScaling> ScalingStore::scalingOf(QByteArrayView model) const
{
    auto it = m_specs.constFind(model.toByteArray());
    if (it == m_specs.constEnd())
        return std::nullopt;
    const Figures f = m_figures.value(it.key());
    ModelScaling out;
    out.dynamic = it->dynamic;
    out.min = it->min;
    out.max = it->max;
    out.desired = f.desired;
    out.current = f.current;
    out.coldStarts = it->coldStarts();
    return out;
}

QJsonObject ScalingStore::poolJson() const
{
    QMap<QString, qint64> used;
    for (auto it = m_pool.cbegin(); it != m_pool.cend(); ++it)
        used.insert(it.key(), 0);
    for (auto it = m_specs.cbegin(); it != m_specs.cend(); ++it) {
        const int current = m_figures.value(it.key()).current;
        for (auto r = it->resources.cbegin(); r != it->resources.cend(); ++r)
            used[QString::fromUtf8(r.key())] += qint64(current) * r.value();
    }
    QJsonObject total;
    for (auto it = m_pool.cbegin(); it != m_pool.cend(); ++it)
        total.insert(it.key(), double(it.value()));
    QJsonObject usedJson;
    for (auto it = used.cbegin(); it != used.cend(); ++it)
        usedJson.insert(it.key(), double(it.value()));
    return QJsonObject{{QStringLiteral("total"), total}, {QStringLiteral("used"), usedJson}};
}

QJsonObject ScalingStore::modelJson(const QByteArray& model) const
{
    const ScalingSpec spec = m_specs.value(model);
    const Figures f = m_figures.value(model);
    QJsonObject out = spec.toJson(false);
    out.insert(QStringLiteral("name"), QString::fromUtf8(model));
    out.insert(QStringLiteral("desired"), f.desired);
    out.insert(QStringLiteral("current"), f.current);
    out.insert(QStringLiteral("target"), f.target);
    return out;
}

void ScalingStore::exportMetrics(MetricsRegistry& registry) const
{
    using T = MetricsRegistry::Type;
    registry.declare("mmf_scaler_pool_capacity", T::Gauge, "Amount of each resource in the scaler's pool.");
    registry.declare("mmf_scaler_pool_used", T::Gauge,
                     "Amount of each pool resource the running replicas take.");
    for (auto it = m_specs.cbegin(); it != m_specs.cend(); ++it) {
        const Figures f = m_figures.value(it.key());
        registry.set("mmf_scaler_desired_replicas", {{"model", it.key()}}, f.desired);
        registry.set("mmf_scaler_current_replicas", {{"model", it.key()}}, f.current);
    }
    const QJsonObject pool = poolJson();
    const QJsonObject total = pool.value(QStringLiteral("total")).toObject();
    const QJsonObject used = pool.value(QStringLiteral("used")).toObject();
    for (auto it = total.constBegin(); it != total.constEnd(); ++it)
        registry.set("mmf_scaler_pool_capacity", {{"resource", it.key().toUtf8()}}, it.value().toDouble());
    for (auto it = used.constBegin(); it != used.constEnd(); ++it)
        registry.set("mmf_scaler_pool_used", {{"resource", it.key().toUtf8()}}, it.value().toDouble());
}

} // namespace mmf
