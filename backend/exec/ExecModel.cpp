#include "exec/ExecModel.h"

#include "worker/TaskContext.h"

#include <utility>

namespace mmf {

namespace {

constexpr int kCancelPollMs = 50;
// For each step of a gentle stop: EOF on stdin, then SIGTERM, then SIGKILL.
constexpr int kStopGraceMs = 2000;

} // namespace

ExecModel::ExecModel(std::shared_ptr<const ExecSchema> schema, ExecSettings settings, int slotCount)
    : ExecModelBase(std::move(schema))
{
    for (int i = 0; i < slotCount; ++i)
        m_slots.push_back(std::make_unique<ExecSlot>(i + 1, settings));
    m_cancelPoll.setInterval(kCancelPollMs);
    QObject::connect(&m_cancelPoll, &QTimer::timeout, &m_cancelPoll, [this] { checkCancels(); });
}

ExecModel::~ExecModel()
{
    std::vector<ExecSlot*> all;
    for (const auto& slot : m_slots)
        all.push_back(slot.get());
    ExecSlot::stopGracefully(all, kStopGraceMs);
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

Outcome<QByteArray> ExecModel::processBytes(const QByteArray& request, TaskContext& context)
{
    Q_UNUSED(request);
    Q_UNUSED(context);
    failAttempt(QStringLiteral("an --exec model runs on the worker's event loop only"));
}

void ExecModel::start(const QByteArray& request, std::shared_ptr<TaskContext> context, Done done)
{
    Result<QByteArray> json = convertRequest(request);
    if (!json) {
        done(AttemptFailure{json.error().message});
        return;
    }
    ExecSlot* slot = freeSlot();
    if (!slot) {
        m_waiting.push_back({std::move(json).value(), std::move(context), std::move(done)});
        return;
    }
    runOn(slot, std::move(json).value(), std::move(context), std::move(done));
}

ExecSlot* ExecModel::freeSlot() const
{
    ExecSlot* best = nullptr;
    for (const auto& slot : m_slots) {
        if (slot->hasRoom() && (!best || slot->load() < best->load())) {
            best = slot.get();
            if (best->load() == 0)
                break;
        }
    }
    return best;
}

void ExecModel::runOn(ExecSlot* slot, QByteArray json, std::shared_ptr<TaskContext> context, Done done)
{
    const quint64 run = ++m_lastRun;
    m_done.emplace(run, std::move(done));
    if (!m_cancelPoll.isActive())
        m_cancelPoll.start();
    const QString id = context->taskId();
    slot->run(id, json, std::move(context),
              [this, slot, run](ExecSlot::Outcome outcome) { onSlotDone(slot, run, std::move(outcome)); });
}

void ExecModel::onSlotDone(ExecSlot* slot, quint64 run, ExecSlot::Outcome outcome)
{
    Done done;
    if (const auto it = m_done.find(run); it != m_done.end()) {
        done = std::move(it->second);
        m_done.erase(it);
    }
    AsyncOutcome result = toOutcome(std::move(outcome));
    // The slot has room before the answer goes out: a task waiting for one starts on it now.
    if (!m_waiting.empty() && slot->hasRoom()) {
        Waiting next = std::move(m_waiting.front());
        m_waiting.pop_front();
        runOn(slot, std::move(next.json), std::move(next.context), std::move(next.done));
    }
    if (done)
        done(std::move(result));
}

AsyncOutcome ExecModel::toOutcome(ExecSlot::Outcome outcome) const
{
    switch (outcome.kind) {
    case ExecSlot::Outcome::Kind::Result: {
        Result<QByteArray> bytes = convertResponse(outcome.resultJson);
        if (!bytes)
            return AttemptFailure{bytes.error().message};
        return std::move(bytes).value();
    }
    case ExecSlot::Outcome::Kind::Error:
        if (outcome.retry)
            return AttemptFailure{QStringLiteral("%1: %2").arg(outcome.code, outcome.message)};
        return TaskError{outcome.code, outcome.message};
    case ExecSlot::Outcome::Kind::Failed:
        break;
    }
    return AttemptFailure{outcome.message};
}

void ExecModel::checkCancels()
{
    bool busy = false;
    for (const auto& slot : m_slots) {
        slot->checkCancelled();
        busy = busy || slot->isBusy();
    }
    if (!busy)
        m_cancelPoll.stop();
}

void ExecModel::forgetRuns()
{
    m_done.clear();
    for (const auto& slot : m_slots)
        slot->dropContext();
    m_waiting.clear();
}

} // namespace mmf
