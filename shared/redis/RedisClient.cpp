#include "redis/RedisClient.h"

#include "core/QueuedCall.h"
#include "redis/RedisReplyLimits.h"
#include "redis/RedisScript.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QTimer>
#include <QVarLengthArray>

#include <sys/ioctl.h>

#include <algorithm>
#include <climits>

namespace mmf {

namespace {

Q_LOGGING_CATEGORY(lcRedis, "mmf.redis")

// Drives one hiredis async context from two QSocketNotifiers. It lives exactly as long as the context:
// hiredis calls the cleanup hook whenever it frees the context, including when it does so by itself after an
// I/O error, so the adapter never needs the RedisClient (which may be gone by then).
//
// Commands are written by a call queued on the loop's thread, once per turn, not when epoll reports the
// socket writable: a connected socket almost always is, and asking cost a turn of epoll before every write
// (on the critical path of every hop) plus two epoll_ctl to switch the write notifier on and off. The
// notifier is only used while connecting (hiredis learns of the connection from it) and when a write was cut
// short.
class EventAdapter
{
public:
    static void attach(redisAsyncContext* ac)
    {
        auto* a = new EventAdapter;
        a->m_ac = ac;
        a->m_read = new QSocketNotifier(ac->c.fd, QSocketNotifier::Read);
        a->m_write = new WriteNotifier(ac);
        a->m_read->setEnabled(false);
        a->m_write->setEnabled(false);
        QObject::connect(a->m_read, &QSocketNotifier::activated, a->m_read,
                         [ac] { redisAsyncHandleRead(ac); });
        QObject::connect(a->m_write, &QSocketNotifier::activated, a->m_write,
                         [w = a->m_write] { w->write(); });
        ac->ev.data = a;
        ac->ev.addRead = [](void* p) { static_cast<EventAdapter*>(p)->m_read->setEnabled(true); };
        ac->ev.delRead = [](void* p) { static_cast<EventAdapter*>(p)->m_read->setEnabled(false); };
        ac->ev.addWrite = [](void* p) { static_cast<EventAdapter*>(p)->m_write->wanted(); };
        ac->ev.delWrite = [](void* p) { static_cast<EventAdapter*>(p)->m_write->setEnabled(false); };
        ac->ev.cleanup = [](void* p) { static_cast<EventAdapter*>(p)->cleanup(); };
    }

private:
    class WriteNotifier : public QSocketNotifier
    {
    public:
        explicit WriteNotifier(redisAsyncContext* ac)
            : QSocketNotifier(ac->c.fd, QSocketNotifier::Write)
            , m_ac(ac)
        {}

        // hiredis has bytes to write (never after detach(): cleanup() unhooks the callback first).
        void wanted()
        {
            // Connecting (writable = connected), or a write cut short inside write(): epoll says when.
            if (!(m_ac->c.flags & REDIS_CONNECTED) || m_writing) {
                setEnabled(true);
                return;
            }
            if (!isEnabled())
                m_flush.request();
        }

        void write()
        {
            if (!m_ac)
                return;
            m_writing = true;
            redisAsyncHandleWrite(m_ac); // may free the context: cleanup() clears m_ac, this lives on
            m_writing = false;
        }

        void detach() { m_ac = nullptr; }

    private:
        redisAsyncContext* m_ac;
        bool m_writing = false;
        QueuedCall m_flush{[this] { write(); }};
    };

    void cleanup()
    {
        // Unhook first: later hiredis versions may call cleanup twice.
        m_ac->ev.data = nullptr;
        m_ac->ev.addRead = m_ac->ev.delRead = m_ac->ev.addWrite = m_ac->ev.delWrite = nullptr;
        m_ac->ev.cleanup = nullptr;
        m_write->detach(); // a queued write may still come
        for (QSocketNotifier* n :
             {static_cast<QSocketNotifier*>(m_read), static_cast<QSocketNotifier*>(m_write)}) {
            n->setEnabled(false);
            QObject::disconnect(n, nullptr, nullptr, nullptr);
            // We may be inside this notifier's activated() signal.
            n->deleteLater();
        }
        delete this;
    }

