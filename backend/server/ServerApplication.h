#pragma once

#include "auth/SigningKey.h"
#include "config/ServerConfig.h"
#include "core/Clock.h"
#include "core/Result.h"
#include "gateway/GatewaySettings.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace mmf {

class ServerAuth;
class ServerHttp;
class ServerLeader;
class ServerScaling;
class ServerStorage;
class ServerTasks;
class ServingGate;

// mmf-server: the assemblies in the order they depend on each other — storage, auth, tasks, scaling, HTTP
// (every controller), leader duties — started in that order and, as members, destroyed in reverse.
class ServerApplication : public QObject
{
    Q_OBJECT
public:
    explicit ServerApplication(ServerConfig config, QObject* parent = nullptr);
    ~ServerApplication() override;

    // Data dir, signing key, Redis (embedded or external), gateway. On success prints
    // "listening on http://ADDR:PORT" on stdout; connections made before Redis is ready (at most 5 s) wait
    // to be answered (ServingGate).
    Result<void> start();
    // Stops accepting, closes WebSockets, stops the embedded Redis; emits finished().
    void shutdown();

    quint16 port() const { return m_port; }

signals:
    void finished(int exitCode);
    // After start(): the server takes connections (Redis ready, or the start's hold ran out). Once.
    void serving();

private:
    void pushStats();
    // Picks up `mmf-server keys rotate` (run by an operator on the shared key folder) and publishes the
    // retired keys with their grace.
    void checkSigningKey();

    ServerConfig m_config;
    SystemClock m_clock;
    GatewaySettings m_settings;
    SigningKey m_signingKey; // the minter and the accounts hold references to it: a rotation replaces it here
    quint16 m_port = 0;
    std::unique_ptr<ServerStorage> m_storage;
    std::unique_ptr<ServerAuth> m_auth;
    std::unique_ptr<ServerTasks> m_tasks;
    std::unique_ptr<ServerScaling> m_scaling;
    std::unique_ptr<ServerHttp> m_http;
    std::unique_ptr<ServingGate> m_gate; // holds m_http's connections until the server can answer them
    std::unique_ptr<ServerLeader> m_leader;
    QTimer m_statsTimer;
    QTimer m_keyFileTimer;
    bool m_shuttingDown = false;
};

} // namespace mmf
