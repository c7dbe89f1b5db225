#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace mmf {

// An Ed25519 key pair with its id. The secret half never leaves the server's data dir.
class SigningKey
{
public:
    SigningKey() = default; // empty: isNull(), sign() returns an empty signature
    SigningKey(const SigningKey&) = default;
    SigningKey(SigningKey&&) noexcept = default;
    SigningKey& operator=(const SigningKey&) = default;
    SigningKey& operator=(SigningKey&&) noexcept = default;
    ~SigningKey(); // wipes the secret key when this is its last copy

    // A fresh random key; key_id is derived from the public key (base64url of the first 8 bytes of its
    // BLAKE2b hash: 11 characters).
    static SigningKey generate();
    // The key pair of a 32-byte seed (deterministic: known-answer tests). invalid_argument on another size.
    static Result<SigningKey> fromSeed(QByteArrayView seed);
    // Reads a key file written by save(). Refuses (invalid_argument / not_found) a file readable or writable
    // by group or others, one that is not a regular file, and malformed or inconsistent content.
    static Result<SigningKey> load(const QString& path);
    // Writes the key atomically with mode 0600 (creating missing parent folders). internal on I/O failure.
    Result<void> save(const QString& path) const;

    bool isNull() const { return m_secretKey.isEmpty(); }
    const QByteArray& keyId() const { return m_keyId; }
    const QByteArray& publicKey() const { return m_publicKey; } // 32 bytes
    // Detached signature (64 bytes); empty for a null key.
    QByteArray sign(QByteArrayView message) const;

private:
    QByteArray m_keyId;
    QByteArray m_publicKey;
    QByteArray m_secretKey; // 64 bytes (libsodium layout: seed + public key)
};

} // namespace mmf
