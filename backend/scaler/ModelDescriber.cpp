#include "scaler/ModelDescriber.h"

#include "broker/BrokerKeys.h"
#include "core/Clock.h"
#include "redis/RedisClient.h"
#include "scaler/LocalDriver.h"
#include "schema/DescriptorSet.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>

#include <memory>

namespace mmf {

namespace {
constexpr int kDescribeTimeoutMs = 15000;
}

ModelDescriber::ModelDescriber(RedisClient& redis, const Clock& clock, QString workerProgram)
    : m_redis(redis)
    , m_clock(clock)
    , m_workerProgram(workerProgram.isEmpty() ? defaultWorkerProgram() : std::move(workerProgram))
{}

QString ModelDescriber::defaultWorkerProgram()
{
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString& candidate :
         {dir + QStringLiteral("/../worker/mmf-worker"), dir + QStringLiteral("/mmf-worker")}) {
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).canonicalFilePath();
    }
    return QStringLiteral("mmf-worker"); // from PATH
}

void ModelDescriber::describe(const QByteArray& model, const QByteArray& project, const QString& command,
                              std::function<void(Result<void>)> done)
{
    // Owned by itself: deleted (with its timer) once finished.
    auto* process = new QProcess();
    auto* timer = new QTimer(process);
    auto finished = std::make_shared<bool>(false);
    timer->setSingleShot(true);
    const QString program = programFor(command);
    auto finish = [=, this](int exitCode, bool ok) {
        if (*finished)
            return;
        *finished = true;
        timer->stop();
        const QByteArray out = process->readAllStandardOutput();
        const QByteArray err = process->readAllStandardError().trimmed();
        process->deleteLater();
        if (!ok || exitCode != 0) {
            done(Error::invalidArgument(
                QStringLiteral("model %1 cannot be started here: it is not a built-in model and has no "
                               "configured command (%2 --model %1 --describe: %3)")
                    .arg(QString::fromUtf8(model), QFileInfo(program).fileName(),
                         err.isEmpty() ? QStringLiteral("exit code %1").arg(exitCode)
                                       : QString::fromUtf8(err.left(300)))));
            return;
        }
        const QJsonObject json = QJsonDocument::fromJson(out.trimmed()).object();
        const QByteArray set =
            QByteArray::fromBase64(json.value(QStringLiteral("descriptor_set")).toString().toLatin1());
        Result<std::shared_ptr<const DescriptorSet>> parsed = DescriptorSet::fromSerialized(set);
        const QByteArray requestType = json.value(QStringLiteral("request_type")).toString().toUtf8();
        const QByteArray responseType = json.value(QStringLiteral("response_type")).toString().toUtf8();
        if (!parsed || requestType.isEmpty() || responseType.isEmpty()) {
            done(Error::invalidArgument(
                QStringLiteral("%1 --model %2 --describe printed no usable description")
                    .arg(QFileInfo(program).fileName(), QString::fromUtf8(model))));
            return;
        }
        const QByteArray key = BrokerKeys::modelInfo(model);
        const QByteArray now = QByteArray::number(m_clock.nowMs());
        // Like the register script: fields only where none are stored, so a registered model keeps its own.
        for (const auto& [field, value] :
             std::initializer_list<std::pair<QByteArray, QByteArray>>{{"hash", (*parsed)->canonicalHash()},
                                                                      {"project", project},
                                                                      {"request_type", requestType},
                                                                      {"response_type", responseType},
                                                                      {"descriptor_set", set},
                                                                      {"created_at", now},
                                                                      {"metadata", "{}"}})
            m_redis.command({"HSETNX", key, field, value});
        m_redis.command({"XGROUP", "CREATE", BrokerKeys::tasks(model), BrokerKeys::kGroup, "0", "MKSTREAM"});
        m_redis.command({"SADD", BrokerKeys::modelSet(), model}, [done](const RedisReply& reply) {
            if (reply.isError()) {
                done(Error::unavailable(
                    QStringLiteral("the catalogue is unavailable: %1").arg(reply.toString())));
                return;
            }
            done(Result<void>());
        });
    };
    QObject::connect(process, &QProcess::finished, process,
                     [finish](int exitCode, QProcess::ExitStatus status) {
                         finish(exitCode, status == QProcess::NormalExit);
                     });
    QObject::connect(process, &QProcess::errorOccurred, process, [finish](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            finish(-1, false);
    });
    QObject::connect(timer, &QTimer::timeout, process, [process, finish] {
        process->kill();
        finish(-1, false);
    });
    timer->start(kDescribeTimeoutMs);
    // The configured program runs without the server's secrets, like its replicas.
    process->setProcessEnvironment(LocalDriver::replicaEnvironment(QProcessEnvironment::systemEnvironment()));
    process->start(program,
                   {QStringLiteral("--model"), QString::fromUtf8(model), QStringLiteral("--describe")});
}

} // namespace mmf
