#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <vector>

namespace mmf {

class Clock;

// Runs replicas as local processes (mmf-worker, or a model's configured program). Processes are started
// detached, so a server that stops lets the workers it stopped finish their task in hand; their liveness is
// polled. A replica that exits without being asked is a crash: the next start of that model waits a backoff
// (1 s doubling to 30 s, reset once a replica has run a minute). Stopping sends SIGTERM (the worker finishes
// or gives back its task) and SIGKILL after the stop timeout.
class LocalDriver : public QObject
{
    Q_OBJECT
public:
    struct Launch
    {
        QString program;
        QStringList arguments;
        QProcessEnvironment environment; // carries the token (MMF_TOKEN): never on the command line
    };
    using LaunchFactory = std::function<Launch(const QByteArray& model)>;

    LocalDriver(const Clock& clock, LaunchFactory factory, QObject* parent = nullptr);
    ~LocalDriver() override;

    // What a replica inherits from the server's environment: only what a program needs to run (PATH, HOME,
    // the locale, TZ, TMPDIR, library and Python paths, sanitizer and Qt logging options), never the rest:
    // the server's own settings and secrets (MMF_REDIS_URL with its Redis password, ...) stay with it. The
    // caller adds the replica's own MMF_SERVER and MMF_TOKEN.
    static QProcessEnvironment replicaEnvironment(const QProcessEnvironment& server);

    // Starts or stops replicas until `count` run (starts may be held back by a crash backoff).
    void setReplicas(const QByteArray& model, int count);
    // Replicas running and not being stopped.
    int current(const QByteArray& model) const;
    // Replicas asked to stop that have not exited yet (they still hold their resources).
    int stopping(const QByteArray& model) const;
    // SIGTERM to every replica (leadership lost, shutdown).
    void stopAll();

    void setStopTimeoutMs(int ms) { m_stopTimeoutMs = ms; }

signals:
    void replicaStarted(const QByteArray& model, qint64 pid);
    void replicaExited(const QByteArray& model, qint64 pid, bool crashed);
    void startFailed(const QByteArray& model, const QString& message);

private:
    struct Replica
    {
        qint64 pid = 0;
        qint64 startedMs = 0;
        qint64 stopRequestedMs = 0; // 0: running
    };
    struct ModelState
    {
        std::vector<Replica> replicas;
        int backoffMs = 0;
        qint64 nextStartMs = 0;
    };
    void poll();
    void stopReplica(Replica& replica);

    const Clock& m_clock;
    LaunchFactory m_factory;
    QHash<QByteArray, ModelState> m_models;
    QTimer m_pollTimer;
    int m_stopTimeoutMs = 40000;
};

} // namespace mmf
