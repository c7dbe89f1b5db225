#include "gateway/TaskTokenMinter.h"

#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "core/Clock.h"

namespace mmf {

namespace {
constexpr int kMaxCached = 100000;
}

TaskTokenMinter::TaskTokenMinter(const SigningKey& key, const Clock& clock, qint64 retentionSecs)
    : m_key(key)
    , m_clock(clock)
    , m_retentionSecs(retentionSecs)
{}

QByteArray TaskTokenMinter::tokenFor(const v1::TokenClaims& caller, const QByteArray& model)
{
    QByteArray cacheKey;
    cacheKey.reserve(qsizetype(caller.user_id().size() + caller.project_id().size()) + model.size() + 2);
    cacheKey.append(caller.user_id().data(), qsizetype(caller.user_id().size()))
        .append('\0')
        .append(caller.project_id().data(), qsizetype(caller.project_id().size()))
        .append('\0')
        .append(model);
    const qint64 now = m_clock.nowSecs();
    auto it = m_cache.find(cacheKey);
    if (it != m_cache.end() && it->exp - now > m_retentionSecs)
        return it->token;

    v1::TokenClaims claims;
    claims.set_user_id(caller.user_id());
    claims.set_project_id(caller.project_id());
    claims.add_methods("score");
    claims.set_iat(now);
    claims.set_exp(now + 2 * m_retentionSecs);
    claims.set_model(model.toStdString());
    Minted minted{issueToken(m_key, claims), claims.exp()};
    if (m_cache.size() >= kMaxCached)
        m_cache.clear();
    m_cache.insert(cacheKey, minted);
    return minted.token;
}

} // namespace mmf
