#include "exec/ExecSlot.h"

#include "exec/ChildProcess.h"
#include "worker/TaskContext.h"
#include "worker/WorkerLog.h"

#include <QDeadlineTimer>
#include <QSocketNotifier>

#include <algorithm>

#include <signal.h>

namespace mmf {

namespace {

// How long a process that closed its output or its input has to exit on its own before it is killed.
constexpr int kGoneGraceMs = 1000;
// Reaping where the kernel gives no pidfd.
constexpr int kReapPollMs = 20;

std::unique_ptr<QSocketNotifier> notifier(int fd, QSocketNotifier::Type type)
{
    return fd >= 0 ? std::make_unique<QSocketNotifier>(fd, type) : nullptr;
}

// Switched off at once, while its descriptor is still open (the dispatcher forgets the descriptor then), and
// deleted later: it may be the very notifier whose activation is being handled.
void retire(std::unique_ptr<QSocketNotifier>& notifier)
{
    if (!notifier)
        return;
    notifier->setEnabled(false);
    notifier.release()->deleteLater();
}

} // namespace

ExecSlot::ExecSlot(int index, ExecSettings settings, QObject* parent)
    : QObject(parent)
    , m_index(index)
    , m_settings(std::move(settings))
{
    for (QTimer* timer : {&m_restartTimer, &m_goneTimer})
        timer->setSingleShot(true);
    m_reapTimer.setInterval(kReapPollMs);
    connect(&m_restartTimer, &QTimer::timeout, this, &ExecSlot::startProcess);
    connect(&m_goneTimer, &QTimer::timeout, this, &ExecSlot::onGoneExited);
    connect(&m_reapTimer, &QTimer::timeout, this, [this] {
        reapDying();
        if (!m_goneWhy.isEmpty() && m_child->reap())
            onGoneExited();
    });
    startProcess();
}

ExecSlot::~ExecSlot()
{
    m_jobs.clear(); // no `done` from a destructor
    // The members go in reverse: each notifier before the process whose descriptor it watches; the processes'
    // destructors kill and reap them.
}

QString ExecSlot::problem() const
{
    if (m_failuresInRow < m_settings.keepsDyingAfter)
        return {};
    return QStringLiteral("the model process keeps exiting (%1 times in a row, restarting with backoff): %2")
        .arg(m_failuresInRow)
        .arg(m_lastFailure);
}

void ExecSlot::run(const QString& id, const QByteArray& requestJson, std::shared_ptr<TaskContext> context,
                   Done done)
{
    auto job = std::make_unique<Job>();
    job->id = id;
    job->line = ExecProtocol::requestLine(id, requestJson);
    job->context = std::move(context);
    job->done = std::move(done);
    if (m_settings.taskTimeoutMs > 0)
        job->timeout = jobTimer(job.get(), m_settings.taskTimeoutMs, &ExecSlot::onTimedOut);
    m_jobs.push_back(std::move(job));
    if (m_child)
        send();
    else
        failWaitingJobsIfDying();
}

void ExecSlot::checkCancelled()
{
    QStringList cancelled;
    for (const auto& job : m_jobs)
        if (!job->cancelSent && job->context && job->context->isCancelled())
            cancelled.append(job->id);
    // A cancel may end other jobs (no process to tell) and bring new ones: each is looked up again.
    for (const QString& id : cancelled)
        for (const auto& job : m_jobs)
            if (job->id == id && !job->cancelSent) {
                requestCancel(job.get(), false);
                break;
            }
}

void ExecSlot::dropContext()
{
    for (const auto& job : m_jobs)
        job->context.reset();
}

void ExecSlot::startProcess()
{
    if (m_child)
        return;
    Result<std::unique_ptr<ChildProcess>> child =
        ChildProcess::spawn(m_settings.command, m_settings.environment);
    if (!child) {
        noteFailure(child.error().message);
        failWaitingJobsIfDying();
        return;
    }
    m_child = std::move(child).value();
    m_outBuffer.clear();
    m_errBuffer.clear();
    m_lastStderr.clear();
    m_outNotifier = notifier(m_child->stdoutFd(), QSocketNotifier::Read);
    m_errNotifier = notifier(m_child->stderrFd(), QSocketNotifier::Read);
    m_inNotifier = notifier(m_child->stdinFd(), QSocketNotifier::Write);
    connect(m_outNotifier.get(), &QSocketNotifier::activated, this, &ExecSlot::onOutput);
    connect(m_errNotifier.get(), &QSocketNotifier::activated, this, &ExecSlot::onErrors);
    connect(m_inNotifier.get(), &QSocketNotifier::activated, this, &ExecSlot::pushInput);
    m_inNotifier->setEnabled(false); // only while input waits for room in the pipe
    qCInfo(lcWorker).noquote() << QStringLiteral("model process %1 started (pid %2): %3")
                                      .arg(m_index)
                                      .arg(m_child->pid())
                                      .arg(m_settings.command);
    send();
}

void ExecSlot::send()
{
    if (!m_child || !m_goneWhy.isEmpty())
        return;
    bool wrote = false;
    for (const auto& job : m_jobs) {
        if (job->sent)
            continue;
        m_child->write(job->line);
        job->sent = true;
        job->line.clear();
        wrote = true;
    }
    if (wrote)
        m_flushInput.request();
}

std::unique_ptr<QTimer> ExecSlot::jobTimer(Job* job, int ms, void (ExecSlot::*fire)(Job*))
{
    auto timer = std::make_unique<QTimer>();
    timer->setSingleShot(true);
    // The timer goes with its job, so `job` is alive whenever it fires.
    connect(timer.get(), &QTimer::timeout, this, [this, job, fire] { (this->*fire)(job); });
    timer->start(ms);
    return timer;
}

void ExecSlot::onTimedOut(Job* job)
{
    requestCancel(job, true);
}

ExecSlot::Job* ExecSlot::sentJob(const QString& id) const
{
    for (const auto& job : m_jobs)
        if (job->sent && job->id == id)
            return job.get();
    return nullptr;
}

void ExecSlot::watchInput()
{
    if (!m_child->flushInput()) {
        processGone(QStringLiteral("stopped reading its input"));
        return;
    }
    m_inNotifier->setEnabled(m_child->hasPendingInput());
}

void ExecSlot::pushInput()
{
    if (m_child && m_goneWhy.isEmpty())
        watchInput();
}

void ExecSlot::onOutput()
{
    if (!m_child || !m_goneWhy.isEmpty())
        return;
    bool eof = false;
    const QByteArray bytes = m_child->readOutput(eof);
    if (!bytes.isEmpty())
        handleStdout(bytes);
    if (eof && m_child && m_goneWhy.isEmpty())
        processGone(QStringLiteral("closed its output"));
}

void ExecSlot::onErrors()
{
    if (!m_child)
        return;
    bool eof = false;
    const QByteArray bytes = m_child->readErrors(eof);
    handleStderr(bytes, eof);
    if (eof)
        retire(m_errNotifier);
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
        Job* job = sentJob(message->id);
        if (!job) {
            QStringList inHand;
            for (const auto& each : m_jobs)
                if (each->sent)
                    inHand.append(QStringLiteral("'%1'").arg(each->id));
            protocolBroken(
                inHand.isEmpty()
                    ? QStringLiteral("a message while no task runs: '%1'").arg(ExecProtocol::excerpt(line))
                    : QStringLiteral("a message for task '%1' while task %2 runs: '%3'")
                          .arg(message->id, inHand.join(QStringLiteral(", ")), ExecProtocol::excerpt(line)));
            return;
        }
        if (!message->isFinal()) {
            if (job->context) {
                if (message->kind == ExecProtocol::Message::Kind::Log)
                    job->context->log(message->level, message->text);
                else
                    job->context->progress(message->fraction, message->text);
            }
            continue;
        }
        m_failuresInRow = 0; // it answered by the protocol: healthy
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
        finishJob(job, std::move(outcome));
    }
}