    redisAsyncContext* m_ac = nullptr;
    QSocketNotifier* m_read = nullptr;
    WriteNotifier* m_write = nullptr;
};

// A FIFO on a power-of-two ring buffer: no allocation per command once warmed up (std::deque allocates a
// block every few elements).
template<class T> class RingQueue
{
public:
    bool empty() const { return m_size == 0; }
    size_t size() const { return m_size; }
    T& front() { return m_buf[m_head]; }

    void push_back(T&& value)
    {
        if (m_size == m_buf.size())
            grow();
        m_buf[(m_head + m_size) & (m_buf.size() - 1)] = std::move(value);
        ++m_size;
    }

    T take_front()
    {
        T value = std::move(m_buf[m_head]);
        m_buf[m_head] = T();
        m_head = (m_head + 1) & (m_buf.size() - 1);
        --m_size;
        return value;
    }

    void swap(RingQueue& other) noexcept
    {
        m_buf.swap(other.m_buf);
        std::swap(m_head, other.m_head);
        std::swap(m_size, other.m_size);
    }

private:
    void grow()
    {
        std::vector<T> bigger(m_buf.empty() ? 64 : m_buf.size() * 2);
        for (size_t i = 0; i < m_size; ++i)
            bigger[i] = std::move(m_buf[(m_head + i) & (m_buf.size() - 1)]);
        m_buf.swap(bigger);
        m_head = 0;
    }

    std::vector<T> m_buf;
    size_t m_head = 0;
    size_t m_size = 0;
};

// Commands that switch hiredis 0.14 into pub/sub or monitor mode, where replies no longer match the callback
// queue one to one.
bool isUnsupportedCommand(const char* name, size_t len)
{
    static const char* const names[] = {"subscribe",    "psubscribe",   "ssubscribe", "unsubscribe",
                                        "punsubscribe", "sunsubscribe", "monitor"};
    if (len < 7 || len > 12)
        return false;
    for (const char* candidate : names) {
        if (qstrlen(candidate) == len && qstrnicmp(name, candidate, uint(len)) == 0)
            return true;
    }
    return false;
}

} // namespace

struct RedisClient::Private
{
    enum class State
    {
        Idle,
        Connecting,
        Connected,
        Backoff
    };
    enum class Kind : quint8
    {
        User,
        EvalSha,
        Handshake
    };

    struct Pending
    {
        Callback callback;
        qint64 deadline = 0;
        Kind kind = Kind::User;
        // EVALSHA only: EVALSHA sha numkeys keys... args... source, kept for the EVAL fallback.
        std::vector<QByteArray> evalArgv;
    };
    struct Failure
    {
        Callback callback;
        RedisReply reply;
    };

    Private(RedisClient* owner)
        : q(owner)
        , config(owner->m_config)
        , displayUrl(owner->m_config.toDisplayUrl())
        , backoffMs(qMax(0, owner->m_config.reconnectMinMs))
    {
        clock.start();
        deadlineTimer.setSingleShot(true);
        deadlineTimer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&deadlineTimer, &QTimer::timeout, q, [this] { checkDeadline(); });
        reconnectTimer.setSingleShot(true);
        QObject::connect(&reconnectTimer, &QTimer::timeout, q, [this] { connectNow(); });
    }

    ~Private()
    {
        // Detach first: hiredis answers every outstanding command with a NULL reply while freeing, and those
        // must reach nobody now. If we are inside a hiredis callback, the free happens after it returns.
        if (redisAsyncContext* ac = detach())
            redisAsyncFree(ac);
    }

    // --- hiredis callbacks (plain functions; ac->data is null once we let go of a context) ---

    static void onReply(redisAsyncContext* ac, void* r, void*)
    {
        auto* d = static_cast<Private*>(ac->data);
        if (!d)
            return;
        if (!r) {
            d->contextLost(ac);
            return;
        }
        d->handleReply(static_cast<redisReply*>(r));
    }

