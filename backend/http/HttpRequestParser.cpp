#include "http/HttpRequestParser.h"

#include "core/HexDigit.h"
#include "http/HttpUtil.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

namespace mmf {

namespace {

constexpr qsizetype kMaxChunkLine = 1024;          // chunk size plus extensions
constexpr qsizetype kBodyReserveMax = 1024 * 1024; // up-front reservation for a Content-Length body
constexpr qsizetype kLineKeep = 4096;              // scratch kept between requests

// RFC 9110 tchar.
constexpr std::array<bool, 256> makeTokenTable()
{
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c)
        t[size_t(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        t[size_t(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[size_t(c)] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~"))
        t[size_t(static_cast<unsigned char>(c))] = true;
    return t;
}
constexpr std::array<bool, 256> kToken = makeTokenTable();

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (const char c : s) {
        if (!kToken[static_cast<unsigned char>(c)])
            return false;
    }
    return true;
}

QByteArrayView trimOws(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v = v.first(v.size() - 1);
    return v;
}

// The methods served; another well-formed method is 501. Static data: copies cost no allocation.
const QByteArray* knownMethod(QByteArrayView method)
{
    static const QByteArray methods[] = {
        QByteArrayLiteral("GET"),     QByteArrayLiteral("POST"),  QByteArrayLiteral("PUT"),
        QByteArrayLiteral("DELETE"),  QByteArrayLiteral("PATCH"), QByteArrayLiteral("HEAD"),
        QByteArrayLiteral("OPTIONS"), QByteArrayLiteral("TRACE"), QByteArrayLiteral("CONNECT"),
    };
    for (const QByteArray& m : methods) {
        if (m == method)
            return &m;
    }
    return nullptr;
}

// Calls `each` with every element of a comma-separated list, trimmed, empty elements skipped.
template<class F> void forEachListItem(QByteArrayView value, F each)
{
    while (!value.isEmpty()) {
        qsizetype comma = value.indexOf(',');
        if (comma < 0)
            comma = value.size();
        const QByteArrayView item = trimOws(value.first(comma));
        if (!item.isEmpty())
            each(item);
        value = comma < value.size() ? value.sliced(comma + 1) : QByteArrayView();
    }
}

bool equalsCi(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

} // namespace

HttpRequestParser::HttpRequestParser(const HttpLimits& limits)
    : m_limits(limits)
{}

HttpRequestParser::Phase HttpRequestParser::phase() const
{
    switch (m_state) {
    case State::RequestLine:
    case State::Header:
        return Phase::Head;
    case State::Length:
    case State::ChunkSize:
    case State::ChunkData:
    case State::ChunkCr:
    case State::ChunkLf:
    case State::Trailer:
        return Phase::Body;
    default:
        return Phase::Idle;
    }
}

bool HttpRequestParser::fail(int status, const char* code, const char* message)
{
    m_state = State::Failed;
    m_error.status = status;
    m_error.code = code;
    m_error.message = QByteArray(message);
    return false;
}

void HttpRequestParser::beginMessage()
{
    m_request.method = QByteArray();
    m_request.path = QByteArray();
    m_request.query = QByteArray();
    m_request.headers.clear();
    m_request.body = QByteArray();
    m_request.keepAlive = true;
    if (m_line.capacity() > kLineKeep)
        m_line = QByteArray(); // a rare huge line should not stay allocated on an idle connection
    m_line.resize(0);
    m_headerBytes = 0;
    m_headerCount = 0;
    m_remaining = 0;
    m_chunked = false;
    m_http10 = false;
    m_expectContinue = false;
}

// `length` counts the line's bytes so far, or all of them with CRLF once it is complete.
bool HttpRequestParser::lineTooLong(qsizetype length)
{
    switch (m_state) {
    case State::RequestLine:
        if (length > qsizetype(m_limits.maxRequestLine) + 2)
            return !fail(414, "payload_too_large", "request line too long");
        return false;
    case State::Header:
    case State::Trailer:
        if (length > m_limits.maxHeaderBytes)
            return !fail(431, "payload_too_large", "a request header is too large");
        if (m_headerBytes + length > m_limits.maxHeadersTotal)
            return !fail(431, "payload_too_large", "request headers too large");
        return false;
    default:
        if (length > kMaxChunkLine)
            return !fail(400, "invalid_argument", "malformed request: chunk size line too long");
        return false;
    }
}

bool HttpRequestParser::takeLine(const char* data, qsizetype size, qsizetype& pos, QByteArrayView& line)
{
    const char* start = data + pos;
    const qsizetype available = size - pos;
    const void* lf = std::memchr(start, '\n', size_t(available));
    if (!lf) {
        // Checked before buffering, so a line over the limit dies here and never grows.
        if (!lineTooLong(m_line.size() + available)) {
            m_line.append(start, available);
            pos = size;
        }
        return false;
    }
    const qsizetype length = static_cast<const char*>(lf) - start;
    pos += length + 1;
    if (lineTooLong(m_line.size() + length + 1))
        return false;
    QByteArrayView whole(start, length);
    if (!m_line.isEmpty()) {
        m_line.append(start, length);
        whole = m_line;
    }
    if (whole.isEmpty() || whole.back() != '\r')
        return fail(400, "invalid_argument", "malformed request: a line ends in LF without CR");
    line = whole.first(whole.size() - 1);
    return true;
}

HttpRequestParser::Step HttpRequestParser::feed(const char* data, qsizetype size)
{
    if (m_state == State::Done)
        m_state = State::Idle;
    qsizetype pos = 0;
    for (;;) {
        switch (m_state) {
        case State::Failed:
            return {Event::Error, pos};
        case State::Done:
            return {Event::MessageComplete, pos};
        case State::Idle:
            if (pos == size)
                return {Event::NeedMore, pos};
            if (data[pos] == '\r') { // empty lines before a request are allowed (RFC 9112 2.2)
                ++pos;
                m_state = State::IdleLf;
                continue;
            }
            beginMessage();
            m_state = State::RequestLine;
            continue;
        case State::IdleLf:
            if (pos == size)
                return {Event::NeedMore, pos};
            if (data[pos++] != '\n')
                fail(400, "invalid_argument", "malformed request: a bare CR");
            else
                m_state = State::Idle;
            continue;
        case State::RequestLine:
        case State::Header:
        case State::Trailer:
        case State::ChunkSize: {
            if (pos == size)
                return {Event::NeedMore, pos};
            QByteArrayView line;
            if (!takeLine(data, size, pos, line))
                continue;
            const State state = m_state;
            bool ok = true;
            if (state == State::RequestLine) {
                if (onRequestLine(line))
                    m_state = State::Header;
            } else if (state == State::ChunkSize) {
                onChunkSize(line);
            } else if (!line.isEmpty()) {
                ok = onHeaderLine(line, state == State::Trailer);
            } else if (state == State::Trailer) {
                m_state = State::Done;
            } else {
                ok = onHeadersEnd();
            }
            m_line.resize(0);
            if (!ok || m_state == State::Failed)
                continue;
            if (m_state == State::Done)
                return {Event::MessageComplete, pos};
            if (state == State::Header && m_state != State::Header)
                return {Event::HeadersComplete, pos};
            continue;
        }
        case State::Length:
        case State::ChunkData: {
            if (pos == size)
                return {Event::NeedMore, pos};
            const qsizetype n = qsizetype(std::min<quint64>(m_remaining, quint64(size - pos)));
            m_request.body.append(data + pos, n);
            pos += n;
            m_remaining -= quint64(n);
            if (m_remaining == 0) {
                if (m_state == State::Length) {
                    m_state = State::Done;
                    return {Event::MessageComplete, pos};
                }
                m_state = State::ChunkCr;
            }
            continue;
        }
        case State::ChunkCr:
        case State::ChunkLf: {
            if (pos == size)
                return {Event::NeedMore, pos};
            const char expected = m_state == State::ChunkCr ? '\r' : '\n';
            if (data[pos++] != expected)
                fail(400, "invalid_argument", "malformed request: chunk data not followed by CRLF");
            else
                m_state = m_state == State::ChunkCr ? State::ChunkLf : State::ChunkSize;
            continue;
        }
        }
    }
}

bool HttpRequestParser::onRequestLine(QByteArrayView line)
{
    // method SP request-target SP HTTP-version, single spaces (RFC 9112 3)
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0)
        return fail(400, "invalid_argument", "malformed request line: expected METHOD TARGET HTTP/1.1");
    const QByteArrayView method = line.first(sp1);
    const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = line.sliced(sp2 + 1);
    if (!isToken(method))
        return fail(400, "invalid_argument", "malformed request line: invalid method");
    if (target.isEmpty())
        return fail(400, "invalid_argument", "malformed request line: empty target");
    for (const char c : target) {
        if (c < 0x21 || c > 0x7e) // no spaces, controls or raw non-ASCII: clients percent-encode
            return fail(400, "invalid_argument", "malformed request line: invalid character in the target");
    }
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[5] < '0' || version[5] > '9' ||
        version[6] != '.' || version[7] < '0' || version[7] > '9')
        return fail(400, "invalid_argument", "malformed request line: invalid HTTP version");
    if (version[5] != '1')
        return fail(505, "invalid_argument", "HTTP version not supported: use HTTP/1.1");
    m_http10 = version[7] == '0';
    const QByteArray* known = knownMethod(method);
    if (!known)
        return fail(501, "invalid_argument", "unknown request method");
    m_request.method = *known;
    splitTarget(target);
    return true;
}

bool HttpRequestParser::onHeaderLine(QByteArrayView line, bool trailer)
{
    if (line.front() == ' ' || line.front() == '\t')
        return fail(400, "invalid_argument", "malformed request: obsolete line folding in a header");
    const qsizetype colon = line.indexOf(':');
    if (colon < 0)
        return fail(400, "invalid_argument", "malformed request: a header line without a colon");
    const QByteArrayView name = line.first(colon);
    if (name.isEmpty())
        return fail(400, "invalid_argument", "malformed request: a header without a name");
    if (name.back() == ' ' || name.back() == '\t')
        return fail(400, "invalid_argument", "malformed request: whitespace before a header's colon");
    if (!isToken(name))
        return fail(400, "invalid_argument", "malformed request: invalid character in a header name");
    const QByteArrayView value = trimOws(line.sliced(colon + 1));
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u == 0)
            return fail(400, "invalid_argument", "malformed request: NUL in a header value");
        if (u == '\r')
            return fail(400, "invalid_argument", "malformed request: a bare CR in a header value");
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return fail(400, "invalid_argument", "malformed request: control character in a header value");
    }
    if (++m_headerCount > m_limits.maxHeaderCount)
        return fail(431, "payload_too_large", "too many request headers");
    m_headerBytes += line.size() + 2;
    if (trailer)
        return true; // checked and counted, never merged: the headers were already judged
    m_request.headers.append(
        {http::internHeaderName(name), value.isEmpty() ? QByteArray("") : value.toByteArray()});
    return true;
}

