#include "redis/RedisReply.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <iterator>

namespace mmf {

RedisReply::RedisReply(const redisReply* reply)
    : m_reply(reply)
{}

RedisReply RedisReply::makeError(QByteArray text)
{
    RedisReply r;
    r.m_ownedError = std::make_shared<QByteArray>(std::move(text));
    return r;
}

RedisReply::Type RedisReply::type() const
{
    if (m_ownedError)
        return Type::Error;
    if (!m_reply)
        return Type::Nil;
    switch (m_reply->type) {
    case REDIS_REPLY_STRING:
        return Type::String;
    case REDIS_REPLY_ARRAY:
        return Type::Array;
    case REDIS_REPLY_INTEGER:
        return Type::Integer;
    case REDIS_REPLY_STATUS:
        return Type::Status;
    case REDIS_REPLY_ERROR:
        return Type::Error;
    case REDIS_REPLY_NIL:
    default:
        return Type::Nil;
    }
}

bool RedisReply::isUnavailable() const
{
    return isError() && view().startsWith("UNAVAILABLE ");
}

bool RedisReply::isRefusedForNow() const
{
    if (!isError())
        return false;
    const QByteArrayView text = view();
    const qsizetype space = text.indexOf(' ');
    const QByteArrayView code = space < 0 ? text : text.first(space);
    static constexpr QByteArrayView kCodes[] = {"OOM",        "MISCONF",  "LOADING",
                                                "BUSY",       "READONLY", "MASTERDOWN",
                                                "NOREPLICAS", "TRYAGAIN", "CLUSTERDOWN"};
    return std::find(std::begin(kCodes), std::end(kCodes), code) != std::end(kCodes);
}

QByteArrayView RedisReply::view() const
{
    if (m_ownedError)
        return QByteArrayView(*m_ownedError);
    if (!m_reply)
        return {};
    switch (m_reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
        return QByteArrayView(m_reply->str, qsizetype(m_reply->len));
    default:
        return {};
    }
}

qint64 RedisReply::integer() const
{
    if (m_ownedError || !m_reply)
        return 0;
    if (m_reply->type == REDIS_REPLY_INTEGER)
        return m_reply->integer;
    if (m_reply->type == REDIS_REPLY_STRING || m_reply->type == REDIS_REPLY_STATUS) {
        bool ok = false;
        const qint64 v = QByteArrayView(m_reply->str, qsizetype(m_reply->len)).toLongLong(&ok);
        return ok ? v : 0;
    }
    return 0;
}

qsizetype RedisReply::size() const
{
    if (m_ownedError || !m_reply || m_reply->type != REDIS_REPLY_ARRAY)
        return 0;
    return qsizetype(m_reply->elements);
}

RedisReply RedisReply::at(qsizetype i) const
{
    if (i < 0 || i >= size())
        return {};
    return RedisReply(m_reply->element[i]);
}

} // namespace mmf
