#include "exec/ExecModel.h"

#include "exec/ExecSlot.h"

namespace mmf {

ExecModel::ExecModel(std::shared_ptr<const ExecSchema> schema, ExecSettings settings, int slotCount)
    : ExecModelBase(std::move(schema))
{
    for (int i = 0; i < slotCount; ++i) {
        m_slots.push_back(std::make_unique<ExecSlot>(i + 1, settings));
        m_free.push_back(m_slots.back().get());
    }
}

ExecModel::~ExecModel() = default;

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
    const QByteArray json = requestJson(request);
    ExecSlot* slot = acquire();
    const ExecSlot::Outcome outcome = slot->run(context.taskId(), json, context);
    release(slot);
    switch (outcome.kind) {
    case ExecSlot::Outcome::Kind::Result:
        return responseBytes(outcome.resultJson);
    case ExecSlot::Outcome::Kind::Error:
        if (outcome.retry)
            failAttempt(QStringLiteral("%1: %2").arg(outcome.code, outcome.message));
        return TaskError{outcome.code, outcome.message};
    case ExecSlot::Outcome::Kind::Failed:
        break;
    }
    failAttempt(outcome.message);
}

} // namespace mmf
