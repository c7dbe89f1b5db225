#pragma once

#include "auth/SigningKey.h"
#include "core/Result.h"

#include <QList>
#include <QString>

namespace mmf::DataDir {

// Creates the data dir (mode 0700) if needed. An existing one, its keys folder and signing key, and its
// embedded Redis folder must belong to the user running the server and be writable by nobody else:
// permission_denied naming the path and the fix otherwise (another user could have planted a signing key).
Result<void> prepare(const QString& dataDir);
// That check for one path (success when it does not exist).
Result<void> checkPrivate(const QString& path);
// The server's signing key (keys/signing.key, mode 0600), made on first use.
Result<SigningKey> loadOrCreateSigningKey(const QString& dataDir);

// A rotated-out public key (keys/retired/<key id>.json) and the end of its grace.
struct RetiredKey
{
    QByteArray keyId;
    QByteArray publicKey; // raw 32 bytes
    qint64 notAfterSecs = 0;
};

// `mmf-server keys rotate`: records the current key's public half as retired until now + grace, then
// replaces keys/signing.key with a new key (atomically). Running servers sharing the folder pick it up.
// Returns the new key.
Result<SigningKey> rotateSigningKey(const QString& dataDir, qint64 graceSecs, qint64 nowSecs);
// The retired keys still on file; files past their end (as of nowSecs) are deleted, files failing
// checkPrivate() are ignored.
QList<RetiredKey> retiredKeys(const QString& dataDir, qint64 nowSecs);

} // namespace mmf::DataDir
