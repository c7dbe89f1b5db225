#include "http/HttpConnection.h"

#include "http/HttpUtil.h"
#include "http/TrustedProxies.h"

#include <QLoggingCategory>
#include <QMetaObject>
#include <QTcpSocket>

#include <algorithm>
#include <exception>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace mmf {

namespace {

Q_LOGGING_CATEGORY(lcHttp, "mmf.http")

constexpr size_t kMaxPipelined = 64;                 // unanswered requests before we stop reading more
constexpr qint64 kMaxWriteBacklog = 4 * 1024 * 1024; // queued answer bytes before we stop reading more
// After our FIN we drain the client's bytes while it keeps sending, until it has been silent this long...
constexpr int kLingerMs = 2000;
// ...or this long in all (nginx's lingering_timeout and lingering_time are 5 s and 30 s).
constexpr int kLingerMaxMs = 30 * 1000;

// How much a lingering connection drains before it gives up with a reset. A client that sends a body over the
// limit whole before it reads the answer (most do without `Expect: 100-continue`) must be drained to its end:
// a reset makes its next send fail, and clients (Qt's among them) then drop the connection with the 413 still
// unread. Over twice the limit is a flood, not a mistake.
qint64 lingerMaxBytes(const HttpLimits& limits)
{
    return std::max<qint64>(1024 * 1024, 2 * limits.maxBodyBytes);
}

bool isWebSocketUpgrade(const HttpRequest& request)
{
    return request.method == "GET" && http::headerHasToken(request.header("upgrade"), "websocket");
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket* socket, HttpConnectionHost& host)
    : m_host(host)
    , m_socket(socket)
    , m_parser(host.limits())
    , m_answers(host.writeBuffer())
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
    m_viaProxy = host.trustedProxies().trusts(m_peer);

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
    using Event = HttpRequestParser::Event;
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
        if (m_parser.phase() == HttpRequestParser::Phase::Body)
            armBodyDeadline();

