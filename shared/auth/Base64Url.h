#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace mmf::Base64Url {

// RFC 4648 §5 without padding.
QByteArray encode(QByteArrayView data);
// Strict: only [A-Za-z0-9_-], no padding, no whitespace, and the unused low bits of the last character must
// be zero (so each value has exactly one encoding). std::nullopt otherwise.
std::optional<QByteArray> decode(QByteArrayView text);

} // namespace mmf::Base64Url
