#pragma once

#include "mmf/v1/token.pb.h"

#include <QByteArray>
#include <QHash>

namespace mmf {

class Clock;
class SigningKey;

// Task tokens: one per (user, project, model), score only, living twice the retention, reused while at least
// one retention of life remains — so signing costs nothing per task.
class TaskTokenMinter
{
public:
    TaskTokenMinter(const SigningKey& key, const Clock& clock, qint64 retentionSecs);

    QByteArray tokenFor(const v1::TokenClaims& caller, const QByteArray& model);
    // After a key rotation: new tasks get tokens of the new key.
    void forgetAll() { m_cache.clear(); }

private:
    struct Minted
    {
        QByteArray token;
        qint64 exp = 0;
    };
    const SigningKey& m_key;
    const Clock& m_clock;
    qint64 m_retentionSecs;
    QHash<QByteArray, Minted> m_cache;
};

} // namespace mmf
