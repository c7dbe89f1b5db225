#pragma once

#include "auth/SharedTokenClaims.h"
#include "core/Clock.h"
#include "core/Result.h"

#include "mmf/v1/token.pb.h"

#include <QByteArray>
#include <QHash>
#include <QReadWriteLock>

#include <functional>
#include <memory>

namespace mmf {

class SigningKey;

// Issues tokens: base64url(claims) "." base64url(signature), where claims is the TokenClaims message
// serialized deterministically and the signature is Ed25519 over "mmf-token-v1\0" + claims bytes (domain
// separation). Sets claims.key_id from the key. Returns an empty token for a null key.
QByteArray issueToken(const SigningKey& key, v1::TokenClaims claims);

// Verifies tokens offline against trusted public keys by key_id, caching verified tokens so the hot path does
// not pay an Ed25519 verification per request. Thread-safe.
class TokenVerifier
{
public:
    // Longer tokens are refused before any decoding (a real one is a few hundred bytes).
    static constexpr qsizetype kMaxTokenBytes = 8192;

    // cacheCapacity bounds the verified-token cache (0 disables it); the clock must outlive the verifier.
    explicit TokenVerifier(const Clock& clock, int clockSkewSecs = 60, int cacheCapacity = 65536);
    ~TokenVerifier();
    TokenVerifier(const TokenVerifier&) = delete;
    TokenVerifier& operator=(const TokenVerifier&) = delete;

    // Trust a key until notAfterSecs (0 = no end; tokens are refused once now >= notAfterSecs). Re-setting a
    // key_id with another public key drops what the cache learnt under the old one. A public key that is not
    // 32 bytes is ignored (with a warning).
    void setTrustedKey(const QByteArray& keyId, const QByteArray& publicKey, qint64 notAfterSecs = 0);
    // Tokens of that key are refused from now on, cached or not.
    void removeTrustedKey(const QByteArray& keyId);
    bool knowsKey(const QByteArray& keyId) const;
    // Asked, on the verifying thread, when a token names a key not trusted here: true when the trusted keys
    // may be behind (they are being read again: a key published by another server since), and the token is
    // then refused as unavailable (try again) rather than unauthenticated. Set once, before verifying.
    void setUnknownKeyHandler(std::function<bool(QByteArrayView keyId)> handler);

    // Checks encoding, signature, key, iat (not beyond the clock skew in the future) and exp. Every failure
    // is unauthenticated with a message that says which check failed (never echoing the token), but for an
    // unknown key the unknown-key handler says may be new: unavailable.
    Result<v1::TokenClaims> verify(QByteArrayView token) const;
    // The same checks; returns the cached claims without copying them (the hot path of the gateway).
    Result<SharedTokenClaims> verifyShared(QByteArrayView token) const;

    // Number of cached verified tokens (for tests and metrics).
    int cachedCount() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// True when `claims` grant `method` ("score", "read", "serve", "admin"); admin grants all.
bool hasMethod(const v1::TokenClaims& claims, QByteArrayView method);

} // namespace mmf
