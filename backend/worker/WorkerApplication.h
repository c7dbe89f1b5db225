#pragma once

#include "auth/TokenCodec.h"
#include "core/Clock.h"
#include "core/Result.h"
#include "http/Router.h"
#include "worker/ModelDescription.h"
#include "worker/WorkerOptions.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace mmf {

class HttpServer;
class ModelBase;
class RegistryClient;
class UnixSignalWatcher;
class WorkerMetrics;
class WorkerRuntime;

// The mmf-worker process: builds the model, serves GET /ping and GET /descriptors, registers with the server
// (retrying while the server is unreachable or answers 5xx; a 4xx refusal ends the process with exit code 3),
// runs the WorkerRuntime and, on SIGTERM/SIGINT, drains, gives back what is left, logs out and finishes.
class WorkerApplication : public QObject
{
    Q_OBJECT
public:
    enum ExitCode
    {
        Ok = 0,
        Failure = 1,
        Usage = 2,
        Refused = 3
    };
    struct StartFailure
    {
        int exitCode = Failure;
        QString message;
    };
    using ModelFactory = std::function<std::unique_ptr<ModelBase>(QStringView name)>;

    // `knownModels` only makes the "unknown model" message helpful.
    WorkerApplication(WorkerOptions options, ModelFactory factory, QStringList knownModels,
                      QObject* parent = nullptr);
    ~WorkerApplication() override;

    // Sets everything up and returns at once; the rest happens in the event loop and ends with finished().
    // With --describe, prints the description on stdout and is done (isDone()) without contacting anything.
    Result<void> start(); // on failure, see startFailure()
    const StartFailure& startFailure() const { return m_failure; }

    bool isDone() const { return m_done; }
    int exitCode() const { return m_exitCode; }
    // Model code did not return when asked to stop: exit without running destructors.
    bool needsHardExit() const { return m_hardExit; }
    quint16 pingPort() const { return m_pingPort; }
    QString instanceName() const { return m_instanceName; }

signals:
    void finished(int exitCode);

private:
    Result<void> fail(int exitCode, QString message);
    void setUpRoutes();
    void registerNow();
    void onSignal(int signalNumber);
    void onRuntimeStopped();
    // After the server rotated the model's Redis password (serve revoked from someone): fetch the current
    // one.
    void refreshRedisCredentials();
    void finish(int exitCode);
    QByteArray pingJson() const;

    WorkerOptions m_options;
    ModelFactory m_factory;
    QStringList m_knownModels;
    StartFailure m_failure;
    SystemClock m_clock;
    TokenVerifier m_verifier;
    std::unique_ptr<ModelBase> m_model;
    ModelDescription m_description;
    QString m_instanceName;
    QString m_instanceId;
    QDateTime m_startedAt;
    Router m_router;
    std::unique_ptr<HttpServer> m_http;
    quint16 m_pingPort = 0;
    std::unique_ptr<UnixSignalWatcher> m_signals;
    std::unique_ptr<RegistryClient> m_registry;
    std::unique_ptr<WorkerRuntime> m_runtime;
    std::unique_ptr<WorkerMetrics> m_metrics;
    QTimer m_registerRetry;
    int m_registerBackoffMs = 0;
    bool m_stopping = false;
    bool m_fetchingCredentials = false;
    bool m_done = false;
    bool m_hardExit = false;
    int m_exitCode = Ok;
};

} // namespace mmf
