#pragma once

#include "redis/RedisReply.h"

#include <QByteArray>

#include <functional>

namespace mmf {

class RedisClient;

// The Redis Function library `mmf` that moves tasks through their states (FUNCTION LOAD by servers, FCALL by
// gateways, workers and the leader). Each function runs atomically, so several servers and instances can act
// on one task without double work: a retry is re-queued once, a result stored once. Model users may FCALL it
// but never run Lua of their own. BrokerCalls builds the calls; docs/ARCHITECTURE.md documents each function.
namespace BrokerLibrary {

const QByteArray& source();
// FUNCTION LOAD REPLACE: idempotent, so every server sends it on each (re)connect.
void load(RedisClient& redis, std::function<void(const RedisReply&)> done = {});

} // namespace BrokerLibrary

} // namespace mmf
