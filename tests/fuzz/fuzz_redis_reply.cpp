// hiredis' reply reader fed any bytes, each reply walked through MMF's RedisReply (types, text, integers,
// nested arrays), the way the client reads what a Redis server (or something pretending to be one) sends.
#include "FuzzCheck.h"
#include "redis/RedisReply.h"
#include "redis/RedisReplyLimits.h"

#include <hiredis/hiredis.h>

#include <cstddef>
#include <cstdint>

using namespace mmf;

namespace {

void walk(const RedisReply& reply, int depth)
{
    MMF_FUZZ_CHECK(depth < 64);
    (void)reply.type();
    (void)reply.isUnavailable();
    (void)reply.view();
    (void)reply.integer();
    (void)reply.toString();
    for (qsizetype i = 0; i < reply.size(); ++i)
        walk(reply.at(i), depth + 1);
    MMF_FUZZ_CHECK(reply.at(reply.size()).isNil()); // out of range is nil, not a crash
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    redisReader* reader = redisReaderCreate();
    limitReplySize(reader); // as RedisClient does
    if (redisReaderFeed(reader, reinterpret_cast<const char*>(data), size) == REDIS_OK) {
        for (int i = 0; i < 1000; ++i) {
            void* reply = nullptr;
            if (redisReaderGetReply(reader, &reply) != REDIS_OK || !reply)
                break;
            walk(RedisReply(static_cast<const redisReply*>(reply)), 0);
            freeReplyObject(reply);
        }
    }
    redisReaderFree(reader);
    return 0;
}
