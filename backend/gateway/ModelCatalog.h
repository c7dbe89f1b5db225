#pragma once

#include "core/Result.h"
#include "gateway/ModelInfo.h"
#include "redis/RedisScript.h"

#include "mmf/v1/registry.pb.h"
#include "mmf/v1/token.pb.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>

namespace mmf {

class Clock;
class RedisClient;

// The gateway's view of the models in Redis: message types, project, catalogue fields, live figures. Reads
// are served from memory; a miss loads from Redis; a timer refreshes everything once a second so every server
// sees models registered through another one.
class ModelCatalog : public QObject
{
    Q_OBJECT
public:
    struct Registration
    {
        QByteArray instanceId;
        ModelInfoPtr model;
        bool newModel = false;
    };

    ModelCatalog(RedisClient& redis, const Clock& clock, QObject* parent = nullptr);

    void start(int refreshIntervalMs = 1000);

    // The admin's partial update of a model's catalogue fields and retry policy (PATCH). `metadataJson` holds
    // only the fields to change (ModelMetadata JSON names); those fields are locked, so later registrations
    // no longer overwrite them. A set `retry` is stored whole, also in mmf:{m}:retry where the broker scripts
    // read it.
    struct SettingsUpdate
    {
        QByteArray metadataJson = "{}";
        QList<QByteArray> lockedFields;
        bool hasRetry = false;
        v1::RetryPolicy retry;
        std::optional<bool> paused; // stored in the catalogue, mirrored in mmf:{m}:control for the broker
    };
    // Extra liveness besides instances (the scaler's dynamic mode makes a model live with none).
    using LivenessHook = std::function<bool(const QByteArray& name)>;

    // From memory; nullptr when unknown here.
    ModelInfoPtr find(QByteArrayView name) const;
    // A model can take a task now: an instance is registered, or the liveness hook says so.
    bool isLive(QByteArrayView name) const;
    void setLivenessHook(LivenessHook hook) { m_livenessHook = std::move(hook); }
    ModelStats stats(QByteArrayView name) const;
    QList<ModelInfoPtr> all() const;
    // From memory, else from Redis. The callback gets nullptr for an unknown model, or an unavailable error.
    void lookup(const QByteArray& name, std::function<void(Result<ModelInfoPtr>)> done);

    // Reads the model from Redis again (after a change); nullptr for an unknown model.
    void reload(const QByteArray& name, std::function<void(Result<ModelInfoPtr>)> done)
    {
        loadModel(name, std::move(done));
    }
    // Applies a PATCH; the callback gets the reloaded model, nullptr for an unknown one, or unavailable.
    void updateSettings(const QByteArray& name, const SettingsUpdate& update,
                        std::function<void(Result<ModelInfoPtr>)> done);

    // Joins an instance: creates the model on first sight (project = the token's project), refuses another
    // project (403) or other message types / descriptors (409, saying what differs).
    void registerInstance(const v1::RegisterInstanceRequest& request, const v1::TokenClaims& claims,
                          std::function<void(Result<Registration>)> done);
    // Logout: removes the instance (404 when unknown).
    // The model of an instance the caller may act on (its registering user, or an admin of the model's
    // project); not_found / permission_denied otherwise.
    void ownedInstance(const QByteArray& instanceId, const v1::TokenClaims& claims,
                       std::function<void(Result<QByteArray>)> done);
    void removeInstance(const QByteArray& instanceId, const v1::TokenClaims& claims,
                        std::function<void(Result<void>)> done);

    // Recent mean run time of a model's tasks (fed by the metrics from result events).
    void setMeanServiceMs(const QByteArray& name, double meanMs) { m_meanServiceMs.insert(name, meanMs); }
    // A new task's expected wait: queue depth (queued + running) × recent mean run time ÷ task slots (the
    // sum of the instances' --concurrency); 0 with no run seen yet.
    qint64 estimatedWaitMs(QByteArrayView name) const;

    // Refreshes every known model now; `done` runs when the answers are in.
    void refresh(std::function<void()> done = {});

signals:
    // A model became known to this server (its events stream should be tailed).
    void modelAdded(const QByteArray& name);

private:
    void loadModel(const QByteArray& name, std::function<void(Result<ModelInfoPtr>)> done);
    void loadWholeModel(const QByteArray& name, std::function<void(Result<ModelInfoPtr>)> done);
    // An instance record's concurrency (at least 1).
    static int concurrencyOf(const QByteArray& instanceJson);
    static Result<ModelInfoPtr> parseModel(const QByteArray& name,
                                           const QHash<QByteArray, QByteArray>& fields);
    void publish(const ModelInfoPtr& model);

    RedisClient& m_redis;
    const Clock& m_clock;
    RedisScript m_registerScript;
    RedisScript m_updateScript;
    LivenessHook m_livenessHook;
    QHash<QByteArray, ModelInfoPtr> m_models;
    QHash<QByteArray, ModelStats> m_stats;
    QHash<QByteArray, QByteArray> m_instanceModels; // instance id → model, for logout
    QHash<QByteArray, int> m_instanceSlots;         // instance id → its concurrency
    QHash<QByteArray, double> m_meanServiceMs;
    QTimer m_refreshTimer;
    bool m_refreshing = false;
};

} // namespace mmf
