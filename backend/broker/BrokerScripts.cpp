#include "broker/BrokerScripts.h"

namespace mmf {

namespace {

// Shared by failAttempt and reclaim: a failed attempt either waits for a retry or goes to the dead letters.
const char* const kFailAttemptFunction = R"LUA(
local function fail_attempt(taskKey, eventsKey, delayedKey, deadKey, id, now, code, msg, maxAtt, initial, factor,
                            maxBackoff, maxlen)
  local h = redis.call('HMGET', taskKey, 'st', 'u', 'att')
  if not h[1] then return 'gone' end
  if h[1] ~= 'running' and h[1] ~= 'queued' then return h[1] end
  -- The model's own policy (set by an admin with PATCH) wins over the caller's defaults, so a change reaches
  -- running instances at once. Same hash tag as the other keys: mmf:{m}:retry.
  local retryKey = (string.gsub(delayedKey, 'delayed$', 'retry'))
  local own = redis.call('HMGET', retryKey, 'max_attempts', 'backoff_initial_ms', 'backoff_factor',
                         'backoff_max_ms')
  if own[1] then
    maxAtt = own[1]
    initial = own[2] or initial
    factor = own[3] or factor
    maxBackoff = own[4] or maxBackoff
  end
  local att = tonumber(h[3]) or 0
  if att >= tonumber(maxAtt) then
    redis.call('HSET', taskKey, 'st', 'dead_lettered', 'f', now, 'ec', code, 'em', msg)
    redis.call('HDEL', taskKey, 'n')
    local dead = redis.call('XADD', deadKey, '*', 'id', id, 'u', h[2] or '', 'a', att, 'ec', code, 'em', msg,
                            'ts', now)
    redis.call('HSET', deadKey .. 'idx', id, dead)
    redis.call('XADD', eventsKey, 'MAXLEN', '~', maxlen, '*', 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', now,
               'st', 'dead_lettered', 'a', att, 'ec', code, 'em', msg)
    return 'dead'
  end
  local exponent = att - 1
  if exponent < 0 then exponent = 0 end
  local delay = tonumber(initial) * (tonumber(factor) ^ exponent)
  if delay > tonumber(maxBackoff) then delay = tonumber(maxBackoff) end
  local due = tonumber(now) + math.floor(delay)
  redis.call('ZADD', delayedKey, due, id)
  redis.call('HSET', taskKey, 'st', 'queued', 'n', due, 'ec', code, 'em', msg)
  redis.call('XADD', eventsKey, 'MAXLEN', '~', maxlen, '*', 'k', 's', 'id', id, 'u', h[2] or '', 'ts', now,
             'st', 'queued', 'a', att, 'n', due, 'ec', code, 'em', msg)
  return 'retry'
end
)LUA";

const char* const kSubmit = R"LUA(
local id = ARGV[1]
if ARGV[9] ~= '' then
  local existing = redis.call('GET', KEYS[7])
  if existing then
    local sp = string.find(existing, ' ', 1, true)
    local eid = string.sub(existing, 1, sp - 1)
    if string.sub(existing, sp + 1) ~= ARGV[11] then return {'conflict', eid} end
    return {'existing', eid}
  end
  redis.call('SET', KEYS[7], ARGV[9], 'EX', ARGV[7])
end
local entry = redis.call('XADD', KEYS[2], '*', 'env', ARGV[2])
redis.call('HSET', KEYS[1], 'st', 'queued', 'att', 0, 'u', ARGV[3], 'p', ARGV[4], 'm', ARGV[5], 'c', ARGV[6],
           'env', ARGV[2], 'par', ARGV[8], 'e', entry)
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('HSET', KEYS[4], entry, id)
redis.call('SET', KEYS[5], ARGV[5], 'EX', ARGV[7])
redis.call('ZADD', KEYS[6], ARGV[6], id)
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', '(' .. (tonumber(ARGV[6]) - tonumber(ARGV[7]) * 1000))
redis.call('EXPIRE', KEYS[6], ARGV[7])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[10], '*', 'k', 's', 'id', id, 'u', ARGV[3], 'ts', ARGV[6],
           'st', 'queued', 'a', 0)
return {'ok', id}
)LUA";

