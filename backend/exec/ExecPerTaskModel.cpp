#include "exec/ExecPerTaskModel.h"

#include "exec/ChildProcess.h"
#include "exec/ExecProtocol.h"

#include <QDeadlineTimer>

#include <signal.h>

namespace mmf {

namespace {
constexpr int kPumpMs = 50;
} // namespace

ExecPerTaskModel::ExecPerTaskModel(std::shared_ptr<const ExecSchema> schema, ExecSettings settings)
    : ExecModelBase(std::move(schema))
    , m_settings(std::move(settings))
{}

Outcome<QByteArray> ExecPerTaskModel::processBytes(const QByteArray& request, TaskContext& context)
{
    const QByteArray json = requestJson(request);
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
        for (const QByteArray& line : ExecProtocol::takeLines(errLine, flush)) {
            lastStderr = QString::fromUtf8(line.left(4096));
            context.info(lastStderr);
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
    return responseBytes(out.trimmed());
}

} // namespace mmf
