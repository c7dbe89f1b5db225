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
    // Failed sign-ins allowed within the window before 429 (see LoginThrottle): per login from one client
    // address, per address over all logins, per login over all addresses (familiar addresses exempt).
    int maxFailuresPerLogin = 5;
    int maxFailuresPerAddress = 20;
    int maxFailuresPerLoginTotal = 100;
    qint64 failureWindowSecs = 300;
    // Sign-ups (each costs a password hash) per client address within their window before 429.
    int maxRegistrationsPerAddress = 20;
    qint64 registrationWindowSecs = 3600;
    // A just-replaced refresh token presented again within this gets the same new pair (a lost answer).
    qint64 refreshRetrySecs = 10;
};

} // namespace mmf