void ExecSlot::requestCancel(Job* job, bool timedOut)
{
    if (job->cancelSent)
        return;
    job->timedOut = job->timedOut || timedOut;
    if (!m_child) {
        finishJob(job, {Outcome::Kind::Failed,
                        {},
                        QStringLiteral("model_process"),
                        timedOut ? QStringLiteral("timed out after %1 ms before the model process was back")
                                       .arg(m_settings.taskTimeoutMs)
                                 : QStringLiteral("cancelled before the model process was back"),
                        true});
        return;
    }
    if (!m_goneWhy.isEmpty())
        return; // its exit settles the task
    m_child->write(ExecProtocol::cancelLine(job->id));
    job->cancelSent = true;
    job->kill = jobTimer(job, m_settings.cancelGraceMs, &ExecSlot::onKillDue);
    m_flushInput.request();
}

void ExecSlot::onKillDue(Job* job)
{
    if (!m_child)
        return;
    const QString failNow = job->timedOut ? QStringLiteral("timed out after %1 ms; the model process did not "
                                                           "stop within %2 ms and was killed")
                                                .arg(m_settings.taskTimeoutMs)
                                                .arg(m_settings.cancelGraceMs)
                                          : QStringLiteral("cancelled; the model process did not stop within "
                                                           "%1 ms and was killed")
                                                .arg(m_settings.cancelGraceMs);
    qCWarning(lcWorker).noquote()
        << QStringLiteral("model process %1, task %2: %3").arg(m_index).arg(job->id, failNow);
    killProcess(); // restarted at once: not an exit of its own
    const QString others = QStringLiteral("the model process was killed: task %1 did not stop within %2 ms "
                                          "of its cancel")
                               .arg(job->id)
                               .arg(m_settings.cancelGraceMs);
    finishJob(job, {Outcome::Kind::Failed, {}, QStringLiteral("model_process"), failNow, true});
    failJobs({Outcome::Kind::Failed, {}, QStringLiteral("model_process"), others, true}, false);
}

