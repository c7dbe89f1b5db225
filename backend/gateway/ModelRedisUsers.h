#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QHash>

#include <functional>
#include <memory>

namespace mmf {

class RedisClient;

// Per-model Redis ACL users. ensure(m) makes sure Redis has the user `mmf-model-<m>`, allowed only the keys
// and channels `mmf:{m}:*` and exactly the commands the worker runtime and its Lua scripts send
// (commandRules()), and answers its credentials; registration hands those to the instance instead of the
// server's own.
//
// The password is 32 random bytes (hex), kept in the global key `mmf:redisuser:<m>` (`SET NX GET`), so every
// server and every restart hands out the same one, and a model's user cannot read it (it is outside
// `mmf:{m}:*`). `ACL SETUSER ... reset ...` runs on every ensure(): it is idempotent and restores a user that
// a Redis restart lost. reapply() runs it again for every model this server has set up (call it on
// reconnect): when the password key was lost too, the remembered password is written back, so running
// instances can still reconnect. Asynchronous on the server's RedisClient; never blocks. Failures (Redis
// down, or a Redis user without the ACL permission) are `unavailable` errors naming the cause; there is no
// fallback to the server's credentials.
class ModelRedisUsers
{
public:
    struct Credentials
    {
        QByteArray user;
        QByteArray password;
    };
    using Done = std::function<void(Result<Credentials>)>;

    explicit ModelRedisUsers(RedisClient& redis);

    // `model` must satisfy BrokerKeys::isValidModelName (no glob characters reach the ACL patterns).
    void ensure(const QByteArray& model, Done done);
    // A new password for the model's user, and every connection made with the old one closed (Redis keeps an
    // authenticated connection after a password change). Instances still entitled fetch the new one.
    void rotate(const QByteArray& model, std::function<void(Result<void>)> done);
    // ensure() for every model this object set up; and for every other known model (mmf:models) whose
    // password is stored, SETUSER with it. Call on each (re)connect. Errors are logged.
    void reapply();

    static QByteArray userName(QByteArrayView model);    // "mmf-model-<m>"
    static QByteArray passwordKey(QByteArrayView model); // "mmf:redisuser:<m>"
    // The ACL rules after the password: key and channel patterns, -@all, then +command for each command.
    static QByteArrayList aclRules(QByteArrayView model);
    // The commands a worker may run (+rule form, e.g. "+xgroup|create"); docs/ARCHITECTURE.md lists why.
    static const QByteArrayList& commandRules();

private:
    void setUser(const QByteArray& model, const QByteArray& password, Done done);

    RedisClient& m_redis;
    // model → the password handed out (for reapply); shared with callbacks that may outlive this object.
    std::shared_ptr<QHash<QByteArray, QByteArray>> m_known;
};

} // namespace mmf
