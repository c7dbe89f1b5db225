#include "broker/BrokerLibrary.h"

#include "redis/RedisClient.h"

namespace mmf {

namespace {

// One library, loaded by every server with FUNCTION LOAD REPLACE on each connect; gateways, workers and the
// leader call it with FCALL. Every function takes exactly one key, the model's task stream mmf:{m}:tasks, and
// derives the model's other keys from it, so each call touches one hash slot (Redis Cluster) and the caller's
// ACL (commands and key patterns) applies to everything a function does.
//
// Stream entries carry only the task id (field `id`); the envelope is kept once, in the task hash (`env`),
// and handed out by `mmf_start`. Entries written before that (field `env`, no `id`) are still understood
// through the old mmf:{m}:inflight hash.
const char* const kSource = R"LUA(#!lua name=mmf

local function prefix(tasksKey) return string.sub(tasksKey, 1, -6) end

local function event(p, maxlen, ...)
  redis.call('XADD', p .. 'events', 'MAXLEN', '~', maxlen, '*', ...)
end

-- Stream ids "ms-seq" compared as numbers (ms fits a Lua double exactly).
local function idParts(id)
  local dash = string.find(id, '-', 1, true)
  if not dash then return tonumber(id) or 0, 0 end
  return tonumber(string.sub(id, 1, dash - 1)) or 0, tonumber(string.sub(id, dash + 1)) or 0
end
local function idLess(a, b)
  local am, as = idParts(a)
  local bm, bs = idParts(b)
  return am < bm or (am == bm and as < bs)
end

-- What a final event carries for metrics, so that no running event is needed to know it: c created, s the
-- start of the last attempt, q the start of the first (from its h1 record when the task was retried). Final
-- events of finished and dead-lettered attempts also carry i, the instance: with them the gateway answers a
-- submit's ?wait without reading the task back.
local function timings(created, started, firstRecord)
  local first = started
  if firstRecord then
    local ok, past = pcall(cjson.decode, firstRecord)
    if ok and type(past) == 'table' and type(past.s) == 'string' and past.s ~= '' then first = past.s end
  end
  return created or '', started or '', first or ''
end

local function ackAndDelete(tasksKey, entries)
  if #entries == 0 then return end
  redis.call('XACK', tasksKey, 'workers', unpack(entries))
  redis.call('XDEL', tasksKey, unpack(entries))
end

-- The entries of `consumer` among `entries` that it still owns: one XPENDING over their range.
local function owned(tasksKey, consumer, entries)
  local lo, hi = entries[1], entries[1]
  for _, e in ipairs(entries) do
    if idLess(e, lo) then lo = e end
    if idLess(hi, e) then hi = e end
  end
  local set = {}
  for _, p in ipairs(redis.call('XPENDING', tasksKey, 'workers', lo, hi, 1000000, consumer)) do
    set[p[1]] = true
  end
  return set
end

-- The task id of an entry: its `id` field, or (entries queued before ids rode in the stream) the old index.
local function entryTaskId(p, entry, fields)
  if fields then
    for i = 1, #fields - 1, 2 do
      if fields[i] == 'id' then return fields[i + 1] end
    end
  end
  return redis.call('HGET', p .. 'inflight', entry)
end

-- A failed attempt waits for a retry or goes to the dead letters. The model's own policy (PATCH, in
-- mmf:{m}:retry) wins over the caller's defaults, so a change reaches running instances at once.
local function failAttempt(p, id, now, code, msg, maxAtt, initial, factor, maxBackoff, maxlen)
  local taskKey = p .. 'task:' .. id
  local h = redis.call('HMGET', taskKey, 'st', 'u', 'att', 's', 'i', 'c', 'h1')
  if not h[1] then return 'gone' end
  if h[1] ~= 'running' and h[1] ~= 'queued' then return h[1] end
  local own = redis.call('HMGET', p .. 'retry', 'max_attempts', 'backoff_initial_ms', 'backoff_factor',
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
    local dead = redis.call('XADD', p .. 'dead', '*', 'id', id, 'u', h[2] or '', 'a', att, 'ec', code, 'em', msg,
                            'ts', now)
    redis.call('HSET', p .. 'deadidx', id, dead)
    local c, s, q = timings(h[6], h[4], h[7])
    event(p, maxlen, 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'dead_lettered', 'a', att, 'ec', code,
          'em', msg, 'c', c, 's', s, 'q', q, 'i', h[5] or '')
    return 'dead'
  end
  local exponent = att - 1
  if exponent < 0 then exponent = 0 end
  local delay = tonumber(initial) * (tonumber(factor) ^ exponent)
  if delay > tonumber(maxBackoff) then delay = tonumber(maxBackoff) end
  local due = tonumber(now) + math.floor(delay)
  redis.call('ZADD', p .. 'delayed', due, id)
  -- The attempt's record for the timeline (h<attempt>) rides on the write that queues the retry; the last
  -- attempt's figures stay in s, i, f, ec, em.
  local past = cjson.encode({s = h[4] or '', i = h[5] or '', f = tostring(now), ec = code, em = msg})
  redis.call('HSET', taskKey, 'st', 'queued', 'n', due, 'ec', code, 'em', msg, 'h' .. att, past)
  event(p, maxlen, 'k', 's', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'queued', 'a', att, 'n', due, 'ec', code,
        'em', msg)
  return 'retry'
end

-- ARGV: now, retention s, then per task: id, envelope, user, project, parent, if-absent ("1": a task hash
-- that exists already is left alone — an idempotent retry). → per task "ok" | "existing"
redis.register_function('mmf_submit', function(keys, args)
  local p = prefix(keys[1])
  local now, retention = args[1], args[2]
  local out = {}
  for i = 3, #args - 5, 6 do
    local id, env, u, project, parent = args[i], args[i + 1], args[i + 2], args[i + 3], args[i + 4]
    local taskKey = p .. 'task:' .. id
    if args[i + 5] == '1' and redis.call('EXISTS', taskKey) == 1 then
      out[#out + 1] = 'existing'
    else
      local entry = redis.call('XADD', keys[1], '*', 'id', id)
      if parent ~= '' then
        redis.call('HSET', taskKey, 'st', 'queued', 'u', u, 'p', project, 'c', now, 'env', env, 'e', entry,
                   'par', parent)
      else
        redis.call('HSET', taskKey, 'st', 'queued', 'u', u, 'p', project, 'c', now, 'env', env, 'e', entry)
      end
      redis.call('EXPIRE', taskKey, retention)
      out[#out + 1] = 'ok'
    end
  end
  return out
end)

-- ARGV: consumer, now, events maxlen, then per entry: entry id, task id ("" when the entry names none).
-- → per entry {"run", attempt, envelope} | {"skip", status} | {"gone"}. The same consumer starting the same
-- entry again (a retried call whose answer was lost) gets the same attempt. Entries that will not run are
-- acknowledged and deleted. While the model is paused (mmf:{m}:control paused = "1", mirrored from the
-- catalogue) a task that would start is queued again at the stream's end and answered {"paused"}.
redis.register_function('mmf_start', function(keys, args)
  local p = prefix(keys[1])
  local consumer, now, maxlen = args[1], args[2], args[3]
  local paused = redis.call('HGET', p .. 'control', 'paused') == '1'
  -- A running event only while a server has a subscriber for it (mmf:{m}:watch, kept alive by the servers):
  -- final events carry the timings metrics need. A model user made before EXISTS was granted (it gets it at
  -- its next registration) is refused the check: then the event is written, as before.
  local w = redis.pcall('EXISTS', p .. 'watch')
  local watched = type(w) ~= 'number' or w == 1
  local out, drop = {}, {}
  for i = 4, #args - 1, 2 do
    local entry, id = args[i], args[i + 1]
    if id == '' then id = redis.call('HGET', p .. 'inflight', entry) or '' end
    local taskKey = p .. 'task:' .. id
    local h = {}
    if id ~= '' then h = redis.call('HMGET', taskKey, 'st', 'i', 'e', 'att', 'env', 'u', 'n', 'c') end
    if h[1] == 'running' and h[2] == consumer and h[3] == entry then
      out[#out + 1] = {'run', tonumber(h[4]) or 1, h[5] or ''}
    elseif (h[1] ~= 'queued' and h[1] ~= 'running') or not h[5] then
      drop[#drop + 1] = entry
      if h[1] then out[#out + 1] = {'skip', h[1]} else out[#out + 1] = {'gone'} end
    elseif paused then
      drop[#drop + 1] = entry
      redis.call('HSET', taskKey, 'e', redis.call('XADD', keys[1], '*', 'id', id))
      out[#out + 1] = {'paused'}
    else
      local att = (tonumber(h[4]) or 0) + 1
      redis.call('HSET', taskKey, 'st', 'running', 's', now, 'i', consumer, 'e', entry, 'att', att)
      if h[7] then redis.call('HDEL', taskKey, 'n') end
      if watched then
        event(p, maxlen, 'k', 's', 'id', id, 'u', h[6] or '', 'ts', now, 'st', 'running', 'a', att, 'c', h[8] or 0)
      end
      out[#out + 1] = {'run', att, h[5]}
    end
  end
  ackAndDelete(keys[1], drop)
  return out
end)

-- ARGV: retention s, events maxlen, then per line: task id, user, ts ms, kind ("l" | "p"), level | fraction,
-- text. → number of lines
redis.register_function('mmf_log', function(keys, args)
  local p = prefix(keys[1])
  local retention, maxlen = args[1], args[2]
  local n = 0
  for i = 3, #args - 5, 6 do
    local id, u, ts, kind, value, text = args[i], args[i + 1], args[i + 2], args[i + 3], args[i + 4], args[i + 5]
    local taskKey = p .. 'task:' .. id
    if kind == 'l' then
      local seq = redis.call('HINCRBY', taskKey, 'ls', 1)
      local logKey = p .. 'log:' .. id
      redis.call('XADD', logKey, '*', 'seq', seq, 'ts', ts, 'lv', value, 'tx', text)
      if seq == 1 then redis.call('EXPIRE', logKey, retention) end
      event(p, maxlen, 'k', 'l', 'id', id, 'u', u, 'ts', ts, 'seq', seq, 'lv', value, 'tx', text)
    else
      redis.call('HSET', taskKey, 'pf', value, 'pt', text)
      event(p, maxlen, 'k', 'p', 'id', id, 'u', u, 'ts', ts, 'fr', value, 'tx', text)
    end
    n = n + 1
  end
  return n
end)

-- Fenced on ownership of each entry. ARGV: consumer, now, retention s (unused since the result lives in the
-- task hash, whose expiry was set at submit; kept so that callers of either version agree), events maxlen,
-- inline result limit,
-- then per task: entry, task id, status ("succeeded" | "failed"), result, error code, error message.
-- → per task "ok" | "lost" (another consumer owns the entry now) | the status that made the answer moot
redis.register_function('mmf_finish', function(keys, args)
  local p = prefix(keys[1])
  local consumer, now, maxlen, inline = args[1], args[2], args[4], tonumber(args[5])
  local entries = {}
  for i = 6, #args - 5, 6 do entries[#entries + 1] = args[i] end
  if #entries == 0 then return {} end
  local mine = owned(keys[1], consumer, entries)
  local out, acks = {}, {}
  for i = 6, #args - 5, 6 do
    local entry, id, status, result, code, msg = args[i], args[i + 1], args[i + 2], args[i + 3], args[i + 4],
                                                 args[i + 5]
    if not mine[entry] then
      out[#out + 1] = 'lost'
    else
      acks[#acks + 1] = entry
      mine[entry] = nil
      local taskKey = p .. 'task:' .. id
      local h = redis.call('HMGET', taskKey, 'st', 'u', 'att', 'ec', 'c', 's', 'h1')
      local c, s, q = timings(h[5], h[6], h[7])
      if h[1] ~= 'running' then
        out[#out + 1] = h[1] or 'gone'
      elseif status == 'succeeded' then
        -- The result lives in the task hash (one write, one key, the hash's one expiry); results of tasks
        -- finished before it did stay in mmf:{m}:result:<id> until their retention ends.
        redis.call('HSET', taskKey, 'st', 'succeeded', 'f', now, 'res', result)
        if h[4] then redis.call('HDEL', taskKey, 'ec', 'em') end
        if #result <= inline then
          event(p, maxlen, 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'succeeded', 'a', h[3], 'c', c,
                's', s, 'q', q, 'i', consumer, 'res', result)
        else
          event(p, maxlen, 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'succeeded', 'a', h[3], 'c', c,
                's', s, 'q', q, 'i', consumer, 'big', 1)
        end
        out[#out + 1] = 'ok'
      else
        redis.call('HSET', taskKey, 'st', 'failed', 'f', now, 'ec', code, 'em', msg)
        event(p, maxlen, 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'failed', 'a', h[3], 'c', c, 's', s,
              'q', q, 'i', consumer, 'ec', code, 'em', msg)
        out[#out + 1] = 'ok'
      end
    end
  end
  ackAndDelete(keys[1], acks)
  redis.call('HDEL', p .. 'inflight', unpack(entries))
  return out
end)

-- Fenced: a failed attempt (the model threw). ARGV: consumer, now, events maxlen, max attempts, backoff
-- initial ms, factor, max ms, entry, task id, error code, message. → "retry" | "dead" | "lost" | a final status
redis.register_function('mmf_fail_attempt', function(keys, args)
  local p = prefix(keys[1])
  local entry = args[8]
  if not owned(keys[1], args[1], {entry})[entry] then return 'lost' end
  ackAndDelete(keys[1], {entry})
  redis.call('HDEL', p .. 'inflight', entry)
  return failAttempt(p, args[9], args[2], args[10], args[11], args[4], args[5], args[6], args[7], args[3])
end)

-- Fenced: a task given back untouched (shutdown); a started attempt does not count, and the task is queued
-- again at once. ARGV: consumer, now, events maxlen, entry, task id. → "released" | "lost" | a final status
redis.register_function('mmf_release', function(keys, args)
  local p = prefix(keys[1])
  local entry, id = args[4], args[5]
  if not owned(keys[1], args[1], {entry})[entry] then return 'lost' end
  ackAndDelete(keys[1], {entry})
  redis.call('HDEL', p .. 'inflight', entry)
  local taskKey = p .. 'task:' .. id
  local h = redis.call('HMGET', taskKey, 'st', 'u', 'att', 'env')
  if (h[1] ~= 'running' and h[1] ~= 'queued') or not h[4] then return h[1] or 'gone' end
  local att = tonumber(h[3]) or 0
  if h[1] == 'running' and att > 0 then att = att - 1 end
  local again = redis.call('XADD', keys[1], '*', 'id', id)
  redis.call('HSET', taskKey, 'st', 'queued', 'att', att, 'e', again)
  if h[1] == 'running' then
    event(p, args[3], 'k', 's', 'id', id, 'u', h[2] or '', 'ts', args[2], 'st', 'queued', 'a', att)
  end
  return 'released'
end)

-- Fenced: an entry that cannot run (no task id, or an envelope that does not decode) goes to the dead stream;
-- a task it names that is still queued or running ends dead_lettered. ARGV: consumer, now, events maxlen,
-- entry, error code, message, task id ("" when unknown). → "ok" | "lost"
redis.register_function('mmf_dead_letter', function(keys, args)
  local p = prefix(keys[1])
  local entry, now, code, msg, id = args[4], args[2], args[5], args[6], args[7]
  if not owned(keys[1], args[1], {entry})[entry] then return 'lost' end
  if id == '' then id = redis.call('HGET', p .. 'inflight', entry) or '' end
  ackAndDelete(keys[1], {entry})
  redis.call('HDEL', p .. 'inflight', entry)
  local u, att = '', 0
  if id ~= '' then
    local taskKey = p .. 'task:' .. id
    local h = redis.call('HMGET', taskKey, 'st', 'u', 'att')
    u = h[2] or ''
    att = tonumber(h[3]) or 0
    if h[1] == 'queued' or h[1] == 'running' then
      redis.call('HSET', taskKey, 'st', 'dead_lettered', 'f', now, 'ec', code, 'em', msg)
      redis.call('HDEL', taskKey, 'n')
      event(p, args[3], 'k', 'r', 'id', id, 'u', u, 'ts', now, 'st', 'dead_lettered', 'a', att, 'ec', code,
            'em', msg)
    end
  end
  local dead = redis.call('XADD', p .. 'dead', '*', 'id', id, 'entry', entry, 'u', u, 'a', att, 'ec', code,
                          'em', msg, 'ts', now)
  if id ~= '' then redis.call('HSET', p .. 'deadidx', id, dead) end
  return 'ok'
end)

-- Server: entries idle past the claim timeout belong to dead instances; each is a failed attempt.
-- ARGV: min idle ms, now, max attempts, backoff initial ms, factor, max ms, events maxlen, count.
-- → {reclaimed, payload lost, next cursor}
redis.register_function('mmf_reclaim', function(keys, args)
  local p = prefix(keys[1])
  local now = args[2]
  local r = redis.call('XAUTOCLAIM', keys[1], 'workers', 'mmf-reaper', args[1], '0-0', 'COUNT', args[8])
  local reclaimed, lost = 0, 0
  for _, e in ipairs(r[2]) do
    local id = entryTaskId(p, e[1], e[2])
    ackAndDelete(keys[1], {e[1]})
    redis.call('HDEL', p .. 'inflight', e[1])
    if id then
      failAttempt(p, id, now, 'instance_lost', 'the instance working on the task stopped answering', args[3],
                  args[4], args[5], args[6], args[7])
      reclaimed = reclaimed + 1
    end
  end
  for _, entry in ipairs(r[3] or {}) do
    local id = redis.call('HGET', p .. 'inflight', entry)
    redis.call('XACK', keys[1], 'workers', entry)
    redis.call('HDEL', p .. 'inflight', entry)
    if id then
      local taskKey = p .. 'task:' .. id
      local h = redis.call('HMGET', taskKey, 'st', 'u', 'att', 'e')
      if (h[1] == 'running' or h[1] == 'queued') and h[4] == entry then
        local m = 'the task was removed from the queue before it finished'
        redis.call('HSET', taskKey, 'st', 'failed', 'f', now, 'ec', 'payload_lost', 'em', m)
        event(p, args[7], 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'failed', 'a', h[3] or 0,
              'ec', 'payload_lost', 'em', m)
        lost = lost + 1
      end
    end
  end
  return {reclaimed, lost, r[1]}
end)

-- Server (leader): an evicted instance's pending entries, each a failed attempt at once. Acknowledged and
-- deleted here, so a late finish of that consumer is fenced out. ARGV: consumer, now, max attempts, backoff
-- initial ms, factor, max ms, events maxlen, count. → number of tasks re-queued or dead-lettered
redis.register_function('mmf_reclaim_consumer', function(keys, args)
  local p = prefix(keys[1])
  local reclaimed = 0
  for _, e in ipairs(redis.call('XPENDING', keys[1], 'workers', '-', '+', args[8], args[1])) do
    local entry = e[1]
    local found = redis.call('XRANGE', keys[1], entry, entry)
    local id = entryTaskId(p, entry, found[1] and found[1][2])
    ackAndDelete(keys[1], {entry})
    redis.call('HDEL', p .. 'inflight', entry)
    if id then
      local r = failAttempt(p, id, args[2], 'instance_lost', 'the instance working on the task stopped answering pings',
                            args[3], args[4], args[5], args[6], args[7])
      if r == 'retry' or r == 'dead' then reclaimed = reclaimed + 1 end
    end
  end
  return reclaimed
end)

-- Server: due retries go back to the stream; ZREM decides who moves each. ARGV: now, limit. → number re-queued
redis.register_function('mmf_promote', function(keys, args)
  local p = prefix(keys[1])
  local n = 0
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. 'delayed', '-inf', args[1], 'LIMIT', 0, args[2])) do
    redis.call('ZREM', p .. 'delayed', id)
    local taskKey = p .. 'task:' .. id
    if redis.call('HGET', taskKey, 'st') == 'queued' then
      local entry = redis.call('XADD', keys[1], '*', 'id', id)
      redis.call('HSET', taskKey, 'e', entry)
      n = n + 1
    end
  end
  return n
end)

-- Server. ARGV: task id, now, events maxlen.
-- → "cancelled" | "cancelled_running" | the final status it already had | "gone"
redis.register_function('mmf_cancel', function(keys, args)
  local p = prefix(keys[1])
  local id, now = args[1], args[2]
  local taskKey = p .. 'task:' .. id
  local h = redis.call('HMGET', taskKey, 'st', 'u', 'att', 'c')
  if not h[1] then return 'gone' end
  if h[1] ~= 'queued' and h[1] ~= 'running' then return h[1] end
  redis.call('ZREM', p .. 'delayed', id)
  redis.call('HSET', taskKey, 'st', 'cancelled', 'f', now)
  redis.call('HDEL', taskKey, 'n')
  -- Its creation only (total time): a queued task's start time, if any, is a past attempt's.
  event(p, args[3], 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'cancelled', 'a', h[3] or 0,
        'c', h[4] or '', 'ec', 'cancelled', 'em', 'the task was cancelled')
  if h[1] == 'running' then return 'cancelled_running' end
  return 'cancelled'
end)

-- Server (admin): a dead letter queued again under its own id, attempts 0, with the envelope given ("" keeps
-- the stored one). Only a task in the dead index and still dead_lettered moves, so two admins replaying at
-- once queue it once. ARGV: task id, envelope, now, retention s, events maxlen. → "ok" | "not_found"
redis.register_function('mmf_replay', function(keys, args)
  local p = prefix(keys[1])
  local id = args[1]
  local taskKey = p .. 'task:' .. id
  local dead = redis.call('HGET', p .. 'deadidx', id)
  if not dead then return 'not_found' end
  local h = redis.call('HMGET', taskKey, 'st', 'u', 'env')
  if h[1] ~= 'dead_lettered' then
    redis.call('HDEL', p .. 'deadidx', id)
    redis.call('XDEL', p .. 'dead', dead)
    return 'not_found'
  end
  local env = args[2]
  if env == '' then env = h[3] end
  if not env then return 'not_found' end
  local entry = redis.call('XADD', keys[1], '*', 'id', id)
  redis.call('HSET', taskKey, 'st', 'queued', 'att', 0, 'e', entry, 'env', env)
  redis.call('HDEL', taskKey, 'f', 'n', 'ec', 'em', 's', 'i', 'pf', 'pt')
  redis.call('EXPIRE', taskKey, args[4])
  redis.call('ZREM', p .. 'delayed', id)
  redis.call('XDEL', p .. 'dead', dead)
  redis.call('HDEL', p .. 'deadidx', id)
  event(p, args[5], 'k', 's', 'id', id, 'u', h[2] or '', 'ts', args[3], 'st', 'queued', 'a', 0)
  return 'ok'
end)

-- Server (admin): a dead letter leaves the list; the task stays dead_lettered. ARGV: task id. → 1 | 0
redis.register_function('mmf_discard_dead', function(keys, args)
  local p = prefix(keys[1])
  local dead = redis.call('HGET', p .. 'deadidx', args[1])
  if not dead then return 0 end
  redis.call('XDEL', p .. 'dead', dead)
  redis.call('HDEL', p .. 'deadidx', args[1])
  return 1
end)
)LUA";

} // namespace

const QByteArray& BrokerLibrary::source()
{
    static const QByteArray source(kSource);
    return source;
}

void BrokerLibrary::load(RedisClient& redis, std::function<void(const RedisReply&)> done)
{
    redis.command({"FUNCTION", "LOAD", "REPLACE", source()}, std::move(done));
}

} // namespace mmf
