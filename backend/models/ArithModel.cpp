#include "models/ArithModel.h"

#include "models/NumberText.h"

#include <cmath>

namespace mmf {

namespace {

struct OptionKey
{
    const char* name;
    models::ArithOp op;
};

constexpr OptionKey kOptionKeys[] = {
    {"add_ms", models::ADD}, {"sub_ms", models::SUB}, {"mul_ms", models::MUL},
    {"div_ms", models::DIV}, {"neg_ms", models::NEG},
};

QString describe(const models::ArithRequest& request)
{
    switch (request.op()) {
    case models::ADD:
        return NumberText::binary(u"+", request.a(), request.b());
    case models::SUB:
        return NumberText::binary(u"-", request.a(), request.b());
    case models::MUL:
        return NumberText::binary(u"*", request.a(), request.b());
    case models::DIV:
        return NumberText::binary(u"/", request.a(), request.b());
    case models::NEG:
        return NumberText::negation(request.a());
    default:
        return QStringLiteral("?");
    }
}

} // namespace

int ArithModel::durationMs(models::ArithOp op) const
{
    const int index = int(op);
    if (index <= 0 || index >= int(m_durationsMs.size()))
        return 0;
    return m_durationsMs[size_t(index)].load(std::memory_order_relaxed);
}

QString ArithModel::configure(const QMap<QString, QString>& options)
{
    std::array<int, 6> next{};
    for (size_t i = 0; i < next.size(); ++i)
        next[i] = m_durationsMs[i].load(std::memory_order_relaxed);
    std::array<bool, 6> given{};

    for (auto it = options.cbegin(); it != options.cend(); ++it) {
        const OptionKey* key = nullptr;
        for (const OptionKey& candidate : kOptionKeys) {
            if (it.key() == QLatin1String(candidate.name))
                key = &candidate;
        }
        if (!key)
            return QStringLiteral("unknown option '%1' (arith takes add_ms, sub_ms, mul_ms, div_ms, neg_ms)")
                .arg(it.key());
        bool ok = false;
        const int ms = it.value().trimmed().toInt(&ok);
        if (!ok || ms < 0 || ms > kMaxDelayMs)
            return QStringLiteral("bad value '%1' for %2: expected milliseconds 0..%3")
                .arg(it.value(), it.key())
                .arg(kMaxDelayMs);
        next[size_t(key->op)] = ms;
        given[size_t(key->op)] = true;
    }
    for (size_t i = 0; i < next.size(); ++i) {
        if (given[i])
            m_durationsMs[i].store(next[i], std::memory_order_relaxed);
    }
    return {};
}

Outcome<models::ArithResponse> ArithModel::process(const models::ArithRequest& request, TaskContext& context)
{
    const models::ArithOp op = request.op();
    if (op < models::ADD || op > models::NEG)
        return TaskError{QStringLiteral("invalid_argument"),
                         QStringLiteral("op must be one of ADD, SUB, MUL, DIV, NEG (got %1)").arg(int(op))};
    if (!std::isfinite(request.a()) || (op != models::NEG && !std::isfinite(request.b())))
        return TaskError{QStringLiteral("invalid_argument"),
                         QStringLiteral("operands must be finite numbers: %1").arg(describe(request))};
    if (request.delay_ms() < 0 || request.delay_ms() > kMaxDelayMs)
        return TaskError{
            QStringLiteral("invalid_argument"),
            QStringLiteral("delay_ms must be in 0..%1 (got %2)").arg(kMaxDelayMs).arg(request.delay_ms())};
    // Checked before the delay: waiting first would only postpone a certain failure.
    if (op == models::DIV && request.b() == 0)
        return TaskError{QStringLiteral("division_by_zero"),
                         QStringLiteral("division by zero: %1").arg(describe(request))};

    const int delayMs = request.delay_ms() > 0 ? request.delay_ms() : durationMs(op);
    if (delayMs > 0 && !context.sleepFor(delayMs))
        return TaskError{QStringLiteral("cancelled"),
                         QStringLiteral("cancelled during %1").arg(describe(request))};

    double value = 0;
    switch (op) {
    case models::ADD:
        value = request.a() + request.b();
        break;
    case models::SUB:
        value = request.a() - request.b();
        break;
    case models::MUL:
        value = request.a() * request.b();
        break;
    case models::DIV:
        value = request.a() / request.b();
        break;
    default:
        value = -request.a();
        break;
    }
    if (!std::isfinite(value))
        return TaskError{QStringLiteral("invalid_argument"),
                         QStringLiteral("the result of %1 is out of range").arg(describe(request))};

    models::ArithResponse response;
    response.set_value(value);
    response.set_instance(context.instanceName().toStdString());
    return response;
}

v1::ModelMetadata ArithModel::metadata() const
{
    v1::ModelMetadata meta;
    meta.set_description("One arithmetic operation (add, subtract, multiply, divide, negate) that takes a "
                         "configurable time: the worker the distributed calculator `calc` fans out to.");
    meta.set_version("1.0.0");
    meta.set_owner("MMF");
    meta.add_tags("sample");
    meta.add_tags("arithmetic");
    meta.add_tags("calc");
    meta.set_docs(R"(# arith

Computes `a op b` for `op` in `ADD`, `SUB`, `MUL`, `DIV`, and `-a` for `NEG` (`b` is ignored).

## Timing

Each operation takes a configurable time, so the parallelism of `calc` can be watched:

    mmf-worker --model arith --option add_ms=200 --option mul_ms=500

Options `add_ms`, `sub_ms`, `mul_ms`, `div_ms`, `neg_ms` take 0..60000 ms (default 0). A request's
`delay_ms` > 0 overrides them for that request.

## Errors

| code | when |
|---|---|
| `division_by_zero` | `DIV` with `b = 0` |
| `invalid_argument` | no `op`, an operand that is not a finite number, a result out of the `double` range, `delay_ms` outside 0..60000 |
| `cancelled` | the task was cancelled while it waited |

The response carries the value and the name of the instance that computed it.
)");
    return meta;
}

} // namespace mmf
