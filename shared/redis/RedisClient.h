#pragma once

#include "redis/RedisConfig.h"
#include "redis/RedisReply.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>

#include <functional>
#include <initializer_list>
#include <vector>

namespace mmf {

class RedisScript;

// An asynchronous Redis connection driven by the Qt event loop (hiredis async API). Commands are pipelined:
// each call writes at once and the callback runs when its reply arrives, in order. Every command has a
// deadline (hiredis 0.14 has none): when the oldest outstanding command passes it, the connection is treated
// as hung, every outstanding callback gets an UNAVAILABLE error reply, and the client reconnects with
// backoff. While disconnected, commands fail at once with UNAVAILABLE (nothing is queued blindly). A blocking
// command (XREAD BLOCK, XREADGROUP BLOCK) stalls everything behind it: give blocking reads their own
// RedisClient.
//
// Callbacks are never called after the client is destroyed, and never re-entrantly from inside command().
// SUBSCRIBE/MONITOR are refused with an ERR reply (they break hiredis's reply matching). After a NOSCRIPT the
// EVAL goes to the end of the pipeline, so that one callback may run after later commands' callbacks.
class RedisClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const RedisReply&)>;

    explicit RedisClient(RedisConfig config, QObject* parent = nullptr);
    ~RedisClient() override;

    // Starts connecting (AUTH, SELECT, CLIENT SETNAME, then PING are sent first); emits connected() once
    // Redis serves commands (not while it is still loading its data) or, after a failed attempt, schedules a
    // retry with backoff and emits connectionError(). Keeps reconnecting until destroyed.
    void start();
    bool isConnected() const;
    // Why the last attempt failed or the connection was lost (password-free); empty while connected.
    QString lastError() const;
    const RedisConfig& config() const { return m_config; }
    // Credentials for the next connection attempt (a model's Redis password rotated by the server).
    void setCredentials(const QString& user, const QString& password)
    {
        m_config.user = user;
        m_config.password = password;
    }

    // Sends one command, binary-safe. `extraTimeoutMs` lengthens this command's deadline (blocking reads).
    void command(std::initializer_list<QByteArrayView> args, Callback callback = {}, int extraTimeoutMs = 0);
    void command(const std::vector<QByteArray>& args, Callback callback = {}, int extraTimeoutMs = 0);
    // EVALSHA, falling back to EVAL (which also loads the script) on NOSCRIPT.
    void eval(const RedisScript& script, const std::vector<QByteArray>& keys,
              const std::vector<QByteArray>& args, Callback callback = {});

    // Commands sent but not yet answered.
    int pendingCount() const;
    // Hands what is queued for Redis to the kernel now, blocking until it is taken; false when not connected
    // or the write failed. Only for a process about to end on purpose (the fault hooks of test builds): the
    // event loop would otherwise write it on its next turn.
    bool writeOutNow();

signals:
    void connected();
    void disconnected();
    void connectionError(const QString& message);

private:
    struct Private;
    friend struct Private;
    RedisConfig m_config;
    std::unique_ptr<Private> d;
};

} // namespace mmf
