#pragma once

#include "core/Result.h"

#include "mmf/v1/token.pb.h"

#include <QByteArray>
#include <QByteArrayList>

#include <functional>
#include <optional>
#include <vector>

namespace mmf {

class Clock;
class RedisClient;

// The tokens admins issued for workers and scripts (POST /api/v1/tokens), recorded in Redis
// (mmf:tokens:issued, token id → JSON) before the token is handed out, so that each can be listed and revoked
// by id while it is valid. The token itself is not kept: a record names its bearer, project, methods and
// life.
class IssuedTokens
{
public:
    struct Entry
    {
        QByteArray id;
        QByteArray user;
        QByteArray project;
        QByteArrayList methods;
        qint64 issuedAtSecs = 0;
        qint64 expiresAtSecs = 0;
        QByteArray issuedBy; // the admin's user id
    };

    IssuedTokens(RedisClient& redis, const Clock& clock);

    static QByteArray key();
    // A fresh token id: 128 random bits, lowercase hex.
    static QByteArray newId();

    void record(const v1::TokenClaims& claims, const QByteArray& issuedBy,
                std::function<void(Result<void>)> done);
    // The unexpired records, oldest first; records of expired tokens are removed on the way (also by
    // record(), at most once an hour).
    void list(std::function<void(Result<std::vector<Entry>>)> done);
    // The record of `id`, if it is unexpired.
    void find(const QByteArray& id, std::function<void(Result<std::optional<Entry>>)> done);
    // `done` runs once Redis answered (either way).
    void remove(const QByteArray& id, std::function<void()> done = {});

private:
    static constexpr qint64 kSweepEveryMs = 3600 * 1000;

    std::optional<Entry> parse(const QByteArray& id, const QByteArray& json) const;

    RedisClient& m_redis;
    const Clock& m_clock;
    qint64 m_lastSweepMs = 0; // when record() last removed the records of expired tokens
};

} // namespace mmf
