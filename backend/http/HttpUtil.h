#pragma once

#include <QByteArray>
#include <QByteArrayView>

// Small text helpers of the HTTP layer: no allocation unless a result has to be built.
namespace mmf::http {

// Decodes %XX escapes (and '+' as a space when asked, for query components); malformed escapes stay as they
// are.
QByteArray percentDecode(QByteArrayView in, bool plusAsSpace);
// "OK", "Not Found", ...; "Unknown" for codes without a registered phrase.
const char* reasonPhrase(int status);
// The API error object {"error":{"code":...,"message":...}}; the message is JSON-escaped.
QByteArray errorJson(QByteArrayView code, QByteArrayView message);
// The message of the 429 for a client address over `[http] max_connections_per_address`.
QByteArray tooManyConnectionsMessage(int maxPerAddress);
// Appends `text` as the inside of a JSON string (quotes not included).
void appendJsonEscaped(QByteArray& out, QByteArrayView text);
// Lower-cased header name; common names come from a static table and cost no allocation.
QByteArray internHeaderName(QByteArrayView raw);
// True when a comma-separated header value lists `token` (ASCII case-insensitive), e.g. "keep-alive,
// Upgrade".
bool headerHasToken(QByteArrayView value, QByteArrayView token);
// Appends a non-negative integer in decimal.
void appendNumber(QByteArray& out, qint64 value);

} // namespace mmf::http
