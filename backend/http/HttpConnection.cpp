#include "http/HttpConnection.h"

#include "http/HttpUtil.h"

#include <QLoggingCategory>
#include <QMetaObject>
#include <QTcpSocket>

#include <http_parser.h>

#include <algorithm>
#include <array>
#include <climits>
#include <exception>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace mmf {

namespace {

Q_LOGGING_CATEGORY(lcHttp, "mmf.http")

constexpr size_t kMaxPipelined = 64;                 // unanswered requests before we stop reading more
constexpr qint64 kMaxWriteBacklog = 4 * 1024 * 1024; // queued answer bytes before we stop reading more
constexpr qsizetype kInlineBodyMax = 64 * 1024;      // larger bodies go to the socket without a copy
constexpr qsizetype kScratchKeep = 4096;             // header scratch kept between requests
constexpr qsizetype kBodyReserveMax = 1024 * 1024;   // up-front reservation for a Content-Length body
constexpr int kLingerMs = 2000;                      // after our FIN, how long we drain the client's bytes
constexpr qint64 kLingerMaxBytes = 1024 * 1024;

const QByteArray& methodName(unsigned method)
{
    // http_method_str() returns static strings: wrap them once, without copying.
    static const std::array<QByteArray, 64> names = [] {
        std::array<QByteArray, 64> out;
        for (unsigned i = 0; i < out.size(); ++i) {
            const char* s = http_method_str(static_cast<http_method>(i));
            out[i] = QByteArray::fromRawData(s, qsizetype(qstrlen(s)));
        }
        return out;
    }();
    return names[method & 63];
}

bool hasLineBreak(const QByteArray& text)
{
    return text.contains('\r') || text.contains('\n');
}

bool equalsCi(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

bool asksToClose(const HttpConnection::Headers& headers)
{
    for (const auto& h : headers) {
        if (equalsCi(h.first, "connection") && http::headerHasToken(h.second, "close"))
            return true;
    }
    return false;
}

} // namespace

// Static trampolines from http_parser's C callbacks into the connection.
struct HttpParserCallbacks
{
    static HttpConnection* self(http_parser* p) { return static_cast<HttpConnection*>(p->data); }
    static int messageBegin(http_parser* p) { return self(p)->onMessageBegin(); }
    static int url(http_parser* p, const char* at, size_t n) { return self(p)->onUrl(at, n); }
    static int headerField(http_parser* p, const char* at, size_t n) { return self(p)->onHeaderField(at, n); }
    static int headerValue(http_parser* p, const char* at, size_t n) { return self(p)->onHeaderValue(at, n); }
    static int headersComplete(http_parser* p) { return self(p)->onHeadersComplete(); }
    static int body(http_parser* p, const char* at, size_t n) { return self(p)->onBody(at, n); }
    static int chunkHeader(http_parser* p) { return self(p)->onChunkHeader(); }
    // Pausing makes http_parser_execute() return right after each message, so the connection can dispatch it,
    // note where the next one starts, and stop reading when it must.
    static int messageComplete(http_parser* p)
    {
        http_parser_pause(p, 1);
        return 0;
    }

