#pragma once

#include "accounts/AccountService.h"
#include "accounts/AccountSettings.h"
#include "accounts/PasswordHasher.h"
#include "auth/TokenCodec.h"
#include "gateway/AuthGuard.h"
#include "gateway/KeyRing.h"
#include "gateway/TokenRevocations.h"

namespace mmf {

class Clock;
class RedisClient;
class SigningKey;

// Who is calling: token verification with the key ring every server publishes to and the revoked tokens
// every server reads, and accounts (sign-up, sign-in, sessions) with their own password-hashing pools.
class ServerAuth
{
public:
    ServerAuth(RedisClient& redis, const SigningKey& signingKey, const Clock& clock,
               AccountSettings settings);

    TokenVerifier& verifier() { return m_verifier; }
    const AuthGuard& guard() const { return m_guard; }
    KeyRing& keyRing() { return m_keyRing; }
    TokenRevocations& revocations() { return m_revocations; }
    AccountService& accounts() { return m_accounts; }

private:
    TokenVerifier m_verifier;
    TokenRevocations m_revocations;
    AuthGuard m_guard;
    KeyRing m_keyRing;
    Argon2PasswordHasher m_hasher;
    AccountService m_accounts;
};

} // namespace mmf
