#include "RedisWait.h"

#include "broker/BrokerLibrary.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QSignalSpy>

#include <memory>

namespace mmf {

bool waitForDone(const std::function<void(std::function<void()> done)>& start, int timeoutMs)
{
    auto done = std::make_shared<bool>(false);
    start([done] { *done = true; });
    return waitUntil([done] { return *done; }, timeoutMs);
}

std::unique_ptr<RedisClient> startConnected(const RedisConfig& config, int timeoutMs)
{
    auto redis = std::make_unique<RedisClient>(config);
    QSignalSpy connected(redis.get(), &RedisClient::connected);
    redis->start();
    if (!connected.wait(timeoutMs))
        return nullptr;
    return redis;
}

bool waitUntil(const std::function<bool()>& done, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return done();
}

bool sendAndWait(RedisClient& redis, const std::vector<QByteArray>& args,
                 const std::function<void(const RedisReply&)>& inspect, int timeoutMs)
{
    // Shared with the callback, which may outlive this call when the deadline passes first.
    auto done = std::make_shared<bool>(false);
    redis.command(args, [done, inspect](const RedisReply& reply) {
        if (*done)
            return;
        inspect(reply);
        *done = true;
    });
    const bool answered = waitUntil([done] { return *done; }, timeoutMs);
    *done = true; // a late reply must not reach `inspect`, whose captures may be gone
    return answered;
}

bool commandSucceeds(RedisClient& redis, const std::vector<QByteArray>& args, int timeoutMs)
{
    bool ok = false;
    sendAndWait(
        redis, args, [&](const RedisReply& reply) { ok = !reply.isError(); }, timeoutMs);
    return ok;
}

bool loadBrokerLibrary(RedisClient& redis)
{
    bool loaded = false;
    sendAndWait(redis, {"FUNCTION", "LOAD", "REPLACE", BrokerLibrary::source()},
                [&](const RedisReply& reply) { loaded = !reply.isError(); });
    return loaded;
}

} // namespace mmf