bool HttpRequestParser::onHeadersEnd()
{
    int hosts = 0;
    int lengths = 0;
    QByteArrayView length;
    bool transferEncoding = false;
    int codings = 0;
    int chunkedCodings = 0;
    bool lastIsChunked = false;
    bool close = false;
    bool keepAlive = false;
    for (const auto& h : std::as_const(m_request.headers)) {
        const QByteArray& name = h.first;
        if (name == "host") {
            ++hosts;
        } else if (name == "content-length") {
            ++lengths;
            length = h.second;
        } else if (name == "transfer-encoding") {
            transferEncoding = true;
            forEachListItem(h.second, [&](QByteArrayView coding) {
                ++codings;
                lastIsChunked = equalsCi(coding, "chunked");
                chunkedCodings += lastIsChunked ? 1 : 0;
            });
        } else if (name == "connection") {
            close = close || http::headerHasToken(h.second, "close");
            keepAlive = keepAlive || http::headerHasToken(h.second, "keep-alive");
        } else if (name == "expect") {
            m_expectContinue = http::headerHasToken(h.second, "100-continue");
        }
    }
    if (hosts > 1 || (hosts == 0 && !m_http10))
        return fail(400, "invalid_argument",
                    hosts ? "malformed request: more than one Host header"
                          : "malformed request: no Host header");
    if (transferEncoding) {
        if (m_http10)
            return fail(400, "invalid_argument",
                        "malformed request: Transfer-Encoding in an HTTP/1.0 request");
        if (lengths > 0)
            return fail(400, "invalid_argument",
                        "malformed request: both Content-Length and Transfer-Encoding");
        if (codings != 1 || !lastIsChunked) {
            if (lastIsChunked && chunkedCodings == 1)
                return fail(501, "invalid_argument", "transfer coding not supported: only chunked is");
            return fail(400, "invalid_argument", "malformed request: Transfer-Encoding must be chunked");
        }
        m_chunked = true;
    } else if (lengths > 1) {
        return fail(400, "invalid_argument", "malformed request: more than one Content-Length");
    } else if (lengths == 1) {
        if (length.isEmpty())
            return fail(400, "invalid_argument", "malformed request: invalid Content-Length");
        quint64 n = 0;
        for (const char c : length) {
            if (c < '0' || c > '9')
                return fail(400, "invalid_argument", "malformed request: invalid Content-Length");
            if (n > (quint64(INT64_MAX) - quint64(c - '0')) / 10)
                return fail(400, "invalid_argument", "malformed request: Content-Length out of range");
            n = n * 10 + quint64(c - '0');
        }
        // Refused before a single body byte is read.
        if (n > quint64(m_limits.maxBodyBytes))
            return fail(413, "payload_too_large", "request body too large");
        m_remaining = n;
    }
    m_request.keepAlive = m_http10 ? keepAlive && !close : !close;
    m_expectContinue = m_expectContinue && !m_http10;
    if (m_chunked) {
        m_state = State::ChunkSize;
    } else if (m_remaining > 0) {
        m_request.body.reserve(qsizetype(std::min<quint64>(m_remaining, kBodyReserveMax)));
        m_state = State::Length;
    } else {
        m_state = State::Done;
    }
    return true;
}