const char* const kSubmitBatch = R"LUA(
local n = (#ARGV - 7) / 2
for i = 0, n - 1 do
  local id = ARGV[8 + 2 * i]
  local env = ARGV[9 + 2 * i]
  local taskKey = KEYS[5 + 2 * i]
  local entry = redis.call('XADD', KEYS[1], '*', 'env', env)
  redis.call('HSET', taskKey, 'st', 'queued', 'att', 0, 'u', ARGV[1], 'p', ARGV[2], 'm', ARGV[3], 'c', ARGV[4],
             'env', env, 'par', ARGV[7], 'e', entry)
  redis.call('EXPIRE', taskKey, ARGV[5])
  redis.call('HSET', KEYS[3], entry, id)
  redis.call('SET', KEYS[6 + 2 * i], ARGV[3], 'EX', ARGV[5])
  redis.call('ZADD', KEYS[4], ARGV[4], id)
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'k', 's', 'id', id, 'u', ARGV[1], 'ts', ARGV[4],
             'st', 'queued', 'a', 0)
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. (tonumber(ARGV[4]) - tonumber(ARGV[5]) * 1000))
redis.call('EXPIRE', KEYS[4], ARGV[5])
return n
)LUA";

const char* const kStart = R"LUA(
local h = redis.call('HMGET', KEYS[1], 'st', 'u', 'i', 'e', 'att')
-- A start sent again after its answer was lost (Redis hung up) is the same attempt, not a new one.
if h[1] == 'running' and h[3] == ARGV[2] and h[4] == ARGV[1] then return {'run', tonumber(h[5]) or 1} end
if not h[1] or (h[1] ~= 'queued' and h[1] ~= 'running') then
  redis.call('XACK', KEYS[3], 'workers', ARGV[1])
  redis.call('XDEL', KEYS[3], ARGV[1])
  redis.call('HDEL', KEYS[4], ARGV[1])
  if not h[1] then return {'gone'} end
  return {'skip', h[1]}
end
local att = redis.call('HINCRBY', KEYS[1], 'att', 1)
redis.call('HSET', KEYS[1], 'st', 'running', 's', ARGV[3], 'i', ARGV[2], 'e', ARGV[1])
redis.call('HDEL', KEYS[1], 'n')
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'k', 's', 'id', ARGV[4], 'u', h[2] or '', 'ts', ARGV[3],
           'st', 'running', 'a', att)
return {'run', att}
)LUA";

const char* const kLog = R"LUA(
if ARGV[4] == 'l' then
  local seq = redis.call('HINCRBY', KEYS[1], 'ls', 1)
  redis.call('XADD', KEYS[2], '*', 'seq', seq, 'ts', ARGV[3], 'lv', ARGV[5], 'tx', ARGV[6])
  redis.call('EXPIRE', KEYS[2], ARGV[7])
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', 'k', 'l', 'id', ARGV[1], 'u', ARGV[2], 'ts', ARGV[3],
             'seq', seq, 'lv', ARGV[5], 'tx', ARGV[6])
  return seq
end
redis.call('HSET', KEYS[1], 'pf', ARGV[5], 'pt', ARGV[6])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', 'k', 'p', 'id', ARGV[1], 'u', ARGV[2], 'ts', ARGV[3],
           'fr', ARGV[5], 'tx', ARGV[6])
return 0
)LUA";

const char* const kFinish = R"LUA(
local p = redis.call('XPENDING', KEYS[2], 'workers', ARGV[1], ARGV[1], 1, ARGV[2])
if #p == 0 then return 'lost' end
redis.call('XACK', KEYS[2], 'workers', ARGV[1])
redis.call('XDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
local h = redis.call('HMGET', KEYS[1], 'st', 'u', 'att')
if h[1] ~= 'running' then return h[1] or 'gone' end
local id = ARGV[11]
if ARGV[3] == 'succeeded' then
  redis.call('SET', KEYS[4], ARGV[4], 'EX', ARGV[8])
  redis.call('HSET', KEYS[1], 'st', 'succeeded', 'f', ARGV[7])
  redis.call('HDEL', KEYS[1], 'ec', 'em')
  if #ARGV[4] <= tonumber(ARGV[10]) then
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[9], '*', 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', ARGV[7],
               'st', 'succeeded', 'a', h[3], 'res', ARGV[4])
  else
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[9], '*', 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', ARGV[7],
               'st', 'succeeded', 'a', h[3], 'big', 1)
  end
else
  redis.call('HSET', KEYS[1], 'st', 'failed', 'f', ARGV[7], 'ec', ARGV[5], 'em', ARGV[6])
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[9], '*', 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', ARGV[7],
             'st', 'failed', 'a', h[3], 'ec', ARGV[5], 'em', ARGV[6])
end
redis.call('EXPIRE', KEYS[1], ARGV[8])
return 'ok'
)LUA";

const char* const kFailAttempt = R"LUA(
local p = redis.call('XPENDING', KEYS[2], 'workers', ARGV[1], ARGV[1], 1, ARGV[2])
if #p == 0 then return 'lost' end
redis.call('XACK', KEYS[2], 'workers', ARGV[1])
redis.call('XDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[6], ARGV[1])
return fail_attempt(KEYS[1], KEYS[3], KEYS[4], KEYS[5], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8],
                    ARGV[9], ARGV[10], ARGV[11])
)LUA";

