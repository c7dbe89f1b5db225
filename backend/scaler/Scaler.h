#pragma once

#include "scaler/LocalDriver.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

namespace mmf {

class Clock;
class ModelCatalog;
class ModelDescriber;
class ScalingStore;

struct ScalerSettings
{
    int tasksPerReplica = 1;   // queued + running tasks one replica is meant to take
    qint64 cooldownMs = 30000; // a lower target waits this long after demand last asked for more
    qint64 intervalMs = 1000;  // decision period
    int workerDrainSecs = 30;  // --drain-timeout of the workers started
};

// The leader's scaler: every interval reads the demand (queued + running tasks per model, from the
// catalogue), turns it into targets (dynamic: ceil(demand / tasks per replica) clamped to [min, max], held
// for the cool-down before it may fall; static: min), shares the pool with PoolAllocator, and makes the
// local driver start or stop workers. Publishes desired/current in the ScalingStore and each start/stop as
// decision(). Inactive (no leader) it stops its workers and decides nothing.
class Scaler : public QObject
{
    Q_OBJECT
public:
    // Mints the `serve` token of the workers started for a project.
    using TokenIssuer = std::function<QByteArray(const QByteArray& project)>;

    Scaler(ScalingStore& store, ModelCatalog& catalog, ModelDescriber& describer, const Clock& clock,
           ScalerSettings settings, TokenIssuer tokens, QObject* parent = nullptr);
    ~Scaler() override;

    // The server's own URL, given to the workers (set once the server listens).
    void setServerUrl(const QUrl& url) { m_serverUrl = url; }
    void setActive(bool active);
    bool isActive() const { return m_active; }
    // One decision round (also run by the timer).
    void tick();
    LocalDriver& driver() { return *m_driver; }

signals:
    // {"type":"scaler","ts","model","action":"start|stop","desired","current","reason"}
    void decision(const QJsonObject& event);

private:
    struct ModelState
    {
        int heldTarget = 0;
        qint64 holdUntilMs = 0;
        bool checked = false; // described once: the driver can start it
        bool describing = false;
        bool startable = false;
        qint64 retryDescribeMs = 0;
    };
    LocalDriver::Launch launchFor(const QByteArray& model) const;
    void ensureDescribed(const QByteArray& model, ModelState& state);

    ScalingStore& m_store;
    ModelCatalog& m_catalog;
    ModelDescriber& m_describer;
    const Clock& m_clock;
    ScalerSettings m_settings;
    TokenIssuer m_tokens;
    QUrl m_serverUrl;
    std::unique_ptr<LocalDriver> m_driver;
    QHash<QByteArray, ModelState> m_state;
    QTimer m_timer;
    bool m_active = false;
};

} // namespace mmf
