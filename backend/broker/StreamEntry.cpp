#include "broker/StreamEntry.h"

namespace mmf {

QByteArray StreamEntry::value(QByteArrayView field) const
{
    for (const auto& [name, value] : fields) {
        if (name == field)
            return value;
    }
    return {};
}

std::vector<StreamEntry> StreamEntry::parseEntries(const RedisReply& entries)
{
    std::vector<StreamEntry> out;
    if (!entries.isArray())
        return out;
    out.reserve(size_t(entries.size()));
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const RedisReply item = entries.at(i);
        if (!item.isArray() || item.size() < 1)
            continue;
        StreamEntry entry;
        entry.id = item.at(0).toByteArray();
        if (item.size() >= 2) {
            const RedisReply pairs = item.at(1);
            entry.fields.reserve(size_t(pairs.size() / 2));
            for (qsizetype j = 0; j + 1 < pairs.size(); j += 2)
                entry.fields.emplace_back(pairs.at(j).toByteArray(), pairs.at(j + 1).toByteArray());
        }
        out.push_back(std::move(entry));
    }
    return out;
}

std::vector<std::pair<QByteArray, std::vector<StreamEntry>>> StreamEntry::parseRead(const RedisReply& reply)
{
    std::vector<std::pair<QByteArray, std::vector<StreamEntry>>> out;
    if (!reply.isArray())
        return out;
    for (qsizetype i = 0; i < reply.size(); ++i) {
        const RedisReply stream = reply.at(i);
        if (!stream.isArray() || stream.size() < 2)
            continue;
        out.emplace_back(stream.at(0).toByteArray(), parseEntries(stream.at(1)));
    }
    return out;
}

} // namespace mmf
