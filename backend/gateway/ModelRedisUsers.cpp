#include "gateway/ModelRedisUsers.h"

#include "broker/BrokerKeys.h"
#include "redis/RedisClient.h"

#include <QLoggingCategory>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcRedisUsers, "mmf.gateway.redisusers")

namespace mmf {

namespace {

QByteArray randomPassword()
{
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(random.data()), 8);
    return random.toHex();
}

Error aclError(const QByteArray& model, const RedisReply& reply)
{
    const QString text = reply.toString();
    if (reply.isUnavailable())
        return Error::unavailable(QStringLiteral("cannot create the Redis user of model %1: %2")
                                      .arg(QString::fromUtf8(model), text));
    // NOPERM (the server's Redis user may not run ACL), ERR unknown command (Redis < 6), ...
    return Error::unavailable(
        QStringLiteral(
            "cannot create the Redis user of model %1 (ACL SETUSER failed: %2); the server's Redis "
            "user needs permission for ACL SETUSER (Redis 7 or later)")
            .arg(QString::fromUtf8(model), text));
}

} // namespace

ModelRedisUsers::ModelRedisUsers(RedisClient& redis)
    : m_redis(redis)
    , m_known(std::make_shared<QHash<QByteArray, QByteArray>>())
{}

QByteArray ModelRedisUsers::userName(QByteArrayView model)
{
    return "mmf-model-" + model.toByteArray();
}

QByteArray ModelRedisUsers::passwordKey(QByteArrayView model)
{
    return "mmf:redisuser:" + model.toByteArray();
}

const QByteArrayList& ModelRedisUsers::commandRules()
{
    // Every command a worker sends (backend/worker, shared/redis/RedisClient) and every command the library
    // functions it calls (BrokerLibrary mmf_start, mmf_running, mmf_log, mmf_finish, mmf_fail_attempt,
    // mmf_release, mmf_dead_letter) run: functions run with the caller's ACL. FCALL only, never EVAL/EVALSHA:
    // a model must not run Lua of its own (an endless script blocks every server). AUTH needs no rule. Keep
    // docs/ARCHITECTURE.md
    // ("Per-model Redis users") in step.
    static const QByteArrayList rules = {
        "+ping",           // connection handshake when nothing else is sent
        "+select",         // handshake, db != 0
        "+client|setname", // handshake: the instance's name in CLIENT LIST
        "+fcall",          // the broker library
        "+xgroup|create",  // the consumer group (MKSTREAM) if the server has not made it
        "+xreadgroup",     // taking tasks
        "+xclaim",         // renewing the claims of tasks in hand (JUSTID)
        "+xrange",         // functions: the envelope of a failed or given-back attempt's entry
        "+hget",           // cancellation polling; functions: entries queued by older servers
        "+hmget",          // checking an earlier finish; functions
        "+hset",           // functions: task state
        "+hdel",           // functions: task fields
        "+hincrby",        // functions: log sequence
        "+xadd",           // functions: events, log lines, dead letters, re-queue on release
        "+xack",           // functions
        "+xdel",           // functions
        "+xpending",       // functions: the finishing fence
        "+zadd",           // functions: delayed retries
        "+expire",         // functions: retention of the log
        "+exists",         // functions: whether a server has a status subscriber (mmf:{m}:watch)
        "+rpush",          // functions: a task given back while the model is paused waits in mmf:{m}:held
    };
    return rules;
}

QByteArrayList ModelRedisUsers::aclRules(QByteArrayView model)
{
    const QByteArray pattern = "mmf:{" + model.toByteArray() + "}:*";
    QByteArrayList rules{'~' + pattern, '&' + pattern, "-@all"};
    rules += commandRules();
    return rules;
}

