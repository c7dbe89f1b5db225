#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

struct redisReply;

namespace mmf {

// A read-only view of one Redis reply. Replies handed to a callback are views into hiredis's buffer and are
// valid only during the callback: copy what you keep (toByteArray()). Connection failures and deadlines are
// reported as error replies whose text starts with "UNAVAILABLE " so callers handle one kind of failure.
class RedisReply
{
public:
    enum class Type
    {
        Nil,
        Status,
        Error,
        Integer,
        String,
        Array,
        Double,
        Bool
    };

    RedisReply() = default; // a Nil reply
    explicit RedisReply(const redisReply* reply);
    // Not copyable: a copy kept past its callback would read freed memory. Keep what it says (toByteArray(),
    // integer(), a parsed value) instead; moving is allowed for the client's own hand-over.
    RedisReply(const RedisReply&) = delete;
    RedisReply& operator=(const RedisReply&) = delete;
    RedisReply(RedisReply&&) noexcept = default;
    RedisReply& operator=(RedisReply&&) noexcept = default;
    ~RedisReply() = default;
    // An error reply not coming from Redis (connection lost, deadline passed); owns its text.
    static RedisReply makeError(QByteArray text);

    Type type() const;
    bool isNil() const { return type() == Type::Nil; }
    bool isError() const { return type() == Type::Error; }
    // True for an error made up by the client because Redis could not be reached or did not answer in time.
    bool isUnavailable() const;
    // True for an error by which Redis refuses a command for now and may take it later, the command not
    // carried out: out of memory (OOM, maxmemory), unable to persist (MISCONF: a full disk), loading its
    // data, busy with a script, or a replica / cluster state (READONLY, MASTERDOWN, NOREPLICAS, TRYAGAIN,
    // CLUSTERDOWN). isUnavailable() errors are not included.
    bool isRefusedForNow() const;
    bool isArray() const { return type() == Type::Array; }
    bool isString() const { return type() == Type::String || type() == Type::Status; }
    bool isInteger() const { return type() == Type::Integer; }

    // String, status or error text, without copying. Empty for other types.
    QByteArrayView view() const;
    QByteArray toByteArray() const { return view().toByteArray(); }
    QString toString() const { return QString::fromUtf8(view()); }
    // Integer replies; also parses a string reply holding a number. 0 otherwise.
    qint64 integer() const;

    // Array elements.
    qsizetype size() const;
    RedisReply at(qsizetype i) const;

private:
    const redisReply* m_reply = nullptr;
    std::shared_ptr<QByteArray> m_ownedError;
};

} // namespace mmf
