#include "scaler/LocalDriver.h"

#include "core/Clock.h"

#include <QLoggingCategory>
#include <QProcess>

#include <algorithm>
#include <cerrno>
#include <csignal>

#include <sys/types.h>

Q_LOGGING_CATEGORY(lcDriver, "mmf.scaler.driver")

namespace mmf {

namespace {
constexpr int kPollMs = 250;
constexpr int kFirstBackoffMs = 1000;
constexpr int kMaxBackoffMs = 30000;
constexpr qint64 kHealthyRunMs = 60000;

const QStringList kInherited{
    QStringLiteral("PATH"),
    QStringLiteral("HOME"),
    QStringLiteral("USER"),
    QStringLiteral("LOGNAME"),
    QStringLiteral("LANG"),
    QStringLiteral("LANGUAGE"),
    QStringLiteral("TZ"),
    QStringLiteral("TMPDIR"),
    QStringLiteral("LD_LIBRARY_PATH"),
    QStringLiteral("PYTHONPATH"),
    QStringLiteral("PYTHONHOME"),
    QStringLiteral("QT_LOGGING_RULES"),
    QStringLiteral("ASAN_OPTIONS"),
    QStringLiteral("UBSAN_OPTIONS"),
    QStringLiteral("LSAN_OPTIONS"),
    // The operator's choice of event loops (ServiceEventLoop) holds for replicas too.
    QStringLiteral("MMF_EVENT_DISPATCHER"),
    QStringLiteral("QT_NO_GLIB"),
};

bool alive(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}
} // namespace

LocalDriver::LocalDriver(const Clock& clock, LaunchFactory factory, QObject* parent)
    : QObject(parent)
    , m_clock(clock)
    , m_factory(std::move(factory))
{
    connect(&m_pollTimer, &QTimer::timeout, this, &LocalDriver::poll);
    m_pollTimer.start(kPollMs);
}

LocalDriver::~LocalDriver()
{
    stopAll();
}

QProcessEnvironment LocalDriver::replicaEnvironment(const QProcessEnvironment& server)
{
    QProcessEnvironment out;
    for (const QString& name : server.keys()) {
        if (kInherited.contains(name) || name.startsWith(QLatin1String("LC_")))
            out.insert(name, server.value(name));
    }
    return out;
}

int LocalDriver::current(const QByteArray& model) const
{
    auto it = m_models.constFind(model);
    if (it == m_models.constEnd())
        return 0;
    return int(std::count_if(it->replicas.begin(), it->replicas.end(),
                             [](const Replica& r) { return r.stopRequestedMs == 0; }));
}

int LocalDriver::stopping(const QByteArray& model) const
{
    auto it = m_models.constFind(model);
    if (it == m_models.constEnd())
        return 0;
    return int(it->replicas.size()) - current(model);
}

void LocalDriver::setReplicas(const QByteArray& model, int count)
{
    ModelState& state = m_models[model];
    int running = current(model);
    while (running > count) {
        // The newest first: the oldest have warmed up.
        for (auto it = state.replicas.rbegin(); it != state.replicas.rend(); ++it) {
            if (it->stopRequestedMs == 0) {
                stopReplica(*it);
                break;
            }
        }
        --running;
    }
    const qint64 now = m_clock.nowMs();
    while (running < count && now >= state.nextStartMs) {
        const Launch launch = m_factory(model);
        QProcess process;
        process.setProgram(launch.program);
        process.setArguments(launch.arguments);
        process.setProcessEnvironment(launch.environment);
        process.setStandardInputFile(QProcess::nullDevice());
        process.setStandardOutputFile(QProcess::nullDevice());
        qint64 pid = 0;
        if (!process.startDetached(&pid) || pid <= 0) {
            state.backoffMs =
                state.backoffMs == 0 ? kFirstBackoffMs : std::min(kMaxBackoffMs, state.backoffMs * 2);
            state.nextStartMs = now + state.backoffMs;
            emit startFailed(
                model, QStringLiteral("cannot start %1: %2").arg(launch.program, process.errorString()));
            return;
        }
        state.replicas.push_back(Replica{pid, now, 0});
        ++running;
        qCInfo(lcDriver) << "started a replica of" << model << "pid" << pid;
        emit replicaStarted(model, pid);
    }
}

void LocalDriver::stopReplica(Replica& replica)
{
    replica.stopRequestedMs = m_clock.nowMs();
    ::kill(pid_t(replica.pid), SIGTERM);
}

void LocalDriver::stopAll()
{
    for (ModelState& state : m_models) {
        for (Replica& replica : state.replicas) {
            if (replica.stopRequestedMs == 0)
                stopReplica(replica);
        }
    }
}

void LocalDriver::poll()
{
    const qint64 now = m_clock.nowMs();
    struct Exit
    {
        QByteArray model;
        qint64 pid;
        bool crashed;
    };
    std::vector<Exit> exits; // signalled after the walk: a slot may change m_models
    for (auto it = m_models.begin(); it != m_models.end(); ++it) {
        ModelState& state = it.value();
        for (size_t i = 0; i < state.replicas.size();) {
            Replica& replica = state.replicas[i];
            if (alive(replica.pid)) {
                if (replica.stopRequestedMs > 0 && now - replica.stopRequestedMs > m_stopTimeoutMs)
                    ::kill(pid_t(replica.pid), SIGKILL);
                ++i;
                continue;
            }
            const bool crashed = replica.stopRequestedMs == 0;
            if (crashed) {
                if (now - replica.startedMs >= kHealthyRunMs)
                    state.backoffMs = 0;
                state.backoffMs =
                    state.backoffMs == 0 ? kFirstBackoffMs : std::min(kMaxBackoffMs, state.backoffMs * 2);
                state.nextStartMs = now + state.backoffMs;
                qCWarning(lcDriver) << "a replica of" << it.key() << "exited unasked, pid" << replica.pid
                                    << "; next start in" << state.backoffMs << "ms";
            }
            const qint64 pid = replica.pid;
            state.replicas.erase(state.replicas.begin() + qsizetype(i));
            exits.push_back(Exit{it.key(), pid, crashed});
        }
    }
    for (const Exit& exit : exits)
        emit replicaExited(exit.model, exit.pid, exit.crashed);
}

} // namespace mmf
