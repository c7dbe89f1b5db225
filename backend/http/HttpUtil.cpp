#include "http/HttpUtil.h"

#include "core/HexDigit.h"

#include <charconv>
#include <iterator>

namespace mmf::http {

namespace {

char lowerAscii(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c;
}

bool equalsCi(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (lowerAscii(a[i]) != lowerAscii(b[i]))
            return false;
    }
    return true;
}

} // namespace

QByteArray percentDecode(QByteArrayView in, bool plusAsSpace)
{
    if (in.isEmpty())
        return QByteArray("");
    QByteArray out(in.size(), Qt::Uninitialized);
    char* dst = out.data();
    const char* src = in.data();
    const qsizetype n = in.size();
    qsizetype o = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const char c = src[i];
        if (c == '%' && i + 2 < n) {
            const int hi = hexDigitValue(src[i + 1]);
            const int lo = hexDigitValue(src[i + 2]);
            if (hi >= 0 && lo >= 0) {
                dst[o++] = char((hi << 4) | lo);
                i += 2;
                continue;
            }
        }
        dst[o++] = (plusAsSpace && c == '+') ? ' ' : c;
    }
    out.truncate(o);
    return out;
}

const char* reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 411:
        return "Length Required";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 416:
        return "Range Not Satisfiable";
    case 417:
        return "Expectation Failed";
    case 422:
        return "Unprocessable Entity";
    case 426:
        return "Upgrade Required";
    case 428:
        return "Precondition Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

void appendJsonEscaped(QByteArray& out, QByteArrayView text)
{
    static const char hex[] = "0123456789abcdef";
    for (const char c : text) {
        switch (c) {
        case '"':
            out.append("\\\"", 2);
            break;
        case '\\':
            out.append("\\\\", 2);
            break;
        case '\n':
            out.append("\\n", 2);
            break;
        case '\r':
            out.append("\\r", 2);
            break;
        case '\t':
            out.append("\\t", 2);
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                const char esc[6] = {'\\', 'u', '0', '0', hex[(c >> 4) & 0xF], hex[c & 0xF]};
                out.append(esc, 6);
            } else {
                out.append(c);
            }
        }
    }
}

QByteArray tooManyConnectionsMessage(int maxPerAddress)
{
    return "too many connections from this address (at most " + QByteArray::number(maxPerAddress) + ")";
}

QByteArray errorJson(QByteArrayView code, QByteArrayView message)
{
    QByteArray out;
    out.reserve(40 + code.size() + message.size());
    out.append("{\"error\":{\"code\":\"");
    appendJsonEscaped(out, code);
    out.append("\",\"message\":\"");
    appendJsonEscaped(out, message);
    out.append("\"}}");
    return out;
}

QByteArray internHeaderName(QByteArrayView raw)
{
    // Static data: copies of these share it without allocating or counting references.
    static const QByteArray known[] = {
        QByteArrayLiteral("host"),
        QByteArrayLiteral("user-agent"),
        QByteArrayLiteral("accept"),
        QByteArrayLiteral("accept-encoding"),
        QByteArrayLiteral("accept-language"),
        QByteArrayLiteral("connection"),
        QByteArrayLiteral("content-length"),
        QByteArrayLiteral("content-type"),
        QByteArrayLiteral("authorization"),
        QByteArrayLiteral("cookie"),
        QByteArrayLiteral("origin"),
        QByteArrayLiteral("referer"),
        QByteArrayLiteral("upgrade"),
        QByteArrayLiteral("expect"),
        QByteArrayLiteral("transfer-encoding"),
        QByteArrayLiteral("cache-control"),
        QByteArrayLiteral("pragma"),
        QByteArrayLiteral("idempotency-key"),
        QByteArrayLiteral("if-none-match"),
        QByteArrayLiteral("x-request-id"),
        QByteArrayLiteral("x-forwarded-for"),
        QByteArrayLiteral("sec-websocket-key"),
        QByteArrayLiteral("sec-websocket-version"),
        QByteArrayLiteral("sec-websocket-protocol"),
        QByteArrayLiteral("sec-websocket-extensions"),
    };
    for (const QByteArray& name : known) {
        if (equalsCi(name, raw))
            return name;
    }
    QByteArray out(raw.size(), Qt::Uninitialized);
    char* dst = out.data();
    for (qsizetype i = 0; i < raw.size(); ++i)
        dst[i] = lowerAscii(raw[i]);
    return out;
}

bool headerHasToken(QByteArrayView value, QByteArrayView token)
{
    qsizetype start = 0;
    while (start <= value.size()) {
        qsizetype comma = value.indexOf(',', start);
        if (comma < 0)
            comma = value.size();
        if (equalsCi(value.sliced(start, comma - start).trimmed(), token))
            return true;
        start = comma + 1;
    }
    return false;
}

void appendNumber(QByteArray& out, qint64 value)
{
    char buf[24];
    const auto res = std::to_chars(std::begin(buf), std::end(buf), value);
    out.append(buf, res.ptr - buf);
}

} // namespace mmf::http
