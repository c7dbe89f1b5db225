#pragma once

#include "core/Result.h"

#include "auth/SharedTokenClaims.h"
#include "mmf/v1/token.pb.h"

#include <QByteArrayView>

#include <memory>

namespace mmf {

struct HttpRequest;
class TokenRevocations;
class TokenVerifier;

// Checks the bearer token of a request and the method a route needs. Missing, malformed, forged, expired or
// revoked tokens are 401; a valid token without the method is 403. The verifier caches verified tokens.
class AuthGuard
{
public:
    // Both must outlive the guard.
    AuthGuard(const TokenVerifier& verifier, const TokenRevocations& revocations);

    // The claims are the verifier's cached ones, shared: a request copies no claims.
    Result<SharedTokenClaims> authenticate(const HttpRequest& request, QByteArrayView method) const;
    // For a token that arrives another way (the WebSocket's auth message).
    Result<SharedTokenClaims> verifyToken(QByteArrayView token, QByteArrayView method) const;
    // Whether claims accepted earlier (a WebSocket's) were revoked since.
    bool isRevoked(const v1::TokenClaims& claims) const;

private:
    const TokenVerifier& m_verifier;
    const TokenRevocations& m_revocations;
};

} // namespace mmf