    static void onConnect(const redisAsyncContext* ac, int status)
    {
        auto* d = static_cast<Private*>(ac->data);
        if (d && status != REDIS_OK)
            d->contextLost(ac);
        // On success there is nothing to do: the handshake commands are already queued.
    }

    static void onDisconnect(const redisAsyncContext* ac, int)
    {
        if (auto* d = static_cast<Private*>(ac->data))
            d->contextLost(ac);
    }

    // --- sending ---

    bool canSend() const { return state == State::Connected; }

    bool send(int argc, const char** argv, const size_t* lens, Callback&& callback, int extraTimeoutMs,
              Kind kind, std::vector<QByteArray>&& evalArgv = {})
    {
        if (kind != Kind::Handshake && state != State::Connected) {
            postFailure(std::move(callback), notConnectedReply());
            return false;
        }
        if (argc == 0) {
            postFailure(std::move(callback), RedisReply::makeError("ERR empty command"));
            return false;
        }
        if (isUnsupportedCommand(argv[0], lens[0])) {
            postFailure(std::move(callback),
                        RedisReply::makeError("ERR pub/sub and MONITOR are not supported by RedisClient"));
            return false;
        }
        if (redisAsyncCommandArgv(ctx, &Private::onReply, nullptr, argc, argv, lens) != REDIS_OK) {
            postFailure(std::move(callback), notConnectedReply());
            return false;
        }
        const qint64 deadline = kind == Kind::Handshake
                                    ? handshakeDeadline
                                    : clock.elapsed() + config.commandTimeoutMs + qMax(0, extraTimeoutMs);
        pending.push_back(Pending{std::move(callback), deadline, kind, std::move(evalArgv)});
        if (!deadlineTimer.isActive())
            armDeadline();
        return true;
    }

    bool sendVector(const std::vector<QByteArray>& args, size_t argc, Callback&& callback, int extraTimeoutMs,
                    Kind kind, std::vector<QByteArray>&& evalArgv = {})
    {
        QVarLengthArray<const char*, 16> argv(static_cast<qsizetype>(argc));
        QVarLengthArray<size_t, 16> lens(static_cast<qsizetype>(argc));
        for (size_t i = 0; i < argc; ++i) {
            argv[qsizetype(i)] = args[i].constData();
            lens[qsizetype(i)] = size_t(args[i].size());
        }
        return send(int(argc), argv.data(), lens.data(), std::move(callback), extraTimeoutMs, kind,
                    std::move(evalArgv));
    }

    // Callbacks for commands that never reached Redis run from the event loop, never inside command().
    void postFailure(Callback&& callback, RedisReply&& reply)
    {
        if (!callback)
            return;
        posted.push_back(Failure{std::move(callback), std::move(reply)});
        if (!flushQueued) {
            flushQueued = true;
            // Queued on the client, not a QueuedCall of ours: a callback may delete the client, and with it
            // what the call is stored in.
            QMetaObject::invokeMethod(
                q, [this] { flushPosted(); }, Qt::QueuedConnection);
        }
    }

    void flushPosted()
    {
        flushQueued = false;
        std::vector<Failure> batch;
        batch.swap(posted);
        QPointer<RedisClient> alive(q);
        for (Failure& f : batch) {
            f.callback(f.reply);
            if (!alive)
                return;
        }
    }

    // A reply of its own for each failed call (replies cannot be copied); the text is built once per outage
    // and shared (QByteArray is implicitly shared).
    RedisReply notConnectedReply()
    {
        if (notConnected.isEmpty()) {
            notConnected = "UNAVAILABLE redis not connected (" + displayUrl.toUtf8();
            if (!lastError.isEmpty())
                notConnected += ": " + lastError.toUtf8();
            notConnected += ')';
        }
        return RedisReply::makeError(notConnected);
    }

    // --- replies ---

