#include "redis/RedisScript.h"

#include <QCryptographicHash>

namespace mmf {

RedisScript::RedisScript(QByteArray source)
    : m_source(std::move(source))
    , m_sha1(QCryptographicHash::hash(m_source, QCryptographicHash::Sha1).toHex())
{}

} // namespace mmf