void ModelRedisUsers::ensure(const QByteArray& model, Done done)
{
    // A password remembered from earlier is offered first, so a Redis that lost the key gets it back.
    const QByteArray candidate = m_known->value(model);
    const QByteArray offer = candidate.isEmpty() ? randomPassword() : candidate;
    m_redis.command(
        {"SET", passwordKey(model), offer, "NX", "GET"},
        [this, model, offer, done = std::move(done),
         known = std::weak_ptr(m_known)](const RedisReply& reply) mutable {
            if (reply.isError()) {
                done(Error::unavailable(QStringLiteral("cannot keep the Redis password of model %1: %2")
                                            .arg(QString::fromUtf8(model), reply.toString())));
                return;
            }
            if (known.expired())
                return;
            // Nil: our offer was stored; else the one stored earlier (by any server) wins.
            const QByteArray password = reply.isNil() ? offer : reply.toByteArray();
            setUser(model, password, std::move(done));
        });
}

void ModelRedisUsers::setUser(const QByteArray& model, const QByteArray& password, Done done)
{
    std::vector<QByteArray> args{QByteArrayLiteral("ACL"),   QByteArrayLiteral("SETUSER"), userName(model),
                                 QByteArrayLiteral("reset"), QByteArrayLiteral("on"),      '>' + password};
    for (const QByteArray& rule : aclRules(model))
        args.push_back(rule);
    m_redis.command(args, [model, password, done = std::move(done),
                           known = std::weak_ptr(m_known)](const RedisReply& reply) {
        if (reply.isError() || reply.view() != "OK") {
            done(aclError(model, reply));
            return;
        }
        if (const auto map = known.lock())
            map->insert(model, password);
        done(Credentials{userName(model), password});
    });
}

void ModelRedisUsers::rotate(const QByteArray& model, std::function<void(Result<void>)> done)
{
    const QByteArray fresh = randomPassword();
    m_redis.command({"SET", passwordKey(model), fresh}, [this, model, fresh, done,
                                                         known = std::weak_ptr(m_known)](
                                                            const RedisReply& stored) {
        if (stored.isError())
            return done(Error::unavailable(QStringLiteral("cannot rotate the Redis password of model %1: %2")
                                               .arg(QString::fromUtf8(model), stored.toString())));
        if (known.expired())
            return;
        setUser(model, fresh, [this, model, done, known](Result<Credentials> set) {
            if (!set)
                return done(set.error());
            if (known.expired())
                return;
            m_redis.command(
                {"CLIENT", "KILL", "USER", userName(model)}, [model, done](const RedisReply& killed) {
                    if (killed.isError())
                        return done(
                            Error::unavailable(QStringLiteral("cannot close the Redis connections of model "
                                                              "%1: %2")
                                                   .arg(QString::fromUtf8(model), killed.toString())));
                    done(Result<void>());
                });
        });
    });
}

void ModelRedisUsers::reapply()
{
    const auto logError = [](Result<Credentials> done) {
        if (!done)
            qCWarning(lcRedisUsers).noquote() << done.error().message;
    };
    for (auto it = m_known->cbegin(); it != m_known->cend(); ++it)
        ensure(it.key(), logError);
    // Models other servers (or an earlier run of this one) set up: restore their users with the stored
    // password, so their running instances can reconnect; a model without a stored password waits for its
    // next registration.
    m_redis.command({"SMEMBERS", BrokerKeys::modelSet()},
                    [this, logError, known = std::weak_ptr(m_known)](const RedisReply& reply) {
                        const auto map = known.lock();
                        if (!map || !reply.isArray())
                            return;
                        for (qsizetype i = 0; i < reply.size(); ++i) {
                            const QByteArray model = reply.at(i).toByteArray();
                            if (map->contains(model) || !BrokerKeys::isValidModelName(model))
                                continue;
                            m_redis.command({"GET", passwordKey(model)}, [this, model, logError,
                                                                          known](const RedisReply& password) {
                                if (known.expired() || !password.isString() || password.view().isEmpty())
                                    return;
                                setUser(model, password.toByteArray(), logError);
                            });
                        }
                    });
}

} // namespace mmf
