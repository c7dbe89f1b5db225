#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>
#include <vector>

namespace mmf {

class RedisClient;

// Keeps mmf:{m}:watch alive while this server has a WebSocket subscriber that wants model m's status events.
// mmf_running (and mmf_start) write a task's running event only while that key exists: an event nobody can
// receive costs Redis a write and every server a read per task (issue 15). Final events are always written
// and carry the timings the metrics need. Each server refreshes its own models' keys (SET PX, every third of
// the TTL, and when Redis comes back); a key nobody refreshes expires, so a server that dies leaves nothing
// behind.
class StatusWatch : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultTtlMs = 30000;

    StatusWatch(RedisClient& redis, int ttlMs = kDefaultTtlMs, QObject* parent = nullptr);

    // One more subscriber of the model's status events. `ready` runs once Redis has answered the write that
    // turns the events on (at once when this server's key is already confirmed); from then on every task
    // start writes its event.
    void add(const QByteArray& model, std::function<void()> ready = {});
    // One subscriber fewer. The last one leaves the key to expire: another server may still want it.
    void remove(const QByteArray& model);
    int subscribers(const QByteArray& model) const;

private:
    struct Watch
    {
        int count = 0;
        bool confirmed = false;
        bool writing = false;
        std::vector<std::function<void()>> waiting;
    };
    void write(const QByteArray& model);
    void refreshAll();

    RedisClient& m_redis;
    int m_ttlMs;
    QTimer m_refresh;
    QHash<QByteArray, Watch> m_watches;
};

} // namespace mmf