const char* const kRelease = R"LUA(
local p = redis.call('XPENDING', KEYS[2], 'workers', ARGV[1], ARGV[1], 1, ARGV[2])
if #p == 0 then return 'lost' end
redis.call('XACK', KEYS[2], 'workers', ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
local h = redis.call('HMGET', KEYS[1], 'st', 'u', 'att', 'env')
redis.call('XDEL', KEYS[2], ARGV[1])
if (h[1] ~= 'running' and h[1] ~= 'queued') or not h[4] then
  return h[1] or 'gone'
end
local att = tonumber(h[3]) or 0
-- A started attempt does not count; a task that was read but not started has not counted one.
if h[1] == 'running' and att > 0 then att = att - 1 end
local entry = redis.call('XADD', KEYS[2], '*', 'env', h[4])
redis.call('HSET', KEYS[4], entry, ARGV[3])
redis.call('HSET', KEYS[1], 'st', 'queued', 'att', att, 'e', entry)
if h[1] == 'running' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'k', 's', 'id', ARGV[3], 'u', h[2] or '', 'ts', ARGV[4],
             'st', 'queued', 'a', att)
end
return 'released'
)LUA";

const char* const kDeadLetter = R"LUA(
local p = redis.call('XPENDING', KEYS[1], 'workers', ARGV[1], ARGV[1], 1, ARGV[2])
if #p == 0 then return 'lost' end
local id = redis.call('HGET', KEYS[3], ARGV[1]) or ''
redis.call('XACK', KEYS[1], 'workers', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
local u, att = '', 0
if id ~= '' then
  local taskKey = 'mmf:{' .. ARGV[7] .. '}:task:' .. id
  local h = redis.call('HMGET', taskKey, 'st', 'u', 'att')
  u = h[2] or ''
  att = tonumber(h[3]) or 0
  if h[1] == 'queued' or h[1] == 'running' then
    redis.call('HSET', taskKey, 'st', 'dead_lettered', 'f', ARGV[3], 'ec', ARGV[4], 'em', ARGV[5])
    redis.call('HDEL', taskKey, 'n')
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'k', 'r', 'id', id, 'u', u, 'ts', ARGV[3],
               'st', 'dead_lettered', 'a', att, 'ec', ARGV[4], 'em', ARGV[5])
  end
end
local dead = redis.call('XADD', KEYS[2], '*', 'id', id, 'entry', ARGV[1], 'u', u, 'a', att, 'ec', ARGV[4],
                        'em', ARGV[5], 'ts', ARGV[3])
if id ~= '' then redis.call('HSET', KEYS[2] .. 'idx', id, dead) end
return 'ok'
)LUA";

// Task keys of reclaimed entries are only known inside the script; they share the model's hash tag, so they
// live in the same slot as the declared keys.
const char* const kReclaim = R"LUA(
local prefix = 'mmf:{' .. ARGV[1] .. '}:task:'
local r = redis.call('XAUTOCLAIM', KEYS[1], 'workers', 'mmf-reaper', ARGV[2], '0-0', 'COUNT', ARGV[9], 'JUSTID')
local reclaimed = 0
for _, entry in ipairs(r[2]) do
  local id = redis.call('HGET', KEYS[5], entry)
  redis.call('XACK', KEYS[1], 'workers', entry)
  redis.call('XDEL', KEYS[1], entry)
  redis.call('HDEL', KEYS[5], entry)
  if id then
    fail_attempt(prefix .. id, KEYS[2], KEYS[3], KEYS[4], id, ARGV[3], 'instance_lost',
                 'the instance working on the task stopped answering', ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])
    reclaimed = reclaimed + 1
  end
end
local lost = 0
for _, entry in ipairs(r[3] or {}) do
  local id = redis.call('HGET', KEYS[5], entry)
  redis.call('XACK', KEYS[1], 'workers', entry)
  redis.call('HDEL', KEYS[5], entry)
  if id then
    local h = redis.call('HMGET', prefix .. id, 'st', 'u', 'att')
    if h[1] == 'running' or h[1] == 'queued' then
      redis.call('HSET', prefix .. id, 'st', 'failed', 'f', ARGV[3], 'ec', 'payload_lost',
                 'em', 'the task was removed from the queue before it finished')
      redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[8], '*', 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', ARGV[3],
                 'st', 'failed', 'a', h[3] or 0, 'ec', 'payload_lost',
                 'em', 'the task was removed from the queue before it finished')
      lost = lost + 1
    end
  end
end
return {reclaimed, lost, r[1]}
)LUA";

