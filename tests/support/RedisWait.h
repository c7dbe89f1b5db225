#pragma once

#include "redis/RedisClient.h"

#include <functional>
#include <memory>
#include <vector>

namespace mmf {

// For tests: sends one command and runs the event loop until its reply (`inspect` sees the live reply) or the
// deadline; false on the deadline.
bool sendAndWait(RedisClient& redis, const std::vector<QByteArray>& args,
                 const std::function<void(const RedisReply&)>& inspect, int timeoutMs = 10000);
// Sends one command and waits for its reply: true when it came and was not an error.
bool commandSucceeds(RedisClient& redis, const std::vector<QByteArray>& args, int timeoutMs = 10000);
// Runs the event loop until `done()` holds or the deadline; what `done()` says at the end. State the loop
// waits for that a late callback may write belongs in a shared_ptr, not on the caller's stack.
bool waitUntil(const std::function<bool()>& done, int timeoutMs = 10000);
// Starts something that calls the `done` it is given once it is over (a reload), and runs the event loop
// until then; false on the deadline.
bool waitForDone(const std::function<void(std::function<void()> done)>& start, int timeoutMs = 10000);
// A client that is started and connected (the event loop runs until it is); nullptr after `timeoutMs`.
std::unique_ptr<RedisClient> startConnected(const RedisConfig& config, int timeoutMs = 10000);
// Loads the broker library, as every server does when it connects; false when Redis refused it.
bool loadBrokerLibrary(RedisClient& redis);

} // namespace mmf
