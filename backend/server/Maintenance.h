#pragma once

#include <QObject>
#include <QTimer>

namespace mmf {

class Clock;
class ModelCatalog;
class RedisClient;
struct GatewaySettings;

// The singleton work on the task streams: due retries go back to their stream, and entries whose claim was
// not renewed within the claim timeout (their instance died) are reclaimed as failed attempts. Every step is
// one atomic script, so servers that run it at the same time never re-queue a task twice.
class Maintenance : public QObject
{
    Q_OBJECT
public:
    Maintenance(RedisClient& redis, ModelCatalog& catalog, const GatewaySettings& settings,
                const Clock& clock, QObject* parent = nullptr);

    void start();
    void stop();

private:
    void promoteDue();
    void reclaimIdle(const QByteArray& model);

    RedisClient& m_redis;
    ModelCatalog& m_catalog;
    const GatewaySettings& m_settings;
    const Clock& m_clock;
    QTimer m_promoteTimer;
    QTimer m_reclaimTimer;
};

} // namespace mmf
