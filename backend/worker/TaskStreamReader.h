#pragma once

#include "broker/StreamEntry.h"
#include "redis/RedisClient.h"
#include "redis/RedisConfig.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include <functional>
#include <vector>

namespace mmf {

// Takes entries from a model's task stream with the consumer group: makes the group if needed, then one
// blocking XREADGROUP at a time on a connection of its own (a blocking read stalls everything queued behind
// it), asking for as many entries as the caller has free slots. A failed read is retried with backoff, at
// once when Redis comes back. While the model is paused (the broker answers a start with "paused") it reads
// nothing and polls the model's control hash until the pause ends; entries already taken are not affected.
// Lives on the event loop thread.
class TaskStreamReader : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QByteArray tasksKey;
        QByteArray consumer;
        int blockMs = 2000;
        QByteArray controlKey; // mmf:{m}:control, field `paused`
        int pausePollMs = 500;
    };
    using Entries = std::function<void(std::vector<StreamEntry>&& entries)>;

    // `commands` (for XGROUP CREATE) must outlive the reader; `onEntries` gets each non-empty read.
    TaskStreamReader(Settings settings, RedisClient& commands, RedisConfig readerConfig, Entries onEntries,
                     QObject* parent = nullptr);

    void start();
    // Reads up to `count` entries unless a read is under way, waits for a retry, or the reader is stopped.
    void readUpTo(int count);
    // No further reads; one under way still delivers (its entries are the caller's to give back).
    void stop()
    {
        m_stopped = true;
        m_retryTimer.stop();
    }
    bool isReading() const { return m_inFlight; }
    // Its own connection (blocking reads): for credentials and connection errors.
    RedisClient& client() { return m_reader; }
    // The model is paused: no reads until its control hash says otherwise (then readFinished() again).
    void pause();
    bool isPaused() const { return m_paused; }

signals:
    // A read finished (with entries or not): the caller may ask for more.
    void readFinished();

private:
    void createGroup();
    void onRead(const RedisReply& reply);
    void scheduleRetry();
    void pollPause();

    const Settings m_settings;
    RedisClient& m_commands;
    Entries m_onEntries;
    bool m_groupReady = false;
    bool m_inFlight = false;
    bool m_stopped = false;
    bool m_paused = false;
    int m_backoffMs = 0;
    int m_wanted = 0; // what the last caller asked for, for a retry
    QTimer m_retryTimer;
    QTimer m_pauseTimer;
    RedisClient m_reader; // last: no reply reaches a half-destroyed reader
};

} // namespace mmf
