#pragma once

#include "core/Result.h"

#include "mmf/v1/token.pb.h"

#include <QByteArray>

#include <functional>

namespace mmf {

class ModelCatalog;
class ModelRedisUsers;
class RedisClient;

// What taking `serve` away from a user does. A serve token is checked offline and the model's Redis password
// is shared by its instances, so both need a server-side answer:
//  - stillServes(): an account's current membership must still grant serve (or admin) in the token's project
//    for a registration or a credentials fetch; tokens that name no account (issued by the operator) are
//    trusted until they expire or their key is rotated;
//  - revoke(): every model of the project gets a new Redis password and loses its open connections, and the
//    user's instances leave the registry. Instances still entitled fetch the new password
//    (GET /api/v1/registry/instances/{id}/credentials); the revoked user's requests get 403.
class ServeRevocation
{
public:
    ServeRevocation(RedisClient& redis, ModelCatalog& catalog, ModelRedisUsers& users);

    void stillServes(const v1::TokenClaims& claims, std::function<void(Result<void>)> done) const;
    void revoke(const QByteArray& project, const QByteArray& userId, std::function<void(Result<void>)> done);

private:
    RedisClient& m_redis;
    ModelCatalog& m_catalog;
    ModelRedisUsers& m_users;
};

} // namespace mmf