    static const http_parser_settings& settings()
    {
        static const http_parser_settings s = [] {
            http_parser_settings out;
            http_parser_settings_init(&out);
            out.on_message_begin = &messageBegin;
            out.on_url = &url;
            out.on_header_field = &headerField;
            out.on_header_value = &headerValue;
            out.on_headers_complete = &headersComplete;
            out.on_body = &body;
            out.on_message_complete = &messageComplete;
            out.on_chunk_header = &chunkHeader;
            return out;
        }();
        return s;
    }
};

HttpConnection::HttpConnection(QTcpSocket* socket, HttpConnectionHost& host)
    : m_host(host)
    , m_socket(socket)
    , m_parser(std::make_unique<http_parser>())
{
    const HttpLimits& limits = host.limits();
    socket->setParent(this);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // A bounded read buffer turns "we stopped reading" into TCP back-pressure; it must hold a whole header
    // block because an unfinished header block stays in the socket's transaction.
    const qint64 headerBlock =
        qint64(limits.maxRequestLine) + limits.maxHeadersTotal + 4 * qint64(limits.maxHeaderCount);
    socket->setReadBufferSize(std::max<qint64>(256 * 1024, 2 * headerBlock));
    m_peer = socket->peerAddress();
    m_request.peerAddress = m_peer;
    http_parser_init(m_parser.get(), HTTP_REQUEST);
    m_parser->data = this;

    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    setDeadline(Deadline::Header, limits.headerTimeoutMs);
}

HttpConnection::~HttpConnection()
{
    if (m_socket)
        QObject::disconnect(m_socket, nullptr, this, nullptr);
}

bool HttpConnection::isOpen() const
{
    return m_state == State::Open && !m_closeRequested && m_socket;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

void HttpConnection::onReadyRead()
{
    if (m_state == State::Lingering) {
        discardInput();
        return;
    }
    if (m_state != State::Open || m_noMoreInput || m_readPaused || m_upgradePending)
        return;
    processInput();
}

void HttpConnection::processInput()
{
    const http_parser_settings& settings = HttpParserCallbacks::settings();
    char* buffer = m_host.readBuffer();
    const qsizetype capacity = m_host.readBufferSize();
    m_inReadLoop = true;
    while (m_state == State::Open && !m_noMoreInput && !m_readPaused && !m_upgradePending) {
        // Every read happens inside a transaction so that an upgrade request can be handed back unread.
        if (!m_socket->isTransactionStarted()) {
            m_socket->startTransaction();
            m_txRead = 0;
            m_messageStart = 0;
        }
        const qint64 n = m_socket->read(buffer, capacity);
        if (n <= 0)
            break;
        const qint64 chunkBase = m_txRead;
        m_txRead += n;
        if (m_phase == Phase::Body)
            setDeadline(Deadline::Body, m_host.limits().idleTimeoutMs);

        qint64 offset = 0;
        while (offset < n) {
            const size_t used =
                http_parser_execute(m_parser.get(), &settings, buffer + offset, size_t(n - offset));
            offset += qint64(used);
            const auto err = HTTP_PARSER_ERRNO(m_parser.get());
            if (err == HPE_PAUSED) {
                http_parser_pause(m_parser.get(), 0);
                const qint64 start = m_messageStart;
                m_messageStart = chunkBase + offset;
                messageComplete(start);
                if (m_state != State::Open || m_noMoreInput || m_readPaused || m_upgradePending)
                    break;
                continue;
            }
            if (err != HPE_OK) {
                parseError(err);
                break;
            }
            if (offset < n) { // the parser stopped without saying why
                parseError(HPE_UNKNOWN);
                break;
            }
        }
        settleTransaction(chunkBase + offset);
    }
    m_inReadLoop = false;
    if (m_state == State::Open && m_socket && m_socket->bytesToWrite() > 0)
        m_socket->flush();
}

// After a chunk: keep in the transaction only what an upgrade hand-over could still need.
void HttpConnection::settleTransaction(qint64 consumedEnd)
{
    if (!m_socket || !m_socket->isTransactionStarted())
        return;
    if (m_upgradePending) {
        if (slotsEmpty())
            handOver();
        return; // otherwise the bytes stay until the earlier answers are out
    }
    if (m_state != State::Open || m_noMoreInput) {
        m_socket->commitTransaction();
        return;
    }
    if (consumedEnd < m_txRead) {
        // Stopped at a message boundary (back-pressure): give the rest back to the socket.
        m_socket->rollbackTransaction();
        m_socket->skip(consumedEnd);
        return;
    }
    if (m_phase == Phase::Headers) {
        if (m_messageStart > 0) {
            // Restart the transaction at the start of the unfinished message.
            m_socket->rollbackTransaction();
            m_socket->skip(m_messageStart);
            m_socket->startTransaction();
            qint64 left = m_txRead - m_messageStart;
            char* buffer = m_host.readBuffer();
            while (left > 0) {
                const qint64 n = m_socket->read(buffer, std::min<qint64>(left, m_host.readBufferSize()));
                if (n <= 0)
                    break;
                left -= n;
            }
            m_txRead -= m_messageStart;
            m_messageStart = 0;
        }
        return;
    }
    m_socket->commitTransaction();
}

int HttpConnection::onMessageBegin()
{
    m_phase = Phase::Headers;
    m_request.method = QByteArray();
    m_request.path = QByteArray();
    m_request.query = QByteArray();
    m_request.headers.clear();
    m_request.body = QByteArray();
    m_request.keepAlive = true;
    m_request.peerAddress = m_peer;
    squeezeScratch();
    m_url.resize(0);
    m_headerState = 0;
    m_headerCount = 0;
    m_headerBytes = 0;
    m_methodLength = -1;
    m_wsUpgrade = false;
    m_wsReject = 0;
    m_errorStatus = 0;
    if (m_deadlineKind != Deadline::Header)
        setDeadline(Deadline::Header, m_host.limits().headerTimeoutMs);
    return 0;
}

void HttpConnection::squeezeScratch()
{
    // A rare huge header should not keep its buffers alive on an idle keep-alive connection.
    if (m_url.capacity() > kScratchKeep)
        m_url = QByteArray();
    if (m_field.capacity() > kScratchKeep)
        m_field = QByteArray();
    if (m_value.capacity() > kScratchKeep)
        m_value = QByteArray();
}

int HttpConnection::fail(int status, const char* code, const char* message)
{
    m_errorStatus = status;
    m_errorCode = code;
    m_errorMessage = message;
    return -1;
}

int HttpConnection::onUrl(const char* at, size_t length)
{
    if (m_methodLength < 0)
        m_methodLength = int(qstrlen(http_method_str(static_cast<http_method>(m_parser->method))));
    // method SP target SP "HTTP/1.1"
    if (m_methodLength + 1 + m_url.size() + qsizetype(length) + 9 > m_host.limits().maxRequestLine)
        return fail(414, "payload_too_large", "request line too long");
    m_url.append(at, qsizetype(length));
    return 0;
}

int HttpConnection::onHeaderField(const char* at, size_t length)
{
    if (m_headerState == 2)
        commitHeader();
    if (m_headerState == 0) {
        m_headerState = 1;
        m_field.resize(0);
        m_value.resize(0);
        if (++m_headerCount > m_host.limits().maxHeaderCount)
            return fail(431, "payload_too_large", "too many request headers");
    }
    m_field.append(at, qsizetype(length));
    m_headerBytes += qint64(length);
    return checkHeaderSize();
}

int HttpConnection::onHeaderValue(const char* at, size_t length)
{
    m_headerState = 2;
    m_value.append(at, qsizetype(length));
    m_headerBytes += qint64(length);
    return checkHeaderSize();
}

int HttpConnection::checkHeaderSize()
{
    const HttpLimits& limits = m_host.limits();
    if (m_field.size() + m_value.size() + 4 > limits.maxHeaderBytes)
        return fail(431, "payload_too_large", "a request header is too large");
    if (m_headerBytes + 4 * qint64(m_headerCount) > limits.maxHeadersTotal)
        return fail(431, "payload_too_large", "request headers too large");
    return 0;
}

void HttpConnection::commitHeader()
{
    QByteArrayView value(m_value);
    while (!value.isEmpty() && (value.back() == ' ' || value.back() == '\t'))
        value = value.first(value.size() - 1);
    m_request.headers.append(
        {http::internHeaderName(m_field), value.isEmpty() ? QByteArray("") : value.toByteArray()});
    m_headerState = 0;
}

void HttpConnection::splitTarget()
{
    QByteArrayView url(m_url);
    if (!url.isEmpty() && url.front() != '/' && url != QByteArrayView("*")) {
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

int HttpConnection::onHeadersComplete()
{
    if (m_headerState == 2)
        commitHeader();
    http_parser* p = m_parser.get();
    const HttpLimits& limits = m_host.limits();
    m_request.method = methodName(p->method);
    m_request.keepAlive = http_should_keep_alive(p) != 0;
    splitTarget();

    const bool chunked = (p->flags & F_CHUNKED) != 0;
    const bool hasLength = p->content_length != ULLONG_MAX;
    // Refused before a single body byte is read.
    if (hasLength && p->content_length > quint64(limits.maxBodyBytes))
        return fail(413, "payload_too_large", "request body too large");
    const bool hasBody = chunked || (hasLength && p->content_length > 0);
    if (hasLength && p->content_length > 0)
        m_request.body.reserve(qsizetype(std::min<quint64>(p->content_length, kBodyReserveMax)));

    if (m_host.isWebSocketPath(m_request.path)) {
        const bool get = p->method == HTTP_GET;
        if (get && http::headerHasToken(m_request.header("upgrade"), "websocket")) {
            if (hasBody)
                return fail(400, "invalid_argument", "an upgrade request has no body");
            m_wsUpgrade = true;
        } else {
            m_wsReject = get ? 426 : 405;
        }
    }

    // Tell a client that waits for it to send the body, unless earlier answers are still due on the wire.
    if (hasBody && slotsEmpty() && p->http_major == 1 && p->http_minor >= 1) {
        const QByteArray expect = m_request.header("expect");
        if (!expect.isNull() && http::headerHasToken(expect, "100-continue"))
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n", 25);
    }

    m_phase = Phase::Body;
    if (hasBody)
        setDeadline(Deadline::Body, limits.idleTimeoutMs);
    else
        clearDeadline();
    return 0;
}

int HttpConnection::onBody(const char* at, size_t length)
{
    if (m_request.body.size() + qint64(length) > m_host.limits().maxBodyBytes)
        return fail(413, "payload_too_large", "request body too large");
    m_request.body.append(at, qsizetype(length));
    return 0;
}

int HttpConnection::onChunkHeader()
{
    // content_length holds the size of the chunk that follows: refuse it before reading it.
    const quint64 room = quint64(std::max<qint64>(0, m_host.limits().maxBodyBytes - m_request.body.size()));
    if (m_parser->content_length > room)
        return fail(413, "payload_too_large", "request body too large");
    return 0;
}

void HttpConnection::messageComplete(qint64 messageStart)
{
    m_phase = Phase::Idle;
    if (m_wsUpgrade) {
        m_upgradePending = true;
        m_upgradeAt = messageStart;
        clearDeadline();
        return;
    }
    const bool close = !m_request.keepAlive || m_stopAccepting;
    const bool http10KeepAlive = !close && m_parser->http_major == 1 && m_parser->http_minor == 0;
    const quint64 sequence = pushSlot(close, m_parser->method == HTTP_HEAD, http10KeepAlive);
    if (close)
        m_noMoreInput = true;
    clearDeadline();

    if (m_wsReject) {
        const bool upgradeRequired = m_wsReject == 426;
        const Headers extra = upgradeRequired ? Headers{{"Upgrade", "websocket"}} : Headers{{"Allow", "GET"}};
        respond(sequence, m_wsReject, "application/json",
                http::errorJson("invalid_argument", upgradeRequired
                                                        ? "this path only takes WebSocket upgrades"
                                                        : "method not allowed"),
                extra);
    } else {
        const HttpResponder responder(QPointer<HttpConnection>(this), sequence);
        try {
            m_host.dispatch(m_request, responder);
        } catch (const std::exception& e) {
            qCWarning(lcHttp) << "handler threw:" << e.what();
            responder.sendError(500, "internal", "internal error");
        } catch (...) {
            qCWarning(lcHttp) << "handler threw";
            responder.sendError(500, "internal", "internal error");
        }
    }
    if (m_state == State::Open && !m_closeRequested && shouldPauseReading())
        m_readPaused = true;
}

void HttpConnection::parseError(int parserErrno)
{
    const auto err = static_cast<http_errno>(parserErrno);
    if (m_errorStatus) {
        enqueueError(m_errorStatus, m_errorCode, m_errorMessage);
    } else if (err == HPE_HEADER_OVERFLOW) {
        enqueueError(431, "payload_too_large", "request headers too large");
    } else if (err == HPE_INVALID_METHOD) {
        enqueueError(501, "invalid_argument", "unknown request method");
    } else {
        enqueueError(400, "invalid_argument",
                     QByteArray("malformed request: ") + http_errno_description(err));
    }
}

void HttpConnection::enqueueError(int status, const char* code, const QByteArray& message)
{
    if (m_state != State::Open || m_closeRequested)
        return;
    m_noMoreInput = true;
    m_phase = Phase::Idle;
    clearDeadline();
    const quint64 sequence = pushSlot(true, false, false);
    respond(sequence, status, "application/json", http::errorJson(code, message), {});
}

// ---------------------------------------------------------------------------------------------------------------
// Answers, in request order

quint64 HttpConnection::pushSlot(bool close, bool head, bool http10KeepAlive)
{
    if (m_slotHead == m_slots.size()) {
        m_slots.clear(); // keeps the capacity: no allocation per request
        m_slotHead = 0;
    } else if (m_slotHead > 32 && m_slotHead * 2 > m_slots.size()) {
        m_slots.erase(m_slots.begin(), m_slots.begin() + qsizetype(m_slotHead));
        m_slotHead = 0;
    }
    Slot& slot = m_slots.emplace_back();
    slot.close = close;
    slot.head = head;
    slot.http10KeepAlive = http10KeepAlive;
    return m_nextSequence++;
}

HttpConnection::Slot* HttpConnection::slotFor(quint64 sequence)
{
    if (sequence < m_headSequence || sequence >= m_nextSequence)
        return nullptr;
    return &m_slots[m_slotHead + size_t(sequence - m_headSequence)];
}

void HttpConnection::popFront()
{
    m_slots[m_slotHead] = Slot();
    ++m_slotHead;
    ++m_headSequence;
}

void HttpConnection::respond(quint64 sequence, int status, const QByteArray& contentType,
                             const QByteArray& body, const Headers& extraHeaders)
{
    if (m_state != State::Open || m_closeRequested || !m_socket)
        return;
    Slot* slot = slotFor(sequence);
    if (!slot || slot->ready)
        return;
    if (sequence != m_headSequence) {
        // Out of turn: serialize now (the caller's data may not live), write when the earlier ones are out.
        slot->close = slot->close || asksToClose(extraHeaders);
        const bool inlineBody = slot->head || body.size() < kInlineBodyMax;
        serialize(slot->data, *slot, status, contentType, body, extraHeaders, slot->close, inlineBody);
        if (!inlineBody)
            slot->largeBody = body;
        slot->ready = true;
        return;
    }
    writeFront(status, contentType, body, extraHeaders);
}

void HttpConnection::serialize(QByteArray& out, const Slot& slot, int status, const QByteArray& contentType,
                               const QByteArray& body, const Headers& extraHeaders, bool close,
                               bool inlineBody) const
{
    const bool noBody = status == 204 || status == 304 || (status >= 100 && status < 200);
    qsizetype extraSize = 0;
    for (const auto& h : extraHeaders)
        extraSize += h.first.size() + h.second.size() + 4;
    out.resize(0);
    out.reserve(128 + contentType.size() + extraSize + (inlineBody && !slot.head ? body.size() : 0));
    out.append("HTTP/1.1 ", 9);
    http::appendNumber(out, status);
    out.append(' ');
    out.append(http::reasonPhrase(status));
    out.append("\r\n", 2);
    if (!noBody) {
        if (!contentType.isEmpty()) {
            out.append("Content-Type: ", 14);
            out.append(contentType);
            out.append("\r\n", 2);
        }
        out.append("Content-Length: ", 16);
        http::appendNumber(out, body.size());
        out.append("\r\n", 2);
    }
    for (const auto& h : extraHeaders) {
        if (h.first.isEmpty() || hasLineBreak(h.first) || hasLineBreak(h.second)) {
            qCWarning(lcHttp) << "dropped a response header with a line break:" << h.first.left(40);
            continue;
        }
        if (equalsCi(h.first, "connection") || equalsCi(h.first, "content-length"))
            continue; // ours to set
        out.append(h.first);
        out.append(": ", 2);
        out.append(h.second);
        out.append("\r\n", 2);
    }
    if (close)
        out.append("Connection: close\r\n", 19);
    else if (slot.http10KeepAlive)
        out.append("Connection: keep-alive\r\n", 24);
    out.append("\r\n", 2);
    if (inlineBody && !slot.head && !noBody)
        out.append(body);
}

void HttpConnection::writeFront(int status, const QByteArray& contentType, const QByteArray& body,
                                const Headers& extraHeaders)
{
    Slot& slot = m_slots[m_slotHead];
    // After stopAccepting(), the last answer due says that the connection closes.
    const bool lastBeforeStop =
        m_noMoreInput && outstanding() == 1 && m_phase == Phase::Idle && !m_upgradePending;
    const bool close = slot.close || lastBeforeStop || asksToClose(extraHeaders);
    const bool inlineBody = slot.head || body.size() < kInlineBodyMax;
    QByteArray& out = m_host.writeBuffer();
    serialize(out, slot, status, contentType, body, extraHeaders, close, inlineBody);
    // The char* overload copies into the socket's buffer, so the scratch keeps its capacity for the next
    // answer.
    m_socket->write(out.constData(), out.size());
    if (!inlineBody && !(status == 204 || status == 304))
        m_socket->write(body); // shared, not copied
    popFront();
    if (close) {
        afterWrite(true);
        return;
    }
    writeReadySlots();
}

void HttpConnection::writeReadySlots()
{
    while (!slotsEmpty() && m_slots[m_slotHead].ready) {
        Slot& slot = m_slots[m_slotHead];
        m_socket->write(slot.data);
        if (!slot.largeBody.isEmpty())
            m_socket->write(slot.largeBody);
        const bool close = slot.close;
        popFront();
        if (close) {
            afterWrite(true);
            return;
        }
    }
    afterWrite(false);
}

void HttpConnection::afterWrite(bool close)
{
    if (close) {
        closeAfterFlush();
        return;
    }
    if (slotsEmpty()) {
        if (m_upgradePending) {
            if (!m_inReadLoop)
                queueHandOver();
        } else if (m_noMoreInput && m_phase == Phase::Idle) {
            closeAfterFlush();
            return;
        } else if (m_phase == Phase::Idle) {
            setDeadline(Deadline::Idle, m_host.limits().idleTimeoutMs);
        }
    }
    if (m_readPaused && !shouldPauseReading())
        queueResume();
    if (!m_inReadLoop)
        m_socket->flush();
}

bool HttpConnection::shouldPauseReading() const
{
    return outstanding() >= kMaxPipelined || (m_socket && m_socket->bytesToWrite() > kMaxWriteBacklog);
}

void HttpConnection::onBytesWritten()
{
    if (m_state != State::Open || !m_socket)
        return;
    if (m_closeRequested) {
        if (m_socket->bytesToWrite() == 0)
            startLinger();
        else
            setDeadline(Deadline::Drain, std::max(1000, m_host.limits().idleTimeoutMs));
        return;
    }
    if (m_readPaused && !shouldPauseReading())
        queueResume();
}

// Resuming and handing over run from the event loop: they may be triggered by an answer sent from inside
// another connection's handler, while that connection still parses from the shared read buffer.
void HttpConnection::queueResume()
{
    if (m_resumeQueued)
        return;
    m_resumeQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_resumeQueued = false;
            if (m_state != State::Open || m_closeRequested || !m_readPaused || shouldPauseReading())
                return;
            m_readPaused = false;
            processInput();
        },
        Qt::QueuedConnection);
}

void HttpConnection::queueHandOver()
{
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_state == State::Open && !m_closeRequested && m_upgradePending && slotsEmpty())
                handOver();
        },
        Qt::QueuedConnection);
}

