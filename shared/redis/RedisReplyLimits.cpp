#include "redis/RedisReplyLimits.h"

#include <hiredis/hiredis.h>

#include <mutex>

namespace mmf {

namespace {

const redisReplyObjectFunctions* g_default = nullptr;
redisReplyObjectFunctions g_limited;

void* createLimitedArray(const redisReadTask* task, int elements)
{
    if (elements > kMaxRedisReplyElements)
        return nullptr; // the reader turns this into an error
    return g_default->createArray(task, elements);
}

} // namespace

void limitReplySize(redisReader* reader)
{
    static std::once_flag once;
    // hiredis' default functions are static inside it: every reader points at the same table.
    std::call_once(once, [reader] {
        g_default = reader->fn;
        g_limited = *reader->fn;
        g_limited.createArray = &createLimitedArray;
    });
    if (reader->fn == g_default)
        reader->fn = &g_limited;
}

} // namespace mmf
