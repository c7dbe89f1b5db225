#pragma once

#include "accounts/AccountSettings.h"
#include "core/Result.h"
#include "redis/RedisScript.h"

#include <QByteArray>

#include <functional>
#include <vector>

namespace mmf {

class RedisClient;

// Throttles password guessing and sign-up floods with counters in Redis (so every server shares them), each
// over a fixed window. The design follows OWASP's brute-force guidance and Azure AD's "smart lockout":
// - failures are counted per (login, address) pair: a guesser locks only its own pair, never the owner of the
//   login signing in from elsewhere;
// - per address, over all logins (password spraying from one address);
// - per login over all addresses, with a much higher cap that slows a distributed attack; addresses from
//   which the login signed in successfully before ("familiar" ones, remembered for a session's life) are
//   exempt from that cap, so a botnet cannot lock the owner out either.
// An attempt is reserved before any password is hashed: the check and the count are one atomic step, so N
// parallel guesses let at most the limit through. The caller settles a reservation exactly once: succeeded()
// (the pair's count is cleared, the other two are given back, the address becomes familiar), failed()
// (nothing to do: the reservation already counted), or release() (never hashed: all three are given back).
// Unknown logins count like known ones (no account enumeration).
class LoginThrottle
{
public:
    LoginThrottle(RedisClient& redis, const AccountSettings& settings);

    // rate_limited with the seconds until the longest blocking window ends, or a reserved attempt.
    void reserve(const QByteArray& login, const QByteArray& address, std::function<void(Result<void>)> done);
    void succeeded(const QByteArray& login, const QByteArray& address);
    void release(const QByteArray& login, const QByteArray& address);

    // Registrations per client address within the registration window (each costs a hash): counted here,
    // rate_limited over the cap.
    void reserveRegistration(const QByteArray& address, std::function<void(Result<void>)> done);

    static QByteArray pairKey(QByteArrayView login, QByteArrayView address);
    static QByteArray addressKey(QByteArrayView address);
    static QByteArray loginKey(QByteArrayView login);
    static QByteArray familiarKey(QByteArrayView login);
    static QByteArray registrationKey(QByteArrayView address);

private:
    // The counters a sign-in attempt reserves: pair, address, login-wide.
    static std::vector<QByteArray> keys(const QByteArray& login, const QByteArray& address);

    RedisClient& m_redis;
    const AccountSettings& m_settings;
    RedisScript m_reserveScript;
    RedisScript m_successScript;
    RedisScript m_releaseScript;
};

} // namespace mmf
