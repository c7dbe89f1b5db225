#include "server/ServerStorage.h"

#include "broker/BrokerLibrary.h"
#include "broker/BrokerLibraryGuard.h"
#include "server/EmbeddedRedis.h"
#include "server/RedisTuningCheck.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace mmf {

Result<std::unique_ptr<ServerStorage>> ServerStorage::open(const ServerConfig& config)
{
    std::unique_ptr<EmbeddedRedis> embedded;
    RedisConfig redisConfig;
    if (config.redisUrl.isEmpty()) {
        embedded = std::make_unique<EmbeddedRedis>(config.dataDir, config.redisAppendfsync,
                                                   config.redisAofRewritePercentage);
        Result<RedisConfig> started = embedded->start();
        if (!started)
            return started.error();
        // It restarts itself after a crash; the connections reconnect on their own.
        redisConfig = *started;
    } else {
        Result<RedisConfig> parsed = RedisConfig::fromUrl(config.redisUrl);
        if (!parsed)
            return Error::invalidArgument(QStringLiteral("--redis: %1").arg(parsed.error().message));
        redisConfig = *parsed;
    }
    redisConfig.clientName = QStringLiteral("mmf-server");
    return std::unique_ptr<ServerStorage>(new ServerStorage(std::move(embedded), redisConfig));
}

ServerStorage::ServerStorage(std::unique_ptr<EmbeddedRedis> embedded, RedisConfig config)
    : m_embedded(std::move(embedded))
    , m_config(std::move(config))
    , m_redis(std::make_unique<RedisClient>(m_config))
{
    // The broker library first on every (re)connect (the guard connects first): commands are answered in
    // order, so nothing this server sends after it can meet a Redis without it (a restarted Redis without
    // persistence has lost it).
    m_library = std::make_unique<BrokerLibraryGuard>(*m_redis);
    connect(m_library.get(), &BrokerLibraryGuard::changed, this, [this] {
        switch (m_library->state()) {
        case BrokerLibraryGuard::State::Newer:
        case BrokerLibraryGuard::State::Failed:
            qCCritical(lcServer).noquote() << m_library->problem();
            break;
        case BrokerLibraryGuard::State::Current:
            qCInfo(lcServer).noquote()
                << "Redis holds this server's broker library, version" << BrokerLibrary::version();
            break;
        case BrokerLibraryGuard::State::Unchecked:
            break;
        }
    });
    connect(m_redis.get(), &RedisClient::connected, this, [this] {
        // An external Redis is the operator's: its settings are read once and advice logged.
        if (!m_embedded && !m_tuningChecked) {
            m_tuningChecked = true;
            RedisTuningCheck::run(*m_redis, m_config.toDisplayUrl());
        }
    });
    RedisConfig eventsConfig = m_config;
    eventsConfig.clientName = QStringLiteral("mmf-server-events");
    m_events = std::make_unique<RedisClient>(eventsConfig);
}

// Members go in reverse order: the connections before the Redis they talk to.
ServerStorage::~ServerStorage() = default;

void ServerStorage::start()
{
    m_redis->start();
    m_events->start();
}

void ServerStorage::stop()
{
    if (m_embedded)
        m_embedded->stop();
}

} // namespace mmf
