#include "worker/WorkerRuntime.h"

#include "broker/BrokerKeys.h"
#include "core/Clock.h"
#include "worker/AsyncModel.h"
#include "worker/Model.h"
#include "worker/TaskExecutor.h"
#include "worker/WorkerLog.h"
#include "worker/WorkerTaskContext.h"

#include "mmf/v1/task.pb.h"

#include <exception>

namespace mmf {

namespace {

constexpr size_t kPruneCallsAt = 64;
constexpr qsizetype kMaxTaskIdBytes = 128;

const char* levelName(TaskContext::Level level)
{
    switch (level) {
    case TaskContext::Level::Debug:
        return "debug";
    case TaskContext::Level::Info:
        return "info";
    case TaskContext::Level::Warning:
        return "warning";
    case TaskContext::Level::Error:
        return "error";
    }
    return "info";
}

// "succeeded in 12 ms", "failed (bad_input) in 3 ms"
QString outcomeText(const QByteArray& status, const QString& code, qint64 tookMs)
{
    return code.isEmpty()
               ? QStringLiteral("%1 in %2 ms").arg(QString::fromLatin1(status)).arg(tookMs)
               : QStringLiteral("%1 (%2) in %3 ms").arg(QString::fromLatin1(status), code).arg(tookMs);
}

// What a run came to, as the loop takes it from the outbox.
WorkerOutbox::Item outcomeItem(quint64 serial, AsyncOutcome outcome)
{
    WorkerOutbox::Item item;
    item.serial = serial;
    if (auto* bytes = std::get_if<QByteArray>(&outcome)) {
        item.kind = WorkerOutbox::Item::Kind::Response;
        item.bytes = std::move(*bytes);
    } else if (auto* error = std::get_if<TaskError>(&outcome)) {
        item.kind = WorkerOutbox::Item::Kind::TaskError;
        item.text = error->code.isEmpty() ? QStringLiteral("failed") : error->code;
        item.message = error->message;
    } else {
        item.kind = WorkerOutbox::Item::Kind::Exception;
        item.message = std::get<AttemptFailure>(outcome).message;
    }
    return item;
}

// What a throw from model code says.
AttemptFailure thrown(std::exception_ptr error)
{
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return {QString::fromLocal8Bit(e.what())};
    } catch (...) {
        return {QStringLiteral("the model threw something that is not a std::exception")};
    }
}

// Runs the model on one task and hands what came of it to the loop, on whichever thread calls it; never
// throws.
void runModel(ModelBase& model, WorkerOutbox& outbox, WorkerTaskContext& context, const QByteArray& request)
{
    AsyncOutcome outcome;
    try {
        Outcome<QByteArray> result = model.processBytes(request, context);
        if (auto* error = std::get_if<TaskError>(&result))
            outcome = std::move(*error);
        else
            outcome = std::move(std::get<QByteArray>(result));
    } catch (...) {
        outcome = thrown(std::current_exception());
    }
    outbox.push(outcomeItem(context.serial(), std::move(outcome)));
}

QByteArray num(qint64 value)
{
    return QByteArray::number(value);
}

RedisConfig named(RedisConfig config, QString name)
{
    config.clientName = std::move(name);
    return config;
}

} // namespace