bool HttpRequestParser::onChunkSize(QByteArrayView line)
{
    // chunk-size [ ";" chunk-ext ] (RFC 9112 7.1): hex digits, nothing before them, no whitespace
    quint64 size = 0;
    qsizetype i = 0;
    for (; i < line.size(); ++i) {
        const int digit = hexDigitValue(line[i]);
        if (digit < 0)
            break;
        if (size >> 59)
            return fail(400, "invalid_argument", "malformed request: chunk size out of range");
        size = size * 16 + quint64(digit);
    }
    if (i == 0 || (i < line.size() && line[i] != ';'))
        return fail(400, "invalid_argument", "malformed request: invalid chunk size");
    for (; i < line.size(); ++i) {
        const auto u = static_cast<unsigned char>(line[i]);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return fail(400, "invalid_argument", "malformed request: control character in a chunk extension");
    }
    const quint64 room = quint64(std::max<qint64>(0, m_limits.maxBodyBytes - m_request.body.size()));
    if (size > room) // refused before reading it
        return fail(413, "payload_too_large", "request body too large");
    m_remaining = size;
    m_state = size == 0 ? State::Trailer : State::ChunkData;
    return true;
}

void HttpRequestParser::splitTarget(QByteArrayView url)
{
    if (url.front() != '/' && url != QByteArrayView("*")) {
        // absolute-form: http://host[:port]/path?query
        const qsizetype scheme = url.indexOf("://");
        if (scheme > 0) {
            const qsizetype slash = url.indexOf('/', scheme + 3);
            url = slash < 0 ? QByteArrayView("/") : url.sliced(slash);
        }
    }
    const qsizetype hash = url.indexOf('#');
    if (hash >= 0)
        url = url.first(hash);
    const qsizetype question = url.indexOf('?');
    const QByteArrayView rawPath = question < 0 ? url : url.first(question);
    m_request.path = rawPath.contains('%') ? http::percentDecode(rawPath, false) : rawPath.toByteArray();
    m_request.query = question < 0 ? QByteArray() : url.sliced(question + 1).toByteArray();
}

} // namespace mmf