    // Runs the callback of the oldest command. Must not touch `this` after a user callback ran: it may have
    // destroyed the client.
    void handleReply(redisReply* reply)
    {
        if (pending.empty()) {
            qCWarning(lcRedis) << "reply without a pending command from" << displayUrl;
            return;
        }
        Pending p = pending.take_front();
        switch (p.kind) {
        case Kind::Handshake:
            handshakeReply(reply);
            return;
        case Kind::EvalSha:
            if (reply->type == REDIS_REPLY_ERROR &&
                QByteArrayView(reply->str, qsizetype(reply->len)).startsWith("NOSCRIPT")) {
                // EVAL loads the script as it runs it; the caller only ever sees this second reply.
                std::vector<QByteArray> argv = std::move(p.evalArgv);
                argv[0] = QByteArrayLiteral("EVAL");
                argv[1] = std::move(argv.back());
                argv.pop_back();
                sendVector(argv, argv.size(), std::move(p.callback), 0, Kind::User);
                return;
            }
            break;
        case Kind::User:
            break;
        }
        if (p.callback)
            p.callback(RedisReply(reply));
    }

    void handshakeReply(redisReply* reply)
    {
        const char* step = handshakeSteps[handshakeDone++];
        if (reply->type == REDIS_REPLY_ERROR) {
            const QString text = QString::fromUtf8(reply->str, qsizetype(reply->len));
            if (redisAsyncContext* ac = detach())
                redisAsyncFree(ac); // deferred by hiredis until this callback returns
            failAttempt(QStringLiteral("%1 failed: %2").arg(QLatin1String(step), text));
            return;
        }
        if (handshakeDone < handshakeCount)
            return;
        const bool recovered = !lastError.isEmpty();
        state = State::Connected;
        backoffMs = qMax(0, config.reconnectMinMs);
        lastError.clear();
        notConnected.clear();
        if (recovered)
            qCInfo(lcRedis).noquote() << "connected to" << displayUrl;
        emit q->connected();
    }

    // --- connection life cycle ---

    redisAsyncContext* detach()
    {
        redisAsyncContext* ac = ctx;
        if (ac)
            ac->data = nullptr;
        ctx = nullptr;
        return ac;
    }

    void connectNow()
    {
        state = State::Connecting;
        redisAsyncContext* ac = config.unixSocket.isEmpty()
                                    ? redisAsyncConnect(config.host.toUtf8().constData(), config.port)
                                    : redisAsyncConnectUnix(config.unixSocket.toUtf8().constData());
        if (!ac) {
            failAttempt(QStringLiteral("connect failed: out of memory"));
            return;
        }
        if (ac->err) {
            const QString error = QString::fromUtf8(ac->errstr);
            redisAsyncFree(ac);
            failAttempt(QStringLiteral("connect failed: %1").arg(error));
            return;
        }
        ctx = ac;
        ac->data = this;
        limitReplySize(ac->c.reader);
        EventAdapter::attach(ac);
        redisAsyncSetConnectCallback(ac, &Private::onConnect);
        redisAsyncSetDisconnectCallback(ac, &Private::onDisconnect);

        // AUTH, SELECT and CLIENT SETNAME go first in the pipeline, PING last: connected() means Redis serves
        // commands. A Redis still loading its data set accepts AUTH and CLIENT but answers PING with LOADING,
        // so the attempt fails and is retried (else the owner's on-connect work would fail and be lost, e.g.
        // the server re-creating its models' Redis users after a restart). They share the connect deadline.
        handshakeDeadline = clock.elapsed() + qMax(1, config.connectTimeoutMs);
        handshakeCount = 0;
        handshakeDone = 0;
        bool ok = true;
        if (!config.password.isEmpty() || !config.user.isEmpty()) {
            const QByteArray password = config.password.toUtf8();
            if (config.user.isEmpty())
                ok = handshake("AUTH", {"AUTH", password});
            else
                ok = handshake("AUTH", {"AUTH", config.user.toUtf8(), password});
        }
        if (ok && config.db != 0)
            ok = handshake("SELECT", {"SELECT", QByteArray::number(config.db)});
        if (ok && !config.clientName.isEmpty())
            ok = handshake("CLIENT SETNAME", {"CLIENT", "SETNAME", config.clientName.toUtf8()});
        if (ok)
            ok = handshake("PING", {"PING"});
        if (!ok) {
            if (redisAsyncContext* stale = detach())
                redisAsyncFree(stale);
            failAttempt(QStringLiteral("connect failed: could not queue the handshake"));
        }
    }

