#include "auth/SodiumInit.h"

#include <QtGlobal>

#include <sodium.h>

namespace mmf::detail {

void ensureSodium()
{
    // A function-local static: C++ guarantees one initialisation even with concurrent first calls.
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        qFatal("libsodium failed to initialise");
}

} // namespace mmf::detail
