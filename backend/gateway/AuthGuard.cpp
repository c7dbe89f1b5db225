#include "gateway/AuthGuard.h"

#include "auth/TokenCodec.h"
#include "gateway/TokenRevocations.h"
#include "http/HttpRequest.h"

namespace mmf {

namespace {
// A token is a few hundred bytes; anything much longer is refused before decoding.
constexpr qsizetype kMaxTokenBytes = 4096;
} // namespace

AuthGuard::AuthGuard(const TokenVerifier& verifier, const TokenRevocations& revocations)
    : m_verifier(verifier)
    , m_revocations(revocations)
{}

Result<SharedTokenClaims> AuthGuard::authenticate(const HttpRequest& request, QByteArrayView method) const
{
    const QByteArray header = request.header("authorization");
    if (header.isNull())
        return Error::unauthenticated(
            QStringLiteral("missing Authorization header (expected: Bearer <token>)"));
    static constexpr QByteArrayView kPrefix("Bearer ");
    if (!header.startsWith(kPrefix.toByteArray()) && !header.startsWith("bearer "))
        return Error::unauthenticated(QStringLiteral("the Authorization header must be: Bearer <token>"));
    return verifyToken(QByteArrayView(header).sliced(kPrefix.size()).trimmed(), method);
}

Result<SharedTokenClaims> AuthGuard::verifyToken(QByteArrayView token, QByteArrayView method) const
{
    if (token.isEmpty())
        return Error::unauthenticated(QStringLiteral("empty bearer token"));
    if (token.size() > kMaxTokenBytes)
        return Error::unauthenticated(QStringLiteral("the bearer token is too long"));
    Result<SharedTokenClaims> claims = m_verifier.verifyShared(token);
    if (!claims)
        return claims;
    if (Result<void> usable = m_revocations.check(**claims); !usable)
        return usable.error();
    if (!method.isEmpty() && !hasMethod(**claims, method)) {
        return Error::permissionDenied(
            QStringLiteral("this token does not grant '%1' in project '%2'")
                .arg(QString::fromLatin1(method), QString::fromStdString((*claims)->project_id())));
    }
    return claims;
}

bool AuthGuard::isRevoked(const v1::TokenClaims& claims) const
{
    return m_revocations.isRevoked(claims);
}

} // namespace mmf
