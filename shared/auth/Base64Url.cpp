#include "auth/Base64Url.h"

#include <array>

namespace mmf::Base64Url {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Reverse table: 0..63 for the URL-safe alphabet, -1 for everything else (including '=', '+', '/',
// whitespace).
constexpr std::array<signed char, 256> makeReverse()
{
    std::array<signed char, 256> table{};
    for (auto& v : table)
        v = -1;
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<signed char>(i);
    return table;
}
constexpr std::array<signed char, 256> kReverse = makeReverse();

} // namespace

QByteArray encode(QByteArrayView data)
{
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    const qsizetype n = data.size();
    QByteArray out((n * 4 + 2) / 3, Qt::Uninitialized);
    char* o = out.data();
    qsizetype i = 0;
    for (; i + 3 <= n; i += 3) {
        const quint32 v = (quint32(in[i]) << 16) | (quint32(in[i + 1]) << 8) | in[i + 2];
        *o++ = kAlphabet[(v >> 18) & 63];
        *o++ = kAlphabet[(v >> 12) & 63];
        *o++ = kAlphabet[(v >> 6) & 63];
        *o++ = kAlphabet[v & 63];
    }
    if (n - i == 1) {
        const quint32 v = quint32(in[i]) << 16;
        *o++ = kAlphabet[(v >> 18) & 63];
        *o++ = kAlphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        const quint32 v = (quint32(in[i]) << 16) | (quint32(in[i + 1]) << 8);
        *o++ = kAlphabet[(v >> 18) & 63];
        *o++ = kAlphabet[(v >> 12) & 63];
        *o++ = kAlphabet[(v >> 6) & 63];
    }
    return out;
}

std::optional<QByteArray> decode(QByteArrayView text)
{
    const qsizetype n = text.size();
    const qsizetype rest = n % 4;
    if (rest == 1)
        return std::nullopt;
    const auto* in = reinterpret_cast<const unsigned char*>(text.data());
    QByteArray out(n / 4 * 3 + (rest ? rest - 1 : 0), Qt::Uninitialized);
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    qsizetype i = 0;
    for (; i + 4 <= n; i += 4) {
        const int a = kReverse[in[i]], b = kReverse[in[i + 1]], c = kReverse[in[i + 2]],
                  d = kReverse[in[i + 3]];
        if ((a | b | c | d) < 0)
            return std::nullopt;
        const quint32 v = (quint32(a) << 18) | (quint32(b) << 12) | (quint32(c) << 6) | quint32(d);
        *o++ = static_cast<unsigned char>(v >> 16);
        *o++ = static_cast<unsigned char>(v >> 8);
        *o++ = static_cast<unsigned char>(v);
    }
    // A partial last group: its unused low bits must be zero, so every byte string has exactly one encoding.
    if (rest == 2) {
        const int a = kReverse[in[i]], b = kReverse[in[i + 1]];
        if ((a | b) < 0 || (b & 0x0f) != 0)
            return std::nullopt;
        *o++ = static_cast<unsigned char>((a << 2) | (b >> 4));
    } else if (rest == 3) {
        const int a = kReverse[in[i]], b = kReverse[in[i + 1]], c = kReverse[in[i + 2]];
        if ((a | b | c) < 0 || (c & 0x03) != 0)
            return std::nullopt;
        const quint32 v = (quint32(a) << 18) | (quint32(b) << 12) | (quint32(c) << 6);
        *o++ = static_cast<unsigned char>(v >> 16);
        *o++ = static_cast<unsigned char>(v >> 8);
    }
    return out;
}

} // namespace mmf::Base64Url
