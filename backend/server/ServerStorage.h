#pragma once

#include "config/ServerConfig.h"
#include "core/Result.h"
#include "redis/RedisClient.h"
#include "redis/RedisConfig.h"

#include <QObject>

#include <memory>

namespace mmf {

class BrokerLibraryGuard;
class EmbeddedRedis;

// The server's Redis: the embedded one it supervises (no `--redis`) or the configured one, and the two
// connections every other part shares (commands, and the blocking reads of the event tailer). The broker
// library is loaded first on every (re)connect, and never over a newer one (BrokerLibraryGuard).
class ServerStorage : public QObject
{
    Q_OBJECT
public:
    // Starts the embedded Redis or parses the URL; the connections are made but not started.
    static Result<std::unique_ptr<ServerStorage>> open(const ServerConfig& config);
    ~ServerStorage() override;

    RedisClient& redis() { return *m_redis; }
    RedisClient& events() { return *m_events; }
    // Whether Redis holds this server's broker library (readiness).
    const BrokerLibraryGuard& library() const { return *m_library; }
    // What the server connects with (workers get the same host, port and db with their own user).
    const RedisConfig& config() const { return m_config; }
    bool isEmbedded() const { return m_embedded != nullptr; }

    void start();
    // Stops the embedded Redis (the server is going away).
    void stop();

private:
    ServerStorage(std::unique_ptr<EmbeddedRedis> embedded, RedisConfig config);

    std::unique_ptr<EmbeddedRedis> m_embedded;
    RedisConfig m_config;
    std::unique_ptr<RedisClient> m_redis;
    std::unique_ptr<RedisClient> m_events;
    std::unique_ptr<BrokerLibraryGuard> m_library;
    bool m_tuningChecked = false;
};

} // namespace mmf
