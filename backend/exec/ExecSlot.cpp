#include "exec/ExecSlot.h"

#include "exec/ChildProcess.h"
#include "worker/TaskContext.h"
#include "worker/WorkerLog.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

namespace mmf {

namespace {

constexpr int kIdlePollMs = 1000;
constexpr int kCallerPollMs = 50;
constexpr int kStopGraceMs = 2000;

} // namespace

ExecSlot::ExecSlot(int index, ExecSettings settings)
    : m_index(index)
    , m_settings(std::move(settings))
{
    if (::pipe2(m_wakeFds, O_CLOEXEC | O_NONBLOCK) != 0)
        m_wakeFds[0] = m_wakeFds[1] = -1;
    m_thread = std::thread([this] { loop(); });
}

ExecSlot::~ExecSlot()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    wake();
    m_thread.join();
    for (int fd : m_wakeFds)
        if (fd >= 0)
            ::close(fd);
}

void ExecSlot::wake()
{
    if (m_wakeFds[1] >= 0) {
        const char byte = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wakeFds[1], &byte, 1);
    }
}

QString ExecSlot::problem() const
{
    std::lock_guard lock(m_mutex);
    if (m_failuresInRow < m_settings.keepsDyingAfter)
        return {};
    return QStringLiteral("the model process keeps exiting (%1 times in a row, restarting with backoff): %2")
        .arg(m_failuresInRow)
        .arg(m_lastFailure);
}

ExecSlot::Outcome ExecSlot::run(const QString& id, const QByteArray& requestJson, TaskContext& context)
{
    Job job;
    job.id = id;
    job.line = ExecProtocol::requestLine(id, requestJson);
    if (m_settings.taskTimeoutMs > 0)
        job.timeout.setRemainingTime(m_settings.taskTimeoutMs);
    {
        std::lock_guard lock(m_mutex);
        m_job = &job;
    }
    wake();

    bool cancelFlagged = false;
    for (;;) {
        std::deque<ExecProtocol::Message> events;
        bool done = false;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait_for(lock, std::chrono::milliseconds(kCallerPollMs),
                               [&] { return job.done || !job.events.empty(); });
            events.swap(job.events);
            done = job.done;
        }
        for (const ExecProtocol::Message& event : events) {
            if (event.kind == ExecProtocol::Message::Kind::Log)
                context.log(event.level, event.text);
            else if (event.kind == ExecProtocol::Message::Kind::Progress)
                context.progress(event.fraction, event.text);
        }
        if (done)
            break;
        if (!cancelFlagged && context.isCancelled()) {
            cancelFlagged = true;
            {
                std::lock_guard lock(m_mutex);
                job.cancelRequested = true;
            }
            wake();
        }
    }
    std::lock_guard lock(m_mutex);
    m_job = nullptr;
    return job.outcome;
}

ExecSlot::Job* ExecSlot::activeJob()
{
    return m_job && !m_job->done ? m_job : nullptr;
}

void ExecSlot::finishJob(Outcome outcome)
{
    {
        std::lock_guard lock(m_mutex);
        Job* job = activeJob();
        if (!job)
            return;
        job->outcome = std::move(outcome);
        job->done = true;
    }
    m_changed.notify_all();
}

