#include "models/CalcModel.h"

#include "models/CallError.h"
#include "models/ExpressionParser.h"
#include "models/NumberText.h"

#include "mmf/models/arith.pb.h"

#include <algorithm>

namespace mmf {

namespace {

models::ArithOp arithOp(Expression::Kind kind)
{
    switch (kind) {
    case Expression::Kind::Add:
        return models::ADD;
    case Expression::Kind::Sub:
        return models::SUB;
    case Expression::Kind::Mul:
        return models::MUL;
    case Expression::Kind::Div:
        return models::DIV;
    case Expression::Kind::Neg:
        return models::NEG;
    case Expression::Kind::Number:
        break;
    }
    return models::ARITH_OP_UNSPECIFIED;
}

QString describe(Expression::Kind kind, double a, double b)
{
    if (kind == Expression::Kind::Neg)
        return NumberText::negation(a);
    return NumberText::binary(Expression::symbol(kind), a, b);
}

TaskError cancelled(int done, int total)
{
    return TaskError{QStringLiteral("cancelled"),
                     QStringLiteral("cancelled after %1 of %2 operations").arg(done).arg(total)};
}

} // namespace

Outcome<models::CalcResponse> CalcModel::process(const models::CalcRequest& request, TaskContext& context)
{
    constexpr int kMaxDelayMs = 60000; // as arith's own bound, so a bad value fails here, not in a child
    if (request.op_delay_ms() < 0 || request.op_delay_ms() > kMaxDelayMs)
        return TaskError{QStringLiteral("invalid_argument"),
                         QStringLiteral("op_delay_ms must be in 0..%1 (got %2)")
                             .arg(kMaxDelayMs)
                             .arg(request.op_delay_ms())};

    Result<Expression> parsed = ExpressionParser::parse(QString::fromStdString(request.expression()));
    if (!parsed)
        return TaskError{QStringLiteral("invalid_argument"), parsed.error().message};
    const Expression& expression = *parsed;
    const std::vector<Expression::Node>& nodes = expression.nodes();
    const int total = expression.operations();

    models::CalcResponse response;
    response.set_operations(total);
    response.set_depth(expression.depth());
    if (total == 0) {
        response.set_value(expression.node(expression.root()).value);
        return response;
    }
    context.info(QStringLiteral("%1 operations, depth %2").arg(total).arg(expression.depth()));

    // Scheduling state per node: its value once known, its parent, how many operands are still unknown, and
    // the operation's label ("t1", "t2", … in source order) for the log.
    const size_t count = nodes.size();
    std::vector<double> values(count, 0.0);
    std::vector<int> parent(count, -1);
    std::vector<int> missing(count, 0);
    std::vector<int> label(count, 0);
    std::vector<int> ready;
    int nextLabel = 0;
    for (size_t i = 0; i < count; ++i) {
        const Expression::Node& node = nodes[i];
        if (node.kind == Expression::Kind::Number) {
            values[i] = node.value;
            continue;
        }
        label[i] = ++nextLabel;
        for (int operand : {node.left, node.right}) {
            if (operand < 0)
                continue;
            parent[size_t(operand)] = int(i);
            if (nodes[size_t(operand)].kind != Expression::Kind::Number)
                ++missing[i];
        }
        if (missing[i] == 0)
            ready.push_back(int(i));
    }

    std::vector<CallHandle> inFlight;
    std::vector<int> inFlightNode;
    inFlight.reserve(count);
    inFlightNode.reserve(count);
    int done = 0;
    bool rootDone = false;

    while (!rootDone) {
        if (context.isCancelled())
            return cancelled(done, total);
        // Start everything that is ready, lowest label first (ready is filled in order within each batch).
        for (int index : ready) {
            const Expression::Node& node = nodes[size_t(index)];
            const double a = values[size_t(node.left)];
            const double b = node.right >= 0 ? values[size_t(node.right)] : 0.0;
            models::ArithRequest call;
            call.set_op(arithOp(node.kind));
            call.set_a(a);
            call.set_b(b);
            call.set_delay_ms(request.op_delay_ms());
            context.info(
                QStringLiteral("t%1: %2 started").arg(label[size_t(index)]).arg(describe(node.kind, a, b)));
            inFlight.push_back(context.call(QString::fromLatin1(kArithModel), call));
            inFlightNode.push_back(index);
        }
        ready.clear();

        const int finished = CallHandle::waitAny(inFlight);
        if (finished < 0)
            return TaskError{QStringLiteral("internal"), QStringLiteral("nothing left to wait for")};
        const int index = inFlightNode[size_t(finished)];
        const Result<QByteArray> outcome = inFlight[size_t(finished)].wait();
        inFlight[size_t(finished)] = std::move(inFlight.back());
        inFlight.pop_back();
        inFlightNode[size_t(finished)] = inFlightNode.back();
        inFlightNode.pop_back();

        const Expression::Node& node = nodes[size_t(index)];
        const double a = values[size_t(node.left)];
        const double b = node.right >= 0 ? values[size_t(node.right)] : 0.0;
        const QString what =
            QStringLiteral("t%1: %2").arg(label[size_t(index)]).arg(describe(node.kind, a, b));

        if (!outcome) {
            if (context.isCancelled())
                return cancelled(done, total);
            const TaskError child = CallError::toTaskError(outcome.error());
            context.error(QStringLiteral("%1 failed: %2: %3").arg(what, child.code, child.message));
            // The arith model's own final errors are caused by the input: pass them on as they are.
            if (child.code == QLatin1String("division_by_zero") ||
                child.code == QLatin1String("invalid_argument"))
                return TaskError{
                    child.code,
                    QStringLiteral("%1 (operation at column %2)").arg(child.message).arg(node.column)};
            return TaskError{QStringLiteral("failed"), QStringLiteral("%1 (column %2) failed: %3: %4")
                                                           .arg(what)
                                                           .arg(node.column)
                                                           .arg(child.code, child.message)};
        }
        models::ArithResponse answer;
        if (!answer.ParseFromArray(outcome->constData(), int(outcome->size())))
            return TaskError{QStringLiteral("failed"),
                             what + QStringLiteral(" failed: arith answered with an invalid response")};

        values[size_t(index)] = answer.value();
        ++done;
        context.info(
            QStringLiteral("%1 → %2 on %3")
                .arg(what, NumberText::format(answer.value()), QString::fromStdString(answer.instance())));
        context.progress(double(done) / total, QStringLiteral("%1/%2 operations").arg(done).arg(total));

        if (index == expression.root()) {
            rootDone = true;
        } else {
            const int up = parent[size_t(index)];
            if (--missing[size_t(up)] == 0)
                ready.push_back(up);
        }
    }

    response.set_value(values[size_t(expression.root())]);
    return response;
}

v1::ModelMetadata CalcModel::metadata() const
{
    v1::ModelMetadata meta;
    meta.set_description(
        "The distributed calculator: evaluates an arithmetic expression by running each of its "
        "operations as an `arith` sub-task, all independent ones in parallel.");
    meta.set_version("1.0.0");
    meta.set_owner("MMF");
    meta.add_tags("sample");
    meta.add_tags("arithmetic");
    meta.add_tags("distributed");
    meta.set_docs(R"(# calc

Evaluates an expression such as `(1 + 2) * (3 + 4)` by fanning its operations out to the `arith` model.

## Syntax

- `+ - * /` with the usual precedence, left to right; parentheses; unary `-` and `+`.
- Numbers: unsigned decimals such as `12`, `2.5`, `.5`, `5.` (no exponents); a negative number is unary minus.
- Whitespace anywhere between tokens.
- At most 10,000 characters and 200 levels of nesting (parentheses and unary signs).

A syntax error fails the task with `invalid_argument` and names the column, e.g. `unexpected ')' at column 7`.

## How it runs

The expression becomes a tree of operations. Every operation whose operands are known is submitted to `arith`
at once, so `(1 + 2) * (3 + 4)` runs both additions in parallel and the multiplication after both. Unary minus is
arith's `NEG`. The log has a line per operation started and finished (`t1: 1 + 2 → 3 on arith-1`) and progress
counts finished operations. `op_delay_ms` > 0 sets how long each operation takes.

The response carries the `value`, the number of `operations` run and the `depth` (the longest chain of dependent
operations: the number of parallel rounds). A bare number needs no operation.

## Errors

| code | when |
|---|---|
| `invalid_argument` | a syntax error, `op_delay_ms` outside 0..60000, or a value out of the `double` range |
| `division_by_zero` | some operation divided by zero |
| `cancelled` | the task was cancelled: no new operation is started |
| `failed` | an operation failed for another reason (its error is in the message) |
)");
    return meta;
}

} // namespace mmf
