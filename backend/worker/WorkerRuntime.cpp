#include "worker/WorkerRuntime.h"

#include "auth/Base64Url.h"
#include "auth/TokenCodec.h"
#include "broker/BrokerKeys.h"
#include "core/Clock.h"
#include "worker/Model.h"
#include "worker/RegistryClient.h"
#include "worker/TaskExecutor.h"
#include "worker/WorkerLog.h"
#include "worker/WorkerTaskContext.h"

#include "mmf/v1/task.pb.h"
#include "mmf/v1/token.pb.h"

#include <QPointer>

#include <exception>
#include <optional>

namespace mmf {

namespace {

constexpr int kReadRetryMinMs = 100;
constexpr int kReadRetryMaxMs = 5000;
constexpr size_t kPruneCallsAt = 64;

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

// A token's claims, not verified.
std::optional<v1::TokenClaims> unverifiedClaims(QByteArrayView token)
{
    const qsizetype dot = token.indexOf('.');
    if (dot <= 0 || token.size() > TokenVerifier::kMaxTokenBytes)
        return std::nullopt;
    const auto claimsBytes = Base64Url::decode(token.first(dot));
    if (!claimsBytes)
        return std::nullopt;
    v1::TokenClaims claims;
    if (!claims.ParseFromArray(claimsBytes->constData(), int(claimsBytes->size())))
        return std::nullopt;
    return claims;
}

// The key id a token claims, read without verifying (to tell "unknown key" from "bad token"). Null when the
// token is not "<base64url claims>.<base64url signature>".
QByteArray tokenKeyId(QByteArrayView token)
{
    const std::optional<v1::TokenClaims> claims = unverifiedClaims(token);
    if (!claims)
        return {};
    QByteArray id = QByteArray::fromStdString(claims->key_id());
    return id.isNull() ? QByteArray("") : id;
}

// "succeeded in 12 ms", "failed (bad_input) in 3 ms"
QString outcomeText(const QByteArray& status, const QString& code, qint64 tookMs)
{
    return code.isEmpty()
               ? QStringLiteral("%1 in %2 ms").arg(QString::fromLatin1(status)).arg(tookMs)
               : QStringLiteral("%1 (%2) in %3 ms").arg(QString::fromLatin1(status), code).arg(tookMs);
}

QByteArray num(qint64 value)
{
    return QByteArray::number(value);
}

} // namespace

struct WorkerRuntime::InHand
{
    enum class State
    {
        Verifying,
        WaitingKeys,
        Starting,
        Running,
        Finishing,
        Releasing
    };

