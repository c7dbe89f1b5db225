#pragma once

#include "broker/BrokerCall.h"
#include "redis/RedisReply.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace mmf {

class RedisClient;

// Broker calls that must not be lost while Redis is away (starts, log lines, finishes, releases), sent in
// order and pipelined. A call answered UNAVAILABLE, refused for now (RedisReply::isRefusedForNow: Redis out
// of memory or disk, loading, busy) or "Function not found" (a Redis that lost the library until a server
// loads it again) is kept and, with every call made after it, sent again in the original order once a retry
// timer (backoff) fires; its callback runs only with a real answer (a reply or another Redis error).
// The fenced functions make a repeated call harmless.
class RedisWriteQueue : public QObject
{
    Q_OBJECT
public:
    // `resent`: the call was sent more than once, so an earlier try may have been carried out by Redis even
    // though its answer never came (a fenced script then answers as if someone else had acted).
    using Done = std::function<void(const RedisReply& reply, bool resent)>;

    explicit RedisWriteQueue(RedisClient& redis, QObject* parent = nullptr);
    ~RedisWriteQueue() override;

    void call(BrokerCall call, Done done = {});

    // Calls not yet answered (queued for a retry or in flight).
    int pendingCount() const { return m_inFlight + int(m_backlog.size()); }
    // True while calls wait for Redis to come back.
    bool isBlocked() const { return m_blocked; }
    // Hands the calls sent so far to the kernel now (RedisClient::writeOutNow); false while calls wait for
    // Redis. Only for a process about to end on purpose.
    bool writeOutNow();

signals:
    // pendingCount() dropped to 0.
    void drained();

private:
    struct Write
    {
        quint64 seq = 0;
        int tries = 0;
        std::vector<QByteArray> argv;
        Done done;
    };
    void send(std::shared_ptr<Write> write);
    void retry();

    RedisClient& m_redis;
    std::map<quint64, std::shared_ptr<Write>> m_backlog; // by sequence: the order calls were made
    quint64 m_nextSeq = 0;
    int m_inFlight = 0;
    bool m_blocked = false;
    int m_backoffMs = 0;
    QTimer m_retryTimer;
    // Callbacks check it: the client may answer after this queue is gone.
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace mmf
