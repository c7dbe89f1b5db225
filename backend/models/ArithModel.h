#pragma once

#include "worker/Model.h"

#include "mmf/models/arith.pb.h"

#include <array>
#include <atomic>

namespace mmf {

// One arithmetic operation (ADD, SUB, MUL, DIV, NEG), the unit of work calc fans out. Each operation takes a
// configurable time (configure(): add_ms, sub_ms, mul_ms, div_ms, neg_ms, default 0), overridden by a
// request's delay_ms > 0. Final errors: division_by_zero; invalid_argument for a missing op, a non-finite
// operand or result, or delay_ms outside 0..kMaxDelayMs; cancelled.
class ArithModel final : public Model<models::ArithRequest, models::ArithResponse>
{
public:
    static constexpr int kMaxDelayMs = 60000;

    Outcome<models::ArithResponse> process(const models::ArithRequest& request,
                                           TaskContext& context) override;
    v1::ModelMetadata metadata() const override;
    // All or nothing: on an unknown key or a value that is not an integer in 0..kMaxDelayMs, nothing changes.
    // Safe while tasks run on other threads.
    QString configure(const QMap<QString, QString>& options) override;

    // The configured duration of `op` in milliseconds (0 for an unknown op).
    int durationMs(models::ArithOp op) const;

private:
    // Indexed by ArithOp value; [0] (unspecified) stays 0.
    std::array<std::atomic<int>, 6> m_durationsMs{};
};

} // namespace mmf
