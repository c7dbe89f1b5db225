#pragma once

#include <QByteArray>
#include <QList>

namespace mmf {

// What the account service reads (filled from ServerConfig's [auth] section by the server).
struct AccountSettings
{
    qint64 accessTtlSecs = 900;
    qint64 refreshTtlSecs = 30LL * 24 * 3600;
    QByteArray defaultProject = "default";
    QList<QByteArray> defaultMethods{"score", "read"};
    // Failed logins allowed per login and per client address within the window before 429.
    int maxFailuresPerLogin = 5;
    int maxFailuresPerAddress = 20;
    qint64 failureWindowSecs = 300;
    // A just-replaced refresh token presented again within this gets the same new pair (a lost answer).
    qint64 refreshRetrySecs = 10;
};

} // namespace mmf