void HttpConnection::handOver()
{
    m_upgradePending = false;
    QTcpSocket* socket = m_socket;
    if (!socket->isTransactionStarted()) { // cannot happen: the upgrade request's bytes are always kept
        closeNow();
        return;
    }
    // Put the socket back at the first byte of the upgrade request for QWebSocketServer to read.
    socket->rollbackTransaction();
    socket->skip(m_upgradeAt);
    char c = 0;
    while (socket->peek(&c, 1) == 1 && (c == '\r' || c == '\n'))
        socket->skip(1);
    QObject::disconnect(socket, nullptr, this, nullptr);
    socket->setReadBufferSize(0);
    socket->setParent(nullptr);
    m_socket = nullptr;
    m_state = State::Done;
    clearDeadline();
    m_host.upgrade(socket, std::move(m_request));
    m_host.connectionFinished(this);
}

// ---------------------------------------------------------------------------------------------------------------
// Closing

void HttpConnection::closeAfterFlush()
{
    if (m_closeRequested || m_state != State::Open)
        return;
    m_closeRequested = true;
    m_noMoreInput = true;
    m_upgradePending = false;
    m_slots.clear();
    m_slotHead = 0;
    m_headSequence = m_nextSequence;
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    setDeadline(Deadline::Drain, std::max(1000, m_host.limits().idleTimeoutMs));
    if (!m_inReadLoop)
        m_socket->flush();
    if (m_state == State::Open && m_socket->bytesToWrite() == 0)
        startLinger();
}

