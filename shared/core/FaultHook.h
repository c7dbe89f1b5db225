#pragma once

// Fault injection points for the fault suite (tests/faults): compiled only into test builds. CMake's
// MMF_FAULT_HOOKS option (ON in scripts/build.sh, OFF for packages) defines the macro of the same name on the
// few source files that hold a hook, and those include this header only under it:
//
//     #ifdef MMF_FAULT_HOOKS
//         if (fault::armed("die-after-commit"))
//             fault::die("die-after-commit", detail);
//     #endif
//
// A hook fires when the environment variable MMF_FAULT names it and ends the process on the spot, as a crash
// would: no destructors, no flush of buffered output, no goodbye to Redis.
#ifndef MMF_FAULT_HOOKS
#error "core/FaultHook.h belongs to sources compiled with MMF_FAULT_HOOKS only"
#endif

#include <QByteArray>

#include <cstdio>

#include <unistd.h>

namespace mmf::fault {

// The exit status of a process ended by a hook, so that a test can tell it from a crash.
constexpr int kExitCode = 86;

inline bool armed(const char* point)
{
    static const QByteArray chosen = qgetenv("MMF_FAULT");
    return chosen == point;
}

// `detail` (say, the task ids concerned) goes to stderr with the hook's name for the test to read.
[[noreturn]] inline void die(const char* point, const QByteArray& detail = {})
{
    std::fprintf(stderr, "MMF_FAULT %s: exiting now; %s\n", point, detail.constData());
    std::fflush(stderr);
    ::_exit(kExitCode);
}

} // namespace mmf::fault
