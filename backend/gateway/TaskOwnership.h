#pragma once

#include <QByteArray>
#include <QHash>

#include <functional>
#include <vector>

namespace mmf {

class RedisClient;

// Whether a user owns a task, by the servers' own records: the user's task list holds a top-level task, the
// parent's sub-task list of that user a sub-task. For what a model writes about its tasks' owners (an event's
// `u`), which is input from the model, never evidence. Answers are kept (a task's owner never changes) until
// the task's final event has passed (forget()), for at most about `capacity` tasks (two generations: the
// older half goes when the newer fills); one question per user and task is out at a time.
class TaskOwnership
{
public:
    enum class Known
    {
        Yes,
        No,
        Unknown
    };

    explicit TaskOwnership(RedisClient& redis, qsizetype capacity = 16384);

    Known known(const QByteArray& user, const QByteArray& taskId) const;
    // `user` owns `taskId`: this server listed it (a submit it accepted), so its events need not ask. Kept
    // only while some subscription may ask (listen()): a server without one keeps nothing.
    void vouch(const QByteArray& user, const QByteArray& taskId);
    // Subscriptions that may ask (model topics), counted up and down by the WebSocket hub.
    void listen(int delta) { m_listeners += delta; }
    // The task's final event has passed: nothing more to vouch for (a replay's events ask again).
    void forget(const QByteArray& user, const QByteArray& taskId);
    // Asks the records; `done(owns)` runs with Redis's answer, never from inside this call. false also when
    // Redis failed (not kept: the next question asks again). The task hash of `model` gives the parent (its
    // `par`, model-written, only picks which of the user's server-written lists to look in).
    void ask(const QByteArray& user, const QByteArray& model, const QByteArray& taskId,
             std::function<void(bool)> done);

private:
    // Runs the questions' callbacks; a `lasting` answer (not a failure) is kept.
    void settle(const QByteArray& key, bool owns, bool lasting);
    void keep(const QByteArray& key, bool owns);

    RedisClient& m_redis;
    qsizetype m_capacity;
    int m_listeners = 0;
    QHash<QByteArray, bool> m_known;    // user '\n' task id → owns: the newer generation
    QHash<QByteArray, bool> m_previous; // the older one
    QHash<QByteArray, std::vector<std::function<void(bool)>>> m_asking;
};

} // namespace mmf
