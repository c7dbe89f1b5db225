#include "http/HttpServer.h"

#include "http/HttpConnection.h"
#include "http/HttpUtil.h"
#include "http/PlainAddress.h"
#include "http/TrustedProxies.h"
#include "http/WebSocketGuard.h"

#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QPointer>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace mmf {

namespace {

Q_LOGGING_CATEGORY(lcServer, "mmf.http.server")

constexpr qsizetype kReadChunk = 64 * 1024;
constexpr int kListenBacklog = 1024;
// Out of descriptors (EMFILE), accepting pauses for this long, doubling up to the maximum while it lasts.
constexpr int kAcceptRetryMinMs = 50;
constexpr int kAcceptRetryMaxMs = 1000;
constexpr int kAcceptBurst = 64; // connections taken per wake-up, so that the open ones are served too

// Takes over accepting so that a connection over the limit is closed before any Qt object is made for it.
class Listener final : public QTcpServer
{
public:
    Listener(std::function<void(qintptr)> onIncoming, QObject* parent)
        : QTcpServer(parent)
        , m_onIncoming(std::move(onIncoming))
    {}

protected:
    void incomingConnection(qintptr handle) override { m_onIncoming(handle); }

private:
    std::function<void(qintptr)> m_onIncoming;
};

void closeDescriptor(qintptr fd)
{
#ifdef Q_OS_UNIX
    ::close(int(fd));
#else
    QTcpSocket socket;
    if (socket.setSocketDescriptor(fd))
        socket.abort();
#endif
}

int sweepIntervalMs(const HttpLimits& limits)
{
    int smallest = 2000; // the linger time of closing connections
    for (int t : {limits.headerTimeoutMs, limits.idleTimeoutMs}) {
        if (t > 0)
            smallest = std::min(smallest, t);
    }
    return std::clamp(smallest / 4, 10, 1000);
}

} // namespace

struct HttpServer::Private final : HttpConnectionHost
{
    Private(HttpServer* owner, HttpLimits l)
        : q(owner)
        , m_limits(l)
        , readChunk(new char[kReadChunk])
    {
        clock.start();
        listener = new Listener([this](qintptr fd) { accept(fd); }, q);
        listener->setListenBacklogSize(kListenBacklog);
        acceptRetry = new QTimer(q);
        acceptRetry->setSingleShot(true);
        QObject::connect(acceptRetry, &QTimer::timeout, q, [this] {
            if (held)
                return; // holdAccepting(false) resumes
            if (acceptNotifier)
                acceptNotifier->setEnabled(true);
            else
                listener->resumeAccepting();
        });
        QObject::connect(listener, &QTcpServer::acceptError, q,
                         [this](QAbstractSocket::SocketError) { pauseAccepting(listener->errorString()); });
        sweeper = new QTimer(q);
        sweeper->setInterval(sweepIntervalMs(l));
        QObject::connect(sweeper, &QTimer::timeout, q, [this] { sweep(); });
    }

    ~Private()
    {
        stopAccepting();
        sweeper->stop();
        const std::vector<HttpConnection*> live = std::move(connections);
        connections.clear();
        for (HttpConnection* c : live)
            delete c;
        for (PendingUpgrade& p : pendingUpgrades) {
            QObject::disconnect(p.watch);
            delete p.socket;
        }
    }

    // HttpConnectionHost
    const HttpLimits& limits() const override { return m_limits; }
    qint64 nowMs() const override { return clock.elapsed(); }
    char* readBuffer() override { return readChunk.get(); }
    qsizetype readBufferSize() const override { return kReadChunk; }
    QByteArray& writeBuffer() override { return writeScratch; }
    bool isWebSocketPath(const QByteArray& path) const override { return wsHandler && path == wsPath; }
    const TrustedProxies& trustedProxies() const override { return proxies; }

    int upgradeRefusal(const HttpRequest& request, bool viaProxy) const override
    {
        if (webSockets >= m_limits.wsMaxConnections)
            return 503;
        // A trusted proxy's connections are not counted for its address (it carries everyone's): its
        // clients' WebSockets are counted, and capped, by the address it forwards for. A direct client's
        // connection was counted when it was accepted, and its WebSocket takes over that count.
        if (viaProxy && perAddress.value(request.clientAddress) >= m_limits.maxConnectionsPerAddress)
            return 429;
        return 0;
    }

    void dispatch(HttpRequest& request, const HttpResponder& responder) override
    {
        if (handler)
            handler(request, responder);
        else
            responder.sendError(404, "not_found", "no handler");
    }

