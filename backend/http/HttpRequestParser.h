#pragma once

#include "http/HttpLimits.h"
#include "http/HttpRequest.h"

#include <QByteArray>

namespace mmf {

// Why a request was refused: the HTTP status, the API error code and a message naming the problem.
struct HttpParseError
{
    int status = 0;
    const char* code = "";
    QByteArray message;
};

// A strict, incremental HTTP/1.1 request parser (RFC 9112): bytes in, complete requests or one refusal out.
// No sockets and no event loop, so it is unit-tested and fuzzed on byte strings, and the way the input is
// split into feed() calls never changes the outcome.
//
// It refuses (400 unless said otherwise) what lets two HTTP implementations disagree on where a request ends:
// an invalid request line, a bare LF or CR, NUL and other control bytes, a space before a header's colon,
// obsolete line folding, Content-Length together with Transfer-Encoding, two Content-Lengths, a length that
// overflows, a Transfer-Encoding other than `chunked`, a bad chunk size or chunk end, a missing or repeated
// Host in HTTP/1.1. Limits: 414 request line, 431 headers, 413 body (a Content-Length or chunk size over the
// limit is refused before any byte of it is read), 501 an unknown method, 505 a version other than 1.x.
// Trailer fields are checked and counted like headers, then dropped: they never join the request's headers.
// After an error the parser takes no more input.
class HttpRequestParser
{
public:
    enum class Event
    {
        NeedMore,        // all input consumed, the request is not complete
        HeadersComplete, // the head is parsed and a body follows (request() has everything but the body)
        MessageComplete, // request() is complete; the next feed() starts the next request
        Error            // error() says why; nothing more is parsed
    };
    struct Step
    {
        Event event = Event::NeedMore;
        qsizetype consumed = 0; // bytes of the input used by this step
    };
    enum class Phase
    {
        Idle, // between requests (empty lines before a request are skipped)
        Head, // inside the request line or the headers
        Body  // inside the body (chunked: also its chunk lines and trailers)
    };

    explicit HttpRequestParser(const HttpLimits& limits);

    // Parses `size` bytes; stops early after a head that a body follows, after a complete request and at an
    // error (call again with the rest).
    Step feed(const char* data, qsizetype size);

    Phase phase() const;
    // The request being parsed; complete at MessageComplete, reset when the next request begins.
    HttpRequest& request() { return m_request; }
    bool isHttp10() const { return m_http10; }
    bool isHead() const { return m_request.method == "HEAD"; }
    bool hasBody() const { return m_chunked || m_remaining > 0; }
    bool expectsContinue() const { return m_expectContinue; }
    const HttpParseError& error() const { return m_error; }

private:
    enum class State
    {
        Idle,
        IdleLf,
        RequestLine,
        Header,
        Length,
        ChunkSize,
        ChunkData,
        ChunkCr,
        ChunkLf,
        Trailer,
        Done,
        Failed
    };

    void beginMessage();
    bool takeLine(const char* data, qsizetype size, qsizetype& pos, QByteArrayView& line);
    bool lineTooLong(qsizetype length);
    bool onRequestLine(QByteArrayView line);
    bool onHeaderLine(QByteArrayView line, bool trailer);
    bool onHeadersEnd();
    bool onChunkSize(QByteArrayView line);
    void splitTarget(QByteArrayView target);
    bool fail(int status, const char* code, const char* message);

    HttpLimits m_limits;
    State m_state = State::Idle;
    HttpRequest m_request;
    HttpParseError m_error;
    QByteArray m_line; // a line split across feed() calls
    qint64 m_headerBytes = 0;
    int m_headerCount = 0;
    quint64 m_remaining = 0; // body or chunk bytes still to come
    bool m_chunked = false;
    bool m_http10 = false;
    bool m_expectContinue = false;
};

} // namespace mmf
