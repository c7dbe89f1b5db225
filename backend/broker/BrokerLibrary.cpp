#include "broker/BrokerLibrary.h"

namespace mmf {

namespace {

// One library, loaded by every server with FUNCTION LOAD REPLACE on each connect; gateways, workers and the
// leader call it with FCALL. Every function takes exactly one key, the model's task stream mmf:{m}:tasks, and
// derives the model's other keys from it, so each call touches one hash slot (Redis Cluster) and the caller's
// ACL (commands and key patterns) applies to everything a function does.
//
// The read is the start: a stream entry carries what a worker needs to run the task at once (`id`, the
// envelope `env`, `a` the attempt it runs as). The task hash keeps the request (`req`, for reading the task
// back and for a replay, whose envelope the server makes afresh) and the envelope only while no entry carries
// it and the task will run again here: a retry waiting in `delayed` (copied from the failed attempt's entry)
// and a task held while paused. So a task that runs once writes its envelope once (tasks of older servers
// keep `env` in the hash from the start).
// A worker records the start with the outcome (`mmf_finish` of a task still `queued` whose `e` is the entry)
// or, for a task that runs longer or writes logs, with `mmf_running`. Entries without `a` (queued before
// that) go through `mmf_start` first; entries with only `env` (older still) through the old mmf:{m}:inflight
// hash. Because a read entry runs, nothing that must not run may be readable: cancel deletes a queued task's
// entry, and a pause parks the group's cursor at the stream's end and holds new tasks in mmf:{m}:held
// (syncHold).
const char* const kSource = R"LUA(#!lua name=mmf

-- Raised with every change to this text (tst_brokerlibraryguard holds the digest of each version): a server
-- never replaces a library of a higher version (BrokerLibraryGuard). A function's arguments never change under
-- its name: a new layout is a new name, and the old name stays while older callers may call it.
local libraryVersion = 5

redis.register_function{function_name = 'mmf_version', flags = {'no-writes'},
                        callback = function() return libraryVersion end}

local function prefix(tasksKey) return string.sub(tasksKey, 1, -6) end

-- Events are a live feed: servers tail mmf:{m}:events from a few seconds back and answer nothing from an old
-- event (a ?wait reads the task hash again once woken or at its deadline). So they stay out of the AOF and the
-- replication stream (REPL_NONE): a quarter of the AOF's bytes per task and ~3 µs of Redis's CPU. A Redis that
-- restarts comes back without them, as it already came back without the last second of them.
local function event(p, maxlen, ...)
  redis.set_repl(redis.REPL_NONE)
  redis.call('XADD', p .. 'events', 'MAXLEN', '~', maxlen, '*', ...)
  redis.set_repl(redis.REPL_ALL)
end

-- A final event with timings: `q`, the first attempt's start, only when it is not `s` (a retried task); readers
-- take `s` for a missing `q`. No table is built for it (one argument list or the other).
local function finalEvent(p, maxlen, first, started, ...)
  if first ~= started then
    event(p, maxlen, 'q', first, ...)
  else
    event(p, maxlen, ...)
  end
end

-- Stream ids "ms-seq" compared as numbers (ms fits a Lua double exactly).
local function idParts(id)
  local dash = string.find(id, '-', 1, true)
  if not dash then return tonumber(id) or 0, 0 end
  return tonumber(string.sub(id, 1, dash - 1)) or 0, tonumber(string.sub(id, dash + 1)) or 0
end

-- What a final event carries for metrics, so that no running event is needed to know it: c created, s the
-- start of the last attempt, q the start of the first (from its h1 record when the task was retried). Final
-- events of finished and dead-lettered attempts also carry i, the instance: with them the gateway answers a
-- submit's ?wait without reading the task back.
local function firstStart(firstRecord, started)
  local ok, past = pcall(cjson.decode, firstRecord)
  if ok and type(past) == 'table' and type(past.s) == 'string' and past.s ~= '' then return past.s end
  return started
end
local function timings(created, started, firstRecord)
  local first = started
  if firstRecord then first = firstStart(firstRecord, started) end
  return created or '', started or '', first or ''
end

-- A start known only from a worker's clock (its read time, or its now less Redis's idle time of the entry) is
-- kept between the earliest it can be — the task's creation, for a retried task the end of its last attempt
-- (from that attempt's h<att> record; `firstRecord` is h1, read already) and the time the retry was due (`due`,
-- the task's n) — and now: the clocks of the server, the workers and Redis may disagree by a millisecond or two
-- (more across hosts), and the worker reads its now before its call travels to Redis, so now less the idle time
-- falls short of the delivery by that transit; a start before any of them would leave the attempt's queued
-- span in the timeline negative, or start a retry before it was due. → the start as a string
local function keptStart(taskKey, started, now, created, att, firstRecord, due)
  local floor = math.max(tonumber(created) or 0, tonumber(due) or 0)
  local done = tonumber(att) or 0
  if done >= 1 then
    local record = firstRecord
    if done > 1 then record = redis.call('HGET', taskKey, 'h' .. done) end
    if record then
      local ok, past = pcall(cjson.decode, record)
      if ok and type(past) == 'table' then floor = math.max(floor, tonumber(past.f) or 0) end
    end
  end
  local nowMs = tonumber(now)
  return tostring(math.min(nowMs, math.max(tonumber(started) or nowMs, floor)))
end

local function isPaused(p) return redis.call('HGET', p .. 'control', 'paused') == '1' end

-- The attempt after `att` attempts recorded. An entry is queued as nextAttempt(att), and att changes only when
-- a start is recorded: so a task still queued under the entry a worker read runs (or ran) as nextAttempt(att).
local function nextAttempt(att) return (tonumber(att) or 0) + 1 end

-- An attempt number as Redis wants it, without formatting a number per write for the common ones.
local attemptTexts = {'1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16'}
local function attemptText(n) return attemptTexts[n] or tostring(n) end

-- Queues a task to run as attempt `a`: a stream entry, or while paused a place in the held list (and the
-- envelope in the task hash: no entry carries it). → the entry id, or '' when held (the task hash's `e`).
local function enqueue(p, tasksKey, id, env, a, paused)
  if paused then
    redis.call('RPUSH', p .. 'held', id)
    redis.call('HSET', p .. 'task:' .. id, 'env', env)
    return ''
  end
  return redis.call('XADD', tasksKey, '*', 'id', id, 'env', env, 'a', attemptText(a))
end

-- Paused: the group's cursor moves to the stream's end, so the entries no worker has read stay where they are
-- but unread (where it was is kept in the control hash, `heldfrom`, the first time); tasks queued meanwhile
-- wait in the held list (enqueue). Not paused: the cursor goes back and the held tasks to the stream's end, in
-- order. O(1) in the backlog. Idempotent: the server calls it when a pause changes and on every promote tick,
-- so a lost call heals. → number of held tasks queued again
local function syncHold(p, tasksKey)
  local control = p .. 'control'
  local state = redis.call('HMGET', control, 'paused', 'heldfrom')
  if state[1] == '1' then
    local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', tasksKey)
    if not ok then return 0 end
    for _, g in ipairs(groups) do
      local name, last
      for i = 1, #g - 1, 2 do
        if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then last = g[i + 1] end
      end
      if name == 'workers' and last then
        redis.call('HSETNX', control, 'heldfrom', last)
        redis.call('XGROUP', 'SETID', tasksKey, 'workers', '$')
      end
    end
    return 0
  end
  if state[2] then
    redis.call('XGROUP', 'SETID', tasksKey, 'workers', state[2])
    redis.call('HDEL', control, 'heldfrom')
  end
  local moved = 0
  for _, id in ipairs(redis.call('LPOP', p .. 'held', 1000) or {}) do
    local taskKey = p .. 'task:' .. id
    local h = redis.call('HMGET', taskKey, 'st', 'env', 'att')
    if h[1] == 'queued' and h[2] then
      redis.call('HSET', taskKey, 'e', enqueue(p, tasksKey, id, h[2], nextAttempt(h[3]), false))
      moved = moved + 1
    end
  end
  return moved
end

local function ackAndDelete(tasksKey, entries)
  if #entries == 0 then return end
  redis.call('XACK', tasksKey, 'workers', unpack(entries))
  redis.call('XDEL', tasksKey, unpack(entries))
end

-- The entries of `consumer` among `entries` that it still owns, each with its idle time (ms since delivery:
-- workers renew claims only of tasks whose start is recorded): one XPENDING over their range.
local function owned(tasksKey, consumer, entries)
  -- Each id parsed once (a finish batch is tens of entries; comparing pairs parsed each id four times).
  local lo, hi = entries[1], entries[1]
  local loMs, loSeq = idParts(lo)
  local hiMs, hiSeq = loMs, loSeq
  for i = 2, #entries do
    local e = entries[i]
    local ms, seq = idParts(e)
    if ms < loMs or (ms == loMs and seq < loSeq) then lo, loMs, loSeq = e, ms, seq end
    if ms > hiMs or (ms == hiMs and seq > hiSeq) then hi, hiMs, hiSeq = e, ms, seq end
  end
  local set = {}
  for _, p in ipairs(redis.call('XPENDING', tasksKey, 'workers', lo, hi, 1000000, consumer)) do
    set[p[1]] = tonumber(p[3]) or 0
  end
  return set
end

-- A field of a stream entry (its fields as XRANGE or XAUTOCLAIM give them, or nil), or nil.
local function entryField(fields, name)
  if fields then
    for i = 1, #fields - 1, 2 do
      if fields[i] == name then return fields[i + 1] end
    end
  end
  return nil
end

-- The task id of an entry: its `id` field, or (entries queued before ids rode in the stream) the old index.
local function entryTaskId(p, entry, fields)
  return entryField(fields, 'id') or redis.call('HGET', p .. 'inflight', entry)
end

-- What a task whose entry was deleted while pending (only model m's own user or an operator can) says.
local payloadLost = 'the task was removed from the queue before it finished'

-- The envelope of a stream entry still in the stream, or nil: read before the entry is deleted by a path that
-- may queue its task again. A model user made before XRANGE was granted (it gets it at its next
-- registration) reads it by claiming the entry to its owner `consumer` again (the entry is pending there);
-- the callers acknowledge and delete it, or run it, at once.
local function entryEnvelope(tasksKey, entry, consumer)
  local found = redis.pcall('XRANGE', tasksKey, entry, entry)
  if type(found) ~= 'table' or found.err then
    found = redis.pcall('XCLAIM', tasksKey, 'workers', consumer, 0, entry)
    if type(found) ~= 'table' or found.err then return nil end
  end
  return entryField(found[1] and found[1][2], 'env')
end

-- A failed attempt waits for a retry or goes to the dead letters. The model's own policy (PATCH, in
-- mmf:{m}:retry) wins over the caller's defaults, so a change reaches running instances at once.
-- `run` = {entry, started ms, instance} of the attempt that failed. A task still queued under that entry ran
-- (or crashed) with its start unrecorded: the attempt counts all the same (nextAttempt), so a task that kills
-- its worker ends dead-lettered. `env` is the envelope of that attempt's entry (nil when unknown), kept in the
-- task hash for the retry (a replay gets a fresh one from the server). A retry whose envelope is nowhere (the
-- entry was deleted while pending: only model m's own user or an operator can do that) cannot run: the task
-- fails with payload_lost.
local function failAttempt(p, id, now, code, msg, maxAtt, initial, factor, maxBackoff, maxlen, run, env)
  local taskKey = p .. 'task:' .. id
  local h = redis.call('HMGET', taskKey, 'st', 'u', 'att', 's', 'i', 'c', 'h1', 'e', 'n')
  if not h[1] then return 'gone' end
  if h[1] ~= 'running' and h[1] ~= 'queued' then return h[1] end
  if h[1] == 'queued' and run and h[8] == run[1] then
    -- The attempt's start and instance, when known (a reclaim knows neither), replace an earlier attempt's.
    local started = run[2]
    if started ~= '' then started = keptStart(taskKey, started, now, h[6], h[3], h[7], h[9]) end
    h[3], h[4], h[5] = nextAttempt(h[3]), started, run[3]
    if h[4] ~= '' then
      redis.call('HSET', taskKey, 'att', h[3], 's', h[4], 'i', h[5])
    else
      redis.call('HSET', taskKey, 'att', h[3])
      redis.call('HDEL', taskKey, 's', 'i')
      h[4], h[5] = nil, nil
    end
  end
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
    finalEvent(p, maxlen, q, s, 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'dead_lettered', 'a', att,
               'ec', code, 'em', msg, 'c', c, 's', s, 'i', h[5] or '')
    return 'dead'
  end
  if not env and not redis.call('HMGET', taskKey, 'env')[1] then
    redis.call('HSET', taskKey, 'st', 'failed', 'f', now, 'ec', 'payload_lost', 'em', payloadLost)
    redis.call('HDEL', taskKey, 'n')
    local c, s, q = timings(h[6], h[4], h[7])
    finalEvent(p, maxlen, q, s, 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'failed', 'a', att,
               'ec', 'payload_lost', 'em', payloadLost, 'c', c, 's', s, 'i', h[5] or '')
    return 'payload_lost'
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
  if env then
    redis.call('HSET', taskKey, 'st', 'queued', 'n', due, 'ec', code, 'em', msg, 'h' .. att, past, 'env', env)
  else
    redis.call('HSET', taskKey, 'st', 'queued', 'n', due, 'ec', code, 'em', msg, 'h' .. att, past)
  end
  event(p, maxlen, 'k', 's', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'queued', 'a', att, 'n', due, 'ec', code,
        'em', msg)
  return 'retry'
end

-- Submits a call's tasks, `stride` arguments each (see mmf_submit2, mmf_submit).
local function submit(keys, args, stride)
  local p = prefix(keys[1])
  local now, retention = args[1], args[2]
  local paused = isPaused(p)
  local out = {}
  for i = 3, #args - stride + 1, stride do
    local id, env, u, project, parent = args[i], args[i + 1], args[i + 2], args[i + 3], args[i + 4]
    local taskKey = p .. 'task:' .. id
    if args[i + 5] == '1' and redis.call('EXISTS', taskKey) == 1 then
      out[#out + 1] = 'existing'
    else
      local entry = enqueue(p, keys[1], id, env, 1, paused)
      -- The request alone (the envelope rides in the entry); a caller that gives none keeps the envelope.
      local keptName, kept = 'req', args[i + 6]
      if stride < 7 then keptName, kept = 'env', env end
      if parent ~= '' then
        redis.call('HSET', taskKey, 'st', 'queued', 'u', u, 'p', project, 'c', now, keptName, kept, 'e', entry,
                   'par', parent)
      else
        redis.call('HSET', taskKey, 'st', 'queued', 'u', u, 'p', project, 'c', now, keptName, kept, 'e', entry)
      end
      redis.call('EXPIRE', taskKey, retention)
      out[#out + 1] = 'ok'
    end
  end
  return out
end

-- ARGV: now, retention s, then per task: id, envelope, user, project, parent, if-absent ("1": a task hash
-- that exists already is left alone — an idempotent retry), request (the envelope's, kept for reading the
-- task back). → per task "ok" | "existing"
redis.register_function('mmf_submit2', function(keys, args) return submit(keys, args, 7) end)

-- Servers before 2026-12-05: the same without the request (six per task); the task hash keeps the envelope.
redis.register_function('mmf_submit', function(keys, args) return submit(keys, args, 6) end)

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
    -- The hash keeps no envelope while an entry carries it (tasks of older servers did): read for a task that
    -- may run only.
    if (h[1] == 'queued' or h[1] == 'running') and not h[5] then h[5] = entryEnvelope(keys[1], entry, consumer) end
    if h[1] == 'running' and h[2] == consumer and h[3] == entry then
      out[#out + 1] = {'run', tonumber(h[4]) or 1, h[5] or ''}
    elseif (h[1] ~= 'queued' and h[1] ~= 'running') or not h[5] then
      drop[#drop + 1] = entry
      if h[1] then out[#out + 1] = {'skip', h[1]} else out[#out + 1] = {'gone'} end
    elseif paused then
      drop[#drop + 1] = entry
      redis.call('HSET', taskKey, 'e', enqueue(p, keys[1], id, h[5], nextAttempt(h[4]), true))
      out[#out + 1] = {'paused'}
    else
      local att = nextAttempt(h[4])
      redis.call('HSET', taskKey, 'st', 'running', 's', now, 'i', consumer, 'e', entry, 'att', attemptText(att))
      if h[7] then redis.call('HDEL', taskKey, 'n') end
      if watched then
        event(p, maxlen, 'k', 's', 'id', id, 'u', h[6] or '', 'ts', now, 'st', 'running', 'a', attemptText(att),
              'c', h[8] or '0')
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
-- → per task "ok" | "lost" (another consumer owns the entry now) | the status that made the answer moot.
-- A task still queued under the entry ran without a recorded start (the read is the start): its start (the
-- delivery: now − the entry's idle time), instance and attempt are written with the outcome, in its one HSET.
redis.register_function('mmf_finish', function(keys, args)
  local p = prefix(keys[1])
  local consumer, now, maxlen, inline = args[1], args[2], args[4], tonumber(args[5])
  local entries = {}
  for i = 6, #args - 5, 6 do entries[#entries + 1] = args[i] end
  if #entries == 0 then return {} end
  local mine = owned(keys[1], consumer, entries)
  local nowMs = tonumber(now)
  local out, acks = {}, {}
  for i = 6, #args - 5, 6 do
    local entry = args[i]
    local idle = mine[entry]
    if not idle then
      out[#out + 1] = 'lost'
    else
      acks[#acks + 1] = entry
      mine[entry] = nil
      local id, status = args[i + 1], args[i + 2]
      local taskKey = p .. 'task:' .. id
      local h = redis.call('HMGET', taskKey, 'st', 'u', 'att', 'ec', 'c', 's', 'h1', 'e', 'n')
      local st, att, started = h[1], h[3], h[6]
      -- Whether this call records the start: a task still queued under the entry ran without one.
      local records = st == 'queued' and h[8] == entry
      if records then
        -- The delivery, from the worker's clock less Redis's idle time.
        started = keptStart(taskKey, nowMs - idle, nowMs, h[5], att, h[7], h[9])
        att = attemptText(nextAttempt(att))
        if h[9] then redis.call('HDEL', taskKey, 'n') end
      end
      if not records and st ~= 'running' then
        out[#out + 1] = st or 'gone'
      else
        started = started or ''
        local first = started
        if h[7] then first = firstStart(h[7], started) end
        local u, c = h[2] or '', h[5] or ''
        att = att or ''
        if status == 'succeeded' then
          -- The result lives in the task hash (one write, one key, the hash's one expiry); results of tasks
          -- finished before it did stay in mmf:{m}:result:<id> until their retention ends.
          local result = args[i + 3]
          if records then
            redis.call('HSET', taskKey, 'st', 'succeeded', 'f', now, 'res', result, 's', started, 'i', consumer,
                       'att', att)
          else
            redis.call('HSET', taskKey, 'st', 'succeeded', 'f', now, 'res', result)
          end
          if h[4] then redis.call('HDEL', taskKey, 'ec', 'em') end
          if #result <= inline then
            finalEvent(p, maxlen, first, started, 'k', 'r', 'id', id, 'u', u, 'ts', now, 'st', 'succeeded', 'a',
                       att, 'c', c, 's', started, 'i', consumer, 'res', result)
          else
            finalEvent(p, maxlen, first, started, 'k', 'r', 'id', id, 'u', u, 'ts', now, 'st', 'succeeded', 'a',
                       att, 'c', c, 's', started, 'i', consumer, 'big', 1)
          end
        else
          local code, msg = args[i + 4], args[i + 5]
          if records then
            redis.call('HSET', taskKey, 'st', 'failed', 'f', now, 'ec', code, 'em', msg, 's', started, 'i',
                       consumer, 'att', att)
          else
            redis.call('HSET', taskKey, 'st', 'failed', 'f', now, 'ec', code, 'em', msg)
          end
          finalEvent(p, maxlen, first, started, 'k', 'r', 'id', id, 'u', u, 'ts', now, 'st', 'failed', 'a', att,
                     'c', c, 's', started, 'i', consumer, 'ec', code, 'em', msg)
        end
        out[#out + 1] = 'ok'
      end
    end
  end
  ackAndDelete(keys[1], acks)
  redis.call('HDEL', p .. 'inflight', unpack(entries))
  return out
end)

-- Records the start of tasks a worker runs already (read from entries that carry their envelope), for one
-- that runs long enough to be seen running or writes logs. Not fenced on a pause: a delivered entry is an
-- attempt under way. ARGV: consumer, now, events maxlen, then per entry: entry, task id, started ms.
-- → per entry "run" | the status that makes the run moot (cancelled, …) | "gone"; the outcome, fenced as
-- always, settles the entry either way.
redis.register_function('mmf_running', function(keys, args)
  local p = prefix(keys[1])
  local consumer, now, maxlen = args[1], args[2], args[3]
  local w = redis.pcall('EXISTS', p .. 'watch')
  local watched = type(w) ~= 'number' or w == 1
  local out = {}
  for i = 4, #args - 2, 3 do
    local entry, id, started = args[i], args[i + 1], args[i + 2]
    local taskKey = p .. 'task:' .. id
    local h = redis.call('HMGET', taskKey, 'st', 'i', 'e', 'att', 'u', 'n', 'c', 'h1')
    if h[1] == 'running' and h[2] == consumer and h[3] == entry then
      out[#out + 1] = 'run'
    elseif h[1] == 'queued' and h[3] == entry then
      started = keptStart(taskKey, started, now, h[7], h[4], h[8], h[6])
      local att = attemptText(nextAttempt(h[4]))
      redis.call('HSET', taskKey, 'st', 'running', 's', started, 'i', consumer, 'att', att)
      if h[6] then redis.call('HDEL', taskKey, 'n') end
      if watched then
        event(p, maxlen, 'k', 's', 'id', id, 'u', h[5] or '', 'ts', started, 'st', 'running', 'a', att,
              'c', h[7] or '0')
      end
      out[#out + 1] = 'run'
    else
      out[#out + 1] = h[1] or 'gone'
    end
  end
  return out
end)

-- Fenced: a failed attempt (the model threw). ARGV: consumer, now, events maxlen, max attempts, backoff
-- initial ms, factor, max ms, entry, task id, error code, message. → "retry" | "dead" | "payload_lost" (no
-- envelope left for the retry: the task failed) | "lost" | a final status (the answer moot)
redis.register_function('mmf_fail_attempt', function(keys, args)
  local p = prefix(keys[1])
  local consumer, entry = args[1], args[8]
  local idle = owned(keys[1], consumer, {entry})[entry]
  if not idle then return 'lost' end
  local env = entryEnvelope(keys[1], entry, consumer)
  ackAndDelete(keys[1], {entry})
  redis.call('HDEL', p .. 'inflight', entry)
  return failAttempt(p, args[9], args[2], args[10], args[11], args[4], args[5], args[6], args[7], args[3],
                     {entry, tostring(tonumber(args[2]) - idle), consumer}, env)
end)

-- Fenced: a task given back untouched (shutdown); a started attempt does not count, and the task is queued
-- again at once. ARGV: consumer, now, events maxlen, entry, task id. → "released" | "lost" | a final status
redis.register_function('mmf_release', function(keys, args)
  local p = prefix(keys[1])
  local entry, id = args[4], args[5]
  if not owned(keys[1], args[1], {entry})[entry] then return 'lost' end
  local env = entryEnvelope(keys[1], entry, args[1])
  ackAndDelete(keys[1], {entry})
  redis.call('HDEL', p .. 'inflight', entry)
  local taskKey = p .. 'task:' .. id
  local h = redis.call('HMGET', taskKey, 'st', 'u', 'att', 'env')
  h[4] = env or h[4]
  if (h[1] ~= 'running' and h[1] ~= 'queued') or not h[4] then return h[1] or 'gone' end
  local att = tonumber(h[3]) or 0
  if h[1] == 'running' and att > 0 then att = att - 1 end
  local again = enqueue(p, keys[1], id, h[4], nextAttempt(att), isPaused(p))
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
                  args[4], args[5], args[6], args[7], {e[1], '', ''}, entryField(e[2], 'env'))
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
        redis.call('HSET', taskKey, 'st', 'failed', 'f', now, 'ec', 'payload_lost', 'em', payloadLost)
        event(p, args[7], 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'failed', 'a', h[3] or 0,
              'ec', 'payload_lost', 'em', payloadLost)
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
                            args[3], args[4], args[5], args[6], args[7],
                            {entry, tostring(tonumber(args[2]) - (tonumber(e[3]) or 0)), args[1]},
                            entryField(found[1] and found[1][2], 'env'))
      if r == 'retry' or r == 'dead' then reclaimed = reclaimed + 1 end
    end
  end
  return reclaimed
end)

-- Server, every promote tick: due retries go back to the stream (ZREM decides who moves each), and the held
-- list follows the model's pause (syncHold). ARGV: now, limit. → number re-queued
redis.register_function('mmf_promote', function(keys, args)
  local p = prefix(keys[1])
  local n = 0
  local due = redis.call('ZRANGEBYSCORE', p .. 'delayed', '-inf', args[1], 'LIMIT', 0, args[2])
  local paused = #due > 0 and isPaused(p)
  for _, id in ipairs(due) do
    redis.call('ZREM', p .. 'delayed', id)
    local taskKey = p .. 'task:' .. id
    local h = redis.call('HMGET', taskKey, 'st', 'env', 'att')
    if h[1] == 'queued' and h[2] then
      -- n stays until the attempt's start is recorded: the earliest that start can be (keptStart).
      redis.call('HSET', taskKey, 'e', enqueue(p, keys[1], id, h[2], nextAttempt(h[3]), paused))
      n = n + 1
    end
  end
  syncHold(p, keys[1])
  return n
end)

-- Server, when a model's pause changes: see syncHold. → number of tasks moved
redis.register_function('mmf_sync_hold', function(keys, args)
  return syncHold(prefix(keys[1]), keys[1])
end)

-- Server. ARGV: task id, now, events maxlen.
-- → "cancelled" | "cancelled_running" | the final status it already had | "gone"
-- A queued task's entry leaves the stream, so no worker reads it; one a worker has read already is an attempt
-- under way (its start may not be recorded yet) and is told like a running one.
redis.register_function('mmf_cancel', function(keys, args)
  local p = prefix(keys[1])
  local id, now = args[1], args[2]
  local taskKey = p .. 'task:' .. id
  local h = redis.call('HMGET', taskKey, 'st', 'u', 'att', 'c', 'e')
  if not h[1] then return 'gone' end
  if h[1] ~= 'queued' and h[1] ~= 'running' then return h[1] end
  local running = h[1] == 'running'
  if h[1] == 'queued' and h[5] and h[5] ~= '' then
    local ok, pending = pcall(redis.call, 'XPENDING', keys[1], 'workers', h[5], h[5], 1)
    if ok and #pending > 0 then running = true else redis.call('XDEL', keys[1], h[5]) end
  end
  redis.call('ZREM', p .. 'delayed', id)
  redis.call('HSET', taskKey, 'st', 'cancelled', 'f', now)
  redis.call('HDEL', taskKey, 'n')
  -- Its creation only (total time): a queued task's start time, if any, is a past attempt's.
  event(p, args[3], 'k', 'r', 'id', id, 'u', h[2] or '', 'ts', now, 'st', 'cancelled', 'a', h[3] or 0,
        'c', h[4] or '', 'ec', 'cancelled', 'em', 'the task was cancelled')
  if running then return 'cancelled_running' end
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
  local entry = enqueue(p, keys[1], id, env, 1, isPaused(p))
  redis.call('HSET', taskKey, 'st', 'queued', 'att', 0, 'e', entry)
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

int BrokerLibrary::version()
{
    static const int version = versionOf(source());
    return version;
}

int BrokerLibrary::versionOf(QByteArrayView code)
{
    static const QByteArrayView kLine("\nlocal libraryVersion = ");
    const qsizetype at = code.indexOf(kLine);
    if (at < 0)
        return 0;
    int version = 0;
    for (qsizetype i = at + kLine.size(); i < code.size() && code[i] >= '0' && code[i] <= '9'; ++i) {
        version = version * 10 + (code[i] - '0');
        if (version > 1000000)
            return 0;
    }
    return version;
}

} // namespace mmf
