#pragma once

namespace mmf::detail {

// Initialises libsodium once per process (thread-safe); call before any libsodium function. Aborts when
// libsodium cannot initialise (no randomness source): no key or signature can be trusted then.
void ensureSodium();

} // namespace mmf::detail
