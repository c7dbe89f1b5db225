#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace mmf::BrokerKeys {

// The Redis layout (docs/ARCHITECTURE.md keeps the table). Each model's keys share the hash tag {m}, so a
// model's ACL user may be limited to mmf:{m}:* keys and channels.

QByteArray tasks(QByteArrayView model);                            // stream, group "workers"
QByteArray task(QByteArrayView model, QByteArrayView taskId);      // hash
QByteArray result(QByteArrayView model, QByteArrayView taskId);    // string
QByteArray log(QByteArrayView model, QByteArrayView taskId);       // stream
QByteArray events(QByteArrayView model);                           // stream, trimmed
QByteArray delayed(QByteArrayView model);                          // sorted set by due time (ms)
QByteArray dead(QByteArrayView model);                             // stream
QByteArray deadIndex(QByteArrayView model);                        // hash: task id → dead stream entry id
QByteArray retrySettings(QByteArrayView model);                    // hash: the model's retry policy (PATCH)
QByteArray inflight(QByteArrayView model);                         // hash: stream entry id → task id
QByteArray modelInfo(QByteArrayView model);                        // hash: descriptors, types, project, ...
QByteArray instances(QByteArrayView model);                        // hash: instance id → JSON
QByteArray taskIndex(QByteArrayView taskId);                       // string: task id → model
QByteArray userTasks(QByteArrayView userId);                       // sorted set by created ms
QByteArray idempotency(QByteArrayView userId, QByteArrayView key); // string: "<task id> <body hash>"
QByteArray modelSet();                                             // set of known model names
QByteArray publicKeys();                                           // hash: key id → JSON
// Hash: `paused` "1" while paused, a mirror of the catalogue that the model's workers read.
QByteArray control(QByteArrayView model);
// list: ids of queued tasks kept out of the stream while the model is paused (BrokerLibrary syncHold)
QByteArray held(QByteArrayView model);
// String with a TTL, kept alive by every server that has a subscriber for the model's status events: while it
// exists, mmf_running (and mmf_start) write a running event per recorded start (StatusWatch).
QByteArray watch(QByteArrayView model);
// Sub-tasks of one parent task, by created ms (in the user's slot; they are not in userTasks).
QByteArray subTasks(QByteArrayView userId, QByteArrayView parentTaskId);
// The list a user's task is in: userTasks for a top-level task, the parent's subTasks for a sub-task. Written
// by servers only, it is what vouches for a task's owner (the task hash's `u` is model-written).
QByteArray taskList(QByteArrayView userId, QByteArrayView parentTaskId);

// The consumer group every instance of a model reads with.
inline constexpr const char* kGroup = "workers";
// The consumer the reclaimer moves dead instances' entries to before re-queueing them.
inline constexpr const char* kReaper = "mmf-reaper";

// [a-z][a-z0-9_-]{0,62}: no glob characters can reach an ACL pattern.
bool isValidModelName(QByteArrayView name);

} // namespace mmf::BrokerKeys
