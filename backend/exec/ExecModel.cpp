#include "exec/ExecModel.h"

#include "exec/ChildProcess.h"
#include "exec/ExecProtocol.h"
#include "exec/ExecSchema.h"
#include "exec/ExecSlot.h"

#include <google/protobuf/descriptor.h>

#include <QDeadlineTimer>

#include <signal.h>

#include <stdexcept>

namespace mmf {

namespace {

constexpr int kPumpMs = 50;

[[noreturn]] void failAttempt(const QString& message)
{
    throw std::runtime_error(message.toStdString());
}

QByteArray requestJson(const ExecSchema& schema, const QByteArray& request)
{
    Result<QByteArray> json = schema.requestToJson(request);
    if (!json)
        failAttempt(QStringLiteral("cannot convert the request to JSON: %1").arg(json.error().message));
    return *json;
}

Outcome<QByteArray> responseBytes(const ExecSchema& schema, const QByteArray& json)
{
    Result<QByteArray> bytes = schema.responseFromJson(json);
    if (!bytes)
        failAttempt(QStringLiteral("the model's result is not a valid %1: %2")
                        .arg(QString::fromStdString(schema.response()->full_name()), bytes.error().message));
    return *bytes;
}

} // namespace

ExecModel::ExecModel(std::shared_ptr<const ExecSchema> schema, ExecSettings settings, int slotCount)
    : m_schema(std::move(schema))
{
    for (int i = 0; i < slotCount; ++i) {
        m_slots.push_back(std::make_unique<ExecSlot>(i + 1, settings));
        m_free.push_back(m_slots.back().get());
    }
}

ExecModel::~ExecModel() = default;

const google::protobuf::Descriptor* ExecModel::requestDescriptor() const
{
    return m_schema->request();
}

const google::protobuf::Descriptor* ExecModel::responseDescriptor() const
{
    return m_schema->response();
}

QByteArray ExecModel::descriptorSet() const
{
    return m_schema->descriptorSet();
}

QString ExecModel::problem() const
{
    QStringList problems;
    for (const auto& slot : m_slots) {
        const QString problem = slot->problem();
        if (!problem.isEmpty())
            problems.append(problem);
    }
    if (problems.isEmpty())
        return {};
    return problems.size() == 1 ? problems.first()
                                : QStringLiteral("%1 of %2 model processes: %3")
                                      .arg(problems.size())
                                      .arg(m_slots.size())
                                      .arg(problems.first());
}

ExecSlot* ExecModel::acquire()
{
    std::unique_lock lock(m_mutex);
    m_freed.wait(lock, [this] { return !m_free.empty(); });
    ExecSlot* slot = m_free.back();
    m_free.pop_back();
    return slot;
}

void ExecModel::release(ExecSlot* slot)
{
    {
        std::lock_guard lock(m_mutex);
        m_free.push_back(slot);
    }
    m_freed.notify_one();
}

Outcome<QByteArray> ExecModel::processBytes(const QByteArray& request, TaskContext& context)
{
    const QByteArray json = requestJson(*m_schema, request);
    ExecSlot* slot = acquire();
    const ExecSlot::Outcome outcome = slot->run(context.taskId(), json, context);
    release(slot);
    switch (outcome.kind) {
    case ExecSlot::Outcome::Kind::Result:
        return responseBytes(*m_schema, outcome.resultJson);
    case ExecSlot::Outcome::Kind::Error:
        if (outcome.retry)
            failAttempt(QStringLiteral("%1: %2").arg(outcome.code, outcome.message));
        return TaskError{outcome.code, outcome.message};
    case ExecSlot::Outcome::Kind::Failed:
        break;
    }
    failAttempt(outcome.message);
}

ExecPerTaskModel::ExecPerTaskModel(std::shared_ptr<const ExecSchema> schema, ExecSettings settings)
    : m_schema(std::move(schema))
    , m_settings(std::move(settings))
{}

const google::protobuf::Descriptor* ExecPerTaskModel::requestDescriptor() const
{
    return m_schema->request();
}

const google::protobuf::Descriptor* ExecPerTaskModel::responseDescriptor() const
{
    return m_schema->response();
}

QByteArray ExecPerTaskModel::descriptorSet() const
{
    return m_schema->descriptorSet();
}

Outcome<QByteArray> ExecPerTaskModel::processBytes(const QByteArray& request, TaskContext& context)
{
    const QByteArray json = requestJson(*m_schema, request);
    Result<std::unique_ptr<ChildProcess>> spawned =
        ChildProcess::spawn(m_settings.command, m_settings.environment);
    if (!spawned)
        failAttempt(spawned.error().message);
    ChildProcess& child = **spawned;
    child.write(json + '\n');
    child.closeInputWhenWritten();

    const QDeadlineTimer timeout = m_settings.taskTimeoutMs > 0 ? QDeadlineTimer(m_settings.taskTimeoutMs)
                                                                : QDeadlineTimer(QDeadlineTimer::Forever);
    QDeadlineTimer killAt(QDeadlineTimer::Forever);
    QString stopped; // why the script was stopped, if it was
    QByteArray out;
    QByteArray errLine;
    QString lastStderr;
    bool outEof = false;
    bool errEof = false;
    const auto logLines = [&](const QByteArray& bytes, bool flush) {
        errLine += bytes;
        qsizetype newline;
        const auto emitLine = [&](QByteArray line) {
            if (line.endsWith('\r'))
                line.chop(1);
            if (line.trimmed().isEmpty())
                return;
            lastStderr = QString::fromUtf8(line.left(4096));
            context.info(lastStderr);
        };
        while ((newline = errLine.indexOf('\n')) >= 0) {
            emitLine(errLine.left(newline));
            errLine.remove(0, newline + 1);
        }
        if (flush || errLine.size() > 64 * 1024) {
            emitLine(errLine);
            errLine.clear();
        }
    };

    while (!(outEof && errEof)) {
        const ChildProcess::Pumped pumped = child.pump(kPumpMs);
        out += pumped.out;
        outEof = outEof || pumped.outEof;
        errEof = errEof || pumped.errEof;
        logLines(pumped.err, pumped.errEof);
        if (out.size() > m_settings.maxLineBytes && stopped.isEmpty()) {
            stopped = QStringLiteral("the script wrote more than %1 bytes").arg(m_settings.maxLineBytes);
            child.kill();
            break;
        }
        if (stopped.isEmpty() && (context.isCancelled() || timeout.hasExpired())) {
            stopped = context.isCancelled()
                          ? QStringLiteral("cancelled")
                          : QStringLiteral("timed out after %1 ms").arg(m_settings.taskTimeoutMs);
            child.signalGroup(SIGTERM);
            killAt.setRemainingTime(m_settings.cancelGraceMs);
        }
        if (killAt.hasExpired()) {
            child.kill();
            break;
        }
    }
    if (!child.waitForExit(stopped.isEmpty() ? 5000 : int(qMax<qint64>(0, killAt.remainingTime()))))
        child.kill();
    if (!stopped.isEmpty())
        failAttempt(QStringLiteral("the script was stopped: %1").arg(stopped));
    if (child.exitCode() != 0) {
        context.warning(QStringLiteral("the script %1").arg(child.exitDescription()));
        failAttempt(lastStderr.isEmpty() ? QStringLiteral("the script %1").arg(child.exitDescription())
                                         : lastStderr);
    }
    return responseBytes(*m_schema, out.trimmed());
}

} // namespace mmf
