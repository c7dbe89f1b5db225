// mmf-worker: hosts one built-in model, or a model run as a process (--exec, --exec-per-task). See
// WorkerOptions.h for the command line, WorkerApplication.h for what the process does.
#include "core/ServiceEventLoop.h"
#include "exec/ExecModels.h"
#include "models/BuiltinModels.h"
#include "worker/WorkerApplication.h"
#include "worker/WorkerOptions.h"

#include <QCoreApplication>
#include <QProcessEnvironment>

#include <csignal>
#include <cstdio>
#include <cstdlib>

int main(int argc, char* argv[])
{
    mmf::ServiceEventLoop::prepare();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mmf-worker"));

    QHash<QString, QString> environment;
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString& key : system.keys())
        environment.insert(key, system.value(key));

    const mmf::Result<mmf::WorkerOptions> options = mmf::WorkerOptions::parse(app.arguments(), environment);
    if (!options) {
        std::fprintf(stderr, "error: %s\n%s", qPrintable(options.error().message),
                     "Try 'mmf-worker --help'.\n");
        return mmf::WorkerApplication::Usage;
    }
    for (const QString& warning : options->warnings)
        std::fprintf(stderr, "warning: %s\n", qPrintable(warning));
    if (options->help) {
        std::fputs(qPrintable(mmf::WorkerOptions::usage()), stdout);
        return mmf::WorkerApplication::Ok;
    }

    mmf::WorkerApplication::ModelFactory factory = &mmf::BuiltinModels::create;
    if (options->isExec()) {
        // A model process that dies while we write to it must fail a task, not end the worker.
        std::signal(SIGPIPE, SIG_IGN);
        mmf::Result<std::unique_ptr<mmf::ModelBase>> model = mmf::ExecModels::create(*options, environment);
        if (!model) {
            std::fprintf(stderr, "error: %s\n", qPrintable(model.error().message));
            return mmf::WorkerApplication::Failure;
        }
        auto built = std::make_shared<std::unique_ptr<mmf::ModelBase>>(std::move(model).value());
        factory = [built](QStringView) { return std::move(*built); };
    }
    mmf::WorkerApplication worker(*options, std::move(factory), mmf::BuiltinModels::names());
    QObject::connect(&worker, &mmf::WorkerApplication::finished, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    if (const mmf::Result<void> started = worker.start(); !started) {
        std::fprintf(stderr, "error: %s\n", qPrintable(worker.startFailure().message));
        return worker.startFailure().exitCode;
    }
    if (worker.isDone())
        return worker.exitCode();

    const int code = app.exec();
    if (worker.needsHardExit()) {
        // Model code is still running on a thread that would outlive what it uses: leave without destructors.
        std::fflush(nullptr);
        std::_Exit(code);
    }
    return code;
}
