#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QList>

namespace mmf::AccountPolicy {

// Logins are 3 to 64 of [A-Za-z0-9_.-]; uniqueness ignores case (a login's key is its lower case).
Result<void> checkLogin(QByteArrayView login);
// Passwords are 10 to 1024 bytes (any bytes: the hash does not care).
Result<void> checkPassword(QByteArrayView password);
// [a-z][a-z0-9_-]{0,62}, like model names.
Result<void> checkProject(QByteArrayView project, const char* field = "project");
// Each of score, read, serve, admin, train; at least one; duplicates removed, order kept.
Result<QList<QByteArray>> checkMethods(const QList<QByteArray>& methods, const char* field = "methods");
// Every method, for the first admin.
QList<QByteArray> allMethods();

} // namespace mmf::AccountPolicy