// Half-close and drain what the client still sends for a moment: closing a socket with unread bytes makes the
// kernel send a reset, which can destroy the answer (e.g. a 413) before the client reads it.
void HttpConnection::startLinger()
{
    if (m_state != State::Open)
        return;
    m_state = State::Lingering;
    setDeadline(Deadline::Linger, kLingerMs);
#ifdef Q_OS_UNIX
    const qintptr fd = m_socket->socketDescriptor();
    if (fd >= 0)
        ::shutdown(int(fd), SHUT_WR);
#else
    m_socket->disconnectFromHost();
#endif
    if (m_socket->bytesAvailable() > 0 && !m_discardQueued) {
        m_discardQueued = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_discardQueued = false;
                discardInput();
            },
            Qt::QueuedConnection);
    }
}

void HttpConnection::discardInput()
{
    if (m_state != State::Lingering || !m_socket)
        return;
    char* buffer = m_host.readBuffer();
    const qsizetype capacity = m_host.readBufferSize();
    for (;;) {
        const qint64 n = m_socket->read(buffer, capacity);
        if (n <= 0)
            return;
        m_lingerBytes += n;
        if (m_lingerBytes > kLingerMaxBytes) {
            m_socket->abort();
            return;
        }
    }
}

void HttpConnection::closeNow()
{
    if (m_state != State::Open)
        return;
    m_closeRequested = true;
    m_noMoreInput = true;
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    setDeadline(Deadline::Linger, kLingerMs);
    m_socket->disconnectFromHost(); // may emit disconnected() right here
}