void ExecSlot::loop()
{
    for (;;) {
        int timeoutMs = kIdlePollMs;
        QString failNow;
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                break;
            Job* job = activeJob();
            if (!m_child) {
                if (job && job->cancelRequested)
                    failNow = QStringLiteral("cancelled before the model process was back");
                else if (job && m_failuresInRow >= m_settings.keepsDyingAfter)
                    failNow = QStringLiteral("the model process keeps exiting: %1").arg(m_lastFailure);
            } else if (job) {
                if (!job->sent) {
                    m_child->write(job->line);
                    job->sent = true;
                }
                if (!job->cancelRequested && job->timeout.hasExpired()) {
                    job->cancelRequested = true;
                    job->timedOut = true;
                }
                if (job->cancelRequested && !job->cancelSent) {
                    m_child->write(ExecProtocol::cancelLine(job->id));
                    job->cancelSent = true;
                    job->killAt.setRemainingTime(m_settings.cancelGraceMs);
                }
                if (job->cancelSent && job->killAt.hasExpired()) {
                    failNow = job->timedOut
                                  ? QStringLiteral("timed out after %1 ms; the model process did not stop "
                                                   "within %2 ms and was killed")
                                        .arg(m_settings.taskTimeoutMs)
                                        .arg(m_settings.cancelGraceMs)
                                  : QStringLiteral("cancelled; the model process did not stop within %1 ms "
                                                   "and was killed")
                                        .arg(m_settings.cancelGraceMs);
                }
                const qint64 untilKill = job->killAt.remainingTime();
                const qint64 untilTimeout = job->timeout.remainingTime();
                for (qint64 t : {untilKill, untilTimeout})
                    if (t >= 0)
                        timeoutMs = int(qMin<qint64>(timeoutMs, t + 1));
            }
        }
        if (!failNow.isEmpty()) {
            if (m_child) {
                qCWarning(lcWorker).noquote()
                    << QStringLiteral("model process %1: %2").arg(m_index).arg(failNow);
                stopProcess(false); // restarted at once: not an exit of its own
            }
            finishJob({Outcome::Kind::Failed, {}, QStringLiteral("model_process"), failNow, true});
            continue;
        }

        if (!m_child) {
            if (!m_restartAt.hasExpired()) {
                // Sleep until the restart is due, or a job or a stop arrives.
                pollfd fd{m_wakeFds[0], POLLIN, 0};
                ::poll(&fd, 1, int(qMin<qint64>(m_restartAt.remainingTime(), kIdlePollMs)));
                char buffer[64];
                while (::read(m_wakeFds[0], buffer, sizeof buffer) > 0) {
                }
                continue;
            }
            startProcess();
            continue;
        }

        const ChildProcess::Pumped pumped = m_child->pump(timeoutMs, m_wakeFds[0]);
        if (!pumped.err.isEmpty() || pumped.errEof)
            handleStderr(pumped.err, pumped.errEof);
        if (!pumped.out.isEmpty())
            handleStdout(pumped.out);
        if (!m_child)
            continue; // the output broke the protocol
        if (pumped.outEof || pumped.writeFailed)
            processGone(pumped.outEof ? QStringLiteral("closed its output")
                                      : QStringLiteral("stopped reading its input"));
    }
    stopProcess(true);
}

bool ExecSlot::startProcess()
{
    Result<std::unique_ptr<ChildProcess>> child =
        ChildProcess::spawn(m_settings.command, m_settings.environment);
    if (!child) {
        noteFailure(child.error().message);
        return false;
    }
    m_child = std::move(child).value();
    m_outBuffer.clear();
    m_errBuffer.clear();
    m_lastStderr.clear();
    qCInfo(lcWorker).noquote() << QStringLiteral("model process %1 started (pid %2): %3")
                                      .arg(m_index)
                                      .arg(m_child->pid())
                                      .arg(m_settings.command);
    return true;
}

void ExecSlot::handleStderr(const QByteArray& bytes, bool flush)
{
    m_errBuffer += bytes;
    for (const QByteArray& line : ExecProtocol::takeLines(m_errBuffer, flush)) {
        m_lastStderr = ExecProtocol::excerpt(line);
        qCInfo(lcWorker).noquote()
            << QStringLiteral("model process %1: %2").arg(m_index).arg(QString::fromUtf8(line));
    }
}

