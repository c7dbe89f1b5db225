#pragma once

#include "core/QueuedCall.h"
#include "http/HttpAnswerQueue.h"
#include "http/HttpLimits.h"
#include "http/HttpRequest.h"
#include "http/HttpRequestParser.h"
#include "http/HttpResponder.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

class QTcpSocket;

namespace mmf {

class HttpConnection;
class TrustedProxies;

// What a connection needs from its server. The server deletes its live connections before it goes away.
class HttpConnectionHost
{
public:
    virtual const HttpLimits& limits() const = 0;
    // Monotonic milliseconds; deadlines are compared against it by the host's sweep.
    virtual qint64 nowMs() const = 0;
    // A scratch buffer for reads, shared by all connections of the host (one thread, never re-entered).
    virtual char* readBuffer() = 0;
    virtual qsizetype readBufferSize() const = 0;
    // A scratch buffer to assemble a response in; its contents are dead after each use.
    virtual QByteArray& writeBuffer() = 0;
    virtual bool isWebSocketPath(const QByteArray& path) const = 0;
    // 0 when an upgrade request may go ahead; else the status to refuse it with: 503 when the server holds
    // as many WebSockets as it may, 429 when its client (behind a trusted proxy: `viaProxy`) holds as many
    // connections as one address may.
    virtual int upgradeRefusal(const HttpRequest& request, bool viaProxy) const = 0;
    // Peers whose X-Forwarded-For names the client (`[http] trusted_proxies`).
    virtual const TrustedProxies& trustedProxies() const = 0;
    virtual void dispatch(HttpRequest& request, const HttpResponder& responder) = 0;
    // The socket holds the unread upgrade request; the host now owns it.
    virtual void upgrade(QTcpSocket* socket, HttpRequest&& request) = 0;
    // The connection is over (closed, or handed over); the host drops it and deletes it later.
    virtual void connectionFinished(HttpConnection* connection) = 0;

protected:
    ~HttpConnectionHost() = default;
};

// One client connection, the socket side only: feeds what it reads to an HttpRequestParser, hands complete
// requests to the host, writes their answers through an HttpAnswerQueue (request order), stops reading when
// too many answers are due (back-pressure), enforces the header/body/idle deadlines, hands upgrade requests
// over unread, and closes after an error answer or `Connection: close`, lingering briefly so the client can
// read the answer.
class HttpConnection : public QObject, private HttpAnswerQueue::Output
{
    Q_OBJECT
public:
    using Headers = HttpAnswerQueue::Headers;

    // Takes ownership of the connected socket.
    HttpConnection(QTcpSocket* socket, HttpConnectionHost& host);
    ~HttpConnection() override;

    // False once the client left, the connection is closing, or it was upgraded.
    bool isOpen() const;
    // The answer to request `sequence`; ignored when already answered or when the connection is gone.
    void respond(quint64 sequence, int status, const QByteArray& contentType, const QByteArray& body,
                 const Headers& extraHeaders);
    // Stop taking new requests: the ones already read are answered, then the connection closes.
    void stopAccepting();
    // Answers at once with an error and closes (used for a connection over a limit, before any request).
    void refuse(int status, const char* code, const QByteArray& message);

    // 0 when none; otherwise the host calls onDeadline() once nowMs() reaches it.
    qint64 deadline() const { return m_deadline; }
    void onDeadline();

    int hostIndex = -1;          // position in the host's list, kept by the host
    bool countedAddress = false; // counted in the host's per-address figures
    const QHostAddress& peer() const { return m_peer; }
    // The peer is a trusted proxy: each request's client is whom it forwards for.
    bool viaProxy() const { return m_viaProxy; }

private:
    enum class State
    {
        Open,
        Lingering,
        Done
    };
    enum class Deadline
    {
        None,
        Header,
        Body,
        Idle,
        Drain,
        Linger
    };

    // HttpAnswerQueue::Output
    void write(const char* data, qsizetype size) override;
    void write(const QByteArray& shared) override;

    void onReadyRead();
    void onBytesWritten();
    void onDisconnected();
    void processInput();
    void settleTransaction(qint64 consumedEnd);
    bool headersComplete();
    void messageComplete(qint64 messageStart);
    void enqueueError(int status, const char* code, const QByteArray& message);
    void afterWrite(HttpAnswerQueue::Outcome outcome);
    bool idle() const { return m_parser.phase() == HttpRequestParser::Phase::Idle; }
    bool shouldPauseReading() const;
    void resumeReading();
    void flushAnswers();
    void queueHandOver();
    void handOver();
    void closeAfterFlush();
    void startLinger();
    void discardInput();
    void closeNow();
    void setDeadline(Deadline kind, qint64 afterMs);
    void armBodyDeadline();
    void clearDeadline();

    HttpConnectionHost& m_host;
    QTcpSocket* m_socket = nullptr;
    HttpRequestParser m_parser;
    HttpAnswerQueue m_answers;
    QHostAddress m_peer;
    bool m_viaProxy = false;

    // the socket's transaction (kept so an upgrade request can be given back unread); offsets from its start
    qint64 m_txRead = 0;
    qint64 m_messageStart = 0;
    qint64 m_upgradeAt = 0;
    bool m_upgradePending = false;

    State m_state = State::Open;
    bool m_noMoreInput = false;
    bool m_stopAccepting = false;
    bool m_closeRequested = false;
    bool m_readPaused = false;
    bool m_inReadLoop = false;
    qint64 m_lingerBytes = 0;
    qint64 m_lingerEndMs = 0;

    qint64 m_deadline = 0;
    qint64 m_bodyEndsAt = 0; // the whole-body deadline of the request being read (0: none)
    Deadline m_deadlineKind = Deadline::None;

    // Each at most once per turn, at the next one.
    QueuedCall m_flush{[this] { flushAnswers(); }};
    QueuedCall m_resume{[this] { resumeReading(); }};
    QueuedCall m_discard{[this] { discardInput(); }};
};

} // namespace mmf
