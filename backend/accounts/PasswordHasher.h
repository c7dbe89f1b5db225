#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace mmf {

// Hashes and checks passwords. Both calls are slow on purpose and must run off the event loop. Two
// implementations: Argon2id for real use, and a counting wrapper in tests (to prove that an unknown login and
// a wrong password both cost one verification).
class IPasswordHasher
{
public:
    virtual ~IPasswordHasher() = default;
    // A self-describing hash string; empty when hashing failed (out of memory).
    virtual QByteArray hash(QByteArrayView password) const = 0;
    // False for a wrong password and for a malformed hash.
    virtual bool verify(const QByteArray& hash, QByteArrayView password) const = 0;
};

// libsodium's crypto_pwhash_str (Argon2id), by default with the INTERACTIVE limits (64 MiB, 2 passes).
class Argon2PasswordHasher : public IPasswordHasher
{
public:
    Argon2PasswordHasher();
    Argon2PasswordHasher(unsigned long long opsLimit, size_t memLimit);

    QByteArray hash(QByteArrayView password) const override;
    bool verify(const QByteArray& hash, QByteArrayView password) const override;

private:
    unsigned long long m_opsLimit;
    size_t m_memLimit;
};

} // namespace mmf
