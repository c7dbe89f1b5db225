#pragma once

struct redisReader;

namespace mmf {

// Replies from Redis are bounded: hiredis 0.14 allocates whatever array length a reply announces, so a broken
// or hostile server sending "*66666663\r\n" costs 500 MB at once (found by fuzz_redis_reply). Arrays longer
// than this are refused: the reader reports an error and the client reconnects. MMF's commands ask for far
// fewer elements (COUNT-bounded stream reads, small hashes).
constexpr int kMaxRedisReplyElements = 1 << 22;

// Installs the limit on a hiredis reader (idempotent).
void limitReplySize(redisReader* reader);

} // namespace mmf