    void upgrade(QTcpSocket* socket, HttpRequest&& request) override
    {
        if (!ws) {
            socket->abort();
            socket->deleteLater();
            return;
        }
        // Before QWebSocketServer sees the socket, so that the guard reads each chunk ahead of QWebSocket.
        auto* guard = new WebSocketGuard(socket, quint64(m_limits.wsMaxMessageBytes),
                                         m_limits.wsPingIntervalMs, m_limits.wsMaxSendBufferBytes,
                                         http::describeClient(request.clientAddress, request.peerAddress));
        // The socket counts as a WebSocket, and for its address, until it is gone (with its QWebSocket).
        // Watched through its guard (a child): QWebSocket disconnects every signal of its transport when it
        // goes, the transport's destroyed() included.
        const QHostAddress peer = request.clientAddress;
        ++webSockets;
        ++perAddress[peer];
        QObject::connect(guard, &QObject::destroyed, q, [this, peer] {
            if (!q->d)
                return; // the server is going away
            --webSockets;
            release(peer);
        });
        PendingUpgrade pending{socket, guard, socket->peerAddress(), socket->peerPort(), std::move(request),
                               {}};
        pending.watch =
            QObject::connect(socket, &QObject::destroyed, q, [this](QObject* gone) { forget(gone); });
        pendingUpgrades.push_back(std::move(pending));
        ws->handleConnection(socket);
    }

    void connectionFinished(HttpConnection* connection) override
    {
        const int i = connection->hostIndex;
        if (i >= 0 && size_t(i) < connections.size() && connections[size_t(i)] == connection) {
            connections[size_t(i)] = connections.back();
            connections[size_t(i)]->hostIndex = i;
            connections.pop_back();
        }
        connection->hostIndex = -1;
        if (connection->countedAddress) {
            connection->countedAddress = false;
            release(connection->peer());
        }
        connection->deleteLater();
        if (connections.empty())
            sweeper->stop();
    }

    void accept(qintptr fd)
    {
        acceptRetryMs = 0;
        if (int(connections.size()) >= m_limits.maxConnections) {
            closeDescriptor(fd);
            return;
        }
        auto* socket = new QTcpSocket;
        if (!socket->setSocketDescriptor(fd)) {
            delete socket;
            closeDescriptor(fd);
            return;
        }
        auto* connection = new HttpConnection(socket, *this);
        connection->hostIndex = int(connections.size());
        connections.push_back(connection);
        if (!sweeper->isActive())
            sweeper->start();
        if (connection->viaProxy())
            return; // its clients are counted by their WebSockets (upgradeRefusal)
        int& fromPeer = perAddress[connection->peer()];
        if (fromPeer >= m_limits.maxConnectionsPerAddress) {
            // Answered rather than dropped, so a client behind a shared address learns why; the answer
            // lingers a moment only (and counts towards max_connections meanwhile).
            connection->refuse(429, "rate_limited",
                               http::tooManyConnectionsMessage(m_limits.maxConnectionsPerAddress));
            return;
        }
        ++fromPeer;
        connection->countedAddress = true;
    }

    void release(const QHostAddress& peer)
    {
        auto it = perAddress.find(peer);
        if (it != perAddress.end() && --it.value() <= 0)
            perAddress.erase(it);
    }

    // Accepting is ours rather than QTcpServer's: Qt 6.4 retries a failing accept() at once, so out of
    // descriptors (EMFILE) it spins a core on accept() until one is freed. Here such a failure pauses
    // accepting for a moment (the connections wait in the backlog) and says so once.
    void startAccepting()
    {
#ifdef Q_OS_UNIX
        listener->pauseAccepting();
        acceptNotifier = new QSocketNotifier(listener->socketDescriptor(), QSocketNotifier::Read, q);
        acceptNotifier->setEnabled(!held);
        QObject::connect(acceptNotifier, &QSocketNotifier::activated, q, [this] { acceptPending(); });
#else
        if (held)
            listener->pauseAccepting();
#endif
    }

    void setHeld(bool hold)
    {
        held = hold;
        // Out of descriptors, the retry timer resumes (it waits for the hold to end).
        const bool accept = !held && !acceptRetry->isActive();
        if (acceptNotifier)
            acceptNotifier->setEnabled(accept);
        else if (listener->isListening())
            accept ? listener->resumeAccepting() : listener->pauseAccepting();
    }

    void stopAccepting()
    {
        acceptRetry->stop();
        delete acceptNotifier; // before the listener closes its descriptor
        acceptNotifier = nullptr;
        listener->close();
    }

#ifdef Q_OS_UNIX
    void acceptPending()
    {
        const int listenFd = int(listener->socketDescriptor());
        for (int i = 0; i < kAcceptBurst && acceptNotifier && acceptNotifier->isEnabled(); ++i) {
            const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd >= 0) {
                accept(fd);
                continue;
            }
            const int error = errno;
            if (error == EINTR || error == ECONNABORTED || error == EPROTO)
                continue;
            if (error != EAGAIN && error != EWOULDBLOCK)
                pauseAccepting(QString::fromLocal8Bit(::strerror(error)));
            return;
        }
    }
