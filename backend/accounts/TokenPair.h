#pragma once

#include <QByteArray>
#include <QList>

namespace mmf {

// What a login or a refresh hands out.
struct TokenPair
{
    QByteArray accessToken;
    QByteArray refreshToken;
    qint64 expiresAtMs = 0;        // of the access token
    qint64 refreshExpiresAtMs = 0; // of the refresh token
    QByteArray userId;
    QByteArray project;
    QList<QByteArray> methods;
};

} // namespace mmf
