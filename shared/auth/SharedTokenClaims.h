#pragma once

#include "mmf/v1/token.pb.h"

#include <memory>

namespace mmf {

// Verified claims as the verifier caches them: shared by everyone who holds them, never copied.
using SharedTokenClaims = std::shared_ptr<const v1::TokenClaims>;

} // namespace mmf