void HttpConnection::stopAccepting()
{
    m_stopAccepting = true;
    if (m_state != State::Open || m_closeRequested)
        return;
    if (m_phase == Phase::Idle) {
        m_noMoreInput = true;
        if (slotsEmpty() && !m_upgradePending)
            closeNow();
    }
}

void HttpConnection::onDisconnected()
{
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    clearDeadline();
    m_slots.clear();
    m_slotHead = 0;
    m_headSequence = m_nextSequence;
    m_host.connectionFinished(this);
}

// ---------------------------------------------------------------------------------------------------------------
// Deadlines (checked by the host's sweep, so a request costs a clock read rather than a timer)

void HttpConnection::setDeadline(Deadline kind, qint64 afterMs)
{
    if (afterMs <= 0) {
        clearDeadline();
        return;
    }
    m_deadlineKind = kind;
    m_deadline = m_host.nowMs() + afterMs;
}

void HttpConnection::clearDeadline()
{
    m_deadlineKind = Deadline::None;
    m_deadline = 0;
}

void HttpConnection::onDeadline()
{
    const Deadline kind = m_deadlineKind;
    clearDeadline();
    switch (kind) {
    case Deadline::None:
        break;
    case Deadline::Header:
        if (m_phase == Phase::Headers)
            enqueueError(408, "invalid_argument", "request headers not received in time");
        else
            closeNow(); // nothing received: no answer owed
        break;
    case Deadline::Body:
        enqueueError(408, "invalid_argument", "request body not received in time");
        break;
    case Deadline::Idle:
        closeNow();
        break;
    case Deadline::Drain:
    case Deadline::Linger:
        if (m_socket)
            m_socket->abort();
        break;
    }
}

} // namespace mmf
