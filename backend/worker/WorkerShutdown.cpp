#include "worker/WorkerShutdown.h"

namespace mmf {

WorkerShutdown::WorkerShutdown(int writeGraceMs, QObject* parent)
    : QObject(parent)
    , m_writeGraceMs(writeGraceMs)
{
    m_drainTimer.setSingleShot(true);
    connect(&m_drainTimer, &QTimer::timeout, this, &WorkerShutdown::onDrainOver);
    m_giveUpTimer.setSingleShot(true);
    connect(&m_giveUpTimer, &QTimer::timeout, this, &WorkerShutdown::giveUp);
}

void WorkerShutdown::begin(int drainMs)
{
    if (m_stopping) {
        hurry();
        return;
    }
    m_stopping = true;
    m_drainTimer.start(qMax(0, drainMs));
    m_giveUpTimer.start(qMax(0, drainMs) + m_writeGraceMs);
}

void WorkerShutdown::hurry()
{
    if (!m_stopping || m_givenBack || m_complete)
        return;
    m_drainTimer.stop();
    m_giveUpTimer.start(m_writeGraceMs);
    onDrainOver();
}

void WorkerShutdown::onDrainOver()
{
    m_givenBack = true;
    emit giveBack();
}

void WorkerShutdown::complete()
{
    if (m_complete)
        return;
    m_complete = true;
    m_drainTimer.stop();
    m_giveUpTimer.stop();
    emit completed();
}

} // namespace mmf