    bool handshake(const char* step, std::vector<QByteArray> args)
    {
        handshakeSteps[handshakeCount++] = step;
        return sendVector(args, args.size(), {}, 0, Kind::Handshake);
    }

    // hiredis dropped the context by itself (connect refused, EOF, reset) and is freeing it now.
    void contextLost(const redisAsyncContext* ac)
    {
        if (ac != ctx)
            return;
        const QString error =
            ac->c.errstr[0] ? QString::fromUtf8(ac->c.errstr) : QStringLiteral("connection closed");
        detach();
        if (state == State::Connecting)
            failAttempt(QStringLiteral("connect failed: %1").arg(error));
        else
            loseConnection(QStringLiteral("connection lost: %1").arg(error));
    }

    void armDeadline()
    {
        if (pending.empty())
            return;
        const qint64 wait = pending.front().deadline - clock.elapsed() + 1;
        deadlineTimer.start(int(std::clamp<qint64>(wait, 0, INT_MAX)));
    }

    void checkDeadline()
    {
        if (pending.empty() || !ctx)
            return;
        if (pending.front().deadline > clock.elapsed()) {
            armDeadline();
            return;
        }
        // Replies already in the socket buffer mean a busy event loop, not a hung server: let them be read.
        int readable = 0;
        if (ctx->c.fd >= 0 && ::ioctl(ctx->c.fd, FIONREAD, &readable) == 0 && readable > 0) {
            deadlineTimer.start(0);
            return;
        }
        const bool connecting = state == State::Connecting;
        if (redisAsyncContext* ac = detach())
            redisAsyncFree(ac);
        if (connecting)
            failAttempt(QStringLiteral("connect timed out after %1 ms").arg(config.connectTimeoutMs));
        else
            loseConnection(QStringLiteral("command timed out after %1 ms").arg(config.commandTimeoutMs));
    }

    QString scrub(QString text) const
    {
        // Redis does not echo passwords, but never let one reach a log or a signal even if it did.
        if (!config.password.isEmpty())
            text.replace(config.password, QStringLiteral("***"));
        return text;
    }

    // A connect attempt failed (the context is already detached): retry later and tell the owner.
    void failAttempt(const QString& reason)
    {
        RingQueue<Pending>().swap(pending); // handshake entries only: no callbacks
        state = State::Backoff;
        const QString message = scrub(reason);
        if (message != lastError)
            qCWarning(lcRedis).noquote() << displayUrl << message;
        lastError = message;
        notConnected.clear();
        scheduleReconnect();
        emit q->connectionError(displayUrl + QStringLiteral(": ") + message);
    }

    // An established connection is gone (the context is already detached): fail what is outstanding.
    void loseConnection(const QString& reason)
    {
        RingQueue<Pending> outstanding;
        outstanding.swap(pending);
        state = State::Backoff;
        lastError = scrub(reason);
        notConnected.clear();
        qCWarning(lcRedis).noquote() << displayUrl << lastError;
        scheduleReconnect();

        const RedisReply failure = RedisReply::makeError("UNAVAILABLE redis " + lastError.toUtf8() + " (" +
                                                         displayUrl.toUtf8() + ')');
        QPointer<RedisClient> alive(q);
        emit q->disconnected();
        while (alive && !outstanding.empty()) {
            Pending p = outstanding.take_front();
            if (p.callback)
                p.callback(failure);
        }
    }

