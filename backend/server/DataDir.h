#pragma once

#include "auth/SigningKey.h"
#include "core/Result.h"

#include <QString>

namespace mmf::DataDir {

// Creates the data dir (mode 0700) if needed.
Result<void> prepare(const QString& dataDir);
// The server's signing key (keys/signing.key, mode 0600), made on first use.
Result<SigningKey> loadOrCreateSigningKey(const QString& dataDir);

} // namespace mmf::DataDir