WorkerRuntime::WorkerRuntime(WorkerRuntimeSettings settings, RedisConfig redis, ModelBase& model,
                             TokenVerifier& verifier, RegistryClient& registry, const Clock& clock,
                             QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_model(model)
    , m_clock(clock)
    , m_model8(m_settings.modelName.toUtf8())
    , m_consumer8(m_settings.consumer.toUtf8())
    , m_tasksKey(BrokerKeys::tasks(m_model8))
    , m_tokens({m_settings.modelName, m_settings.project, m_settings.keyRefreshMs, m_settings.keyRefetchMinMs,
                m_settings.keyWaitMaxMs},
               verifier, registry, clock)
    , m_shutdown(m_settings.writeGraceMs)
    , m_claims({m_tasksKey, m_consumer8, qMax(100, m_settings.claimTimeoutMs / 3),
                qMax(10, m_settings.cancelPollMs)},
               m_tasks, m_redis, [this](InHandTask& task, const QString& why) { cancelTask(task, why); })
    , m_starts(m_tasks, m_outcomes, clock, m_settings.recordStartAfterMs,
               [this](InHandTask& task, const QString& status) {
                   cancelTask(task, QStringLiteral("is %1 meanwhile; stopping it").arg(status));
               })
    , m_caller(m_settings.server)
    , m_outbox([this] {
        QMetaObject::invokeMethod(
            this, [this] { drainOutbox(); }, Qt::QueuedConnection);
    })
    , m_async(dynamic_cast<AsyncModel*>(&model))
    , m_executor(m_async ? nullptr : std::make_unique<TaskExecutor>(m_settings.concurrency))
    , m_redis(named(redis, m_settings.consumer))
    , m_reader({m_tasksKey, m_consumer8, m_settings.blockMs, BrokerKeys::control(m_model8)}, m_redis,
               named(redis, m_settings.consumer + QStringLiteral("-read")),
               [this](std::vector<StreamEntry>&& entries) {
                   for (StreamEntry& entry : entries)
                       accept(std::move(entry));
                   startPending();
               })
    , m_outcomes(m_redis,
                 BrokerCalls(m_model8, {m_settings.retentionSecs, m_settings.eventsMaxLen,
                                        m_settings.inlineResultLimit}),
                 m_consumer8,
                 RetryPolicy{m_settings.maxAttempts, m_settings.backoffInitialMs, m_settings.backoffFactor,
                             m_settings.backoffMaxMs},
                 clock)
{
    connect(&m_tokens, &TaskTokenCheck::keysFetched, this, &WorkerRuntime::recheckWaiting);
    connect(&m_reader, &TaskStreamReader::readFinished, this, [this] {
        if (m_shutdown.isStopping())
            maybeFinishShutdown();
        else
            readMore();
    });
    connect(&m_outcomes, &TaskOutcomeWriter::finishesAnswered, this, &WorkerRuntime::readMore);
    connect(&m_outcomes, &TaskOutcomeWriter::drained, this, &WorkerRuntime::maybeFinishShutdown);
    connect(&m_shutdown, &WorkerShutdown::giveBack, this, &WorkerRuntime::giveBack);
    connect(&m_shutdown, &WorkerShutdown::giveUp, this, [this] {
        for (const auto& [serial, task] : m_tasks)
            qCCritical(lcWorker).noquote()
                << "shutting down without storing the outcome of task" << task->taskId
                << "(Redis did not answer); the server will retry it after the claim"
                << "timeout";
        if (m_outcomes.pendingCount() > 0)
            qCCritical(lcWorker) << "shutting down with" << m_outcomes.pendingCount()
                                 << "Redis writes (log lines, outcomes) that could not be made";
        finishShutdown();
    });
    connect(&m_shutdown, &WorkerShutdown::completed, this, &WorkerRuntime::stopped);
    const auto onConnectionError = [this](const QString& message) {
        if (message.contains(QLatin1String("WRONGPASS")) || message.contains(QLatin1String("NOAUTH")))
            emit redisCredentialsRejected();
    };
    connect(&m_redis, &RedisClient::connectionError, this, onConnectionError);
    connect(&m_reader.client(), &RedisClient::connectionError, this, onConnectionError);
}

void WorkerRuntime::setRedisCredentials(const QString& user, const QString& password)
{
    m_redis.setCredentials(user, password);
    m_reader.client().setCredentials(user, password);
}

WorkerRuntime::~WorkerRuntime()
{
    for (const auto& [serial, task] : m_tasks) {
        if (task->context)
            task->context->cancel();
    }
    if (m_executor)
        m_executor->stop(-1);
    if (m_async)
        m_async->forgetRuns();
}

bool WorkerRuntime::stopThreads(int timeoutMs)
{
    for (const auto& [serial, task] : m_tasks) {
        if (task->context)
            task->context->cancel();
    }
    if (!m_executor)
        return true; // an AsyncModel holds no thread of ours
    const bool joined = m_executor->stop(timeoutMs);
    if (!joined)
        m_executor.release(); // its detached threads still use it: leak it (the process is about to exit)
    return joined;
}

void WorkerRuntime::start()
{
    qCInfo(lcWorker).noquote() << "taking tasks of model" << m_settings.modelName << "as"
                               << m_settings.consumer << "from" << m_redis.config().toDisplayUrl() << "with"
                               << m_settings.concurrency << "slot(s)";
    m_redis.start();
    m_claims.start();
    m_tokens.start();
    m_reader.start();
}

QByteArray WorkerRuntime::claimedProject(QByteArrayView token)
{
    const std::optional<v1::TokenClaims> claims = TaskTokenCheck::unverifiedClaims(token);
    return claims ? QByteArray::fromStdString(claims->project_id()) : QByteArray();
}

WorkerRuntime::Stats WorkerRuntime::stats() const
{
    Stats stats;
    stats.succeeded = m_succeeded;
    stats.failed = m_failed;
    stats.inHand = int(m_tasks.size());
    stats.writesPending = m_outcomes.pendingCount();
    stats.commandsPending = m_redis.pendingCount();
    stats.writesBlocked = m_outcomes.isBlocked();
    for (const auto& [serial, task] : m_tasks) {
        if (task->state == InHandTask::State::Running) {
            stats.currentTaskId = QString::fromUtf8(task->taskId);
            break;
        }
    }
    return stats;
}

// ---- taking tasks ----

void WorkerRuntime::readMore()
{
    if (!m_shutdown.isStopping())
        m_reader.readUpTo(m_settings.concurrency - int(m_tasks.size()));
}

void WorkerRuntime::accept(StreamEntry&& entry)
{
    const InHandTaskPtr task = m_tasks.add();
    task->entryId = entry.id;

    // An entry names its task; entries queued by older servers carry the whole envelope instead.
    task->taskId = entry.value("id");
    if (task->taskId.isNull()) {
        const QByteArray env = entry.value("env");
        v1::TaskEnvelope envelope;
        if (!env.isNull() && envelope.ParseFromArray(env.constData(), int(env.size())))
            task->taskId = QByteArray::fromStdString(envelope.task_id());
    }
    // Any id stays inside this model's keys (the library builds them); the bound keeps the key sane.
    if (task->taskId.isEmpty() || task->taskId.size() > kMaxTaskIdBytes) {
        task->taskId.clear();
        deadLetter(task, QStringLiteral("the stream entry names no task"));
        return;
    }
    task->taskKey = BrokerKeys::task(m_model8, task->taskId);
    task->readMs = m_clock.nowMs();
    if (m_shutdown.isStopping()) {
        release(task);
        return;
    }
    // The read is the start: an entry with the envelope and its attempt runs now. Older entries are
    // started first (mmf_start hands out the envelope).
    const QByteArray attempt = entry.value("a");
    const QByteArray env = entry.value("env");
    if (attempt.isNull() || env.isNull()) {
        m_toStart.push_back(task->serial);
        return;
    }
    bool numeric = false;
    task->attempt = attempt.toInt(&numeric);
    if (!numeric || task->attempt < 1 || !takeEnvelope(*task, env)) {
        deadLetter(task, QStringLiteral("the envelope does not decode as mmf.v1.TaskEnvelope of this task"));
        return;
    }
    m_starts.deferred(*task);
    verify(task);
}

bool WorkerRuntime::takeEnvelope(InHandTask& task, const QByteArray& env)
{
    v1::TaskEnvelope envelope;
    if (!envelope.ParseFromArray(env.constData(), int(env.size())) ||
        QByteArrayView(envelope.task_id()) != task.taskId)
        return false;
    task.userId = QByteArray::fromStdString(envelope.user_id());
    task.taskToken = QByteArray::fromStdString(envelope.task_token());
    task.request = QByteArray::fromStdString(envelope.request());
    return true;
}

void WorkerRuntime::startPending()
{
    if (m_toStart.empty())
        return;
    std::vector<quint64> serials;
    serials.swap(m_toStart);
    std::vector<BrokerCalls::StartEntry> entries;
    entries.reserve(serials.size());
    for (quint64 serial : serials) {
        const InHandTaskPtr task = m_tasks.find(serial);
        entries.push_back({task->entryId, task->taskId});
    }
    m_outcomes.start(
        entries,
        [this, serials](size_t index, const RedisReply& reply, bool failed) {
            onStarted(serials[index], reply, failed);
        },
        [this] { readMore(); });
}

void WorkerRuntime::onStarted(quint64 serial, const RedisReply& reply, bool failed)
{
    const InHandTaskPtr task = m_tasks.find(serial);
    if (!task)
        return;
    if (failed || !reply.isArray() || reply.size() < 1) {
        // Leave the entry pending: the server reclaims it after the claim timeout.
        qCCritical(lcWorker).noquote() << "starting task" << task->taskId << "failed:" << reply.toString();
        remove(serial, false);
        return;
    }
    const QByteArray verdict = reply.at(0).toByteArray();
    if (verdict == "paused") {
        // The broker queued the task again; read nothing more until the pause ends.
        m_reader.pause();
        remove(serial, false);
        return;
    }
    if (verdict != "run") {
        qCInfo(lcWorker).noquote() << "task" << task->taskId << "not run:" << verdict
                                   << (reply.size() > 1 ? reply.at(1).toByteArray() : QByteArray());
        remove(serial, false);
        return;
    }
    task->attempt = int(reply.at(1).integer());
    if (!takeEnvelope(*task, reply.at(2).toByteArray())) {
        deadLetter(task, QStringLiteral("the envelope does not decode as mmf.v1.TaskEnvelope of this task"));
        return;
    }
    if (m_shutdown.isStopping()) {
        release(task);
        return;
    }
    verify(task);
}

// The attempt has started: a task whose token does not hold fails at once as permission_denied, and the model
// never sees it.
void WorkerRuntime::verify(const InHandTaskPtr& task)
{
    task->state = InHandTask::State::Verifying;
    QString denial;
    switch (m_tokens.check(task->taskToken, task->keyWait, &denial)) {
    case TaskTokenCheck::Verdict::WaitForKeys:
        task->state = InHandTask::State::WaitingKeys;
        return;
    case TaskTokenCheck::Verdict::Denied:
        qCWarning(lcWorker).noquote() << "refusing task" << task->taskId << "-" << denial;
        finishTask(task, "failed", {}, QStringLiteral("permission_denied"), denial);
        return;
    case TaskTokenCheck::Verdict::Accepted:
        run(task);
        return;
    }
}

void WorkerRuntime::recheckWaiting()
{
    const std::vector<InHandTaskPtr> waiting = m_tasks.inState(InHandTask::State::WaitingKeys);
    for (const InHandTaskPtr& task : waiting) {
        if (m_shutdown.isStopping())
            release(task);
        else
            verify(task);
    }
}

void WorkerRuntime::run(const InHandTaskPtr& task)
{
    task->state = InHandTask::State::Running;
    task->startedMs = m_clock.nowMs();
    task->context = std::make_shared<WorkerTaskContext>(
        m_outbox, m_clock, task->serial, QString::fromUtf8(task->taskId), task->attempt, m_settings.consumer);
    qCDebug(lcWorker).noquote() << "running task" << task->taskId << "attempt" << task->attempt;
    if (m_async) {
        const auto done = [outbox = &m_outbox, serial = task->serial](AsyncOutcome outcome) {
            outbox->push(outcomeItem(serial, std::move(outcome)));
        };
        try {
            m_async->start(task->request, task->context, done);
        } catch (...) {
            done(thrown(std::current_exception()));
        }
        return;
    }
    bool runInline = false;
    try {
        runInline = m_inlineRuns.allowed() && m_model.runsInline(task->request);
    } catch (...) {
        // Model code; the thread then runs the task and reports what it throws there.
    }
    if (runInline) {
        task->context->setInline();
        m_inlineRuns.run([&] { runModel(m_model, m_outbox, *task->context, task->request); });
        if (!m_inlineRuns.allowed())
            qCWarning(lcWorker).noquote() << "task" << task->taskId << "-" << m_inlineRuns.verdict()
                                          << "- every later task runs on the worker threads";
        return;
    }
    m_executor->post([model = &m_model, outbox = &m_outbox, context = task->context,
                      request = task->request] { runModel(*model, *outbox, *context, request); });
}

// ---- what worker threads hand over ----

void WorkerRuntime::drainOutbox()
{
    std::vector<WorkerOutbox::Item> items = m_outbox.takeAll();
    // A task seen logging, reporting progress or calling is seen running: its start goes first.
    std::vector<InHandTaskPtr> toRecord;
    for (const WorkerOutbox::Item& item : items) {
        if (item.kind != WorkerOutbox::Item::Kind::Log && item.kind != WorkerOutbox::Item::Kind::Progress &&
            item.kind != WorkerOutbox::Item::Kind::Call)
            continue;
        const InHandTaskPtr task = m_tasks.find(item.serial);
        if (task && task->state == InHandTask::State::Running)
            toRecord.push_back(task);
    }
    m_starts.recordNow(toRecord);
    std::vector<BrokerCalls::LogLine> lines;
    // Lines go out before the outcomes that follow them (one write queue, in order).
    const auto flushLines = [&] {
        m_outcomes.log(lines);
        lines.clear();
    };
    for (WorkerOutbox::Item& item : items) {
        const InHandTaskPtr task = m_tasks.find(item.serial);
        const bool running = task && task->state == InHandTask::State::Running;
        switch (item.kind) {
        case WorkerOutbox::Item::Kind::Log:
        case WorkerOutbox::Item::Kind::Progress: {
            if (!running)
                break;
            const bool isLog = item.kind == WorkerOutbox::Item::Kind::Log;
            lines.push_back(
                {task->taskId, task->userId, item.tsMs, !isLog,
                 isLog ? QByteArray(levelName(item.level)) : QByteArray::number(item.fraction, 'g', 6),
                 item.text.toUtf8()});
            break;
        }
        case WorkerOutbox::Item::Kind::Call: {
            if (!running || task->context->isCancelled()) {
                item.handle.finish(
                    Error::internal(QStringLiteral("cancelled: the calling task was cancelled")));
                break;
            }
            if (task->calls.size() >= kPruneCallsAt) {
                std::erase_if(task->calls, [this](quint64 id) { return !m_caller.isActive(id); });
            }
            SubTaskCaller::Call call;
            call.model = item.text;
            call.request = std::move(item.bytes);
            call.taskToken = task->taskToken;
            call.parentTaskId = task->taskId;
            // The same call of the same attempt is the same sub-task, however often its submission is
            // retried.
            call.idempotencyKey = task->taskId + "-a" + num(task->attempt) + "-c" + num(++task->callCount);
            call.handle = std::move(item.handle);
            task->calls.push_back(m_caller.start(std::move(call)));
            break;
        }
        case WorkerOutbox::Item::Kind::Response:
        case WorkerOutbox::Item::Kind::TaskError:
        case WorkerOutbox::Item::Kind::Exception:
            if (!running)
                break; // given back meanwhile: the answer is moot
            flushLines();
            abortCalls(*task, QStringLiteral("cancelled"), QStringLiteral("the calling task has ended"));
            if (item.kind == WorkerOutbox::Item::Kind::Response)
                finishTask(task, "succeeded", item.bytes, {}, {});
            else if (item.kind == WorkerOutbox::Item::Kind::TaskError)
                finishTask(task, "failed", {}, item.text, item.message);
            else
                failAttempt(task, QStringLiteral("exception"), item.message);
            break;
        }
    }
    flushLines();
}

// ---- outcomes ----

void WorkerRuntime::finishTask(const InHandTaskPtr& task, const QByteArray& status, const QByteArray& result,
                               const QString& code, const QString& message)
{
    task->state = InHandTask::State::Finishing;
    const quint64 serial = task->serial;
    const qint64 tookMs = task->startedMs ? m_clock.nowMs() - task->startedMs : 0;
    m_outcomes.finish(
        {task->entryId, task->taskId, status, result, code.toUtf8(), message.toUtf8()},
        [this, serial, status, code, tookMs](const RedisReply& reply, bool failed, bool resent) {
            onFinished(serial, status, code, tookMs, reply, failed, resent);
        });
}

void WorkerRuntime::onFinished(quint64 serial, const QByteArray& status, const QString& code, qint64 tookMs,
                               const RedisReply& reply, bool failed, bool resent)
{
    const InHandTaskPtr task = m_tasks.find(serial);
    if (!task)
        return;
    const QByteArray answer = failed ? QByteArray() : reply.toByteArray();
    if (answer == "lost" && resent) {
        // An earlier try may have gone through while its answer was lost: look.
        checkEarlierFinish(serial, status, code, tookMs);
        return;
    }
    if (failed) {
        qCCritical(lcWorker).noquote()
            << "storing the outcome of task" << task->taskId << "failed:" << reply.toString();
    } else if (answer == "ok") {
        if (status == "succeeded")
            ++m_succeeded;
        else
            ++m_failed;
        qCDebug(lcWorker).noquote() << "task" << task->taskId << outcomeText(status, code, tookMs);
    } else if (answer == "lost") {
        qCWarning(lcWorker).noquote()
            << "task" << task->taskId << "was taken over meanwhile; this answer is dropped";
    } else {
        qCInfo(lcWorker).noquote() << "task" << task->taskId << "was" << answer
                                   << "meanwhile; this answer is dropped";
    }
    // The writer signals finishesAnswered() once the whole call is handled: one read for the freed slots.
    remove(serial, false);
}

void WorkerRuntime::checkEarlierFinish(quint64 serial, const QByteArray& status, const QString& code,
                                       qint64 tookMs)
{
    const InHandTaskPtr task = m_tasks.find(serial);
    m_redis.command({"HMGET", task->taskKey, "st", "i", "e"}, [this, serial, status, code,
                                                               tookMs](const RedisReply& reply) {
        const InHandTaskPtr task = m_tasks.find(serial);
        if (!task)
            return;
        if (reply.isError()) {
            qCWarning(lcWorker).noquote()
                << "task" << task->taskId << "may have been stored by an earlier try;"
                << "could not check:" << reply.toString();
            remove(serial);
            return;
        }
        // Our finish went through when the task ended with our status, started by us, on this entry.
        const bool ours = reply.isArray() && reply.size() == 3 && reply.at(0).view() == status &&
                          reply.at(1).view() == m_consumer8 && reply.at(2).view() == task->entryId;
        if (ours) {
            if (status == "succeeded")
                ++m_succeeded;
            else
                ++m_failed;
            qCInfo(lcWorker).noquote() << "task" << task->taskId << outcomeText(status, code, tookMs)
                                       << "(stored by an earlier try)";
        } else {
            qCWarning(lcWorker).noquote()
                << "task" << task->taskId << "was taken over meanwhile; this answer is dropped";
        }
        remove(serial);
    });
}

void WorkerRuntime::failAttempt(const InHandTaskPtr& task, const QString& code, const QString& message)
{
    task->state = InHandTask::State::Finishing;
    const quint64 serial = task->serial;
    qCWarning(lcWorker).noquote() << "task" << task->taskId << "attempt" << task->attempt
                                  << "threw:" << message;
    m_outcomes.failAttempt(task->entryId, task->taskId, code.toUtf8(), message.toUtf8(),
                           [this, serial](const RedisReply& reply) {
                               const InHandTaskPtr task = m_tasks.find(serial);
                               if (!task)
                                   return;
                               if (reply.isError()) {
                                   qCCritical(lcWorker).noquote()
                                       << "recording the failed attempt of task" << task->taskId
                                       << "failed:" << reply.toString();
                               } else {
                                   const QByteArray answer = reply.toByteArray();
                                   // A final status answered instead means the task had ended already.
                                   if (answer == "retry" || answer == "dead" || answer == "payload_lost")
                                       ++m_failed;
                                   qCInfo(lcWorker).noquote()
                                       << "task" << task->taskId << "failed attempt:" << answer;
                               }
                               remove(serial);
                           });
}

void WorkerRuntime::release(const InHandTaskPtr& task)
{
    task->state = InHandTask::State::Releasing;
    const quint64 serial = task->serial;
    m_outcomes.release(task->entryId, task->taskId, [this, serial](const RedisReply& reply) {
        const InHandTaskPtr task = m_tasks.find(serial);
        if (!task)
            return;
        if (reply.isError())
            qCCritical(lcWorker).noquote()
                << "giving task" << task->taskId << "back failed:" << reply.toString();
        else
            qCInfo(lcWorker).noquote() << "task" << task->taskId << "given back:" << reply.toByteArray();
        remove(serial);
    });
}

void WorkerRuntime::deadLetter(const InHandTaskPtr& task, const QString& reason)
{
    task->state = InHandTask::State::Finishing;
    const quint64 serial = task->serial;
    qCWarning(lcWorker).noquote() << "entry" << task->entryId << "goes to the dead letters:" << reason;
    m_outcomes.deadLetter(
        task->entryId, task->taskId, reason.toUtf8(), [this, serial](const RedisReply& reply) {
            if (reply.isError())
                qCCritical(lcWorker).noquote() << "dead-lettering failed:" << reply.toString();
            remove(serial);
        });
}

void WorkerRuntime::cancelTask(InHandTask& task, const QString& why)
{
    if (!task.context || task.context->isCancelled())
        return;
    qCInfo(lcWorker).noquote() << "task" << task.taskId << why;
    task.context->cancel();
    abortCalls(task, QStringLiteral("cancelled"), QStringLiteral("the calling task was cancelled"));
}

void WorkerRuntime::abortCalls(InHandTask& task, const QString& code, const QString& message)
{
    for (quint64 id : task.calls)
        m_caller.abort(id, code, message);
    task.calls.clear();
}

void WorkerRuntime::remove(quint64 serial, bool readAfter)
{
    m_tasks.remove(serial);
    if (m_shutdown.isStopping())
        maybeFinishShutdown();
    else if (readAfter)
        readMore();
}

// ---- shutdown ----

void WorkerRuntime::shutdown(int drainMs)
{
    if (m_shutdown.isStopping()) {
        m_shutdown.hurry();
        return;
    }
    m_reader.stop();
    m_tokens.stop();
    qCInfo(lcWorker).noquote() << "stopping:" << m_tasks.size() << "task(s) in hand, waiting up to"
                               << drainMs / 1000.0 << "s for them";
    m_shutdown.begin(drainMs);
    const std::vector<InHandTaskPtr> notRunning = m_tasks.inState(InHandTask::State::WaitingKeys);
    for (const InHandTaskPtr& task : notRunning)
        release(task);
    maybeFinishShutdown();
}

void WorkerRuntime::hurry()
{
    m_shutdown.hurry();
}

void WorkerRuntime::giveBack()
{
    const std::vector<InHandTaskPtr> running = m_tasks.inState(InHandTask::State::Running);
    if (!running.empty())
        qCInfo(lcWorker) << "giving" << running.size() << "running task(s) back";
    for (const InHandTaskPtr& task : running) {
        cancelTask(*task, QStringLiteral("is given back (shutting down)"));
        release(task);
    }
    maybeFinishShutdown();
}

void WorkerRuntime::maybeFinishShutdown()
{
    if (!m_shutdown.isStopping() || m_shutdown.isComplete())
        return;
    if (m_reader.isReading() || !m_tasks.empty() || m_outcomes.pendingCount() > 0)
        return;
    finishShutdown();
}

void WorkerRuntime::finishShutdown()
{
    if (m_shutdown.isComplete())
        return;
    m_claims.stop();
    m_tokens.stop();
    m_reader.stop();
    qCInfo(lcWorker) << "stopped:" << m_succeeded << "succeeded," << m_failed << "failed";
    m_shutdown.complete();
}

} // namespace mmf