    void scheduleReconnect()
    {
        int delay = backoffMs;
        backoffMs = qMin(qMax(1, backoffMs * 2), qMax(config.reconnectMinMs, config.reconnectMaxMs));
        // Up to 25% jitter so many clients do not come back in lockstep after a Redis restart.
        if (delay > 3)
            delay -= int(QRandomGenerator::global()->bounded(delay / 4 + 1));
        reconnectTimer.start(qMax(0, delay));
    }

    RedisClient* q;
    const RedisConfig& config;
    const QString displayUrl;
    redisAsyncContext* ctx = nullptr;
    State state = State::Idle;
    RingQueue<Pending> pending;
    QElapsedTimer clock;
    QTimer deadlineTimer;
    QTimer reconnectTimer;
    int backoffMs;
    QString lastError;
    QByteArray notConnected; // the text of notConnectedReply(), empty until needed
    std::vector<Failure> posted;
    bool flushQueued = false;
    qint64 handshakeDeadline = 0;
    const char* handshakeSteps[4] = {};
    int handshakeCount = 0;
    int handshakeDone = 0;
};

RedisClient::RedisClient(RedisConfig config, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
    , d(std::make_unique<Private>(this))
{}

RedisClient::~RedisClient() = default;

void RedisClient::start()
{
    // Connect from the event loop so that start() never emits anything itself.
    if (d->state == Private::State::Idle) {
        d->state = Private::State::Backoff;
        d->reconnectTimer.start(0);
    }
}

bool RedisClient::isConnected() const
{
    return d->state == Private::State::Connected;
}

QString RedisClient::lastError() const
{
    return d->lastError;
}

void RedisClient::command(std::initializer_list<QByteArrayView> args, Callback callback, int extraTimeoutMs)
{
    if (!d->canSend()) {
        d->postFailure(std::move(callback), d->notConnectedReply());
        return;
    }
    const qsizetype argc = qsizetype(args.size());
    QVarLengthArray<const char*, 16> argv(argc);
    QVarLengthArray<size_t, 16> lens(argc);
    qsizetype i = 0;
    for (QByteArrayView a : args) {
        argv[i] = a.data() ? a.data() : "";
        lens[i] = size_t(a.size());
        ++i;
    }
    d->send(int(argc), argv.data(), lens.data(), std::move(callback), extraTimeoutMs, Private::Kind::User);
}

void RedisClient::command(const std::vector<QByteArray>& args, Callback callback, int extraTimeoutMs)
{
    if (!d->canSend()) {
        d->postFailure(std::move(callback), d->notConnectedReply());
        return;
    }
    d->sendVector(args, args.size(), std::move(callback), extraTimeoutMs, Private::Kind::User);
}

void RedisClient::eval(const RedisScript& script, const std::vector<QByteArray>& keys,
                       const std::vector<QByteArray>& args, Callback callback)
{
    if (!d->canSend()) {
        d->postFailure(std::move(callback), d->notConnectedReply());
        return;
    }
    std::vector<QByteArray> argv;
    argv.reserve(4 + keys.size() + args.size());
    argv.push_back(QByteArrayLiteral("EVALSHA"));
    argv.push_back(script.sha1());
    argv.push_back(QByteArray::number(qulonglong(keys.size())));
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(script.source()); // not sent; kept for the EVAL fallback
    const size_t argc = argv.size() - 1;
    d->sendVector(argv, argc, std::move(callback), 0, Private::Kind::EvalSha, std::move(argv));
}

int RedisClient::pendingCount() const
{
    return d->state == Private::State::Connected ? int(d->pending.size()) : 0;
}

bool RedisClient::writeOutNow()
{
    if (d->state != Private::State::Connected || !d->ctx)
        return false;
    // The socket is non-blocking: a full send buffer gives "not done" until Redis reads (or the deadline).
    QElapsedTimer waited;
    waited.start();
    int done = 0;
    while (!done) {
        if (redisBufferWrite(&d->ctx->c, &done) != REDIS_OK || waited.elapsed() > d->config.commandTimeoutMs)
            return false;
    }
    return true;
}

} // namespace mmf
