#pragma once

#include "worker/Model.h"

#include "mmf/models/calc.pb.h"

namespace mmf {

// The distributed calculator. Parses the expression (ExpressionParser), then runs it as a DAG of arith
// sub-tasks: every operation whose operands are known is started at once (context.call("arith", ...)), the
// model waits for whichever finishes first (CallHandle::waitAny), substitutes the value and starts the
// operations that became ready, until the root is known. Final errors: invalid_argument (parse error with its
// column, op_delay_ms out of range, or a sub-task's invalid_argument), division_by_zero (a sub-task's),
// cancelled, failed (any other sub-task failure; the message names the operation and the child's error).
class CalcModel final : public Model<models::CalcRequest, models::CalcResponse>
{
public:
    // The model that computes one operation.
    static constexpr const char* kArithModel = "arith";

    Outcome<models::CalcResponse> process(const models::CalcRequest& request, TaskContext& context) override;
    v1::ModelMetadata metadata() const override;
};

} // namespace mmf
