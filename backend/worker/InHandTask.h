#pragma once

#include "worker/TaskTokenCheck.h"

#include <QByteArray>

#include <memory>
#include <vector>

namespace mmf {

class WorkerTaskContext;

// One task an instance holds: read from its entry until its outcome is answered (or it is given back).
struct InHandTask
{
    enum class State
    {
        Starting,    // read from an entry of an older server: mmf_start hands out the envelope
        Verifying,   // its task token is checked
        WaitingKeys, // the token's signing key is being fetched
        Running,     // the model has it
        Finishing,   // its outcome (or failed attempt, or dead letter) is on its way to Redis
        Releasing    // given back, on its way to Redis
    };

    quint64 serial = 0;
    State state = State::Starting;
    QByteArray entryId;
    QByteArray taskId;
    QByteArray userId;
    QByteArray taskToken;
    QByteArray request;
    QByteArray taskKey;
    int attempt = 0;
    TaskTokenCheck::Wait keyWait;
    qint64 readMs = 0;    // when the entry was read: the attempt's start when the read is the start
    qint64 startedMs = 0; // when the model got it
    // False while a task read from an entry that carries its envelope runs without its start recorded in
    // Redis (mmf_finish records it with the outcome, mmf_running if it runs longer or writes logs).
    bool startRecorded = true;
    // Redis answered that the start is recorded (or it was from the first): a status read sent from now on
    // that says "queued" means the task was queued again, not that the recording is still on its way.
    bool startConfirmed = true;
    std::shared_ptr<WorkerTaskContext> context;
    std::vector<quint64> calls; // its sub-task calls (SubTaskCaller ids)
    int callCount = 0;
};

using InHandTaskPtr = std::shared_ptr<InHandTask>;

} // namespace mmf
