#pragma once

#include "gateway/TaskEventRecord.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <vector>

namespace mmf {

class Clock;
class RedisClient;

// Tails every known model's events stream with XREAD BLOCK on its own connection (a blocking read stalls
// everything behind it) and hands each event on. Remembers the last id per stream, so a reconnect resumes
// where it stopped: nothing is skipped while Redis is reachable within the stream's trimmed length.
class EventTailer : public QObject
{
    Q_OBJECT
public:
    EventTailer(RedisClient& blockingRedis, const Clock& clock, QObject* parent = nullptr);

    // Starts tailing a model's events from now (no-op if tailed already).
    void addModel(const QByteArray& model);
    void start();
    void stop();

signals:
    void events(const std::vector<TaskEventRecord>& batch);

private:
    void readNext();
    void scheduleRetry();

    RedisClient& m_redis;
    const Clock& m_clock;
    QHash<QByteArray, QByteArray> m_lastIds; // events key → last id
    QHash<QByteArray, QByteArray> m_modelByKey;
    bool m_running = false;
    bool m_reading = false;
    int m_retryDelayMs = 50;
    QTimer m_retryTimer;
};

} // namespace mmf
