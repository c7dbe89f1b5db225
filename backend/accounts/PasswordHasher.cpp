#include "accounts/PasswordHasher.h"

#include "auth/SodiumInit.h"

#include <sodium.h>

namespace mmf {

Argon2PasswordHasher::Argon2PasswordHasher()
    : Argon2PasswordHasher(crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE)
{}

Argon2PasswordHasher::Argon2PasswordHasher(unsigned long long opsLimit, size_t memLimit)
    : m_opsLimit(opsLimit)
    , m_memLimit(memLimit)
{
    detail::ensureSodium();
}

QByteArray Argon2PasswordHasher::hash(QByteArrayView password) const
{
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), size_t(password.size()), m_opsLimit, m_memLimit) != 0)
        return {};
    return QByteArray(out);
}

bool Argon2PasswordHasher::verify(const QByteArray& hash, QByteArrayView password) const
{
    if (hash.isEmpty() || hash.size() >= crypto_pwhash_STRBYTES)
        return false;
    return crypto_pwhash_str_verify(hash.constData(), password.data(), size_t(password.size())) == 0;
}

} // namespace mmf
