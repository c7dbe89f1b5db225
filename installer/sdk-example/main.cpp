// upper-worker: mmf-worker's command line (--model upper --server URL --token-file PATH ...) for a model of
// one's own. The runtime registers it, takes its tasks, streams its log lines and stores its results.
#include "UpperModel.h"

#include <worker/WorkerApplication.h>
#include <worker/WorkerOptions.h>

#include <QCoreApplication>
#include <QProcessEnvironment>

#include <cstdio>
#include <cstdlib>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QHash<QString, QString> environment;
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString& key : system.keys())
        environment.insert(key, system.value(key));

    const mmf::Result<mmf::WorkerOptions> options = mmf::WorkerOptions::parse(app.arguments(), environment);
    if (!options) {
        std::fprintf(stderr, "error: %s\n", qPrintable(options.error().message));
        return mmf::WorkerApplication::Usage;
    }
    if (options->help) {
        std::fputs(qPrintable(mmf::WorkerOptions::usage()), stdout);
        return mmf::WorkerApplication::Ok;
    }
    const auto factory = [](QStringView name) -> std::unique_ptr<mmf::ModelBase> {
        if (name == u"upper")
            return std::make_unique<UpperModel>();
        return nullptr;
    };
    mmf::WorkerApplication worker(*options, factory, {QStringLiteral("upper")});
    QObject::connect(&worker, &mmf::WorkerApplication::finished, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    if (!worker.start()) {
        std::fprintf(stderr, "error: %s\n", qPrintable(worker.startFailure().message));
        return worker.startFailure().exitCode;
    }
    if (worker.isDone())
        return worker.exitCode();
    const int code = app.exec();
    if (worker.needsHardExit()) {
        std::fflush(nullptr);
        std::_Exit(code); // model code still running on a thread: leave without destructors
    }
    return code;
}
