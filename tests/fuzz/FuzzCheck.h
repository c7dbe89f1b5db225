#pragma once

#include <cstdio>
#include <cstdlib>

// A property a fuzz target checks: a failure aborts, which libFuzzer records as a crash (and the replay
// executables as a failed test).
#define MMF_FUZZ_CHECK(condition)                                                                            \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__);         \
            std::abort();                                                                                    \
        }                                                                                                    \
    } while (false)
