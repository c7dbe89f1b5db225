#include "tools/BenchSubscribers.h"

#include "tools/CtlRequests.h"
#include "tools/JsonScan.h"
#include "tools/ProcStats.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QTextStream>
#include <QWebSocket>

#include <unistd.h>

namespace mmf {

namespace {

// Handshakes in flight at once: well under the server's listen backlog (1024).
constexpr int kMaxInFlight = 200;
// Pushes are not expected (no tasks run), but bound what a subscriber would buffer anyway.
constexpr qint64 kMaxIncoming = 1024 * 1024;

} // namespace

BenchSubscribers::BenchSubscribers(BenchConfig config, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
{
    // Status and result pushes only, like a client waiting on its tasks.
    const QJsonObject subscribe{
        {QStringLiteral("op"), QStringLiteral("subscribe")},
        {QStringLiteral("topic"), QStringLiteral("model/") + m_config.model},
        {QStringLiteral("events"), QJsonArray{QStringLiteral("status"), QStringLiteral("result")}}};
    m_subscribeMessage = QString::fromUtf8(QJsonDocument(subscribe).toJson(QJsonDocument::Compact));
    connect(&m_watchdog, &QTimer::timeout, this, &BenchSubscribers::checkStall);
}

BenchSubscribers::~BenchSubscribers()
{
    // Detach first: aborting emits disconnected(), whose slots use members being destroyed.
    for (const auto& socket : m_sockets) {
        socket->disconnect(this);
        socket->abort();
    }
}

void BenchSubscribers::start()
{
    m_clock.start();
    m_summary.wanted = m_config.subscribers;
    const Result<ProcSample> before = ProcStats::sample(m_config.serverPid);
    if (!before) {
        end(before.error().message, 1);
        return;
    }
    m_summary.serverRssBeforeKb = before->rssKb;
    m_serverCpuBeforeS = before->cpuSeconds;
    m_sockets.reserve(size_t(m_config.subscribers));
    m_states.reserve(size_t(m_config.subscribers));
    m_watchdog.start(250);
    openMore();
}

void BenchSubscribers::openMore()
{
    const QUrl url = CtlRequests::websocketUrl(m_config.server);
    while (!m_ended && m_inFlight < kMaxInFlight && int(m_sockets.size()) < m_config.subscribers) {
        const int index = int(m_sockets.size());
        auto socket = std::make_unique<QWebSocket>();
        QWebSocket* raw = socket.get();
        raw->setMaxAllowedIncomingFrameSize(kMaxIncoming);
        raw->setMaxAllowedIncomingMessageSize(kMaxIncoming);
        connect(raw, &QWebSocket::connected, this, [this, raw] { raw->sendTextMessage(m_subscribeMessage); });
        connect(raw, &QWebSocket::textMessageReceived, this,
                [this, index](const QString& message) { onMessage(index, message); });
        connect(raw, &QWebSocket::disconnected, this, [this, index, raw] {
            const QString reason = raw->closeReason().isEmpty() ? raw->errorString()
                                                                : QStringLiteral("closed (code %1 %2)")
                                                                      .arg(int(raw->closeCode()))
                                                                      .arg(raw->closeReason());
            onFailed(index, reason);
        });
        connect(raw, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
                [this, index, raw] { onFailed(index, raw->errorString()); });
        m_sockets.push_back(std::move(socket));
        m_states.push_back(State::Opening);
        ++m_inFlight;
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + m_config.token.toUtf8());
        raw->open(request);
    }
}

void BenchSubscribers::onMessage(int index, const QString& message)
{
    if (m_ended || m_states[size_t(index)] != State::Opening)
        return;
    const QByteArray text = message.toUtf8();
    const QByteArray type = JsonScan::topLevelString(text, "type");
    if (type == "subscribed") {
        m_states[size_t(index)] = State::Subscribed;
        --m_inFlight;
        ++m_summary.subscribed;
        m_lastSubscribedMs = m_clock.elapsed();
        progressed();
    } else if (type == "error") {
        onFailed(index, QStringLiteral("subscription refused: %1: %2")
                            .arg(QString::fromUtf8(JsonScan::topLevelString(text, "code")),
                                 QString::fromUtf8(JsonScan::topLevelString(text, "message"))));
    }
}

void BenchSubscribers::onFailed(int index, const QString& reason)
{
    State& state = m_states[size_t(index)];
    if (m_ended || state == State::Failed)
        return;
    if (state == State::Opening)
        --m_inFlight;
    else
        --m_summary.subscribed; // a subscriber lost after it subscribed
    state = State::Failed;
    ++m_summary.errors;
    if (m_summary.firstError.isEmpty())
        m_summary.firstError = reason;
    progressed();
}

void BenchSubscribers::progressed()
{
    m_lastProgressMs = m_clock.elapsed();
    checkDone();
    openMore();
}

void BenchSubscribers::checkDone()
{
    if (m_summary.subscribed + m_summary.errors < m_config.subscribers)
        return;
    if (m_summary.subscribed == 0)
        end(QStringLiteral("no subscriber could subscribe"), 3);
    else
        end({}, m_summary.errors > 0 ? 1 : 0);
}

void BenchSubscribers::checkStall()
{
    if (!m_ended && m_clock.elapsed() - m_lastProgressMs > qint64(m_config.stallTimeoutS) * 1000)
        end(QStringLiteral("no progress for %1 s; %2 connections unanswered")
                .arg(m_config.stallTimeoutS)
                .arg(m_inFlight),
            1);
}

void BenchSubscribers::end(const QString& error, int exitCode)
{
    if (m_ended)
        return;
    m_ended = true;
    m_watchdog.stop();
    // Measured while every subscriber is still connected.
    if (Result<ProcSample> after = ProcStats::sample(m_config.serverPid); after) {
        m_summary.serverRssAfterKb = after->rssKb;
        m_summary.serverCpuS = after->cpuSeconds - m_serverCpuBeforeS;
    }
    if (Result<ProcSample> client = ProcStats::sample(qint64(getpid())); client)
        m_summary.clientRssAfterKb = client->rssKb;
    m_summary.elapsedS = double(m_lastSubscribedMs) / 1000.0;
    m_summary.error = error;
    for (const auto& socket : m_sockets) {
        socket->disconnect(this);
        socket->abort();
    }
    emit finished(exitCode);
}

int BenchSubscribers::exec(const BenchConfig& config)
{
    BenchSubscribers run(config);
    int exitCode = 0;
    QEventLoop loop;
    connect(&run, &BenchSubscribers::finished, &loop, [&](int code) {
        exitCode = code;
        loop.quit();
    });
    QTimer::singleShot(0, &run, &BenchSubscribers::start);
    loop.exec();
    QTextStream(stdout) << BenchReport::subscribersLine(run.summary()) << '\n';
    return exitCode;
}

} // namespace mmf