    quint64 serial = 0;
    State state = State::Verifying;
    QByteArray entryId;
    QByteArray taskId;
    QByteArray userId;
    QByteArray taskToken;
    QByteArray request;
    QByteArray taskKey;
    int attempt = 0;
    QString denial; // why the task token was refused (the attempt then fails with permission_denied)
    qint64 keyWaitSinceMs = 0;
    quint64 keyGeneration = 0;
    qint64 startedMs = 0;
    std::shared_ptr<WorkerTaskContext> context;
    std::vector<quint64> calls;
    int callCount = 0;
};

WorkerRuntime::WorkerRuntime(WorkerRuntimeSettings settings, RedisConfig redis, ModelBase& model,
                             TokenVerifier& verifier, RegistryClient& registry, const Clock& clock,
                             QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_model(model)
    , m_verifier(verifier)
    , m_registry(registry)
    , m_clock(clock)
    , m_model8(m_settings.modelName.toUtf8())
    , m_consumer8(m_settings.consumer.toUtf8())
    , m_tasksKey(BrokerKeys::tasks(m_model8))
    , m_eventsKey(BrokerKeys::events(m_model8))
    , m_inflightKey(BrokerKeys::inflight(m_model8))
    , m_delayedKey(BrokerKeys::delayed(m_model8))
    , m_deadKey(BrokerKeys::dead(m_model8))
    , m_caller(m_settings.server)
    , m_outbox([this] {
        QMetaObject::invokeMethod(
            this, [this] { drainOutbox(); }, Qt::QueuedConnection);
    })
    , m_executor(std::make_unique<TaskExecutor>(m_settings.concurrency))
    , m_redis([&] {
        RedisConfig config = redis;
        config.clientName = m_settings.consumer;
        return config;
    }())
    , m_reader([&] {
        RedisConfig config = redis;
        config.clientName = m_settings.consumer + QStringLiteral("-read");
        return config;
    }())
    , m_writes(m_redis)
{
    m_readRetryTimer.setSingleShot(true);
    connect(&m_readRetryTimer, &QTimer::timeout, this, [this] {
        if (!m_groupReady)
            createGroup();
        else
            readMore();
    });
    connect(&m_claimTimer, &QTimer::timeout, this, &WorkerRuntime::renewClaims);
    connect(&m_cancelTimer, &QTimer::timeout, this, &WorkerRuntime::pollCancellations);
    connect(&m_keyRefreshTimer, &QTimer::timeout, this, &WorkerRuntime::requestKeyRefresh);
    m_keyRetryTimer.setSingleShot(true);
    connect(&m_keyRetryTimer, &QTimer::timeout, this, &WorkerRuntime::requestKeyRefresh);
    m_drainTimer.setSingleShot(true);
    connect(&m_drainTimer, &QTimer::timeout, this, &WorkerRuntime::giveBack);
    m_giveUpTimer.setSingleShot(true);
    connect(&m_giveUpTimer, &QTimer::timeout, this, [this] {
        for (const auto& [serial, task] : m_inHand)
            qCCritical(lcWorker).noquote()
                << "shutting down without storing the outcome of task" << task->taskId
                << "(Redis did not answer); the server will retry it after the claim"
                << "timeout";
        if (m_writes.pendingCount() > 0)
            qCCritical(lcWorker) << "shutting down with" << m_writes.pendingCount()
                                 << "Redis writes (log lines, outcomes) that could not be made";
        finishShutdown();
    });
    connect(&m_redis, &RedisClient::connected, this, [this] {
        if (!m_groupReady && !m_readRetryTimer.isActive())
            createGroup();
    });
    connect(&m_reader, &RedisClient::connected, this, [this] {
        // A read that failed while Redis was away may retry at once.
        if (m_readRetryTimer.isActive() && m_groupReady) {
            m_readRetryTimer.stop();
            readMore();
        }
    });
    connect(&m_writes, &RedisWriteQueue::drained, this, &WorkerRuntime::maybeFinishShutdown);
}

WorkerRuntime::~WorkerRuntime()
{
    for (const auto& [serial, task] : m_inHand) {
        if (task->context)
            task->context->cancel();
    }
    if (m_executor)
        m_executor->stop(-1);
}

bool WorkerRuntime::stopThreads(int timeoutMs)
{
    for (const auto& [serial, task] : m_inHand) {
        if (task->context)
            task->context->cancel();
    }
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
    m_reader.start();
    m_claimTimer.start(qMax(100, m_settings.claimTimeoutMs / 3));
    m_cancelTimer.start(qMax(10, m_settings.cancelPollMs));
    m_keyRefreshTimer.start(qMax(1000, m_settings.keyRefreshMs));
    createGroup();
}

QByteArray WorkerRuntime::claimedProject(QByteArrayView token)
{
    const std::optional<v1::TokenClaims> claims = unverifiedClaims(token);
    return claims ? QByteArray::fromStdString(claims->project_id()) : QByteArray();
}

WorkerRuntime::Stats WorkerRuntime::stats() const
{
    Stats stats;
    stats.succeeded = m_succeeded;
    stats.failed = m_failed;
    stats.inHand = int(m_inHand.size());
    stats.writesPending = m_writes.pendingCount();
    stats.writesBlocked = m_writes.isBlocked();
    for (const auto& [serial, task] : m_inHand) {
        if (task->state == InHand::State::Running) {
            stats.currentTaskId = QString::fromUtf8(task->taskId);
            break;
        }
    }
    return stats;
}

// ---- reading ----

void WorkerRuntime::createGroup()
{
    if (m_stopping)
        return;
    m_redis.command({"XGROUP", "CREATE", m_tasksKey, BrokerKeys::kGroup, "0", "MKSTREAM"},
                    [this](const RedisReply& reply) {
                        if (reply.isUnavailable()) {
                            scheduleReadRetry();
                            return;
                        }
                        if (reply.isError() && !reply.view().startsWith("BUSYGROUP"))
                            // The server may have made the group (and the ACL may not grant XGROUP): read
                            // anyway.
                            qCWarning(lcWorker).noquote()
                                << "cannot create the consumer group:" << reply.toString();
                        m_groupReady = true;
                        m_readBackoffMs = 0;
                        readMore();
                    });
}

void WorkerRuntime::scheduleReadRetry()
{
    m_readBackoffMs = m_readBackoffMs == 0 ? kReadRetryMinMs : qMin(m_readBackoffMs * 2, kReadRetryMaxMs);
    m_readRetryTimer.start(m_readBackoffMs);
}

void WorkerRuntime::readMore()
{
    if (m_stopping || !m_groupReady || m_readInFlight || m_readRetryTimer.isActive())
        return;
    const int free = m_settings.concurrency - int(m_inHand.size());
    if (free <= 0)
        return;
    m_readInFlight = true;
    m_reader.command(
        {"XREADGROUP", "GROUP", BrokerKeys::kGroup, m_consumer8, "COUNT", num(free), "BLOCK",
         num(m_settings.blockMs), "STREAMS", m_tasksKey, ">"},
        [this](const RedisReply& reply) { onRead(reply); }, m_settings.blockMs);
}

void WorkerRuntime::onRead(const RedisReply& reply)
{
    m_readInFlight = false;
    if (reply.isError()) {
        if (reply.view().startsWith("NOGROUP"))
            m_groupReady = false; // the stream or group went away: make it again
        if (!reply.isUnavailable() || m_readBackoffMs == 0)
            qCWarning(lcWorker).noquote() << "reading tasks failed:" << reply.toString();
        if (!m_stopping)
            scheduleReadRetry();
        maybeFinishShutdown();
        return;
    }
    m_readBackoffMs = 0;
    for (auto& [stream, entries] : StreamEntry::parseRead(reply)) {
        for (StreamEntry& entry : entries)
            accept(std::move(entry));
    }
    if (m_stopping)
        maybeFinishShutdown();
    else
        readMore();
}

void WorkerRuntime::accept(StreamEntry&& entry)
{
    auto task = std::make_shared<InHand>();
    task->serial = ++m_nextSerial;
    task->entryId = entry.id;
    m_inHand.emplace(task->serial, task);

    const QByteArray env = entry.value("env");
    v1::TaskEnvelope envelope;
    if (env.isNull()) {
        deadLetter(task, QStringLiteral("the stream entry has no env field"));
        return;
    }
    if (!envelope.ParseFromArray(env.constData(), int(env.size())) || envelope.task_id().empty()) {
        deadLetter(task, QStringLiteral("the envelope does not decode as mmf.v1.TaskEnvelope"));
        return;
    }
    task->taskId = QByteArray::fromStdString(envelope.task_id());
    task->userId = QByteArray::fromStdString(envelope.user_id());
    task->taskToken = QByteArray::fromStdString(envelope.task_token());
    task->request = QByteArray::fromStdString(envelope.request());
    task->taskKey = BrokerKeys::task(m_model8, task->taskId);
    if (m_stopping) {
        release(task);
        return;
    }
    verifyAndStart(task);
}

void WorkerRuntime::verifyAndStart(const InHandPtr& task)
{
    task->state = InHand::State::Verifying;
    const QByteArray keyId = tokenKeyId(task->taskToken);
    if (keyId.isNull()) {
        task->denial = QStringLiteral("the task token is malformed");
    } else if (!m_verifier.knowsKey(keyId)) {
        const qint64 now = m_clock.nowMs();
        if (task->keyWaitSinceMs == 0) {
            task->keyWaitSinceMs = now;
            task->keyGeneration = m_keyFetchGeneration;
        }
        if (m_keyFetchGeneration > task->keyGeneration) {
            task->denial = QStringLiteral("the task token was signed by an unknown key");
        } else if (now - task->keyWaitSinceMs >= m_settings.keyWaitMaxMs) {
            task->denial = QStringLiteral("the task token's key could not be fetched");
        } else {
            task->state = InHand::State::WaitingKeys;
            requestKeyRefresh();
            return;
        }
    } else {
        const Result<std::shared_ptr<const v1::TokenClaims>> claims =
            m_verifier.verifyShared(task->taskToken);
        if (!claims)
            task->denial = claims.error().message;
        else if (!hasMethod(**claims, "score"))
            task->denial = QStringLiteral("the task token does not grant score");
        else if (QByteArray::fromStdString((*claims)->model()) != m_model8)
            task->denial = QStringLiteral("the task token is for model '%1', not '%2'")
                               .arg(QString::fromStdString((*claims)->model()), m_settings.modelName);
        else if (QByteArrayView((*claims)->project_id()) != m_settings.project)
            task->denial = QStringLiteral("the task token is for project '%1', not the model's project '%2'")
                               .arg(QString::fromStdString((*claims)->project_id()),
                                    QString::fromUtf8(m_settings.project));
    }
    startAttempt(task);
}

void WorkerRuntime::startAttempt(const InHandPtr& task)
{
    task->state = InHand::State::Starting;
    const quint64 serial = task->serial;
    m_writes.eval(
        m_scripts.start, {task->taskKey, m_eventsKey, m_tasksKey, m_inflightKey},
        {task->entryId, m_consumer8, num(m_clock.nowMs()), task->taskId, num(m_settings.eventsMaxLen)},
        [this, serial](const RedisReply& reply, bool) { onStarted(serial, reply); });
}

void WorkerRuntime::onStarted(quint64 serial, const RedisReply& reply)
{
    const InHandPtr task = find(serial);
    if (!task)
        return;
    if (reply.isError() || !reply.isArray() || reply.size() < 1) {
        // Leave the entry pending: the server reclaims it after the claim timeout.
        qCCritical(lcWorker).noquote() << "starting task" << task->taskId << "failed:" << reply.toString();
        remove(serial);
        return;
    }
    const QByteArray verdict = reply.at(0).toByteArray();
    if (verdict != "run") {
        qCInfo(lcWorker).noquote() << "task" << task->taskId << "not run:" << verdict
                                   << (reply.size() > 1 ? reply.at(1).toByteArray() : QByteArray());
        remove(serial);
        return;
    }
    task->attempt = int(reply.at(1).integer());
    if (!task->denial.isEmpty()) {
        qCWarning(lcWorker).noquote() << "refusing task" << task->taskId << "-" << task->denial;
        finishTask(task, "failed", {}, QStringLiteral("permission_denied"), task->denial);
        return;
    }
    if (m_stopping) {
        release(task);
        return;
    }
    run(task);
}

void WorkerRuntime::run(const InHandPtr& task)
{
    task->state = InHand::State::Running;
    task->startedMs = m_clock.nowMs();
    task->context = std::make_shared<WorkerTaskContext>(
        m_outbox, m_clock, task->serial, QString::fromUtf8(task->taskId), task->attempt, m_settings.consumer);
    qCDebug(lcWorker).noquote() << "running task" << task->taskId << "attempt" << task->attempt;
    m_executor->post(
        [model = &m_model, outbox = &m_outbox, context = task->context, request = task->request] {
            WorkerOutbox::Item item;
            item.serial = context->serial();
            try {
                Outcome<QByteArray> outcome = model->processBytes(request, *context);
                if (auto* error = std::get_if<TaskError>(&outcome)) {
                    item.kind = WorkerOutbox::Item::Kind::TaskError;
                    item.text = error->code.isEmpty() ? QStringLiteral("failed") : error->code;
                    item.message = error->message;
                } else {
                    item.kind = WorkerOutbox::Item::Kind::Response;
                    item.bytes = std::move(std::get<QByteArray>(outcome));
                }
            } catch (const std::exception& e) {
                item.kind = WorkerOutbox::Item::Kind::Exception;
                item.message = QString::fromLocal8Bit(e.what());
            } catch (...) {
                item.kind = WorkerOutbox::Item::Kind::Exception;
                item.message = QStringLiteral("the model threw something that is not a std::exception");
            }
            outbox->push(std::move(item));
        });
}

// ---- what worker threads hand over ----

void WorkerRuntime::drainOutbox()
{
    std::vector<WorkerOutbox::Item> items = m_outbox.takeAll();
    for (WorkerOutbox::Item& item : items) {
        const InHandPtr task = find(item.serial);
        const bool running = task && task->state == InHand::State::Running;
        switch (item.kind) {
        case WorkerOutbox::Item::Kind::Log:
        case WorkerOutbox::Item::Kind::Progress: {
            if (!running)
                break;
            const bool isLog = item.kind == WorkerOutbox::Item::Kind::Log;
            m_writes.eval(
                m_scripts.log, {task->taskKey, BrokerKeys::log(m_model8, task->taskId), m_eventsKey},
                {task->taskId, task->userId, num(item.tsMs), isLog ? "l" : "p",
                 isLog ? QByteArray(levelName(item.level)) : QByteArray::number(item.fraction, 'g', 6),
                 item.text.toUtf8(), num(m_settings.retentionSecs), num(m_settings.eventsMaxLen)});
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
}

// ---- outcomes ----

void WorkerRuntime::finishTask(const InHandPtr& task, const QByteArray& status, const QByteArray& result,
                               const QString& code, const QString& message)
{
    task->state = InHand::State::Finishing;
    const quint64 serial = task->serial;
    const qint64 now = m_clock.nowMs();
    const qint64 tookMs = task->startedMs ? now - task->startedMs : 0;
    m_writes.eval(
        m_scripts.finish,
        {task->taskKey, m_tasksKey, m_eventsKey, BrokerKeys::result(m_model8, task->taskId), m_inflightKey},
        {task->entryId, m_consumer8, status, result, code.toUtf8(), message.toUtf8(), num(now),
         num(m_settings.retentionSecs), num(m_settings.eventsMaxLen), num(m_settings.inlineResultLimit),
         task->taskId},
        [this, serial, status, code, tookMs](const RedisReply& reply, bool resent) {
            const InHandPtr task = find(serial);
            if (!task)
                return;
            const QByteArray answer = reply.toByteArray();
            if (answer == "lost" && resent) {
                // An earlier try may have gone through while its answer was lost: look.
                checkEarlierFinish(serial, status, code, tookMs);
                return;
            }
            if (reply.isError()) {
                qCCritical(lcWorker).noquote()
                    << "storing the outcome of task" << task->taskId << "failed:" << reply.toString();
            } else if (answer == "ok") {
                if (status == "succeeded")
                    ++m_succeeded;
                else
                    ++m_failed;
                qCInfo(lcWorker).noquote() << "task" << task->taskId << outcomeText(status, code, tookMs);
            } else if (answer == "lost") {
                qCWarning(lcWorker).noquote()
                    << "task" << task->taskId << "was taken over meanwhile; this answer is dropped";
            } else {
                qCInfo(lcWorker).noquote()
                    << "task" << task->taskId << "was" << answer << "meanwhile; this answer is dropped";
            }
            remove(serial);
        });
}

void WorkerRuntime::checkEarlierFinish(quint64 serial, const QByteArray& status, const QString& code,
                                       qint64 tookMs)
{
    const InHandPtr task = find(serial);
    m_redis.command({"HMGET", task->taskKey, "st", "i", "e"}, [this, serial, status, code,
                                                               tookMs](const RedisReply& reply) {
        const InHandPtr task = find(serial);
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

void WorkerRuntime::failAttempt(const InHandPtr& task, const QString& code, const QString& message)
{
    task->state = InHand::State::Finishing;
    const quint64 serial = task->serial;
    qCWarning(lcWorker).noquote() << "task" << task->taskId << "attempt" << task->attempt
                                  << "threw:" << message;
    m_writes.eval(m_scripts.failAttempt,
                  {task->taskKey, m_tasksKey, m_eventsKey, m_delayedKey, m_deadKey, m_inflightKey},
                  {task->entryId, m_consumer8, task->taskId, num(m_clock.nowMs()), code.toUtf8(),
                   message.toUtf8(), num(m_settings.maxAttempts), num(m_settings.backoffInitialMs),
                   QByteArray::number(m_settings.backoffFactor, 'g', 10), num(m_settings.backoffMaxMs),
                   num(m_settings.eventsMaxLen)},
                  [this, serial](const RedisReply& reply, bool) {
                      const InHandPtr task = find(serial);
                      if (!task)
                          return;
                      if (reply.isError()) {
                          qCCritical(lcWorker).noquote() << "recording the failed attempt of task"
                                                         << task->taskId << "failed:" << reply.toString();
                      } else {
                          const QByteArray answer = reply.toByteArray();
                          if (answer == "retry" || answer == "dead")
                              ++m_failed;
                          qCInfo(lcWorker).noquote() << "task" << task->taskId << "failed attempt:" << answer;
                      }
                      remove(serial);
                  });
}

void WorkerRuntime::release(const InHandPtr& task)
{
    task->state = InHand::State::Releasing;
    const quint64 serial = task->serial;
    m_writes.eval(
        m_scripts.release, {task->taskKey, m_tasksKey, m_eventsKey, m_inflightKey},
        {task->entryId, m_consumer8, task->taskId, num(m_clock.nowMs()), num(m_settings.eventsMaxLen)},
        [this, serial](const RedisReply& reply, bool) {
            const InHandPtr task = find(serial);
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

void WorkerRuntime::deadLetter(const InHandPtr& task, const QString& reason)
{
    task->state = InHand::State::Finishing;
    const quint64 serial = task->serial;
    qCWarning(lcWorker).noquote() << "entry" << task->entryId << "goes to the dead letters:" << reason;
    m_writes.eval(m_scripts.deadLetter, {m_tasksKey, m_deadKey, m_inflightKey, m_eventsKey},
                  {task->entryId, m_consumer8, num(m_clock.nowMs()), "undecodable", reason.toUtf8(),
                   num(m_settings.eventsMaxLen), m_model8},
                  [this, serial](const RedisReply& reply, bool) {
                      if (reply.isError())
                          qCCritical(lcWorker).noquote() << "dead-lettering failed:" << reply.toString();
                      remove(serial);
                  });
}

void WorkerRuntime::cancelTask(InHand& task, const QString& why)
{
    if (!task.context || task.context->isCancelled())
        return;
    qCInfo(lcWorker).noquote() << "task" << task.taskId << why;
    task.context->cancel();
    abortCalls(task, QStringLiteral("cancelled"), QStringLiteral("the calling task was cancelled"));
}

void WorkerRuntime::abortCalls(InHand& task, const QString& code, const QString& message)
{
    for (quint64 id : task.calls)
        m_caller.abort(id, code, message);
    task.calls.clear();
}

void WorkerRuntime::remove(quint64 serial)
{
    m_inHand.erase(serial);
    if (m_stopping)
        maybeFinishShutdown();
    else
        readMore();
}

WorkerRuntime::InHandPtr WorkerRuntime::find(quint64 serial) const
{
    const auto it = m_inHand.find(serial);
    return it == m_inHand.end() ? nullptr : it->second;
}

// ---- periodic work ----

void WorkerRuntime::renewClaims()
{
    if (m_inHand.empty())
        return;
    std::vector<QByteArray> args;
    args.reserve(m_inHand.size() + 6);
    args.insert(args.end(), {QByteArrayLiteral("XCLAIM"), m_tasksKey, QByteArray(BrokerKeys::kGroup),
                             m_consumer8, QByteArrayLiteral("0")});
    for (const auto& [serial, task] : m_inHand)
        args.push_back(task->entryId);
    args.push_back(QByteArrayLiteral("JUSTID"));
    m_redis.command(args, [](const RedisReply& reply) {
        if (reply.isError())
            qCWarning(lcWorker).noquote() << "renewing claims failed:" << reply.toString();
    });
}

void WorkerRuntime::pollCancellations()
{
    for (const auto& [serial, task] : m_inHand) {
        if (task->state != InHand::State::Running || task->context->isCancelled())
            continue;
        const quint64 id = serial;
        m_redis.command({"HGET", task->taskKey, "st"}, [this, id](const RedisReply& reply) {
            if (reply.isError())
                return;
            const InHandPtr task = find(id);
            if (!task || task->state != InHand::State::Running)
                return;
            if (reply.isNil())
                cancelTask(*task, QStringLiteral("is gone from Redis; stopping it"));
            else if (reply.view() == "cancelled")
                cancelTask(*task, QStringLiteral("was cancelled"));
            else if (reply.view() != "running")
                cancelTask(*task, QStringLiteral("is %1 meanwhile; stopping it").arg(reply.toString()));
        });
    }
}

void WorkerRuntime::requestKeyRefresh()
{
    if (m_keyFetchInFlight || m_stopped)
        return;
    const qint64 wait = m_lastKeyFetchMs + m_settings.keyRefetchMinMs - m_clock.nowMs();
    if (m_lastKeyFetchMs != 0 && wait > 0) {
        if (!m_keyRetryTimer.isActive())
            m_keyRetryTimer.start(int(wait));
        return;
    }
    fetchKeys();
}

void WorkerRuntime::fetchKeys()
{
    m_keyFetchInFlight = true;
    m_lastKeyFetchMs = m_clock.nowMs();
    QPointer<WorkerRuntime> self(this);
    m_registry.fetchKeys([this, self](Result<QList<RegistryClient::TrustedKey>> keys) {
        if (!self)
            return;
        m_keyFetchInFlight = false;
        if (!keys) {
            qCWarning(lcWorker).noquote() << keys.error().message;
        } else if (keys->isEmpty()) {
            qCWarning(lcWorker) << "the server lists no keys; keeping the ones known";
        } else {
            RegistryClient::applyKeys(m_verifier, *keys, m_knownKeys, true);
            ++m_keyFetchGeneration;
        }
        std::vector<InHandPtr> waiting;
        for (const auto& [serial, task] : m_inHand) {
            if (task->state == InHand::State::WaitingKeys)
                waiting.push_back(task);
        }
        for (const InHandPtr& task : waiting) {
            if (m_stopping)
                release(task);
            else
                verifyAndStart(task);
        }
    });
}

// ---- shutdown ----

void WorkerRuntime::shutdown(int drainMs)
{
    if (m_stopping) {
        hurry();
        return;
    }
    m_stopping = true;
    m_readRetryTimer.stop();
    m_keyRefreshTimer.stop();
    qCInfo(lcWorker).noquote() << "stopping:" << m_inHand.size() << "task(s) in hand, waiting up to"
                               << drainMs / 1000.0 << "s for them";
    std::vector<InHandPtr> notStarted;
    for (const auto& [serial, task] : m_inHand) {
        if (task->state == InHand::State::WaitingKeys)
            notStarted.push_back(task);
    }
    for (const InHandPtr& task : notStarted)
        release(task);
    m_drainTimer.start(qMax(0, drainMs));
    m_giveUpTimer.start(qMax(0, drainMs) + m_settings.writeGraceMs);
    maybeFinishShutdown();
}

void WorkerRuntime::hurry()
{
    if (!m_stopping || m_givenBack)
        return;
    m_drainTimer.stop();
    m_giveUpTimer.start(m_settings.writeGraceMs);
    giveBack();
}

void WorkerRuntime::giveBack()
{
    m_givenBack = true;
    std::vector<InHandPtr> running;
    for (const auto& [serial, task] : m_inHand) {
        if (task->state == InHand::State::Running)
            running.push_back(task);
    }
    if (!running.empty())
        qCInfo(lcWorker) << "giving" << running.size() << "running task(s) back";
    for (const InHandPtr& task : running) {
        cancelTask(*task, QStringLiteral("is given back (shutting down)"));
        release(task);
    }
    maybeFinishShutdown();
}

void WorkerRuntime::maybeFinishShutdown()
{
    if (!m_stopping || m_stopped)
        return;
    if (m_readInFlight || !m_inHand.empty() || m_writes.pendingCount() > 0)
        return;
    finishShutdown();
}

void WorkerRuntime::finishShutdown()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_drainTimer.stop();
    m_giveUpTimer.stop();
    m_claimTimer.stop();
    m_cancelTimer.stop();
    m_keyRefreshTimer.stop();
    m_keyRetryTimer.stop();
    m_readRetryTimer.stop();
    qCInfo(lcWorker) << "stopped:" << m_succeeded << "succeeded," << m_failed << "failed";
    emit stopped();
}

} // namespace mmf
