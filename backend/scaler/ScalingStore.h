#pragma once

#include "core/Result.h"
#include "gateway/ScalingView.h"
#include "scaler/ScalingSpec.h"

#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QTimer>

#include <functional>

namespace mmf {

class MetricsRegistry;
class RedisClient;

// The scaling specs and the leader's figures, shared through Redis so every server answers the same:
// hash `mmf:scaling` (model → spec JSON) and hash `mmf:scaler` (model → {"desired","current","target"},
// written by the leader's scaler). Reads come from memory, refreshed once a second; a failed refresh keeps
// the last view.
class ScalingStore : public QObject, public ScalingView
{
    Q_OBJECT
public:
    struct Figures
    {
        int desired = 0; // replicas the scaler allocated
        int current = 0; // replicas running
        int target = 0;  // replicas demand asks for (before the pool)
    };

    ScalingStore(RedisClient& redis, QMap<QString, qint64> pool, QObject* parent = nullptr);

    void start(int refreshIntervalMs = 1000);
    void refresh(std::function<void()> done = {});

    QMap<QByteArray, ScalingSpec> specs() const { return m_specs; }
    std::optional<ScalingSpec> spec(const QByteArray& model) const;
    Figures figures(const QByteArray& model) const { return m_figures.value(model); }
    const QMap<QString, qint64>& pool() const { return m_pool; }

    // Stores a spec (HSET) and updates the memory view; unavailable when Redis fails.
    void put(const QByteArray& model, const ScalingSpec& spec, std::function<void(Result<void>)> done);
    // The config file's specs at start: written over what is stored (the operator's file is restated).
    void putFromConfig(const QByteArray& model, const ScalingSpec& spec);
    // The leader's figures for a model.
    void setFigures(const QByteArray& model, const Figures& figures);

    std::optional<ModelScaling> scalingOf(QByteArrayView model) const override;

    // {"total": {...}, "used": {...}}: used = running replicas × their resources.
    QJsonObject poolJson() const;
    // One entry of GET /api/v1/scaler.
    QJsonObject modelJson(const QByteArray& model) const;
    // Declares and sets mmf_scaler_desired_replicas, mmf_scaler_current_replicas and the pool gauges (after
    // TaskMetrics::poll(), which fills the scaler gauges with instance counts for unmanaged models).
    void exportMetrics(MetricsRegistry& registry) const;

signals:
    void specsChanged();

private:
    RedisClient& m_redis;
    QMap<QString, qint64> m_pool;
    QMap<QByteArray, ScalingSpec> m_specs;
    QMap<QByteArray, ScalingSpec> m_configured; // from the config file, written once Redis takes them
    bool m_configWritten = false;
    QHash<QByteArray, Figures> m_figures;
    QTimer m_timer;
    bool m_refreshing = false;
};

} // namespace mmf
