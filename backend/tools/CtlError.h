#pragma once

#include <QString>

namespace mmf {

// mmfctl's exit codes: scripts rely on them.
enum class CtlExit : int
{
    Ok = 0,          // the command did what was asked (a watched task succeeded)
    Failure = 1,     // the API refused, or the task failed / was cancelled / dead-lettered
    Usage = 2,       // bad command line or unreadable input
    Unreachable = 3, // no HTTP answer from the server (refused, timed out, dropped)
};

// An error as the CLI reports it. Unlike mmf::Error the code is the raw wire string, because task errors
// carry model-defined codes ("payload_lost", "division_by_zero") outside the API's list.
struct CtlError
{
    QString code;
    QString message;
    QString field;
    CtlExit exit = CtlExit::Failure;
};

} // namespace mmf
