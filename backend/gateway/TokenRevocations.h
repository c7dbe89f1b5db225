#pragma once

#include "core/Result.h"

#include "mmf/v1/token.pb.h"

#include <QByteArray>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

namespace mmf {

class Clock;
class RedisClient;

// The ids of tokens revoked before their expiry (DELETE /api/v1/tokens/{id}, `mmf-server token revoke`), kept
// in Redis (mmf:tokens:revoked, a sorted set scored by each token's expiry: past it the entry goes, the token
// being dead anyway) so that every server refuses them; each server reads the set every `intervalMs` and
// checks every token that carries an id against what it read. Until its first read a server cannot know:
// a token with an id is then answered "unavailable", never let through.
class TokenRevocations : public QObject
{
    Q_OBJECT
public:
    TokenRevocations(RedisClient& redis, const Clock& clock, QObject* parent = nullptr);

    static QByteArray key();

    // Reads the set every `intervalMs`, and now when connected (else the owner reads on connected()).
    void start(int intervalMs = 2000);
    // Reads the set now; `done` runs once that is over (whether or not Redis answered).
    void reload(std::function<void()> done = {});
    // Revokes `tokenId` on every server (at their next read; on this one at once); `expSecs` 0: not known,
    // kept for good. `done` gets Redis's failure, if any.
    void revoke(const QByteArray& tokenId, qint64 expSecs, std::function<void(Result<void>)> done);

    // Whether claims that passed their signature and expiry check may be used: a revoked token is
    // unauthenticated, one whose revocation this server cannot know yet is unavailable.
    Result<void> check(const v1::TokenClaims& claims) const;
    // Every request with an id asks: no copy of the id.
    bool isRevoked(QByteArrayView tokenId) const
    {
        return m_revoked.contains(QByteArray::fromRawData(tokenId.data(), tokenId.size()));
    }
    bool isRevoked(const v1::TokenClaims& claims) const
    {
        return !claims.token_id().empty() && isRevoked(QByteArrayView(claims.token_id()));
    }
    bool isLoaded() const { return m_loaded; }

private:
    RedisClient& m_redis;
    const Clock& m_clock;
    QSet<QByteArray> m_revoked;
    bool m_loaded = false;
    QTimer m_timer;
};

} // namespace mmf