void ExecSlot::handleStdout(const QByteArray& bytes)
{
    m_outBuffer += bytes;
    const QList<QByteArray> lines = ExecProtocol::takeLines(m_outBuffer, false, m_settings.maxLineBytes);
    for (const QByteArray& line : lines) {
        if (!m_child)
            return; // an earlier line broke the protocol
        Result<ExecProtocol::Message> message = ExecProtocol::parseLine(line);
        if (!message) {
            protocolBroken(message.error().message);
            return;
        }
        std::unique_lock lock(m_mutex);
        Job* job = activeJob();
        if (!job || !job->sent || message->id != job->id) {
            const QString why =
                job ? QStringLiteral("a message for task '%1' while task '%2' runs: '%3'")
                          .arg(message->id, job->id, ExecProtocol::excerpt(line))
                    : QStringLiteral("a message while no task runs: '%1'").arg(ExecProtocol::excerpt(line));
            lock.unlock();
            protocolBroken(why);
            return;
        }
        if (!message->isFinal()) {
            job->events.push_back(*message);
            lock.unlock();
            m_changed.notify_all();
            continue;
        }
        m_failuresInRow = 0; // it answered by the protocol: healthy
        lock.unlock();
        Outcome outcome;
        if (message->kind == ExecProtocol::Message::Kind::Result) {
            outcome.kind = Outcome::Kind::Result;
            outcome.resultJson = message->resultJson;
        } else {
            outcome.kind = Outcome::Kind::Error;
            outcome.code = message->code;
            outcome.message = message->message;
            outcome.retry = message->retry;
        }
        finishJob(std::move(outcome));
    }
}

void ExecSlot::protocolBroken(const QString& why)
{
    const QString reason = QStringLiteral("wrote something that is not the protocol (%1)").arg(why);
    qCWarning(lcWorker).noquote()
        << QStringLiteral("model process %1 %2; restarting it").arg(m_index).arg(reason);
    stopProcess(false);
    noteFailure(QStringLiteral("the model process ") + reason);
    finishJob({Outcome::Kind::Failed,
               {},
               QStringLiteral("model_process"),
               QStringLiteral("the model process ") + reason,
               true});
}

void ExecSlot::processGone(const QString& why)
{
    // It closed stdout or stdin: expect it to be exiting; give it a moment to say how, then make sure.
    const bool exited = m_child->waitForExit(1000);
    if (!exited)
        m_child->kill();
    handleStderr({}, true);
    QString reason = QStringLiteral("the model process %1").arg(exited ? m_child->exitDescription() : why);
    if (!m_lastStderr.isEmpty())
        reason += QStringLiteral(" (last stderr line: %1)").arg(m_lastStderr);
    m_child.reset();
    qCWarning(lcWorker).noquote() << QStringLiteral("model process %1: %2").arg(m_index).arg(reason);
    noteFailure(reason);
    finishJob({Outcome::Kind::Failed, {}, QStringLiteral("model_process"), reason, true});
}

void ExecSlot::noteFailure(const QString& reason)
{
    int failures = 0;
    {
        std::lock_guard lock(m_mutex);
        failures = ++m_failuresInRow;
        m_lastFailure = reason;
    }
    const int delay = failures <= 1
                          ? 0
                          : int(qMin<qint64>(qint64(m_settings.restartMinMs) << qMin(failures - 2, 20),
                                             m_settings.restartMaxMs));
    m_restartAt.setRemainingTime(delay);
    if (delay > 0)
        qCWarning(lcWorker).noquote()
            << QStringLiteral("model process %1: restarting in %2 ms (%3 failures in a row)")
                   .arg(m_index)
                   .arg(delay)
                   .arg(failures);
}

void ExecSlot::stopProcess(bool gracefully)
{
    if (!m_child)
        return;
    if (gracefully) {
        // EOF on stdin asks a well-behaved model to finish; then SIGTERM, then SIGKILL.
        m_child->closeInputWhenWritten();
        if (!m_child->waitForExit(kStopGraceMs)) {
            m_child->signalGroup(SIGTERM);
            m_child->waitForExit(kStopGraceMs);
        }
    }
    m_child->kill();
    m_child.reset();
    m_outBuffer.clear();
    m_errBuffer.clear();
}

} // namespace mmf