void ExecSlot::protocolBroken(const QString& why)
{
    const QString reason = QStringLiteral("wrote something that is not the protocol (%1)").arg(why);
    qCWarning(lcWorker).noquote()
        << QStringLiteral("model process %1 %2; restarting it").arg(m_index).arg(reason);
    dropProcess();
    noteFailure(QStringLiteral("the model process ") + reason);
    failJobs({Outcome::Kind::Failed,
              {},
              QStringLiteral("model_process"),
              QStringLiteral("the model process ") + reason,
              true},
             false);
    failWaitingJobsIfDying();
}

void ExecSlot::processGone(const QString& why)
{
    m_goneWhy = why; // from here no request goes to it
    // What it wrote before it went still counts (an answer, then an exit).
    bool eof = false;
    const QByteArray rest = m_child->readOutput(eof);
    if (!rest.isEmpty())
        handleStdout(rest);
    if (!m_child || m_goneWhy.isEmpty())
        return; // that output broke the protocol: the process is dropped already
    retire(m_outNotifier);
    retire(m_inNotifier);
    if (m_child->reap()) {
        onGoneExited();
        return;
    }
    m_exitNotifier = notifier(m_child->exitFd(), QSocketNotifier::Read);
    if (m_exitNotifier)
        connect(m_exitNotifier.get(), &QSocketNotifier::activated, this, &ExecSlot::onGoneExited);
    else
        m_reapTimer.start();
    m_goneTimer.start(kGoneGraceMs);
}

void ExecSlot::onGoneExited()
{
    if (!m_child || m_goneWhy.isEmpty())
        return;
    const bool exited = m_child->reap();
    if (!exited && m_goneTimer.isActive())
        return; // the pidfd spoke before waitpid could tell; the grace goes on
    bool eof = false;
    handleStderr(m_child->readErrors(eof), true);
    QString reason =
        QStringLiteral("the model process %1").arg(exited ? m_child->exitDescription() : m_goneWhy);
    if (!m_lastStderr.isEmpty())
        reason += QStringLiteral(" (last stderr line: %1)").arg(m_lastStderr);
    dropProcess(); // killed if it has not exited in its second
    qCWarning(lcWorker).noquote() << QStringLiteral("model process %1: %2").arg(m_index).arg(reason);
    noteFailure(reason);
    failJobs({Outcome::Kind::Failed, {}, QStringLiteral("model_process"), reason, true}, false);
    failWaitingJobsIfDying(); // else a task that came meanwhile waits for the next process
}

