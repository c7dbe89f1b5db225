#pragma once

#include "worker/Model.h"

#include "core/Clock.h"

#include "mmf/models/echo.pb.h"

#include <memory>

namespace mmf {

// Answers with its request, the instance's name and the attempt number. Its request carries every protobuf
// field kind (forms, JSON mapping) and switches that drive the runtime's paths: delay_ms (cancellable wait),
// log_lines (lines and progress spread over the delay), fail_until and always_throw (throw: a retried
// attempt), fail_with (final error "failed"). Final errors: invalid_argument for delay_ms or log_lines out of
// range, cancelled, failed.
class EchoModel final : public Model<models::EchoRequest, models::EchoResponse>
{
public:
    static constexpr int kMaxDelayMs = 3600000;
    static constexpr int kMaxLogLines = 10000;

    // `clock` decides fail_until.
    explicit EchoModel(std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>());

    Outcome<models::EchoResponse> process(const models::EchoRequest& request, TaskContext& context) override;
    v1::ModelMetadata metadata() const override;
    // Inline unless it waits (delay_ms) or logs (log_lines): an echo is microseconds of work.
    bool runsInline(const QByteArray& request) const override;

private:
    std::shared_ptr<const Clock> m_clock;
};

} // namespace mmf
