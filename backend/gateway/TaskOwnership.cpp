#include "gateway/TaskOwnership.h"

#include "broker/BrokerKeys.h"
#include "redis/RedisClient.h"

#include <memory>
#include <optional>

namespace mmf {

namespace {
QByteArray keyOf(const QByteArray& user, const QByteArray& taskId)
{
    return user + '\n' + taskId;
}
} // namespace

TaskOwnership::TaskOwnership(RedisClient& redis, qsizetype capacity)
    : m_redis(redis)
    , m_capacity(capacity)
{}

TaskOwnership::Known TaskOwnership::known(const QByteArray& user, const QByteArray& taskId) const
{
    const QByteArray key = keyOf(user, taskId);
    auto it = m_known.constFind(key);
    if (it == m_known.constEnd()) {
        it = m_previous.constFind(key);
        if (it == m_previous.constEnd())
            return Known::Unknown;
    }
    return *it ? Known::Yes : Known::No;
}

void TaskOwnership::ask(const QByteArray& user, const QByteArray& model, const QByteArray& taskId,
                        std::function<void(bool)> done)
{
    const QByteArray key = keyOf(user, taskId);
    auto& waiting = m_asking[key];
    waiting.push_back(std::move(done));
    if (waiting.size() > 1)
        return; // a question is out already
    // Both at once (answered in order): the user's list, and the parent in case it is a sub-task.
    auto listed = std::make_shared<std::optional<bool>>();
    m_redis.command({"ZSCORE", BrokerKeys::userTasks(user), taskId}, [listed](const RedisReply& reply) {
        if (!reply.isError())
            *listed = !reply.isNil();
    });
    m_redis.command({"HGET", BrokerKeys::task(model, taskId), "par"},
                    [this, key, user, taskId, listed](const RedisReply& parent) {
                        if (!listed->has_value() || parent.isError())
                            return settle(key, false, false);
                        if (**listed || parent.isNil() || parent.view().isEmpty())
                            return settle(key, **listed, true);
                        m_redis.command({"ZSCORE", BrokerKeys::taskList(user, parent.toByteArray()), taskId},
                                        [this, key](const RedisReply& sub) {
                                            if (sub.isError())
                                                settle(key, false, false);
                                            else
                                                settle(key, !sub.isNil(), true);
                                        });
                    });
}

void TaskOwnership::vouch(const QByteArray& user, const QByteArray& taskId)
{
    if (m_listeners > 0)
        keep(keyOf(user, taskId), true);
}

void TaskOwnership::forget(const QByteArray& user, const QByteArray& taskId)
{
    if (m_known.isEmpty() && m_previous.isEmpty())
        return;
    const QByteArray key = keyOf(user, taskId);
    m_known.remove(key);
    m_previous.remove(key);
}

void TaskOwnership::keep(const QByteArray& key, bool owns)
{
    if (m_known.size() >= (m_capacity + 1) / 2) {
        m_previous = std::move(m_known);
        m_known = {};
    }
    m_known.insert(key, owns);
}

void TaskOwnership::settle(const QByteArray& key, bool owns, bool lasting)
{
    if (lasting)
        keep(key, owns);
    const std::vector<std::function<void(bool)>> waiting = m_asking.take(key);
    for (const auto& done : waiting)
        done(owns);
}

} // namespace mmf
