#pragma once

#include <QObject>
#include <QTimer>

namespace mmf {

// The stages of an instance's graceful stop: running → stopping (tasks in hand get the drain time to finish)
// → given back (what still runs is cancelled and released) → stopped; the write grace after the give-back
// bounds how long unanswered Redis writes may hold the exit. A second signal hurries to the give-back. The
// owner does the work on each signal and calls complete() once nothing is in hand.
class WorkerShutdown : public QObject
{
    Q_OBJECT
public:
    explicit WorkerShutdown(int writeGraceMs, QObject* parent = nullptr);

    void begin(int drainMs);
    void hurry();
    // Stops the timers and emits completed() (once).
    void complete();

    bool isStopping() const { return m_stopping; }
    bool hasGivenBack() const { return m_givenBack; }
    bool isComplete() const { return m_complete; }

signals:
    void giveBack(); // the drain time is over: cancel and release what still runs
    void giveUp();   // the write grace is over: stop without waiting for Redis
    void completed();

private:
    void onDrainOver();

    const int m_writeGraceMs;
    bool m_stopping = false;
    bool m_givenBack = false;
    bool m_complete = false;
    QTimer m_drainTimer;
    QTimer m_giveUpTimer;
};

} // namespace mmf