#endif

    void pauseAccepting(const QString& why)
    {
        if (acceptNotifier)
            acceptNotifier->setEnabled(false);
        if (acceptRetryMs == 0)
            qCWarning(lcServer).noquote()
                << "cannot accept connections:" << why << "- pausing, then trying again";
        acceptRetryMs = std::clamp(acceptRetryMs * 2, kAcceptRetryMinMs, kAcceptRetryMaxMs);
        acceptRetry->start(acceptRetryMs);
    }

    void sweep()
    {
        const qint64 now = nowMs();
        expired.clear();
        for (HttpConnection* c : connections) {
            if (c->deadline() != 0 && c->deadline() <= now)
                expired.push_back(c);
        }
        // Acting may finish connections (they are deleted later, so the pointers stay valid here).
        for (HttpConnection* c : expired)
            c->onDeadline();
        expired.clear();
    }

    void forget(QObject* socket)
    {
        pendingUpgrades.erase(
            std::remove_if(pendingUpgrades.begin(), pendingUpgrades.end(),
                           [socket](const PendingUpgrade& p) { return p.socket == socket; }),
            pendingUpgrades.end());
    }

    void onWebSocket()
    {
        while (ws->hasPendingConnections()) {
            QWebSocket* socket = ws->nextPendingConnection();
            if (!socket)
                break;
            // Before any frame is read (CVE-2018-21035: Qt accepts up to 2 GiB otherwise).
            socket->setMaxAllowedIncomingFrameSize(quint64(m_limits.wsMaxMessageBytes));
            socket->setMaxAllowedIncomingMessageSize(quint64(m_limits.wsMaxMessageBytes));
            socket->setParent(nullptr);
            // QWebSocket does not expose its transport; the peer's address and port identify it among ours.
            const auto it =
                std::find_if(pendingUpgrades.begin(), pendingUpgrades.end(), [socket](const auto& p) {
                    return p.port == socket->peerPort() && p.peer == socket->peerAddress();
                });
            if (it == pendingUpgrades.end() || !wsHandler) {
                socket->abort();
                socket->deleteLater();
                continue;
            }
            QTcpSocket* transport = it->socket;
            WebSocketGuard* guard = it->guard;
            QObject::disconnect(it->watch);
            const HttpRequest request = std::move(it->request);
            pendingUpgrades.erase(it);
            transport->setParent(socket); // dies with its WebSocket
            guard->attach(socket);
            wsHandler(socket, request);
        }
    }

    struct PendingUpgrade
    {
        QTcpSocket* socket = nullptr;
        WebSocketGuard* guard = nullptr;
        QHostAddress peer;
        quint16 port = 0;
        HttpRequest request;
        QMetaObject::Connection watch;
    };

    HttpServer* q;
    HttpLimits m_limits;
    TrustedProxies proxies;
    Handler handler;
    QByteArray wsPath;
    WebSocketHandler wsHandler;
    Listener* listener = nullptr;
    QWebSocketServer* ws = nullptr;
    QTimer* sweeper = nullptr;
    QTimer* acceptRetry = nullptr;
    QSocketNotifier* acceptNotifier = nullptr;
    int acceptRetryMs = 0;               // 0: accepting normally
    bool held = false;                   // holdAccepting()
    int webSockets = 0;                  // upgraded (or upgrading) sockets alive
    QHash<QHostAddress, int> perAddress; // counted connections and WebSockets per peer address
    QElapsedTimer clock;
    std::vector<HttpConnection*> connections;
    std::vector<HttpConnection*> expired;
    std::vector<PendingUpgrade> pendingUpgrades;
    std::unique_ptr<char[]> readChunk;
    QByteArray writeScratch;
};

HttpServer::HttpServer(HttpLimits limits, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, limits))
{}

HttpServer::~HttpServer()
{
    d.reset(); // connections first, while the server's children (listener, WebSocket server) still exist
}

void HttpServer::setHandler(Handler handler)
{
    d->handler = std::move(handler);
}

void HttpServer::setWebSocketHandler(QByteArray path, WebSocketHandler handler)
{
    d->wsPath = std::move(path);
    d->wsHandler = std::move(handler);
    if (!d->ws) {
        d->ws = new QWebSocketServer(QStringLiteral("mmf"), QWebSocketServer::NonSecureMode, this);
        connect(d->ws, &QWebSocketServer::newConnection, this, [this] { d->onWebSocket(); });
    }
}

Result<quint16> HttpServer::listen(const QHostAddress& address, quint16 port)
{
    if (!d->listener->listen(address, port)) {
        return Error::unavailable(QStringLiteral("cannot listen on %1:%2: %3")
                                      .arg(address.toString())
                                      .arg(port)
                                      .arg(d->listener->errorString()));
    }
    d->startAccepting();
    return d->listener->serverPort();
}

void HttpServer::holdAccepting(bool hold)
{
    d->setHeld(hold);
}

void HttpServer::close()
{
    d->stopAccepting();
    const std::vector<HttpConnection*> live = d->connections; // stopping may finish some of them
    for (HttpConnection* c : live)
        c->stopAccepting();
}

void HttpServer::setTrustedProxies(TrustedProxies proxies)
{
    d->proxies = std::move(proxies);
}

int HttpServer::connectionCount() const
{
    return int(d->connections.size());
}

} // namespace mmf
