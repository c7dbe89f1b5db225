#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace mmf {

// One call of the public API, built by CtlRequests (pure) and sent by ApiClient.
struct ApiRequest
{
    QByteArray method = "GET";
    QString path;                         // percent-encoded, from "/api/v1/..."
    QList<QPair<QString, QString>> query; // unencoded; ApiClient encodes each key and value
    QByteArray body;                      // JSON; empty for GET
    QByteArray idempotencyKey;            // sent as Idempotency-Key when not empty
    int timeoutMs = 30000;                // no answer by then counts as unreachable
};

} // namespace mmf