void ExecSlot::noteFailure(const QString& reason)
{
    const int failures = ++m_failuresInRow;
    m_lastFailure = reason;
    const int delay = failures <= 1
                          ? 0
                          : int(qMin<qint64>(qint64(m_settings.restartMinMs) << qMin(failures - 2, 20),
                                             m_settings.restartMaxMs));
    m_restartTimer.start(delay);
    if (delay > 0)
        qCWarning(lcWorker).noquote()
            << QStringLiteral("model process %1: restarting in %2 ms (%3 failures in a row)")
                   .arg(m_index)
                   .arg(delay)
                   .arg(failures);
}

void ExecSlot::failWaitingJobsIfDying()
{
    if (!m_child && m_failuresInRow >= m_settings.keepsDyingAfter)
        failJobs({Outcome::Kind::Failed,
                  {},
                  QStringLiteral("model_process"),
                  QStringLiteral("the model process keeps exiting: %1").arg(m_lastFailure),
                  true},
                 true);
}

void ExecSlot::killProcess()
{
    dropProcess();
    m_restartTimer.start(0);
}

void ExecSlot::dropProcess()
{
    for (auto* notifier : {&m_outNotifier, &m_errNotifier, &m_inNotifier, &m_exitNotifier})
        retire(*notifier);
    m_goneTimer.stop();
    m_goneWhy.clear();
    m_outBuffer.clear();
    m_errBuffer.clear();
    if (!m_child)
        return;
    if (m_child->reap()) {
        m_child.reset();
        return;
    }
    m_child->signalGroup(SIGKILL);
    Dying dying;
    dying.child = std::move(m_child);
    dying.exit = notifier(dying.child->exitFd(), QSocketNotifier::Read);
    if (dying.exit)
        connect(dying.exit.get(), &QSocketNotifier::activated, this, &ExecSlot::reapDying);
    else
        m_reapTimer.start();
    m_dying.push_back(std::move(dying));
}

void ExecSlot::reapDying()
{
    for (auto it = m_dying.begin(); it != m_dying.end();) {
        if (it->child->reap()) {
            retire(it->exit);
            it = m_dying.erase(it);
        } else {
            ++it;
        }
    }
    if (m_dying.empty() && m_goneWhy.isEmpty())
        m_reapTimer.stop();
}

void ExecSlot::finishJob(Job* job, Outcome outcome)
{
    const auto it = std::find_if(m_jobs.begin(), m_jobs.end(),
                                 [job](const std::unique_ptr<Job>& each) { return each.get() == job; });
    if (it == m_jobs.end())
        return;
    Done done = std::move(job->done);
    m_jobs.erase(it); // its timers with it
    if (done)
        done(std::move(outcome)); // may hand this slot its next task
}

void ExecSlot::failJobs(const Outcome& outcome, bool all)
{
    // Taken out first: each `done` may hand this slot a new task. Their timers go with them.
    std::vector<std::unique_ptr<Job>> ended;
    for (auto it = m_jobs.begin(); it != m_jobs.end();) {
        if (all || (*it)->sent) {
            ended.push_back(std::move(*it));
            it = m_jobs.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto& job : ended)
        if (job->done)
            job->done(outcome);
}

void ExecSlot::stopGracefully(const std::vector<ExecSlot*>& all, int graceMs)
{
    std::vector<ChildProcess*> children;
    for (ExecSlot* slot : all) {
        slot->m_jobs.clear();
        for (QTimer* timer : {&slot->m_restartTimer, &slot->m_goneTimer, &slot->m_reapTimer})
            timer->stop();
        for (auto* notifier :
             {&slot->m_outNotifier, &slot->m_errNotifier, &slot->m_inNotifier, &slot->m_exitNotifier})
            retire(*notifier);
        if (slot->m_child) {
            slot->m_child->closeInputWhenWritten();
            slot->m_child->flushInput();
            children.push_back(slot->m_child.get());
        }
    }
    const auto waitForAll = [&] {
        const QDeadlineTimer deadline(graceMs);
        for (ChildProcess* child : children)
            child->waitForExit(int(qMax<qint64>(0, deadline.remainingTime())));
    };
    waitForAll();
    for (ChildProcess* child : children)
        if (!child->hasExited())
            child->signalGroup(SIGTERM);
    waitForAll();
    // What still runs is killed by the slots' destructors.
}

} // namespace mmf
