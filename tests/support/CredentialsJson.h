#pragma once

#include <QByteArray>

namespace mmf {

// The body of POST /api/v1/auth/register and /api/v1/auth/login, for tests that send raw requests (logins
// and passwords of plain letters, spaces and digits: nothing to escape).
inline QByteArray credentialsJson(const QByteArray& login, const QByteArray& password)
{
    return R"({"login":")" + login + R"(","password":")" + password + R"("})";
}

} // namespace mmf
