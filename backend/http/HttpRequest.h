#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>

namespace mmf {

// One parsed HTTP/1.1 request. Header names are lower-cased; the body is complete.
struct HttpRequest
{
    QByteArray method; // "GET", "POST", ...
    QByteArray path;   // percent-decoded path without the query, e.g. "/api/v1/tasks/abc"
    QByteArray query;  // raw query string without '?', not decoded
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QHostAddress peerAddress; // the connection's peer
    // The client: the peer, or whom a trusted proxy forwarded the request for (TrustedProxies).
    QHostAddress clientAddress;
    bool keepAlive = true;

    // First value of a header (name in lower case), or a null QByteArray.
    QByteArray header(QByteArrayView lowerCaseName) const;
    // Value of a query parameter, percent-decoded; `found` tells an empty value from a missing one.
    QByteArray queryParam(QByteArrayView name, bool* found = nullptr) const;
};

} // namespace mmf
