#include "gateway/ServeRevocation.h"

#include "accounts/AccountStore.h"
#include "broker/BrokerKeys.h"
#include "gateway/AccessPolicy.h"
#include "gateway/ModelCatalog.h"
#include "gateway/ModelRedisUsers.h"
#include "redis/RedisClient.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

namespace mmf {

ServeRevocation::ServeRevocation(RedisClient& redis, ModelCatalog& catalog, ModelRedisUsers& users)
    : m_redis(redis)
    , m_catalog(catalog)
    , m_users(users)
{}

void ServeRevocation::stillServes(const v1::TokenClaims& claims, std::function<void(Result<void>)> done) const
{
    if (AccessPolicy::isSuperuser(claims))
        return done(Result<void>());
    const QByteArray user = QByteArray::fromStdString(claims.user_id());
    const QByteArray project = QByteArray::fromStdString(claims.project_id());
    m_redis.command({"EXISTS", AccountStore::accountKey(user)}, [this, user, project,
                                                                 done](const RedisReply& account) {
        if (account.isError())
            return done(Error::unavailable(QStringLiteral("accounts: Redis: %1").arg(account.toString())));
        if (account.integer() == 0)
            return done(Result<void>()); // an operator's token for a bare name
        m_redis.command({"HGET", AccountStore::membersKey(project), user}, [project,
                                                                            done](const RedisReply& member) {
            if (member.isError())
                return done(Error::unavailable(QStringLiteral("accounts: Redis: %1").arg(member.toString())));
            const QList<QByteArray> methods = AccountStore::splitMethods(member.view());
            if (methods.contains("serve") || methods.contains("admin"))
                return done(Result<void>());
            done(Error::permissionDenied(QStringLiteral("this user no longer has 'serve' in project %1")
                                             .arg(QString::fromUtf8(project))));
        });
    });
}

void ServeRevocation::revoke(const QByteArray& project, const QByteArray& userId,
                             std::function<void(Result<void>)> done)
{
    QList<QByteArray> models;
    for (const ModelInfoPtr& model : m_catalog.all()) {
        if (model->project == project)
            models.append(model->name);
    }
    if (models.isEmpty())
        return done(Result<void>());
    auto remaining = std::make_shared<qsizetype>(models.size() * 2);
    auto failure = std::make_shared<std::optional<Error>>();
    auto oneDone = [remaining, failure, done](Result<void> step) {
        if (!step && !*failure)
            *failure = step.error();
        if (--*remaining > 0)
            return;
        if (*failure)
            return done(**failure);
        done(Result<void>());
    };
    for (const QByteArray& model : std::as_const(models)) {
        m_users.rotate(model, oneDone);
        // The user's instances leave the registry (the leader reclaims their entries once the claims expire).
        m_redis.command({"HGETALL", BrokerKeys::instances(model)}, [this, model, userId,
                                                                    oneDone](const RedisReply& all) {
            if (all.isError())
                return oneDone(Error::unavailable(QStringLiteral("registry: Redis: %1").arg(all.toString())));
            std::vector<QByteArray> drop{"HDEL", BrokerKeys::instances(model)};
            for (qsizetype i = 0; i + 1 < all.size(); i += 2) {
                const QJsonObject instance = QJsonDocument::fromJson(all.at(i + 1).toByteArray()).object();
                if (instance.value(QStringLiteral("user_id")).toString().toUtf8() == userId)
                    drop.push_back(all.at(i).toByteArray());
            }
            if (drop.size() == 2)
                return oneDone(Result<void>());
            m_redis.command(drop, [this, oneDone](const RedisReply& dropped) {
                if (dropped.isError())
                    return oneDone(
                        Error::unavailable(QStringLiteral("registry: Redis: %1").arg(dropped.toString())));
                m_catalog.refresh();
                oneDone(Result<void>());
            });
        });
    }
}

} // namespace mmf
