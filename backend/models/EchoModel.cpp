#include "models/EchoModel.h"

#include <QDateTime>

#include <algorithm>
#include <stdexcept>

namespace mmf {

EchoModel::EchoModel(std::shared_ptr<const Clock> clock)
    : m_clock(std::move(clock))
{}

bool EchoModel::runsInline(const QByteArray& bytes) const
{
    models::EchoRequest request;
    // One that does not decode fails at once, inline or not.
    if (!request.ParseFromArray(bytes.constData(), int(bytes.size())))
        return true;
    return request.delay_ms() == 0 && request.log_lines() == 0;
}

Outcome<models::EchoResponse> EchoModel::process(const models::EchoRequest& request, TaskContext& context)
{
    if (request.delay_ms() < 0 || request.delay_ms() > kMaxDelayMs)
        return TaskError{
            QStringLiteral("invalid_argument"),
            QStringLiteral("delay_ms must be in 0..%1 (got %2)").arg(kMaxDelayMs).arg(request.delay_ms())};
    if (request.log_lines() < 0 || request.log_lines() > kMaxLogLines)
        return TaskError{
            QStringLiteral("invalid_argument"),
            QStringLiteral("log_lines must be in 0..%1 (got %2)").arg(kMaxLogLines).arg(request.log_lines())};

    // The wait comes first, so every failure switch can also be watched while the task runs. It is cut into
    // steps: one per log line, else about one per 100 ms (at most 10) so progress moves during a plain delay.
    const int delayMs = request.delay_ms();
    const int lines = request.log_lines();
    const int steps = lines > 0 ? lines : std::clamp(delayMs / 100, delayMs > 0 ? 1 : 0, 10);
    for (int step = 1; step <= steps; ++step) {
        // Sleep up to this step's share of the delay; integer maths keeps the total exact.
        const int sliceMs = int(qint64(delayMs) * step / steps - qint64(delayMs) * (step - 1) / steps);
        if ((sliceMs > 0 && !context.sleepFor(sliceMs)) || context.isCancelled())
            return TaskError{QStringLiteral("cancelled"),
                             QStringLiteral("cancelled after %1 of %2 steps").arg(step - 1).arg(steps)};
        if (step <= lines)
            context.info(QStringLiteral("line %1 of %2").arg(step).arg(lines));
        context.progress(double(step) / steps, QStringLiteral("%1/%2").arg(step).arg(steps));
    }

    if (request.always_throw())
        throw std::runtime_error("always_throw is set");
    if (request.has_fail_until()) {
        const qint64 untilMs = request.fail_until().seconds() * 1000 + request.fail_until().nanos() / 1000000;
        if (m_clock->nowMs() < untilMs)
            throw std::runtime_error(
                QStringLiteral("failing until %1")
                    .arg(QDateTime::fromMSecsSinceEpoch(untilMs, Qt::UTC).toString(Qt::ISODateWithMs))
                    .toStdString());
    }
    if (!request.fail_with().empty())
        return TaskError{QStringLiteral("failed"), QString::fromStdString(request.fail_with())};

    models::EchoResponse response;
    *response.mutable_request() = request;
    response.set_instance(context.instanceName().toStdString());
    response.set_attempt(context.attempt());
    return response;
}

v1::ModelMetadata EchoModel::metadata() const
{
    v1::ModelMetadata meta;
    meta.set_description(
        "Answers with its request. Its request has every protobuf field kind, and switches to "
        "wait, log, fail and throw, for trying out forms, clients and the task life cycle.");
    meta.set_version("1.0.0");
    meta.set_owner("MMF");
    meta.add_tags("sample");
    meta.add_tags("test");
    meta.add_tags("echo");
    meta.set_docs(R"(# echo

Sends back the request as received, with the name of the instance that answered and the attempt number.

The request holds one field of every protobuf kind (numbers of each width, bool, string, bytes, enum, nested
message, repeated fields, map, oneof, optional fields, timestamps), so it exercises generated forms, the JSON
mapping and validation.

## Switches

| field | effect |
|---|---|
| `delay_ms` | waits this long before answering (0..3,600,000); cancelling the task ends the wait |
| `log_lines` | writes this many log lines (0..10,000), spread over the delay, with progress |
| `fail_until` | throws while the time is before this moment: the attempt fails and is retried |
| `always_throw` | always throws: after the model's max attempts the task goes to the dead letters |
| `fail_with` | fails the task at once, without retries, with code `failed` and this message |

The wait and the log lines come first, then the switches are checked in the order of the table.
)");
    return meta;
}

} // namespace mmf