// An evicted instance's entries: found by consumer name (XPENDING ... <consumer>), each a failed attempt at
// once, without waiting for the claim timeout. Ack + delete in the same script, so a late finish() of that
// consumer is fenced out (its XPENDING check no longer finds the entry) and no other server can fail the
// entry twice.
const char* const kReclaimConsumer = R"LUA(
local prefix = 'mmf:{' .. ARGV[1] .. '}:task:'
local p = redis.call('XPENDING', KEYS[1], 'workers', '-', '+', ARGV[9], ARGV[2])
local reclaimed = 0
for _, e in ipairs(p) do
  local entry = e[1]
  local id = redis.call('HGET', KEYS[5], entry)
  redis.call('XACK', KEYS[1], 'workers', entry)
  redis.call('XDEL', KEYS[1], entry)
  redis.call('HDEL', KEYS[5], entry)
  if id then
    local r = fail_attempt(prefix .. id, KEYS[2], KEYS[3], KEYS[4], id, ARGV[3], 'instance_lost',
                           'the instance working on the task stopped answering pings', ARGV[4], ARGV[5], ARGV[6],
                           ARGV[7], ARGV[8])
    if r == 'retry' or r == 'dead' then reclaimed = reclaimed + 1 end
  end
end
return reclaimed
)LUA";

const char* const kPromote = R"LUA(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, ARGV[3])
local prefix = 'mmf:{' .. ARGV[1] .. '}:task:'
local n = 0
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  local h = redis.call('HMGET', prefix .. id, 'st', 'env')
  if h[1] == 'queued' and h[2] then
    local entry = redis.call('XADD', KEYS[2], '*', 'env', h[2])
    redis.call('HSET', prefix .. id, 'e', entry)
    redis.call('HSET', KEYS[3], entry, id)
    n = n + 1
  end
end
return n
)LUA";

const char* const kCancel = R"LUA(
local h = redis.call('HMGET', KEYS[1], 'st', 'u', 'att')
if not h[1] then return 'gone' end
if h[1] ~= 'queued' and h[1] ~= 'running' then return h[1] end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[1], 'st', 'cancelled', 'f', ARGV[2])
redis.call('HDEL', KEYS[1], 'n')
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'k', 'r', 'id', ARGV[1], 'u', h[2] or '', 'ts', ARGV[2],
           'st', 'cancelled', 'a', h[3] or 0, 'ec', 'cancelled', 'em', 'the task was cancelled')
if h[1] == 'running' then return 'cancelled_running' end
return 'cancelled'
)LUA";

// A dead letter queued again under its own id: attempts reset, the envelope (with a fresh task token)
// re-added, out of the dead stream. Only a task listed in the dead index and still dead_lettered moves, so
// two admins replaying at once queue it once.
const char* const kReplay = R"LUA(
local dead = redis.call('HGET', KEYS[6], ARGV[1])
if not dead then return 'not_found' end
local h = redis.call('HMGET', KEYS[1], 'st', 'u', 'env')
if h[1] ~= 'dead_lettered' then
  redis.call('HDEL', KEYS[6], ARGV[1])
  redis.call('XDEL', KEYS[5], dead)
  return 'not_found'
end
local env = ARGV[2]
if env == '' then env = h[3] end
if not env then return 'not_found' end
local entry = redis.call('XADD', KEYS[2], '*', 'env', env)
redis.call('HSET', KEYS[1], 'st', 'queued', 'att', 0, 'e', entry, 'env', env)
redis.call('HDEL', KEYS[1], 'f', 'n', 'ec', 'em', 's', 'i', 'pf', 'pt')
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('HSET', KEYS[4], entry, ARGV[1])
redis.call('ZREM', KEYS[7], ARGV[1])
redis.call('XDEL', KEYS[5], dead)
redis.call('HDEL', KEYS[6], ARGV[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'k', 's', 'id', ARGV[1], 'u', h[2] or '', 'ts', ARGV[3],
           'st', 'queued', 'a', 0)
return 'ok'
)LUA";

const char* const kDiscardDead = R"LUA(
local dead = redis.call('HGET', KEYS[2], ARGV[1])
if not dead then return 0 end
redis.call('XDEL', KEYS[1], dead)
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
)LUA";

QByteArray withFailAttempt(const char* body)
{
    return QByteArray(kFailAttemptFunction) + body;
}

} // namespace

BrokerScripts::BrokerScripts()
    : submit(kSubmit)
    , submitBatch(kSubmitBatch)
    , start(kStart)
    , log(kLog)
    , finish(kFinish)
    , failAttempt(withFailAttempt(kFailAttempt))
    , release(kRelease)
    , deadLetter(kDeadLetter)
    , reclaim(withFailAttempt(kReclaim))
    , reclaimConsumer(withFailAttempt(kReclaimConsumer))
    , promote(kPromote)
    , cancel(kCancel)
    , replay(kReplay)
    , discardDead(kDiscardDead)
{}

} // namespace mmf
