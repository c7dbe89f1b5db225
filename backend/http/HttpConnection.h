#pragma once

#include "http/HttpLimits.h"
#include "http/HttpRequest.h"
#include "http/HttpResponder.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

#include <memory>
#include <vector>

class QTcpSocket;
struct http_parser;

namespace mmf {

class HttpConnection;

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
    virtual void dispatch(HttpRequest& request, const HttpResponder& responder) = 0;
    // The socket holds the unread upgrade request; the host now owns it.
    virtual void upgrade(QTcpSocket* socket, HttpRequest&& request) = 0;
    // The connection is over (closed, or handed over); the host drops it and deletes it later.
    virtual void connectionFinished(HttpConnection* connection) = 0;

protected:
    ~HttpConnectionHost() = default;
};

// One client connection: parses requests with http_parser while enforcing the limits, hands complete ones to
// the host, and writes answers strictly in request order (out-of-order answers wait in their slot). Closes
// after an error answer or `Connection: close`, lingering briefly so the client can read the answer.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

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

    // 0 when none; otherwise the host calls onDeadline() once nowMs() reaches it.
    qint64 deadline() const { return m_deadline; }
    void onDeadline();

    int hostIndex = -1; // position in the host's list, kept by the host

private:
    friend struct HttpParserCallbacks;

    enum class State
    {
        Open,
        Lingering,
        Done
    };
    enum class Phase
    {
        Idle,
        Headers,
        Body
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

    struct Slot
    {
        QByteArray data;      // serialized head (+ body when small) once answered out of turn
        QByteArray largeBody; // a body too big to copy, written after `data`
        bool ready = false;
        bool close = false; // close the connection after this answer
        bool head = false;  // HEAD request: no body on the wire
        bool http10KeepAlive = false;
    };

    // parser callbacks
    int onMessageBegin();
    int onUrl(const char* at, size_t length);
    int onHeaderField(const char* at, size_t length);
    int onHeaderValue(const char* at, size_t length);
    int onHeadersComplete();
    int onBody(const char* at, size_t length);
    int onChunkHeader();
    int fail(int status, const char* code, const char* message);
    int checkHeaderSize();
    void commitHeader();
    void splitTarget();

    void onReadyRead();
    void onBytesWritten();
    void onDisconnected();
    void processInput();
    void settleTransaction(qint64 consumedEnd);
    void messageComplete(qint64 messageStart);
    void parseError(int parserErrno);
    void enqueueError(int status, const char* code, const QByteArray& message);
    quint64 pushSlot(bool close, bool head, bool http10KeepAlive);
    Slot* slotFor(quint64 sequence);
    void popFront();
    bool slotsEmpty() const { return m_slotHead == m_slots.size(); }
    size_t outstanding() const { return m_slots.size() - m_slotHead; }
    void serialize(QByteArray& out, const Slot& slot, int status, const QByteArray& contentType,
                   const QByteArray& body, const Headers& extraHeaders, bool close, bool inlineBody) const;
    void writeFront(int status, const QByteArray& contentType, const QByteArray& body,
                    const Headers& extraHeaders);
    void writeReadySlots();
    void afterWrite(bool close);
    bool shouldPauseReading() const;
    void queueResume();
    void queueHandOver();
    void handOver();
    void closeAfterFlush();
    void startLinger();
    void discardInput();
    void squeezeScratch();
    void closeNow();
    void setDeadline(Deadline kind, qint64 afterMs);
    void clearDeadline();

    HttpConnectionHost& m_host;
    QTcpSocket* m_socket = nullptr;
    std::unique_ptr<http_parser> m_parser;
    QHostAddress m_peer;

    // the request being parsed
    HttpRequest m_request;
    QByteArray m_url;
    QByteArray m_field;
    QByteArray m_value;
    int m_headerState = 0; // 0 none, 1 in a name, 2 in a value
    int m_headerCount = 0;
    qint64 m_headerBytes = 0;
    int m_methodLength = 0;
    Phase m_phase = Phase::Idle;
    bool m_wsUpgrade = false;
    int m_wsReject = 0;
    int m_errorStatus = 0;
    const char* m_errorCode = nullptr;
    const char* m_errorMessage = nullptr;

    // the socket's transaction (kept so an upgrade request can be given back unread); offsets from its start
    qint64 m_txRead = 0;
    qint64 m_messageStart = 0;
    qint64 m_upgradeAt = 0;
    bool m_upgradePending = false;

    // answers in request order: m_slots[m_slotHead] belongs to sequence m_headSequence
    std::vector<Slot> m_slots;
    size_t m_slotHead = 0;
    quint64 m_headSequence = 0;
    quint64 m_nextSequence = 0;

    State m_state = State::Open;
    bool m_noMoreInput = false;
    bool m_stopAccepting = false;
    bool m_closeRequested = false;
    bool m_readPaused = false;
    bool m_resumeQueued = false;
    bool m_discardQueued = false;
    bool m_inReadLoop = false;
    qint64 m_lingerBytes = 0;

    qint64 m_deadline = 0;
    Deadline m_deadlineKind = Deadline::None;
};

} // namespace mmf