        qint64 offset = 0;
        for (;;) {
            const HttpRequestParser::Step step = m_parser.feed(buffer + offset, n - offset);
            offset += step.consumed;
            if (step.event == Event::NeedMore) {
                // A request has begun: it has the header timeout to finish its head.
                if (m_parser.phase() == HttpRequestParser::Phase::Head && m_deadlineKind != Deadline::Header)
                    setDeadline(Deadline::Header, m_host.limits().headerTimeoutMs);
                break;
            }
            if (step.event == Event::Error) {
                const HttpParseError& e = m_parser.error();
                enqueueError(e.status, e.code, e.message);
                break;
            }
            if (step.event == Event::HeadersComplete) {
                if (!headersComplete())
                    break;
                continue;
            }
            const qint64 start = m_messageStart;
            m_messageStart = chunkBase + offset;
            messageComplete(start);
            if (m_state != State::Open || m_noMoreInput || m_readPaused || m_upgradePending)
                break;
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
        if (m_answers.empty())
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
    if (m_parser.phase() == HttpRequestParser::Phase::Head) {
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

// The head of a request with a body is in; false when the request was refused.
bool HttpConnection::headersComplete()
{
    const HttpRequest& request = m_parser.request();
    if (m_host.isWebSocketPath(request.path) && isWebSocketUpgrade(request)) {
        enqueueError(400, "invalid_argument", "an upgrade request has no body");
        return false;
    }
    // Tell a client that waits for it to send the body, unless earlier answers are still due on the wire.
    if (m_parser.expectsContinue() && m_answers.empty())
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n", 25);
    const int bodyTimeoutMs = m_host.limits().bodyTimeoutMs;
    m_bodyEndsAt = bodyTimeoutMs > 0 ? m_host.nowMs() + bodyTimeoutMs : 0;
    armBodyDeadline();
    return true;
}

// The body has the idle timeout between two reads and the body timeout in all: a byte every few seconds
// would otherwise hold the connection forever.
void HttpConnection::armBodyDeadline()
{
    qint64 after = m_host.limits().idleTimeoutMs;
    if (m_bodyEndsAt > 0) {
        const qint64 left = std::max<qint64>(1, m_bodyEndsAt - m_host.nowMs());
        after = after > 0 ? std::min(after, left) : left;
    }
    setDeadline(Deadline::Body, after);
}

void HttpConnection::messageComplete(qint64 messageStart)
{
    HttpRequest& request = m_parser.request();
    request.peerAddress = m_peer;
    request.clientAddress = m_viaProxy ? m_host.trustedProxies().clientOf(m_peer, request) : m_peer;
    int wsReject = 0;
    if (m_host.isWebSocketPath(request.path)) {
        if (!isWebSocketUpgrade(request)) {
            wsReject = request.method == "GET" ? 426 : 405;
        } else if ((wsReject = m_host.upgradeRefusal(request, m_viaProxy)) == 0) {
            m_upgradePending = true;
            m_upgradeAt = messageStart;
            clearDeadline();
            return;
        }
    }
    const bool close = !request.keepAlive || m_stopAccepting;
    const bool http10KeepAlive = !close && m_parser.isHttp10();
    const quint64 sequence = m_answers.push(close, m_parser.isHead(), http10KeepAlive);
    if (close)
        m_noMoreInput = true;
    clearDeadline();

    if (wsReject == 503) {
        respond(sequence, 503, "application/json",
                http::errorJson("unavailable", "this server holds as many WebSockets as it may: try again "
                                               "later or another server"),
                Headers{{"Retry-After", "5"}});
    } else if (wsReject == 429) {
        respond(sequence, 429, "application/json",
                http::errorJson("rate_limited",
                                http::tooManyConnectionsMessage(m_host.limits().maxConnectionsPerAddress)),
                Headers{{"Retry-After", "5"}});
    } else if (wsReject) {
        const bool upgradeRequired = wsReject == 426;
        const Headers extra = upgradeRequired ? Headers{{"Upgrade", "websocket"}} : Headers{{"Allow", "GET"}};
        respond(sequence, wsReject, "application/json",
                http::errorJson("invalid_argument", upgradeRequired
                                                        ? "this path only takes WebSocket upgrades"
                                                        : "method not allowed"),
                extra);
    } else {
        const HttpResponder responder(QPointer<HttpConnection>(this), sequence);
        try {
            m_host.dispatch(request, responder);
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

void HttpConnection::enqueueError(int status, const char* code, const QByteArray& message)
{
    if (m_state != State::Open || m_closeRequested)
        return;
    m_noMoreInput = true;
    clearDeadline();
    const quint64 sequence = m_answers.push(true, false, false);
    respond(sequence, status, "application/json", http::errorJson(code, message), {});
}

// ---------------------------------------------------------------------------------------------------------------
// Answers, in request order

void HttpConnection::respond(quint64 sequence, int status, const QByteArray& contentType,
                             const QByteArray& body, const Headers& extraHeaders)
{
    if (m_state != State::Open || m_closeRequested || !m_socket)
        return;
    const auto outcome = m_answers.answer(sequence, status, contentType, body, extraHeaders, *this);
    if (outcome == HttpAnswerQueue::Outcome::Written || outcome == HttpAnswerQueue::Outcome::Closing)
        afterWrite(outcome);
}

void HttpConnection::write(const char* data, qsizetype size)
{
    m_socket->write(data, size);
}

void HttpConnection::write(const QByteArray& shared)
{
    m_socket->write(shared);
}

void HttpConnection::afterWrite(HttpAnswerQueue::Outcome outcome)
{
    if (outcome == HttpAnswerQueue::Outcome::Closing) {
        closeAfterFlush();
        return;
    }
    if (m_answers.empty()) {
        if (m_upgradePending) {
            if (!m_inReadLoop)
                queueHandOver();
        } else if (m_noMoreInput && idle()) {
            closeAfterFlush();
            return;
        } else if (idle()) {
            setDeadline(Deadline::Idle, m_host.limits().idleTimeoutMs);
        }
    }
    if (m_readPaused && !shouldPauseReading())
        m_resume.request();
    if (!m_inReadLoop)
        m_flush.request();
}

// Answers finished by one Redis reply (a group commit answers many submits at once, often several on one
// keep-alive connection) leave in one write at the end of this event-loop turn, not a write each.
void HttpConnection::flushAnswers()
{
    if (m_state == State::Open && m_socket && m_socket->bytesToWrite() > 0)
        m_socket->flush();
}

bool HttpConnection::shouldPauseReading() const
{
    return m_answers.outstanding() >= kMaxPipelined ||
           (m_socket && m_socket->bytesToWrite() > kMaxWriteBacklog);
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
        m_resume.request();
}

// Resuming and handing over run from the event loop: they may be triggered by an answer sent from inside
// another connection's handler, while that connection still parses from the shared read buffer.
void HttpConnection::resumeReading()
{
    if (m_state != State::Open || m_closeRequested || !m_readPaused || shouldPauseReading())
        return;
    m_readPaused = false;
    processInput();
}

void HttpConnection::queueHandOver()
{
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_state == State::Open && !m_closeRequested && m_upgradePending && m_answers.empty())
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
    m_host.upgrade(socket, std::move(m_parser.request()));
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
    m_answers.clear();
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
    m_lingerEndMs = m_host.nowMs() + kLingerMaxMs;
    setDeadline(Deadline::Linger, kLingerMs);
#ifdef Q_OS_UNIX
    const qintptr fd = m_socket->socketDescriptor();
    if (fd >= 0)
        ::shutdown(int(fd), SHUT_WR);
#else
    m_socket->disconnectFromHost();
#endif
    if (m_socket->bytesAvailable() > 0)
        m_discard.request();
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
        // A client still sending (a loaded machine, a slow link) keeps the linger going, up to its caps.
        const qint64 left = m_lingerEndMs - m_host.nowMs();
        if (m_lingerBytes > lingerMaxBytes(m_host.limits()) || left <= 0) {
            m_socket->abort();
            return;
        }
        setDeadline(Deadline::Linger, std::min<qint64>(kLingerMs, left));
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

void HttpConnection::refuse(int status, const char* code, const QByteArray& message)
{
    enqueueError(status, code, message);
}

void HttpConnection::stopAccepting()
{
    m_stopAccepting = true;
    if (m_state != State::Open || m_closeRequested)
        return;
    if (idle()) {
        m_noMoreInput = true;
        if (m_answers.empty() && !m_upgradePending)
            closeNow();
        else if (!m_upgradePending)
            m_answers.closeAfterLast(); // the last answer due says that the connection closes
    }
}

void HttpConnection::onDisconnected()
{
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    clearDeadline();
    m_answers.clear();
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
        if (m_parser.phase() == HttpRequestParser::Phase::Head)
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
