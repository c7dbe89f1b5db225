#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>

namespace mmf {

class Clock;
class RedisClient;

// Learns a model's message types before any instance of it has run, so the gateway can validate and queue
// its tasks at zero replicas: runs `PROGRAM --model NAME --describe` (mmf-worker for a built-in model, or
// the model's configured command), and writes the catalogue entry the way a registration does (fields only
// where none are stored yet, the model set, the consumer group). Asynchronous; never blocks the event loop.
class ModelDescriber
{
public:
    ModelDescriber(RedisClient& redis, const Clock& clock, QString workerProgram);

    // The program that hosts `model`: `command` if given, else the built-in worker.
    QString programFor(const QString& command) const { return command.isEmpty() ? m_workerProgram : command; }

    // invalid_argument when the program cannot describe the model (not a built-in model and no command),
    // unavailable when Redis fails. `project` owns a model created here.
    void describe(const QByteArray& model, const QByteArray& project, const QString& command,
                  std::function<void(Result<void>)> done);

    // The worker program next to the server: `../worker/mmf-worker` in the build tree, `mmf-worker` in the
    // same folder when installed.
    static QString defaultWorkerProgram();

private:
    RedisClient& m_redis;
    const Clock& m_clock;
    QString m_workerProgram;
};

} // namespace mmf
