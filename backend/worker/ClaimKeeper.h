#pragma once

#include "worker/InHandTask.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

namespace mmf {

class InHandTasks;
class RedisClient;

// Keeps what an instance holds its own: renews the claims on the entries of its tasks (XCLAIM of each to
// itself, every `renewEveryMs`) so that no server takes a task that still runs, and reads the status of each
// running task every `pollEveryMs` so that one cancelled, gone or ended elsewhere meanwhile is stopped. Lives
// on the event loop thread.
class ClaimKeeper : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QByteArray tasksKey; // the model's stream
        QByteArray consumer; // this instance in the group
        int renewEveryMs = 10000;
        int pollEveryMs = 250;
    };
    // The task is to stop, for the reason given ("was cancelled", …).
    using Stop = std::function<void(InHandTask& task, const QString& why)>;

    // `tasks` and `redis` must outlive the keeper.
    ClaimKeeper(Settings settings, const InHandTasks& tasks, RedisClient& redis, Stop stop,
                QObject* parent = nullptr);

    void start();
    void stop();

private:
    void renew();
    void pollCancellations();

    const Settings m_settings;
    const InHandTasks& m_tasks;
    RedisClient& m_redis;
    const Stop m_stop;
    QTimer m_renewTimer;
    QTimer m_pollTimer;
};

} // namespace mmf
