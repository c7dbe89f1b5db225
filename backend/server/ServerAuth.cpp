#include "server/ServerAuth.h"

namespace mmf {

ServerAuth::ServerAuth(RedisClient& redis, const SigningKey& signingKey, const Clock& clock,
                       AccountSettings settings)
    : m_verifier(clock)
    , m_revocations(redis, clock)
    , m_guard(m_verifier, m_revocations)
    , m_keyRing(redis, m_verifier, clock)
    , m_accounts(redis, m_hasher, signingKey, clock, std::move(settings))
{}

} // namespace mmf
