#pragma once

#include "redis/RedisReply.h"

#include <QByteArray>

#include <utility>
#include <vector>

namespace mmf {

// One stream entry copied out of a reply: its id and field/value pairs in order.
struct StreamEntry
{
    QByteArray id;
    std::vector<std::pair<QByteArray, QByteArray>> fields;

    // The value of a field, or a null QByteArray.
    QByteArray value(QByteArrayView field) const;

    // Entries of an XRANGE/XREVRANGE reply, or of one stream in an XREAD/XREADGROUP reply (an entry whose
    // payload was deleted comes back with no fields).
    static std::vector<StreamEntry> parseEntries(const RedisReply& entries);
    // XREAD/XREADGROUP reply: (stream key, entries) per stream. A Nil reply (timeout) gives an empty list.
    static std::vector<std::pair<QByteArray, std::vector<StreamEntry>>> parseRead(const RedisReply& reply);
};

} // namespace mmf
