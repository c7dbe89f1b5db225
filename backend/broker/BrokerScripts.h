#pragma once

#include "redis/RedisScript.h"

namespace mmf {

// The Lua scripts that move a task through its states. Each runs atomically in Redis, so several servers and
// instances can act on one task without double work: a retry is re-queued once, a result stored once.
// Task hash fields: st status, att attempts, u user, p project, m model, c/s/f created/started/finished ms,
// n next attempt ms, ec/em last error, env envelope, par parent task, i instance, e current stream entry,
// ls log sequence. Event entries: k kind (s status, l log, p progress, r result), id, u, ts, st, a, seq, lv,
// tx, fr, res (result bytes when small), big (result too large to ride along), ec, em.
// docs/ARCHITECTURE.md documents the arguments of each script.
struct BrokerScripts
{
    BrokerScripts();

    // Server. KEYS: task, tasks, events, inflight, taskidx, user tasks, idempotency key.
    // ARGV: id, envelope, user, project, model, created ms, retention s, parent, idem value ("" = none),
    //       events maxlen, body hash.
    // → {"ok", id} | {"existing", id} | {"conflict", id}
    RedisScript submit;
    // Server. KEYS: tasks, events, inflight, user tasks, then per task: task key, taskidx key.
    // ARGV: user, project, model, created ms, retention s, events maxlen, parent, then per task: id,
    // envelope. → number of tasks queued
    RedisScript submitBatch;
    // Worker. KEYS: task, events, tasks, inflight. ARGV: entry, instance, now ms, task id, events maxlen.
    // → {"run", attempts} | {"skip", status} | {"gone"}. Idempotent: the same instance starting the same
    // entry again (a retried call) gets the same attempt number.
    RedisScript start;
    // Worker. KEYS: task, log, events. ARGV: task id, user, ts ms, kind ("l" | "p"), level | fraction, text,
    //       retention s, events maxlen.
    RedisScript log;
    // Worker, fenced on ownership of the entry. KEYS: task, tasks, events, result, inflight.
    // ARGV: entry, consumer, status ("succeeded" | "failed"), result, error code, error message, now ms,
    //       retention s, events maxlen, inline result limit, task id.
    // → "ok" | "lost" (another consumer owns it now) | the status that made the result moot (e.g.
    // "cancelled")
    RedisScript finish;
    // Worker, fenced: a failed attempt (the model threw). KEYS: task, tasks, events, delayed, dead, inflight.
    // ARGV: entry, consumer, task id, now ms, error code, error message, max attempts, backoff initial ms,
    //       backoff factor, backoff max ms, events maxlen.
    // The model's mmf:{m}:retry hash (set by PATCH), when present, overrides the four retry arguments; a dead
    // letter is indexed in mmf:{m}:deadidx (task id → dead entry) — so do reclaim and reclaimConsumer.
    // → "retry" | "dead" | "lost" | a final status
    RedisScript failAttempt;
    // Worker, fenced: gives a task back untouched (shutdown): the attempt does not count, the task is queued
    // again at once. A task read but not started yet (still queued) goes back the same way, attempts
    // unchanged. KEYS: task, tasks, events, inflight. ARGV: entry, consumer, task id, now ms, events maxlen.
    // → "released" | "lost" | a final status
    RedisScript release;
    // Worker, fenced: an entry whose envelope does not decode goes to the dead stream (fields id — from
    // inflight,
    // "" when unknown —, entry, u, a, ec, em, ts) and is acknowledged and deleted; its task, if inflight
    // names one that is still queued or running, ends dead_lettered. KEYS: tasks, dead, inflight, events.
    // ARGV: entry, consumer, now ms, error code, error message, events maxlen, model.
    // → "ok" | "lost"
    RedisScript deadLetter;
    // Server: entries idle past the claim timeout belong to dead instances; each is a failed attempt.
    // KEYS: tasks, events, delayed, dead, inflight. ARGV: model, min idle ms, now ms, max attempts,
    //       backoff initial ms, backoff factor, backoff max ms, events maxlen, count.
    // → {reclaimed, payload_lost, next cursor}
    RedisScript reclaim;
    // Server (leader): an evicted instance's pending entries, by its consumer name, each a failed attempt
    // (instance_lost) at once. KEYS: tasks, events, delayed, dead, inflight. ARGV: model, consumer, now ms,
    // max attempts, backoff initial ms, backoff factor, backoff max ms, events maxlen, count.
    // → number of tasks re-queued or dead-lettered
    RedisScript reclaimConsumer;
    // Server: due retries go back to the stream. KEYS: delayed, tasks, inflight. ARGV: model, now ms, limit.
    // → number re-queued
    RedisScript promote;
    // Server. KEYS: task, events, delayed. ARGV: task id, now ms, events maxlen.
    // → "cancelled" | "cancelled_running" | the final status it already had | "gone"
    RedisScript cancel;
    // Server (admin): a dead letter queued again under its own id, attempts 0, `queued` event; the envelope
    // (ARGV, "" = keep the stored one) normally carries a fresh task token. KEYS: task, tasks, events,
    // inflight, dead, dead index, delayed. ARGV: task id, envelope, now ms, retention s, events maxlen.
    // → "ok" | "not_found" (not in the dead list, or no longer dead_lettered)
    RedisScript replay;
    // Server (admin): a dead letter leaves the list; the task stays dead_lettered. KEYS: dead, dead index.
    // ARGV: task id. → 1 | 0 (not listed)
    RedisScript discardDead;
};

} // namespace mmf
