#include "gateway/WebSocketAccess.h"

#include "accounts/AccountStore.h"
#include "auth/TokenCodec.h"
#include "core/Error.h"
#include "redis/RedisClient.h"
#include "redis/RedisReply.h"

namespace mmf {

namespace {

Error redisError(const RedisReply& reply)
{
    return Error::unavailable(QStringLiteral("accounts: Redis: %1").arg(reply.toString()));
}

} // namespace

WebSocketAccess::WebSocketAccess(RedisClient& redis)
    : m_redis(redis)
{}

void WebSocketAccess::check(const v1::TokenClaims& claims, std::function<void(Result<QString>)> done) const
{
    const QByteArray userId = QByteArray::fromStdString(claims.user_id());
    const QByteArray project = QByteArray::fromStdString(claims.project_id());
    const bool claimsAdmin = hasMethod(claims, "admin");
    if (claims.superuser()) {
        // A superuser reaches every project by being one, not by a membership.
        m_redis.command({"SISMEMBER", AccountStore::superusersKey(), userId},
                        [done = std::move(done)](const RedisReply& reply) {
                            if (reply.isError())
                                return done(redisError(reply));
                            done(reply.integer() == 1 ? QString() : QStringLiteral("no longer a superuser"));
                        });
        return;
    }
    m_redis.command({"HGET", AccountStore::membersKey(project), userId}, [this, userId, project, claimsAdmin,
                                                                          done = std::move(done)](
                                                                             const RedisReply& reply) {
        if (reply.isError())
            return done(redisError(reply));
        if (!reply.isNil()) {
            const QList<QByteArray> methods = AccountStore::splitMethods(reply.view());
            if (!methods.contains("read"))
                return done(
                    QStringLiteral("'read' in project '%1' was withdrawn").arg(QString::fromUtf8(project)));
            if (claimsAdmin && !methods.contains("admin"))
                return done(
                    QStringLiteral("'admin' in project '%1' was withdrawn").arg(QString::fromUtf8(project)));
            return done(QString());
        }
        m_redis.command(
            {"EXISTS", AccountStore::accountKey(userId)}, [project, done](const RedisReply& exists) {
                if (exists.isError())
                    return done(redisError(exists));
                if (exists.integer() == 0)
                    return done(QString()); // no account: nothing to withdraw
                done(QStringLiteral("no longer a member of project '%1'").arg(QString::fromUtf8(project)));
            });
    });
}

} // namespace mmf
