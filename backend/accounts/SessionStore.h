#pragma once

#include "core/Result.h"
#include "redis/RedisScript.h"

#include <QByteArray>

#include <functional>
#include <optional>

namespace mmf {

class RedisClient;

// Refresh sessions. A refresh token is "<session id>.<secret>" (base64url, 16 + 32 random bytes); Redis keeps
// only a BLAKE2b hash of the secret, in mmf:session:<id> (user, project, cur, prev). Each refresh rotates the
// secret; the just-replaced one presented again within the retry window gets the same answer (a client that
// lost the response), any other reuse revokes the whole session.
class SessionStore
{
public:
    struct Session
    {
        QByteArray id;
        QByteArray userId;
        QByteArray project;
    };
    enum class Outcome
    {
        Rotated, // the new secret is current
        Retry,   // a retry within the window: `answer` is what the first refresh answered
        Revoked, // reuse: the session is gone
    };
    struct Rotation
    {
        Outcome outcome = Outcome::Revoked;
        QByteArray answer;
    };

    SessionStore(RedisClient& redis, qint64 sessionTtlSecs, qint64 retryWindowSecs);

    // A fresh refresh token for a new session of that user and project.
    void create(const QByteArray& userId, const QByteArray& project,
                std::function<void(Result<QByteArray>)> done);
    // The session a well-formed token names; nullopt when malformed or unknown (expired, revoked).
    void find(const QByteArray& refreshToken, std::function<void(Result<std::optional<Session>>)> done);
    // Makes a new token for the same session (not yet stored): pass it to rotate().
    static QByteArray nextToken(const Session& session);
    // Replaces `presented` by `next` (atomically); `answer` is kept for the retry window.
    void rotate(const QByteArray& presented, const QByteArray& next, const QByteArray& answer,
                std::function<void(Result<Rotation>)> done);
    void revoke(const QByteArray& sessionId);
    // Sign-out: ends the session of a current refresh token. A replaced one (even within the retry window) is
    // refused with unauthenticated and ends nothing: an old, possibly stolen token cannot act; a client that
    // lost a refresh answer gets the new pair by retrying the refresh, then signs out with it. A token that
    // matches nothing changes nothing. `done` gets whether a session ended.
    void end(const QByteArray& refreshToken, std::function<void(Result<bool>)> done);

    // "<id>.<secret>" → id, or empty when malformed.
    static QByteArray sessionIdOf(QByteArrayView refreshToken);

private:
    static QByteArray secretHash(QByteArrayView refreshToken);
    static QByteArray sessionKey(QByteArrayView id);
    static QByteArray retryKey(QByteArrayView id);

    RedisClient& m_redis;
    qint64 m_sessionTtlSecs;
    qint64 m_retryWindowSecs;
    RedisScript m_rotateScript;
    RedisScript m_endScript;
};

} // namespace mmf
