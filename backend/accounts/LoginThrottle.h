#pragma once

#include "accounts/AccountSettings.h"
#include "core/Result.h"
#include "redis/RedisScript.h"

#include <QByteArray>

#include <functional>

namespace mmf {

class RedisClient;

// Counts failed logins per login and per client address in Redis (so every server shares the counts) over a
// fixed window. Over the limit, a login attempt is refused with rate_limited and the seconds until the window
// ends — before any password is hashed. Unknown logins count like known ones (no account enumeration).
class LoginThrottle
{
public:
    LoginThrottle(RedisClient& redis, const AccountSettings& settings);

    void check(const QByteArray& login, const QByteArray& address, std::function<void(Result<void>)> done);
    void recordFailure(const QByteArray& login, const QByteArray& address);
    // A successful login clears its login's count (not the address's).
    void recordSuccess(const QByteArray& login);

    static QByteArray loginKey(QByteArrayView login);
    static QByteArray addressKey(QByteArrayView address);

private:
    RedisClient& m_redis;
    const AccountSettings& m_settings;
    RedisScript m_readScript;
    RedisScript m_failScript;
};

} // namespace mmf
