#pragma once

#include <QByteArray>

namespace mmf {

// A Lua script with its SHA1, computed once.
class RedisScript
{
public:
    explicit RedisScript(QByteArray source);
    const QByteArray& source() const { return m_source; }
    const QByteArray& sha1() const { return m_sha1; } // lower-case hex

private:
    QByteArray m_source;
    QByteArray m_sha1;
};

} // namespace mmf
