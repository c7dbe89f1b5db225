#pragma once

#include "gateway/TaskEventRecord.h"

#include <QByteArray>
#include <QHash>
#include <QObject>

#include <functional>
#include <vector>

class QTimer;

namespace mmf {

// Requests that hold on until a task ends (?wait=S). A waiter is called once: with the task's final event
// when it arrives, with nullptr when its time is up. The event is valid during the call only.
class TaskWaiters : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const TaskEventRecord* final)>;

    explicit TaskWaiters(QObject* parent = nullptr);
    ~TaskWaiters() override;

    void wait(const QByteArray& taskId, int timeoutMs, Callback callback);
    void onEvents(const std::vector<TaskEventRecord>& events);
    int count() const { return int(m_byId.size()); }

private:
    struct Waiter
    {
        quint64 serial;
        Callback callback;
        QTimer* timer;
    };
    void expire(const QByteArray& taskId, quint64 serial);

    QHash<QByteArray, std::vector<Waiter>> m_byId;
    quint64 m_nextSerial = 1;
};

} // namespace mmf
