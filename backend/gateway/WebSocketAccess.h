#pragma once

#include "core/Result.h"

#include "mmf/v1/token.pb.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace mmf {

class RedisClient;

// Whether a WebSocket's claims still hold in the account store: the user is still a member of the token's
// project with `read` (and with `admin`, when the token claims it), or still a superuser when the token says
// so. Read from Redis, which every server
// shares, so a membership removed or changed through any server is seen by every server's sockets at their
// next check, without a channel of its own to keep in step. A user id without an account (an operator's
// `mmf-server token issue` identity, a service) has no membership to lose: its claims stand until they
// expire.
class WebSocketAccess
{
public:
    explicit WebSocketAccess(RedisClient& redis);

    // done(empty string): still allowed; done(reason): no longer. A Redis failure comes back as an error.
    void check(const v1::TokenClaims& claims, std::function<void(Result<QString>)> done) const;

private:
    RedisClient& m_redis;
};

} // namespace mmf
