#pragma once

#include <QByteArray>
#include <QString>

#include <deque>

namespace mmf {

// Incremental parser of HTTP/1.1 responses on a keep-alive connection, for the benchmark client: status line,
// headers (Content-Length, Transfer-Encoding: chunked, Connection: close), body. Bytes may arrive split
// anywhere; pipelined responses come out in order. 1xx responses are skipped. A response with neither
// Content-Length nor chunked encoding (read-until-close) is refused as an error, as is anything malformed or
// over the limits; after an error the parser stays failed until reset().
class HttpResponseParser
{
public:
    struct Response
    {
        int status = 0;
        QByteArray body;
        bool close = false; // the server said Connection: close
    };

    explicit HttpResponseParser(qsizetype maxHeaderBytes = 64 * 1024,
                                qsizetype maxBodyBytes = 64 * 1024 * 1024);

    // Appends bytes and parses every complete response; false once the stream is malformed (see error()).
    bool feed(const char* data, qsizetype size);
    bool feed(const QByteArray& data) { return feed(data.constData(), data.size()); }
    // Moves the next complete response into `out`; false when none is complete.
    bool take(Response& out);

    qsizetype completed() const { return qsizetype(m_done.size()); }
    bool failed() const { return m_state == State::Failed; }
    const QString& error() const { return m_error; }
    void reset();

private:
    enum class State
    {
        StatusLine,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Failed
    };

    void parse();
    bool readLine(QByteArray& line); // one line without CR LF, false when it is not complete yet
    bool headersDone();
    void complete();
    void fail(const QString& message);

    qsizetype m_maxHeaderBytes;
    qsizetype m_maxBodyBytes;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    State m_state = State::StatusLine;
    Response m_current;
    qint64 m_contentLength = -1;
    qint64 m_remaining = 0;
    qsizetype m_headerBytes = 0;
    bool m_chunked = false;
    std::deque<Response> m_done;
    QString m_error;
};

} // namespace mmf
