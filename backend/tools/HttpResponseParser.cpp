#include "tools/HttpResponseParser.h"

#include <QList>

namespace mmf {

namespace {

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

bool containsToken(QByteArrayView value, QByteArrayView token)
{
    for (QByteArrayView part : QByteArray::fromRawData(value.data(), value.size()).split(',')) {
        if (equalsIgnoringCase(part.trimmed(), token))
            return true;
    }
    return false;
}

} // namespace

HttpResponseParser::HttpResponseParser(qsizetype maxHeaderBytes, qsizetype maxBodyBytes)
    : m_maxHeaderBytes(maxHeaderBytes)
    , m_maxBodyBytes(maxBodyBytes)
{}

void HttpResponseParser::reset()
{
    m_buffer.clear();
    m_pos = 0;
    m_state = State::StatusLine;
    m_current = {};
    m_contentLength = -1;
    m_remaining = 0;
    m_headerBytes = 0;
    m_chunked = false;
    m_done.clear();
    m_error.clear();
}

bool HttpResponseParser::feed(const char* data, qsizetype size)
{
    if (m_state == State::Failed)
        return false;
    m_buffer.append(data, size);
    parse();
    // Drop consumed bytes: all of them cheaply, or a large consumed prefix now and then.
    if (m_pos == m_buffer.size()) {
        m_buffer.truncate(0);
        m_pos = 0;
    } else if (m_pos > 64 * 1024) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    return m_state != State::Failed;
}

bool HttpResponseParser::take(Response& out)
{
    if (m_done.empty())
        return false;
    out = std::move(m_done.front());
    m_done.pop_front();
    return true;
}

bool HttpResponseParser::readLine(QByteArray& line)
{
    const qsizetype end = m_buffer.indexOf('\n', m_pos);
    if (end < 0) {
        if (m_buffer.size() - m_pos > m_maxHeaderBytes)
            fail(QStringLiteral("line longer than %1 bytes").arg(m_maxHeaderBytes));
        return false;
    }
    qsizetype length = end - m_pos;
    if (length > 0 && m_buffer.at(end - 1) == '\r')
        --length;
    line = m_buffer.mid(m_pos, length);
    m_pos = end + 1;
    return true;
}

void HttpResponseParser::parse()
{
    QByteArray line;
    while (m_state != State::Failed) {
        switch (m_state) {
        case State::StatusLine: {
            const qsizetype before = m_pos;
            if (!readLine(line))
                return;
            if (line.isEmpty())
                continue; // tolerate a stray CRLF between responses
            m_headerBytes = m_pos - before;
            // "HTTP/1.1 202 Accepted"
            if (!line.startsWith("HTTP/1.") || line.size() < 12 || line.at(8) != ' ') {
                fail(QStringLiteral("bad status line \"%1\"").arg(QString::fromLatin1(line.left(80))));
                return;
            }
            bool ok = false;
            const int status = line.mid(9, 3).toInt(&ok);
            if (!ok || status < 100 || status > 999) {
                fail(QStringLiteral("bad status code in \"%1\"").arg(QString::fromLatin1(line.left(80))));
                return;
            }
            m_current = {};
            m_current.status = status;
            m_current.close = line.startsWith("HTTP/1.0"); // 1.0 closes unless it says keep-alive
            m_contentLength = -1;
            m_chunked = false;
            m_state = State::Headers;
            break;
        }
        case State::Headers: {
            const qsizetype before = m_pos;
            if (!readLine(line))
                return;
            m_headerBytes += m_pos - before;
            if (m_headerBytes > m_maxHeaderBytes) {
                fail(QStringLiteral("headers longer than %1 bytes").arg(m_maxHeaderBytes));
                return;
            }
            if (line.isEmpty()) {
                if (!headersDone())
                    return;
                break;
            }
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0) {
                fail(QStringLiteral("bad header line \"%1\"").arg(QString::fromLatin1(line.left(80))));
                return;
            }
            const QByteArrayView name = QByteArrayView(line).first(colon).trimmed();
            const QByteArrayView value = QByteArrayView(line).sliced(colon + 1).trimmed();
            if (equalsIgnoringCase(name, "content-length")) {
                bool ok = false;
                const qint64 length = value.toLongLong(&ok);
                if (!ok || length < 0 || (m_contentLength >= 0 && m_contentLength != length)) {
                    fail(QStringLiteral("bad Content-Length \"%1\"")
                             .arg(QString::fromLatin1(value.toByteArray())));
                    return;
                }
                m_contentLength = length;
            } else if (equalsIgnoringCase(name, "transfer-encoding")) {
                if (!containsToken(value, "chunked")) {
                    fail(QStringLiteral("unsupported Transfer-Encoding \"%1\"")
                             .arg(QString::fromLatin1(value.toByteArray())));
                    return;
                }
                m_chunked = true;
            } else if (equalsIgnoringCase(name, "connection")) {
                if (containsToken(value, "close"))
                    m_current.close = true;
                else if (containsToken(value, "keep-alive"))
                    m_current.close = false;
            }
            break;
        }
        case State::Body: {
            const qint64 available = m_buffer.size() - m_pos;
            const qint64 n = qMin(available, m_remaining);
            m_current.body.append(m_buffer.constData() + m_pos, n);
            m_pos += n;
            m_remaining -= n;
            if (m_remaining > 0)
                return;
            complete();
            break;
        }
        case State::ChunkSize: {
            if (!readLine(line))
                return;
            const qsizetype semicolon = line.indexOf(';'); // chunk extensions are ignored
            const QByteArray hex = (semicolon >= 0 ? line.left(semicolon) : line).trimmed();
            bool ok = false;
            const qint64 size = hex.toLongLong(&ok, 16);
            if (!ok || size < 0 || hex.isEmpty()) {
                fail(QStringLiteral("bad chunk size \"%1\"").arg(QString::fromLatin1(line.left(40))));
                return;
            }
            if (m_current.body.size() + size > m_maxBodyBytes) {
                fail(QStringLiteral("body larger than %1 bytes").arg(m_maxBodyBytes));
                return;
            }
            if (size == 0) {
                m_headerBytes = 0;
                m_state = State::Trailers;
            } else {
                m_remaining = size;
                m_state = State::ChunkData;
            }
            break;
        }
        case State::ChunkData: {
            const qint64 available = m_buffer.size() - m_pos;
            const qint64 n = qMin(available, m_remaining);
            m_current.body.append(m_buffer.constData() + m_pos, n);
            m_pos += n;
            m_remaining -= n;
            if (m_remaining > 0)
                return;
            m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd: {
            if (!readLine(line))
                return;
            if (!line.isEmpty()) {
                fail(QStringLiteral("chunk data not followed by CRLF"));
                return;
            }
            m_state = State::ChunkSize;
            break;
        }
        case State::Trailers: {
            const qsizetype before = m_pos;
            if (!readLine(line))
                return;
            m_headerBytes += m_pos - before;
            if (m_headerBytes > m_maxHeaderBytes) {
                fail(QStringLiteral("trailers longer than %1 bytes").arg(m_maxHeaderBytes));
                return;
            }
            if (line.isEmpty())
                complete();
            break;
        }
        case State::Failed:
            return;
        }
    }
}

bool HttpResponseParser::headersDone()
{
    if (m_current.status < 200) {
        // 100 Continue and friends: the real response follows.
        m_state = State::StatusLine;
        return true;
    }
    if (m_current.status == 204 || m_current.status == 304) {
        complete();
        return true;
    }
    if (m_chunked) {
        m_state = State::ChunkSize;
        return true;
    }
    if (m_contentLength < 0) {
        fail(QStringLiteral("response without Content-Length or chunked encoding"));
        return false;
    }
    if (m_contentLength > m_maxBodyBytes) {
        fail(QStringLiteral("body larger than %1 bytes").arg(m_maxBodyBytes));
        return false;
    }
    if (m_contentLength == 0) {
        complete();
        return true;
    }
    m_remaining = m_contentLength;
    m_current.body.reserve(m_contentLength);
    m_state = State::Body;
    return true;
}

void HttpResponseParser::complete()
{
    m_done.push_back(std::move(m_current));
    m_current = {};
    m_state = State::StatusLine;
}

void HttpResponseParser::fail(const QString& message)
{
    m_state = State::Failed;
    m_error = message;
}

} // namespace mmf
