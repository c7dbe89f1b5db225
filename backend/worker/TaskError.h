#pragma once

#include <QString>

#include <variant>

namespace mmf {

// A final error a model returns: the task fails at once, without retries (invalid input, division by zero,
// permission denied). An exception thrown from process() is not final: the attempt is retried.
struct TaskError
{
    QString code;    // machine-readable, e.g. "invalid_argument", "division_by_zero"
    QString message; // for people
};

// What a model's process() returns: the response, or a final error.
template<class Response> using Outcome = std::variant<Response, TaskError>;

} // namespace mmf
